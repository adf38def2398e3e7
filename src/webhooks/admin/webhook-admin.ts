import type { AppContext } from '../../app-context.js';
import { resolveId } from '../../domain/id-alias.js';
import { getProject } from '../../domain/projects.js';
import { requireAdmin } from '../../domain/permissions.js';
import type { Principal } from '../../domain/principal.js';
import { ConflictError, NotFoundError, ValidationError } from '../../errors.js';
import { newId } from '../../ids.js';
import type { WebhookTable } from '../../store/schema.js';
import { BODY_LIMITS, validateMaxBodyBytes } from './body-limit.js';
import { getFormat } from '../formats/registry.js';
import { validateCustomHeaders } from './header-rules.js';
import { generateSecret } from '../transport/sign-standard.js';
import { checkUrlOnSave, parseWebhookUrl } from '../transport/ssrf-guard.js';
import { decodeWebhook, decodeWebhookLenient, findWebhookRow, readable, type BatchSettings, type Db } from './webhook-store.js';
import { normalizeEvents, validateBatch, validateBlocking, validateSecret } from './webhook-validation.js';
import { toSecretView, toWebhookView, type SecretView, type WebhookView } from './webhook-views.js';

/** The body of `POST /webhooks` (docs/webhooks.md). */
export interface NewWebhookInput {
  url: string;
  /** A project's string id or integer alias; null: every project of the team. */
  projectId?: string | number | null;
  events: string[];
  format?: string;
  headers?: Record<string, string>;
  secret?: string;
  sendPayload?: boolean;
  batch?: BatchSettings | null;
  maxBodyBytes?: number;
  ordered?: boolean;
  blocking?: boolean;
  failMode?: 'open' | 'closed';
  description?: string;
  enabled?: boolean;
}

/** The body of `PATCH /webhooks/{id}`: any field of a new webhook but the secret (rotate it instead). */
export type WebhookPatch = Partial<Omit<NewWebhookInput, 'secret'>>;

async function checkUrl(ctx: AppContext, url: string): Promise<string> {
  parseWebhookUrl(url);
  const rt = ctx.webhooks;
  await checkUrlOnSave(url, rt.policy, rt.lookup);
  return url;
}

async function checkProject(db: Db, teamId: string, projectId: string | number | null): Promise<string | null> {
  if (projectId === null) return null;
  try {
    return (await getProject(db, teamId, String(projectId))).id;
  } catch (err) {
    if (err instanceof NotFoundError) throw new ValidationError(`Project ${projectId} is not a project of your team.`, { projectId }, 'unknown_project');
    throw err;
  }
}

/** One team's webhooks multiply every change into that many requests: past the cap a new one is a 409. */
async function checkWebhookCap(ctx: AppContext, teamId: string): Promise<void> {
  const cap = ctx.config.maxWebhooksPerTeam;
  const { n } = await ctx.store.db
    .selectFrom('webhooks')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('team_id', '=', teamId)
    .where('ephemeral', '=', 0)
    .executeTakeFirstOrThrow();
  if (Number(n) >= cap) {
    throw new ConflictError(`Your team already has ${cap} webhooks, the most allowed; delete one first.`, { limit: cap }, 'webhook_limit_reached');
  }
}

/** Registers a webhook; answers it with its signing secret (the only answer besides `/secret` that shows it). */
export async function createWebhook(ctx: AppContext, p: Principal, input: NewWebhookInput): Promise<WebhookView & { secret: string }> {
  requireAdmin(p, 'manage webhooks');
  const events = normalizeEvents(input.events);
  const blocking = input.blocking ?? false;
  validateBlocking(blocking, events);
  const format = getFormat(input.format ?? 'standard').name;
  const headers = validateCustomHeaders(input.headers ?? {});
  const secret = input.secret === undefined ? generateSecret() : validateSecret(input.secret);
  const batch = validateBatch(input.batch ?? null);
  const maxBodyBytes = validateMaxBodyBytes(input.maxBodyBytes ?? BODY_LIMITS.default);
  const url = await checkUrl(ctx, input.url);
  const projectId = await checkProject(ctx.store.db, p.teamId, input.projectId ?? null);
  await checkWebhookCap(ctx, p.teamId);
  const { box } = ctx.webhooks;
  const now = ctx.clock();
  const row: WebhookTable = {
    id: newId('whk', now),
    team_id: p.teamId,
    project_id: projectId,
    url,
    description: input.description ?? '',
    enabled: input.enabled === false ? 0 : 1,
    events: JSON.stringify(events),
    format,
    headers_enc: Object.keys(headers).length > 0 ? box.seal(JSON.stringify(headers)) : null,
    secret_enc: box.seal(secret),
    previous_secret_enc: null,
    previous_secret_expires_at: null,
    send_payload: input.sendPayload === false ? 0 : 1,
    batch: batch ? JSON.stringify(batch) : null,
    ordered: input.ordered ? 1 : 0,
    blocking: blocking ? 1 : 0,
    fail_mode: input.failMode ?? 'open',
    disabled_reason: null,
    failing_since: null,
    ephemeral: 0,
    created_at: now,
    updated_at: now,
    max_body_bytes: maxBodyBytes,
  };
  await ctx.store.db.insertInto('webhooks').values(row).execute();
  return { ...toWebhookView(decodeWebhook(row, box), now), secret };
}

/** The team's webhooks (optionally of one project), oldest first, for cursor pagination. */
export async function listWebhooks(
  ctx: AppContext,
  p: Principal,
  page: { limit: number; afterId?: string; projectId?: string },
): Promise<WebhookView[]> {
  requireAdmin(p, 'manage webhooks');
  let q = ctx.store.db.selectFrom('webhooks').selectAll().where('team_id', '=', p.teamId).where('ephemeral', '=', 0);
  if (page.afterId) q = q.where('id', '>', page.afterId);
  if (page.projectId) q = q.where('project_id', '=', await resolveId(ctx.store.db, 'projects', p.teamId, page.projectId));
  const rows = await q.orderBy('id').limit(page.limit + 1).execute();
  const { box } = ctx.webhooks;
  const now = ctx.clock();
  return rows.map((r) => toWebhookView(decodeWebhookLenient(r, box), now));
}

/** One webhook of the caller's team. */
export async function readWebhook(ctx: AppContext, p: Principal, id: string): Promise<WebhookView> {
  requireAdmin(p, 'manage webhooks');
  const row = await findWebhookRow(ctx.store.db, p.teamId, id);
  return toWebhookView(decodeWebhookLenient(row, ctx.webhooks.box), ctx.clock());
}

/** Changes a webhook; re-enabling one that labelhook disabled clears the reason and the failure streak. */
export async function updateWebhook(ctx: AppContext, p: Principal, id: string, patch: WebhookPatch): Promise<WebhookView> {
  requireAdmin(p, 'manage webhooks');
  const { box } = ctx.webhooks;
  const db = ctx.store.db;
  const current = decodeWebhookLenient(await findWebhookRow(db, p.teamId, id), box);
  const events = patch.events !== undefined ? normalizeEvents(patch.events) : current.events;
  const blocking = patch.blocking ?? current.blocking;
  validateBlocking(blocking, events);
  const set: Partial<WebhookTable> = { events: JSON.stringify(events), blocking: blocking ? 1 : 0, updated_at: ctx.clock() };
  if (patch.url !== undefined && patch.url !== current.url) set.url = await checkUrl(ctx, patch.url);
  if (patch.projectId !== undefined) set.project_id = await checkProject(db, p.teamId, patch.projectId);
  if (patch.format !== undefined) set.format = getFormat(patch.format).name;
  if (patch.headers !== undefined) {
    const headers = validateCustomHeaders(patch.headers);
    set.headers_enc = Object.keys(headers).length > 0 ? box.seal(JSON.stringify(headers)) : null;
  }
  if (patch.sendPayload !== undefined) set.send_payload = patch.sendPayload ? 1 : 0;
  if (patch.batch !== undefined) {
    const batch = validateBatch(patch.batch);
    set.batch = batch ? JSON.stringify(batch) : null;
  }
  if (patch.maxBodyBytes !== undefined) set.max_body_bytes = validateMaxBodyBytes(patch.maxBodyBytes);
  if (patch.ordered !== undefined) set.ordered = patch.ordered ? 1 : 0;
  if (patch.failMode !== undefined) set.fail_mode = patch.failMode;
  if (patch.description !== undefined) set.description = patch.description;
  if (patch.enabled !== undefined) {
    set.enabled = patch.enabled ? 1 : 0;
    if (patch.enabled && !current.enabled) {
      set.disabled_reason = null;
      set.failing_since = null;
    }
  }
  await db.updateTable('webhooks').set(set).where('id', '=', id).where('team_id', '=', p.teamId).execute();
  // Its waiting deliveries are due again: the delivery worker claims them now, not at its next poll.
  if (patch.enabled === true) ctx.commitSignal.emit('deliveriesDue');
  return readWebhook(ctx, p, id);
}

/** Deletes a webhook with its delivery log. */
export async function deleteWebhook(ctx: AppContext, p: Principal, id: string): Promise<void> {
  requireAdmin(p, 'manage webhooks');
  await findWebhookRow(ctx.store.db, p.teamId, id);
  await ctx.store.db.transaction().execute(async (trx) => {
    // Explicit rather than relying on ON DELETE CASCADE alone: it keeps the order (attempts, deliveries,
    // webhook) the same on both databases.
    const deliveryIds = trx.selectFrom('deliveries').select('id').where('webhook_id', '=', id);
    await trx.deleteFrom('attempts').where('delivery_id', 'in', deliveryIds).execute();
    await trx.deleteFrom('deliveries').where('webhook_id', '=', id).execute();
    await trx.deleteFrom('webhooks').where('id', '=', id).where('team_id', '=', p.teamId).execute();
  });
}

/** The webhook's signing secret(s). */
export async function readSecret(ctx: AppContext, p: Principal, id: string): Promise<SecretView> {
  requireAdmin(p, 'read webhook secrets');
  const row = await findWebhookRow(ctx.store.db, p.teamId, id);
  return toSecretView(readable(decodeWebhookLenient(row, ctx.webhooks.box)), ctx.clock());
}

/**
 * Replaces the signing secret; the old one keeps signing (a second signature on every request) for the
 * configured overlap, so receivers can switch without dropping a request.
 */
export async function rotateSecret(ctx: AppContext, p: Principal, id: string, input: { secret?: string }): Promise<SecretView> {
  requireAdmin(p, 'rotate webhook secrets');
  const { box } = ctx.webhooks;
  const listed = decodeWebhookLenient(await findWebhookRow(ctx.store.db, p.teamId, id), box);
  // An unreadable secret is replaced outright: there is nothing to keep signing with during an overlap.
  const current = listed.secret === '' ? null : listed.secret;
  const next = input.secret === undefined ? generateSecret() : validateSecret(input.secret);
  const now = ctx.clock();
  await ctx.store.db
    .updateTable('webhooks')
    .set({
      secret_enc: box.seal(next),
      previous_secret_enc: current === null ? null : box.seal(current),
      previous_secret_expires_at: current === null ? null : now + ctx.config.secretRotationOverlapMs,
      updated_at: now,
    })
    .where('id', '=', id)
    .execute();
  return readSecret(ctx, p, id);
}
