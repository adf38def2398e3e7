import type { Kysely, Selectable, Transaction } from 'kysely';
import { ConflictError, LabelhookError, NotFoundError } from '../../errors.js';
import type { DatabaseSchema, WebhookTable } from '../../store/schema.js';
import type { WebhookFormatName } from '../formats/format.js';
import type { SecretBox } from '../transport/secret-box.js';

export type Db = Kysely<DatabaseSchema> | Transaction<DatabaseSchema>;
export type WebhookRow = Selectable<WebhookTable>;

/** Batching of a webhook: one request per `maxSize` records or `maxWaitMs`, whichever comes first. */
export interface BatchSettings {
  maxSize: number;
  maxWaitMs: number;
}

/** A webhook with its JSON columns parsed and its secrets and headers decrypted: what the sender needs. */
export interface Webhook {
  id: string;
  teamId: string;
  projectId: string | null;
  url: string;
  description: string;
  enabled: boolean;
  events: string[];
  format: WebhookFormatName;
  headers: Record<string, string>;
  secret: string;
  previousSecret: string | null;
  previousSecretExpiresAt: number | null;
  sendPayload: boolean;
  batch: BatchSettings | null;
  /** Largest request body this webhook is sent; list events go out in parts that fit. */
  maxBodyBytes: number;
  ordered: boolean;
  blocking: boolean;
  failMode: 'open' | 'closed';
  disabledReason: string | null;
  failingSince: number | null;
  ephemeral: boolean;
  createdAt: number;
  updatedAt: number;
}

/** Parses a webhook row, decrypting its secrets and custom headers with `box`. */
export function decodeWebhook(row: WebhookRow, box: SecretBox): Webhook {
  return {
    id: row.id,
    teamId: row.team_id,
    projectId: row.project_id,
    url: row.url,
    description: row.description,
    enabled: row.enabled === 1,
    events: JSON.parse(row.events) as string[],
    format: row.format,
    headers: row.headers_enc ? (JSON.parse(box.open(row.headers_enc)) as Record<string, string>) : {},
    secret: box.open(row.secret_enc),
    previousSecret: row.previous_secret_enc ? box.open(row.previous_secret_enc) : null,
    previousSecretExpiresAt: row.previous_secret_expires_at === null ? null : Number(row.previous_secret_expires_at),
    sendPayload: row.send_payload === 1,
    batch: row.batch ? (JSON.parse(row.batch) as BatchSettings) : null,
    maxBodyBytes: Number(row.max_body_bytes),
    ordered: row.ordered === 1,
    blocking: row.blocking === 1,
    failMode: row.fail_mode,
    disabledReason: row.disabled_reason,
    failingSince: row.failing_since === null ? null : Number(row.failing_since),
    ephemeral: row.ephemeral === 1,
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}

/** A webhook for API answers: decoded like decodeWebhook, but a stored secret or header that cannot be decrypted marks it instead of failing. */
export interface ListedWebhook extends Webhook {
  /** A stored secret or custom header did not decrypt (altered, or sealed with another LABELHOOK_SECRET_KEY). */
  secretUnreadable: boolean;
}

/**
 * Like decodeWebhook, for listing and managing: one row that cannot be decrypted must not fail its neighbours'
 * answer. Its secrets read as empty and its headers as none, and `secretUnreadable` says so (rotate the secret
 * and set the headers again to repair it).
 */
export function decodeWebhookLenient(row: WebhookRow, box: SecretBox): ListedWebhook {
  let secretUnreadable = false;
  const lenient: SecretBox = {
    seal: box.seal,
    open(sealed) {
      try {
        return box.open(sealed);
      } catch (err) {
        if (!(err instanceof LabelhookError) || err.code !== 'secret_decrypt_failed') throw err;
        secretUnreadable = true;
        return sealed === row.headers_enc ? '{}' : '';
      }
    },
  };
  const webhook = decodeWebhook(row, lenient);
  return { ...webhook, previousSecret: webhook.previousSecret || null, secretUnreadable };
}

/** The webhook, unless its stored secret cannot be decrypted (409 `secret_unreadable`: it cannot sign until rotated). */
export function readable(w: ListedWebhook): ListedWebhook {
  if (!w.secretUnreadable) return w;
  throw new ConflictError(
    `Webhook ${w.id}'s stored secret or custom headers cannot be decrypted (altered, or sealed with another LABELHOOK_SECRET_KEY). Rotate its secret and set its headers again.`,
    { id: w.id },
    'secret_unreadable',
  );
}

/** The secrets a request is signed with at `now`: the current one, plus the previous one during a rotation overlap. */
export function signingSecrets(webhook: Pick<Webhook, 'secret' | 'previousSecret' | 'previousSecretExpiresAt'>, now: number): string[] {
  const { secret, previousSecret, previousSecretExpiresAt } = webhook;
  if (previousSecret !== null && previousSecretExpiresAt !== null && previousSecretExpiresAt > now) return [secret, previousSecret];
  return [secret];
}

/** The webhook row `id` of team `teamId`; NotFoundError when missing or another team's. */
export async function findWebhookRow(db: Db, teamId: string, id: string): Promise<WebhookRow> {
  const row = await db.selectFrom('webhooks').selectAll().where('id', '=', id).where('team_id', '=', teamId).executeTakeFirst();
  if (!row) throw new NotFoundError('Webhook', id);
  return row;
}
