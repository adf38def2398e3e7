import { ForbiddenError } from '../errors.js';
import type { Actor, TeamRef } from '../events/event.js';
import type { Principal } from './principal.js';

/** Throws ForbiddenError unless the caller has one of `roles`; an admin may do everything. */
export function requireRole(p: Principal, action: string, ...roles: Principal['role'][]): void {
  if (p.role === 'admin' || roles.includes(p.role)) return;
  throw new ForbiddenError(`A ${p.role} may not ${action}; this needs the role ${['admin', ...roles].join(' or ')}.`, {
    role: p.role,
    required: ['admin', ...roles],
  }, 'forbidden');
}

/** Throws ForbiddenError unless the caller is an admin of its team. */
export function requireAdmin(p: Principal, action: string): void {
  requireRole(p, action);
}

/** The event actor for a principal. */
export function actorOf(p: Principal): Actor {
  return { id: p.memberId, email: p.email, name: p.name, role: p.role, ...(p.memberNum === undefined ? {} : { num: p.memberNum }) };
}

/** The event team ref for a principal. */
export function teamOf(p: Principal): TeamRef {
  return { id: p.teamId, name: p.teamName, ...(p.teamNum === undefined ? {} : { num: p.teamNum }) };
}
