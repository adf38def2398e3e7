import type { AppContext } from '../../app-context.js';
import { chunked } from '../../domain/chunked.js';
import type { WebhookRuntime } from '../webhook-runtime.js';
import { decodeWebhook, type Webhook } from '../admin/webhook-store.js';

/** The delivery worker's view of webhooks: decrypted once per version, re-read on demand. */
export interface WorkerWebhooks {
  /** The current version of each listed webhook that is enabled and usable; a missing id means "drop its work". */
  load(ids: string[]): Promise<Map<string, Webhook>>;
  /** Like load, but answers from memory what was read within one poll interval. */
  recent(ids: string[]): Promise<Map<string, Webhook>>;
  /** Webhooks whose secrets could not be decrypted lately: they sit out claims for a lease's length. */
  unusable(now: number): string[];
  isUnusable(id: string): boolean;
}

/** A new webhook view for one worker. */
export function createWorkerWebhooks(ctx: AppContext, runtime: WebhookRuntime): WorkerWebhooks {
  const { config, logger } = ctx;
  const cache = new Map<string, { updatedAt: number; fetchedAt: number; webhook: Webhook }>();
  const undecryptable = new Map<string, number>();

  async function load(ids: string[]): Promise<Map<string, Webhook>> {
    const out = new Map<string, Webhook>();
    for (const part of chunked(ids)) {
      const rows = await ctx.store.db.selectFrom('webhooks').selectAll().where('id', 'in', part).execute();
      for (const row of rows) {
        if (row.enabled !== 1) continue;
        const hit = cache.get(row.id);
        // Decrypt once per webhook version, not once per delivery.
        if (hit && hit.updatedAt === Number(row.updated_at)) {
          hit.fetchedAt = ctx.clock();
          out.set(row.id, hit.webhook);
          continue;
        }
        let webhook: Webhook;
        try {
          webhook = decodeWebhook(row, runtime.box);
        } catch (err) {
          // One undecryptable webhook (a changed LABELHOOK_SECRET_KEY) must not stall the others claimed with it:
          // its deliveries go back and it sits out the claims for a lease's length.
          logger.error({ err, webhookId: row.id }, 'cannot decrypt webhook secrets; its deliveries wait');
          undecryptable.set(row.id, ctx.clock() + config.leaseMs);
          continue;
        }
        cache.set(row.id, { updatedAt: Number(row.updated_at), fetchedAt: ctx.clock(), webhook });
        out.set(row.id, webhook);
      }
    }
    return out;
  }

  return {
    load,
    async recent(ids) {
      const now = ctx.clock();
      const out = new Map<string, Webhook>();
      const stale: string[] = [];
      for (const id of ids) {
        const hit = cache.get(id);
        if (hit && now - hit.fetchedAt < config.pollIntervalMs) out.set(id, hit.webhook);
        else stale.push(id);
      }
      if (stale.length > 0) for (const [id, w] of await load(stale)) out.set(id, w);
      return out;
    },
    unusable(now) {
      for (const [id, until] of undecryptable) if (until <= now) undecryptable.delete(id);
      return [...undecryptable.keys()];
    },
    isUnusable: (id) => undecryptable.has(id),
  };
}
