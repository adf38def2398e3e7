import { forkChild, type Child } from './child.js';
import type { GroupStats, ReceiverMode, WaitResult } from './receiver-protocol.js';

export type { GroupStats, ReceiverMode, WaitResult } from './receiver-protocol.js';

/** The bench receiver, running in its own process on 127.0.0.1. */
export interface Receiver {
  port: number;
  /** `http://127.0.0.1:PORT/<group>/<rest>`. */
  url(group: string, rest?: string): string;
  configure(group: string, mode: ReceiverMode): Promise<void>;
  reset(): Promise<void>;
  stats(latencies?: boolean): Promise<Record<string, GroupStats>>;
  /** Resolves when `group` (or all groups, null) has `distinct` successful deliveries, or at the timeout. */
  waitFor(group: string | null, distinct: number, timeoutMs: number): Promise<WaitResult>;
  close(): Promise<void>;
}

/** Starts a receiver process and waits until it listens. */
export async function startReceiver(port = 0): Promise<Receiver> {
  const child: Child<{ port: number }> = await forkChild('./receiver-process.ts', { env: { BENCH_RECEIVER_PORT: String(port) } });
  const p = child.ready.port;
  return {
    port: p,
    url: (group, rest = '') => `http://127.0.0.1:${p}/${group}${rest ? `/${rest}` : ''}`,
    configure: (group, mode) => child.call({ cmd: 'configure', group, mode }),
    reset: () => child.call({ cmd: 'reset' }),
    stats: (latencies = false) => child.call({ cmd: 'stats', latencies }),
    waitFor: (group, distinct, timeoutMs) => child.call({ cmd: 'waitFor', group, distinct, timeoutMs }),
    close: async () => {
      await child.call({ cmd: 'close' }).catch(() => undefined);
      await child.stop(2_000);
    },
  };
}
