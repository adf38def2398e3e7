import type { Selectable } from 'kysely';
import type { AppContext } from '../../app-context.js';
import { chunked } from '../../domain/chunked.js';
import { preparedQuery } from '../../store/db.js';
import type { WebhookTable } from '../../store/schema.js';
import type { WebhookRuntime } from '../webhook-runtime.js';
import { decodeWebhook, type Webhook } from '../admin/webhook-store.js';

/** The delivery worker's view of webhooks: decrypted once per version, re-read on demand. */
export interface WorkerWebhooks {
  /** The current version of each listed webhook that is enabled and usable; a missing id means "drop its work". */
  load(ids: string[]): Promise<Map<string, Webhook>>;
  /**
   * Like load, but answers from memory what was read within one poll interval. A webhook `versions` names (the
   * fan-out pass that created the deliveries read it just now) is answered from memory when of that version, read
   * again when not: a new delivery waits for no read, and an edited webhook's is sent as edited.
   */
  recent(ids: string[], versions?: ReadonlyMap<string, number>): Promise<Map<string, Webhook>>;
  /** Webhooks whose secrets could not be decrypted lately: they sit out claims for a lease's length. */
  unusable(now: number): string[];
  isUnusable(id: string): boolean;
}

// Every claim re-reads the webhooks its worker holds work for: compiled once (a named statement on PostgreSQL).
const selectWebhooks = preparedQuery<{ ids: readonly string[] }, Selectable<WebhookTable>>((db, param) => db.selectFrom('webhooks').selectAll().where('id', 'in', param.list('ids')));

/** A new webhook view for one worker. */
export function createWorkerWebhooks(ctx: AppContext, runtime: WebhookRuntime): WorkerWebhooks {
  const { config, logger } = ctx;
  const cache = new Map<string, { updatedAt: number; fetchedAt: number; webhook: Webhook }>();
  const undecryptable = new Map<string, number>();

  async function load(ids: string[]): Promise<Map<string, Webhook>> {
    const out = new Map<string, Webhook>();
    for (const part of chunked(ids)) {
      const rows = await selectWebhooks(ctx.store.db, { ids: part });
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
    async recent(ids, versions) {
      const now = ctx.clock();
      const out = new Map<string, Webhook>();
      const stale: string[] = [];
      for (const id of ids) {
        const hit = cache.get(id);
        const seen = versions?.get(id);
        // The version the pass read decides where there is one; the age of the cached read otherwise.
        const fresh = hit !== undefined && (seen !== undefined ? hit.updatedAt === seen : now - hit.fetchedAt < config.pollIntervalMs);
        if (fresh) out.set(id, hit.webhook);
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
