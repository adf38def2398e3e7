import type { Role } from './api/types.ts';

// What each role sees mirrors what the API lets it do (docs/api.md, Roles): the console hides what would be a 403.

/** Admins set up projects, documents, members, keys and webhooks. */
export const canSetUp = (role: Role): boolean => role === 'admin';

/** Reviewers and admins label and complete in reviewer mode. */
export const canReview = (role: Role): boolean => role === 'admin' || role === 'reviewer';

/** Labelers and admins mark a project complete in labeler mode (reviewers may not). */
export const canCompleteProject = (role: Role): boolean => role === 'admin' || role === 'labeler';
