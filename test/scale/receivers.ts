import { answerWith, startReceiver } from '../helpers/receiver.js';

/** A loopback receiver counting each webhook-id it got and whether its answer went out whole. */
export interface CountingReceiver {
  url: string;
  /** Requests received per webhook-id (more than 1: a duplicate). */
  readonly byMessage: Map<string, number>;
  /** Bodies in arrival order. */
  readonly bodies: string[];
  readonly received: number;
  /** Answers cut off before they were fully sent (the sender went away mid-request). */
  readonly aborted: number;
  /** Answers fully sent. */
  readonly answered: number;
  /** Requests being handled right now. */
  readonly open: number;
  close(): Promise<void>;
}

/** Starts a receiver answering 200 after `delayMs`: a counting view over the shared test receiver. */
export async function startCountingReceiver(delayMs = 0): Promise<CountingReceiver> {
  const r = await startReceiver({
    handler: answerWith({ status: 200, headers: { 'content-type': 'text/plain' }, body: 'ok', delayMs }),
    keepAliveTimeoutMs: 60_000,
  });
  const byMessage = new Map<string, number>();
  let counted = 0;
  return {
    url: r.url,
    get byMessage() {
      // Counted incrementally: the scale suites read this after every poll over thousands of requests.
      for (; counted < r.received.length; counted++) {
        const id = String(r.received[counted]!.headers['webhook-id']);
        byMessage.set(id, (byMessage.get(id) ?? 0) + 1);
      }
      return byMessage;
    },
    get bodies() {
      return r.received.map((q) => q.body);
    },
    get received() {
      return r.received.length;
    },
    get aborted() {
      return r.aborted;
    },
    get answered() {
      return r.answered;
    },
    get open() {
      return r.open;
    },
    close: () => r.close(),
  };
}
