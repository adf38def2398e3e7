import { forkChild } from './child.js';

/** Settings every server under test gets: loopback only, quiet, receivers on 127.0.0.1 allowed. */
export const BENCH_ADMIN_KEY = 'lh_bench_admin_key_0123456789abcdef';

/** A labelhook server process under test. */
export interface ServerUnderTest {
  port: number;
  pid: number;
  origin: string;
  /** RSS now and at its peak (sampled every 50 ms), and CPU time used so far (user + system). */
  memory(): Promise<{ rss: number; peakRss: number; heapUsed: number; cpuMs: number }>;
  resetPeak(): Promise<void>;
  stop(): Promise<void>;
}

export interface ServerProcessOptions {
  databaseUrl: string;
  /** Run the dispatcher and delivery workers (default true); false is `serve --no-worker`. */
  worker?: boolean;
  /** `worker` starts `labelhook worker` (engine only, no API) instead of `serve`. */
  role?: 'serve' | 'worker';
  /** More LABELHOOK_* settings (timeouts, retry schedule). */
  env?: Record<string, string>;
  /** Write a CPU profile of this process into this folder when it exits. */
  cpuProfDir?: string | null;
}

// The file forked for every process under test; run.ts points it at the compiled build (bench/build.ts).
let serverEntry = './server-process.ts';

/** Makes every later startServerProcess fork `entry` (compiled JavaScript, or the TypeScript file via tsx). */
export function useServerEntry(entry: string): void {
  serverEntry = entry;
}

/** Starts `labelhook serve` (as bench/server-process.ts) on port 0 and waits until it listens. */
export async function startServerProcess(options: ServerProcessOptions): Promise<ServerUnderTest> {
  const child = await forkChild<{ port: number; pid: number }>(serverEntry, {
    env: {
      LABELHOOK_DATABASE_URL: options.databaseUrl,
      PORT: '0',
      LABELHOOK_HOST: '127.0.0.1',
      LABELHOOK_ADMIN_KEY: BENCH_ADMIN_KEY,
      LABELHOOK_SECRET_KEY: 'bench-secret-key-not-for-production-0123456789',
      LABELHOOK_ALLOW_PRIVATE_TARGETS: '127.0.0.0/8',
      LABELHOOK_LOG_LEVEL: 'silent',
      ...options.env,
    },
    args: [...(options.worker === false ? ['--no-worker'] : []), ...(options.role === 'worker' ? ['--role=worker'] : [])],
    execArgv: options.cpuProfDir ? ['--cpu-prof', '--cpu-prof-dir', options.cpuProfDir] : [],
  });
  return {
    port: child.ready.port,
    pid: child.ready.pid,
    origin: `http://127.0.0.1:${child.ready.port}`,
    memory: () => child.call({ cmd: 'memory' }),
    resetPeak: () => child.call({ cmd: 'resetPeak' }),
    stop: async () => {
      await child.call({ cmd: 'stop' }).catch(() => undefined);
      await child.stop(15_000);
    },
  };
}
