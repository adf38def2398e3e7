import type { Config } from '../config.js';
import type { CommitEvent, CommitOrigin } from '../events/commit-signal.js';
import type { MetricsJson } from '../metrics/metrics.js';

/** What the API thread hands the engine thread at its start (`workerData`): the validated config, read once. */
export interface EngineThreadData {
  /** Marks the thread as labelhook's engine (the entry module does nothing without it). */
  engineThread: true;
  config: Config;
  /** What this process is, for the SQLite lock's refusal message. */
  role: string;
  /** SQLite: the API store's turns at the write lock (shared memory), so the two connections take turns. */
  threadWriteLock: SharedArrayBuffer | null;
  /** Which wake-ups the engine has not read yet (src/process/wake-flags.ts). */
  wakeFlags: SharedArrayBuffer;
}

/** An error as it crosses the thread boundary (its class does not). */
export interface ThreadError {
  name: string;
  message: string;
  code?: string;
  details?: unknown;
  stack?: string;
}

/** API thread → engine thread. */
export type ToEngine =
  /** A commit in the API thread: wake the loop concerned (and announce it to other processes). */
  | { t: 'signal'; event: CommitEvent }
  /** An export job was queued: wake the export runner. */
  | { t: 'exportQueued' }
  /** A /metrics scrape asks for the engine's figures. */
  | { t: 'metrics'; id: number }
  /** SIGTERM or stop(): drain and close, then exit. */
  | { t: 'stop' };

/** Engine thread → API thread. */
export type FromEngine =
  | { t: 'ready' }
  | { t: 'startFailed'; error: ThreadError }
  /** Events the API thread's event streams should hear of: from the engine (exports) or another process. */
  | { t: 'signal'; event: CommitEvent; origin: CommitOrigin }
  | { t: 'metrics'; id: number; metrics: MetricsJson }
  | { t: 'stopped'; error: ThreadError | null };

/** An error reduced to what survives postMessage, with its labelhook code and details. */
export function toThreadError(err: unknown): ThreadError {
  if (!(err instanceof Error)) return { name: 'Error', message: String(err) };
  const { code, details } = err as { code?: unknown; details?: unknown };
  return {
    name: err.name,
    message: err.message,
    ...(typeof code === 'string' ? { code } : {}),
    ...(details !== undefined ? { details: cloneable(details) } : {}),
    ...(err.stack !== undefined ? { stack: err.stack } : {}),
  };
}

/** An Error rebuilt from a ThreadError, keeping message, name, code and details. */
export function fromThreadError(e: ThreadError): Error {
  const err = Object.assign(new Error(e.message), { code: e.code, details: e.details ?? null });
  err.name = e.name;
  if (e.stack !== undefined) err.stack = e.stack;
  return err;
}

// Details are plain data in labelhook's errors; anything else must not make postMessage throw.
function cloneable(value: unknown): unknown {
  try {
    return JSON.parse(JSON.stringify(value)) as unknown;
  } catch {
    return null;
  }
}
