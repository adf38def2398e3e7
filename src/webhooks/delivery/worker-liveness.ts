import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { performance } from 'node:perf_hooks';
import type { AppContext } from '../../app-context.js';
import { workerRegistry } from '../../store/worker-registry.js';

/** What the heartbeat tells the delivery worker. */
export interface LivenessEvents {
  /**
   * This worker was declared dead (it stalled past the heartbeat timeout) and runs on under a new owner id: what
   * it held under `oldOwner` may already be another worker's, so it must send none of it.
   */
  fenced(oldOwner: string): void;
  /** Sends may start again (the first beat, or a beat after a stall), or another worker's leases were given back. */
  resumed(): void;
}

/** A worker's proof of life, and the fence that keeps it from sending what it may no longer hold. */
export interface WorkerLiveness {
  /** The lease owner id to claim and record under now. */
  owner(): string;
  /** True while no other worker can have taken this worker's leases, so requests may start. */
  live(): boolean;
  /** Whether `live()` can ever turn false (PostgreSQL): only then is each request fenced. */
  fencing: boolean;
  /** Stops beating and removes the worker's row (after it gave back its leases). */
  stop(): Promise<void>;
}

/** Beats per heartbeat timeout, at most one a second; the reaper runs with every beat. */
const BEATS_PER_TIMEOUT = 4;
/** Orphan sweeps (leases whose owner has no row) run once per this many beats. */
const SWEEP_EVERY_BEATS = 5;

/** A lease owner id naming this process: host, pid and a random suffix. */
export function workerId(): string {
  return `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
}

/** The beat interval for a heartbeat timeout. */
export function beatIntervalMs(timeoutMs: number): number {
  return Math.min(1000, Math.floor(timeoutMs / BEATS_PER_TIMEOUT));
}

/**
 * Starts the heartbeat of a delivery worker. On SQLite there is none (the worker lock proves that no other
 * deliverer is alive): the owner never changes and the worker is always live.
 *
 * On PostgreSQL the worker beats every beatIntervalMs and reaps, with every beat, the workers silent for longer
 * than the timeout. A beat that started at local time t proves that no reaper can take this worker's leases
 * before t + timeout (the reaper compares the database's clock with the stamp the beat wrote, which is no
 * earlier than t). So the worker starts requests only until t + timeout − one beat interval (`live()`), and a
 * worker that stalled past it (SIGSTOP, a frozen VM) starts nothing until a beat confirms its row; if the row is
 * gone it was fenced: it forgets what it held and registers again under a new owner id.
 */
export function startLiveness(ctx: AppContext, baseOwner: string, events: LivenessEvents): WorkerLiveness {
  const registry = workerRegistry(ctx.store);
  let owner = baseOwner;
  if (!registry) return { owner: () => owner, live: () => true, fencing: false, stop: async () => undefined };
  const reg = registry;
  const timeoutMs = ctx.config.workerHeartbeatTimeoutMs;
  const beatMs = beatIntervalMs(timeoutMs);
  const validMs = timeoutMs - beatMs;
  let confirmedUntil = 0;
  let lives = 0;
  let beats = 0;
  let stopped = false;
  let timer: NodeJS.Timeout | null = null;
  const live = (): boolean => performance.now() < confirmedUntil;

  const register = async (id: string): Promise<boolean> => {
    await reg.register(id);
    return true;
  };

  /** Runs a write that proves this worker alive; on success extends the time it may send. */
  async function confirm(write: () => Promise<boolean>): Promise<boolean> {
    const started = performance.now();
    if (!(await write())) return false;
    const was = live();
    confirmedUntil = started + validMs;
    if (!was) events.resumed();
    return true;
  }

  async function beat(): Promise<void> {
    if (!(await confirm(() => reg.beat(owner)))) {
      confirmedUntil = 0;
      const old = owner;
      owner = `${baseOwner}/${++lives}`;
      ctx.logger.warn({ owner: old, newOwner: owner }, 'this worker stalled past the heartbeat timeout and was taken for dead: dropped what it held, sending under a new owner id');
      events.fenced(old);
      await confirm(() => register(owner));
    }
    let released = await reg.reap(timeoutMs, ctx.clock());
    if (++beats % SWEEP_EVERY_BEATS === 0) released += await reg.sweepOrphans(timeoutMs, ctx.clock(), ctx.config.leaseMs);
    if (released > 0) {
      ctx.logger.info({ released }, 'took over the deliveries of a worker that stopped beating');
      events.resumed();
    }
  }

  function schedule(): void {
    if (stopped) return;
    timer = setTimeout(() => {
      beat()
        .catch((err: unknown) => ctx.logger.error({ err }, 'worker heartbeat failed; sending pauses if it keeps failing'))
        .finally(schedule);
    }, beatMs);
    // Like the lease renewal: the engine's stop ends it; it alone must not keep a process alive.
    timer.unref();
  }

  // Until registered the worker is not live: it claims and sends nothing, and the first beat's `resumed` wakes it.
  void (async () => {
    for (;;) {
      try {
        await confirm(() => register(owner));
        return;
      } catch (err) {
        if (stopped) return;
        ctx.logger.error({ err }, 'could not register the worker; retrying');
        await new Promise((r) => setTimeout(r, beatMs));
      }
    }
  })().then(schedule);

  return {
    owner: () => owner,
    live,
    fencing: true,
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      confirmedUntil = 0;
      await reg.remove(owner).catch((err: unknown) => ctx.logger.error({ err }, 'could not remove the worker row; others reap it after the heartbeat timeout'));
    },
  };
}
