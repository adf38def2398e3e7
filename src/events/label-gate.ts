import type { StoredEvent } from './event.js';

/** The verdict of the blocking webhooks on a label update. */
export type GateVerdict = { allow: true } | { allow: false; reason: string; webhookId?: string };

/**
 * The seam where blocking `BEFORE_UPDATE_LABELS` webhooks are called before a label update commits.
 * The label-update domain calls `check` after validating the update and before committing it; the
 * delivery engine provides the real implementation.
 */
export interface LabelGate {
  check(event: StoredEvent): Promise<GateVerdict>;
}

/** A gate with no blocking webhooks: every update goes through. */
export const openGate: LabelGate = {
  check: async () => ({ allow: true }),
};
