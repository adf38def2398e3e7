import { hostname } from 'node:os';
import { sql, type ExpressionBuilder, type Selectable } from 'kysely';
import type { AppContext } from '../app-context.js';
import { toProjectRef } from '../domain/views.js';
import type { Actor } from '../events/event.js';
import { appendEvent, outboxTransaction } from '../events/outbox.js';
import { newId } from '../ids.js';
import type { DatabaseSchema, ExportJobTable } from '../store/schema.js';
import { downloadUrl } from './download-link.js';
import { writeExportFile } from './export-files.js';
import { exportStream } from './export-stream.js';
import { pruneExportFiles } from './export-pruning.js';
import { onExportQueued } from './runner-wake.js';

/** Tries per job before it fails with EXPORT_FAILED. */
export const MAX_EXPORT_ATTEMPTS = 3;

/** How often an idle runner looks for jobs queued by other processes. */
const POLL_MS = 1_000;

/** How often old export files are pruned (first run shortly after start). */
export const EXPORT_PRUNE_EVERY_MS = 10 * 60_000;

type Job = Selectable<ExportJobTable>;

/** Claims the oldest queued job, or a running one whose process died (its lease ran out). */
async function claimJob(ctx: AppContext, owner: string): Promise<Job | null> {
  const now = ctx.clock();
  const claimable = (eb: ExpressionBuilder<DatabaseSchema, 'export_jobs'>) =>
    eb.or([eb('state', '=', 'queued'), eb.and([eb('state', '=', 'running'), eb('lease_expires_at', '<', now)])]);
  const candidate = await ctx.store.db.selectFrom('export_jobs').select('id').where(claimable).orderBy('created_at').limit(1).executeTakeFirst();
  if (!candidate) return null;
  // The same condition again: of two runners racing for one job, one update matches.
  const res = await ctx.store.db
    .updateTable('export_jobs')
    .set({ state: 'running', lease_owner: owner, lease_expires_at: now + ctx.config.leaseMs, attempts: sql<number>`attempts + 1`, updated_at: now })
    .where('id', '=', candidate.id)
    .where(claimable)
    .executeTakeFirst();
  if (Number(res.numUpdatedRows) !== 1) return null;
  return (await ctx.store.db.selectFrom('export_jobs').selectAll().where('id', '=', candidate.id).executeTakeFirst()) ?? null;
}

async function actorOfMember(ctx: AppContext, memberId: string | null): Promise<Actor | null> {
  if (memberId === null) return null;
  const m = await ctx.store.db.selectFrom('members').select(['id', 'email', 'name', 'role']).where('id', '=', memberId).executeTakeFirst();
  return m ? { id: m.id, email: m.email, name: m.name, role: m.role } : null;
}

/** Writes the job's file, then marks it completed and emits EXPORT_COMPLETED in one transaction. */
async function runJob(ctx: AppContext, job: Job, owner: string, signal: AbortSignal): Promise<void> {
  const db = ctx.store.db;
  const project = await db.selectFrom('projects').selectAll().where('id', '=', job.project_id).executeTakeFirst();
  const team = await db.selectFrom('teams').select(['id', 'name']).where('id', '=', job.team_id).executeTakeFirst();
  if (!project || !team) return; // deleted meanwhile: the job row went with the project
  const stream = exportStream(db, project, team, { format: job.format, status: job.status_filter, since: job.since });
  const fileName = `${job.id}.${stream.format.extension}`;
  const file = await writeExportFile(ctx, fileName, stream.chunks, signal);
  const now = ctx.clock();
  const expires = now + ctx.config.exportLinkTtlMs;
  const actor = await actorOfMember(ctx, job.requested_by);
  await outboxTransaction(ctx).execute(async (trx) => {
    const res = await trx
      .updateTable('export_jobs')
      .set({
        state: 'completed',
        file_name: fileName,
        byte_size: file.byteSize,
        sha256: file.sha256,
        document_count: stream.counts.documents,
        label_count: stream.counts.labels,
        error: null,
        lease_owner: null,
        lease_expires_at: null,
        completed_at: now,
        updated_at: now,
      })
      .where('id', '=', job.id)
      .where('lease_owner', '=', owner)
      .executeTakeFirst();
    if (Number(res.numUpdatedRows) !== 1) return; // our lease ran out and another runner took the job over
    const ref = toProjectRef(project);
    await appendEvent(
      trx,
      {
        type: 'EXPORT_COMPLETED',
        team,
        project: ref,
        actor,
        data: {
          export: {
            id: job.id,
            projectId: job.project_id,
            format: job.format,
            status: job.status_filter,
            since: job.since === null ? null : new Date(Number(job.since)).toISOString(),
            trigger: job.trigger,
            documentCount: stream.counts.documents,
            labelCount: stream.counts.labels,
            byteSize: file.byteSize,
            sha256: file.sha256,
            fileName,
            downloadUrl: downloadUrl(ctx, job.id, job.team_id, expires),
            downloadExpiresAt: new Date(expires).toISOString(),
            createdAt: new Date(Number(job.created_at)).toISOString(),
            completedAt: new Date(now).toISOString(),
          },
        },
      },
      now,
    );
  });
}

/** Gives a failed try back to the queue, or after MAX_EXPORT_ATTEMPTS fails the job and emits EXPORT_FAILED. */
async function recordFailure(ctx: AppContext, job: Job, owner: string, error: string): Promise<void> {
  const now = ctx.clock();
  const final = job.attempts >= MAX_EXPORT_ATTEMPTS;
  const db = ctx.store.db;
  const project = await db.selectFrom('projects').selectAll().where('id', '=', job.project_id).executeTakeFirst();
  const team = await db.selectFrom('teams').select(['id', 'name']).where('id', '=', job.team_id).executeTakeFirst();
  const actor = final ? await actorOfMember(ctx, job.requested_by) : null;
  await outboxTransaction(ctx).execute(async (trx) => {
    const res = await trx
      .updateTable('export_jobs')
      .set({ state: final ? 'failed' : 'queued', error, lease_owner: null, lease_expires_at: null, updated_at: now, ...(final ? { completed_at: now } : {}) })
      .where('id', '=', job.id)
      .where('lease_owner', '=', owner)
      .executeTakeFirst();
    if (!final || Number(res.numUpdatedRows) !== 1 || !project || !team) return;
    const since = job.since === null ? null : new Date(Number(job.since)).toISOString();
    const failure = { id: job.id, projectId: job.project_id, format: job.format, status: job.status_filter, since, trigger: job.trigger, error, attempts: job.attempts };
    await appendEvent(
      trx,
      { type: 'EXPORT_FAILED', team, project: toProjectRef(project), actor, data: { export: { ...failure, createdAt: new Date(Number(job.created_at)).toISOString() } } },
      now,
    );
  });
}

/** Runs one claimed job, renewing its lease while the file is written. */
async function runClaimed(ctx: AppContext, job: Job, owner: string, signal: AbortSignal): Promise<void> {
  const renew = setInterval(() => {
    void ctx.store.db
      .updateTable('export_jobs')
      .set({ lease_expires_at: ctx.clock() + ctx.config.leaseMs })
      .where('id', '=', job.id)
      .where('lease_owner', '=', owner)
      .execute()
      .catch(() => undefined);
  }, Math.max(ctx.config.leaseMs / 3, 50));
  try {
    if (job.attempts > MAX_EXPORT_ATTEMPTS) throw new Error(job.error ?? 'the export was tried too often');
    await runJob(ctx, job, owner, signal);
  } catch (err) {
    if (signal.aborted) {
      // The process is stopping: give the job back untried, for the next runner (here after a restart, or another).
      await ctx.store.db
        .updateTable('export_jobs')
        .set({ state: 'queued', lease_owner: null, lease_expires_at: null, attempts: sql<number>`attempts - 1` })
        .where('id', '=', job.id)
        .where('lease_owner', '=', owner)
        .execute()
        .catch(() => undefined);
      return;
    }
    ctx.logger.error({ err, exportId: job.id }, 'export failed');
    await recordFailure(ctx, job, owner, err instanceof Error ? err.message : String(err)).catch((e: unknown) => ctx.logger.error({ err: e }, 'recording an export failure failed'));
  } finally {
    clearInterval(renew);
  }
}

/**
 * Starts the export runner of this process: one job at a time, woken when this process queues one and polling every
 * second for jobs queued elsewhere; a job whose runner died is claimed again once its lease (config.leaseMs) runs out.
 * Also prunes old export files every EXPORT_PRUNE_EVERY_MS. Stopping aborts a job in progress and queues it again.
 */
export function startExportRunner(ctx: AppContext): { stop(): Promise<void> } {
  const owner = `${hostname()}:${process.pid}:${newId('run')}`;
  let stopped = false;
  // Stopping aborts the file being written, so shutdown never waits for a long export.
  const abort = new AbortController();
  let wake: (() => void) | null = null;
  const unregister = onExportQueued(ctx, () => wake?.());
  const loop = (async () => {
    while (!stopped) {
      const job = await claimJob(ctx, owner).catch((err: unknown) => {
        ctx.logger.error({ err }, 'claiming an export job failed');
        return null;
      });
      if (job) {
        await runClaimed(ctx, job, owner, abort.signal);
        continue;
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, POLL_MS);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      wake = null;
    }
  })();
  let pruning: Promise<unknown> = Promise.resolve();
  const prune = (): void => {
    pruning = pruneExportFiles(ctx).catch((err: unknown) => ctx.logger.error({ err }, 'pruning export files failed'));
  };
  const first = setTimeout(prune, 5_000);
  const timer = setInterval(prune, EXPORT_PRUNE_EVERY_MS);
  first.unref();
  timer.unref();
  return {
    async stop() {
      stopped = true;
      abort.abort();
      unregister();
      wake?.();
      clearTimeout(first);
      clearInterval(timer);
      await loop;
      await pruning;
    },
  };
}
