import { createHmac, timingSafeEqual } from 'node:crypto';
import type { AppContext } from '../app-context.js';
import { resolveSecretKey } from '../webhooks/transport/secret-key-source.js';

/** What a download link's check found: usable, past its expiry, or not signed by this server for this job and team. */
export type LinkCheck = 'ok' | 'expired' | 'invalid';

const keys = new WeakMap<AppContext, Buffer>();

/**
 * The key download links are signed with: derived from the server's secret key (LABELHOOK_SECRET_KEY or the key
 * file), so every process of an installation signs and checks alike, and never the secret key itself.
 */
function signingKey(ctx: AppContext): Buffer {
  let key = keys.get(ctx);
  if (!key) {
    const secret = resolveSecretKey({ configured: ctx.config.secretKey, sqlitePath: ctx.store.sqlitePath });
    key = createHmac('sha256', secret).update('labelhook export download links v1').digest();
    keys.set(ctx, key);
  }
  return key;
}

function signature(ctx: AppContext, jobId: string, teamId: string, expires: number): string {
  // The team is signed in: a link names one job of one team and cannot be turned into another's.
  return createHmac('sha256', signingKey(ctx)).update(`${jobId}\n${teamId}\n${expires}`).digest('base64url');
}

/** A download URL for `jobId` of `teamId` that works until `expires` (epoch ms). */
export function downloadUrl(ctx: AppContext, jobId: string, teamId: string, expires: number): string {
  const qs = new URLSearchParams({ expires: String(expires), sig: signature(ctx, jobId, teamId, expires) });
  return `${ctx.config.publicUrl}/api/v1/exports/${encodeURIComponent(jobId)}/download?${qs}`;
}

/** Checks a download link's `expires` and `sig` against the job's team; a bad signature is `invalid` even when also expired. */
export function checkDownloadLink(ctx: AppContext, jobId: string, teamId: string, expires: string, sig: string): LinkCheck {
  if (!/^\d{1,15}$/.test(expires)) return 'invalid';
  const expected = Buffer.from(signature(ctx, jobId, teamId, Number(expires)));
  const given = Buffer.from(sig);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return 'invalid';
  return Number(expires) <= ctx.clock() ? 'expired' : 'ok';
}
