// Messages between the bench and its receiver process (bench/receiver-process.ts), over the fork IPC channel.

/** How the receiver answers requests to one group (the first path segment, e.g. `/hang/3` is group `hang`). */
export type ReceiverMode =
  | { kind: 'ok' }
  | { kind: 'hang' }
  | { kind: 'status'; status: number }
  /** Answers 2xx after `delayMs`: a receiver that takes that long per request (requests overlap). */
  | { kind: 'slow'; delayMs: number }
  /** Answers 413 to bodies larger than maxBytes, as Express does past its body limit. */
  | { kind: 'limit'; maxBytes: number };

/** What the receiver saw for one group. */
export interface GroupStats {
  /** Requests received (duplicates and failures included). */
  requests: number;
  /** Distinct `webhook-id`s answered with 2xx: deliveries that succeeded. */
  distinct: number;
  /** Most requests of the group being answered at once (arrived, answer not yet written). */
  maxOpen: number;
  /** Arrival time (epoch ms, sub-ms precision) of the first and last request. */
  first: number | null;
  last: number | null;
  /** Arrival minus the event timestamp in the body, ms, one per record (only when asked for). */
  latencies?: number[];
}

export type ReceiverRequest =
  | { cmd: 'configure'; group: string; mode: ReceiverMode }
  | { cmd: 'reset' }
  | { cmd: 'stats'; latencies?: boolean }
  | { cmd: 'waitFor'; group: string | null; distinct: number; timeoutMs: number }
  | { cmd: 'close' };

export interface ReceiverResponse {
  id: number;
  ok: boolean;
  result?: unknown;
  error?: string;
}

/** Result of `waitFor`: whether the count was reached before the timeout, and the stats at that moment. */
export interface WaitResult {
  reached: boolean;
  stats: Record<string, GroupStats>;
}
