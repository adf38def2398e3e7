import { spawn, type ChildProcess } from 'node:child_process';
import pg from 'pg';
import { httpApi, type ApiAnswer } from '../helpers/api-client.js';
import { assertBuilt, BIN, ROOT } from '../helpers/built.js';
import { freePort } from '../helpers/ports.js';
import { waitUntil, withDeadline } from '../helpers/wait.js';
export const ADMIN_KEY = 'lh_scale_test_admin_key_0123456789';


/** One `labelhook` child process and its JSON log lines. */
export interface LabelhookProcess {
  child: ChildProcess;
  role: string;
  /** Parsed stdout log lines (pino JSON). */
  logs: Record<string, unknown>[];
  stderr: string;
  /** Resolves with the exit code (or the signal's name) once the process is gone. */
  exited: Promise<number | string>;
  /** Resolves once a log line's msg equals `msg` (bounded by `timeoutMs`). */
  waitForLog(msg: string, timeoutMs?: number): Promise<Record<string, unknown>>;
  /** SIGKILL if still running, and wait for the exit. */
  kill(): Promise<void>;
}

/** Starts `labelhook ARGS` from the built CLI (dist/) with `env` on top of a minimal environment. */
export function startLabelhook(args: string[], env: Record<string, string>): LabelhookProcess {
  assertBuilt();
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { PATH: process.env.PATH, LABELHOOK_LOG_LEVEL: 'info', LABELHOOK_HOST: '127.0.0.1', ...env },
  });
  const logs: Record<string, unknown>[] = [];
  const waiters = new Set<() => void>();
  // 'close' comes after the last stdout chunk ('exit' may come before it).
  const closed = new Promise<void>((resolve) => child.once('close', () => resolve()));
  const proc: LabelhookProcess = {
    child,
    role: args[0] ?? '',
    logs,
    stderr: '',
    exited: new Promise((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown'))),
    waitForLog(msg, timeoutMs = 30_000) {
      let resolveHit!: (hit: Record<string, unknown>) => void;
      const hit = new Promise<Record<string, unknown>>((resolve) => (resolveHit = resolve));
      const check = (): void => {
        const found = logs.find((l) => l.msg === msg);
        if (!found) return;
        waiters.delete(check);
        resolveHit(found);
      };
      waiters.add(check);
      check();
      const describe = () => `${proc.role}'s "${msg}" log line; stderr: ${proc.stderr}\nlogs: ${logs.map((l) => JSON.stringify(l)).join('\n')}`;
      // A process that is gone prints nothing more: fail at once instead of at the deadline.
      const gone = closed.then(() => {
        check();
        throw new Error(`${proc.role} exited before printing "${msg}"; stderr: ${proc.stderr}`);
      });
      return withDeadline(describe, Promise.race([hit, gone]), timeoutMs).finally(() => waiters.delete(check));
    },
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await proc.exited;
    },
  };
  let buffer = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => {
    buffer += d;
    const lines = buffer.split('\n');
    buffer = lines.pop()!;
    for (const line of lines) {
      try {
        logs.push(JSON.parse(line) as Record<string, unknown>);
      } catch {
        logs.push({ msg: line });
      }
    }
    for (const w of [...waiters]) w();
  });
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (proc.stderr += d));
  return proc;
}

/** Environment every process of a test cluster shares: one database, fast retries, short leases. */
export function clusterEnv(databaseUrl: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    LABELHOOK_DATABASE_URL: databaseUrl,
    LABELHOOK_SECRET_KEY: 'scale-test-secret-key-0123456789',
    LABELHOOK_ADMIN_KEY: ADMIN_KEY,
    LABELHOOK_ALLOW_PRIVATE_TARGETS: '127.0.0.0/8',
    LABELHOOK_RETRY_SCHEDULE: '100ms,200ms,400ms,800ms,1s,1s,1s,1s,1s,1s',
    LABELHOOK_POLL_INTERVAL: '250ms',
    LABELHOOK_LEASE: '2s',
    LABELHOOK_DRAIN_TIMEOUT: '5s',
    ...extra,
  };
}

/** Starts an API-only process (or `labelhook ARGS`) and waits until it answers /readyz; answers its base URL. */
export async function startApi(env: Record<string, string>, args = ['serve', '--no-worker']): Promise<{ proc: LabelhookProcess; base: string }> {
  const port = await freePort();
  const proc = startLabelhook(args, { ...env, PORT: String(port) });
  const base = `http://127.0.0.1:${port}`;
  await waitUntil(
    () => `the API on ${base} to answer /readyz; stderr: ${proc.stderr}`,
    async () => {
      if (proc.child.exitCode !== null) throw new Error(`API exited with ${proc.child.exitCode}: ${proc.stderr}`);
      try {
        return (await fetch(`${base}/readyz`)).ok;
      } catch {
        return false; // not listening yet
      }
    },
    { timeoutMs: 30_000, intervalMs: 50 },
  );
  return { proc, base };
}

/** Starts a `labelhook worker` and waits for its start-up log line. */
export async function startWorkerProcess(env: Record<string, string>, args: string[] = []): Promise<LabelhookProcess> {
  const proc = startLabelhook(['worker', ...args], env);
  await proc.waitForLog('labelhook worker running');
  return proc;
}

/** Calls the API at `base` as the admin. */
export function api(base: string, method: string, path: string, body?: unknown): Promise<ApiAnswer> {
  return httpApi(base, ADMIN_KEY).call(method, path, body);
}

/** Runs `task(i)` for i in [0, count) with at most `concurrency` at once. */
export async function pooled(count: number, concurrency: number, task: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < count) {
      const i = next++;
      await task(i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, lane));
}

/** Counts of the cluster's deliveries by status, read straight from the database. */
export async function deliveryStatusCounts(client: pg.Client, schema: string): Promise<Record<string, number>> {
  const res = await client.query<{ status: string; n: number }>(`select status, count(*)::int as n from "${schema}".deliveries group by status`);
  return Object.fromEntries(res.rows.map((r) => [r.status, r.n]));
}

/** Events the dispatcher has not fanned out to webhooks yet. */
export async function undispatchedEventCount(client: pg.Client, schema: string): Promise<number> {
  const res = await client.query<{ n: number }>(`select count(*)::int as n from "${schema}".events where dispatched_at is null`);
  return res.rows[0]!.n;
}

/** Polls `predicate` every 100 ms until it holds or `timeoutMs` passes (then throws with `describe()`). */
export async function eventually(predicate: () => Promise<boolean> | boolean, timeoutMs: number, describe: () => string | Promise<string>): Promise<void> {
  await waitUntil(describe, predicate, { timeoutMs, intervalMs: 100 });
}
