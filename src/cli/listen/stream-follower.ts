import { createParser, type EventSourceMessage } from 'eventsource-parser';
import { fetch } from 'undici';
import type { StoredEvent } from '../../events/event.js';
import { RemoteApiError } from '../../errors.js';
import { VERSION } from '../../version.js';
import type { ClientOptions } from '../client-options.js';

/** What the follower reports besides events. */
export type FollowerState =
  | { kind: 'connected'; seq: number; reconnect: boolean }
  | { kind: 'disconnected'; reason: string; retryInMs: number };

export interface FollowOptions {
  client: ClientOptions;
  types?: string[];
  projectId?: string;
  /** Resume after this seq; undefined starts at the newest event. */
  afterSeq?: number;
  signal: AbortSignal;
  /** Called for each event in order; the next event waits for it, and the resume point moves only after it returns. */
  onEvent(event: StoredEvent): Promise<void>;
  onState(state: FollowerState): void;
  /** First reconnect delay, doubled per failed try up to maxBackoffMs (defaults 500 ms and 15 s). */
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  /** With no byte (not even a heartbeat) for this long the connection is taken for dead (default 45 s: 3 heartbeats). */
  idleTimeoutMs?: number;
}

// Statuses that no retry will fix: stop and tell the user.
const FATAL = new Set([400, 401, 403, 404, 422]);

/**
 * Follows `GET /api/v1/events/stream` until `signal` aborts: reconnects with exponential backoff and resumes from
 * the last event handled (Last-Event-ID), so nothing committed while disconnected is missed.
 */
export async function followEventStream(options: FollowOptions): Promise<void> {
  const { signal } = options;
  const initial = options.initialBackoffMs ?? 500;
  const max = options.maxBackoffMs ?? 15_000;
  let afterSeq = options.afterSeq;
  let failures = 0;
  let connections = 0;
  while (!signal.aborted) {
    let reason: string;
    try {
      reason = await connectOnce(options, afterSeq, (seq) => {
        afterSeq = seq;
      }, () => {
        failures = 0;
        options.onState({ kind: 'connected', seq: afterSeq ?? 0, reconnect: connections++ > 0 });
      });
    } catch (err) {
      if (err instanceof RemoteApiError && FATAL.has(err.status)) throw err;
      reason = describe(err);
    }
    if (signal.aborted) return;
    // Full jitter on top of the exponential step keeps many listeners from reconnecting in lockstep after a restart.
    const step = Math.min(max, initial * 2 ** failures++);
    const delay = Math.round(step / 2 + Math.random() * (step / 2));
    options.onState({ kind: 'disconnected', reason, retryInMs: delay });
    await sleep(delay, signal);
  }
}

/** One connection: resolves with why it ended, throws RemoteApiError for an error answer. */
async function connectOnce(options: FollowOptions, afterSeq: number | undefined, advance: (seq: number) => void, onReady: () => void): Promise<string> {
  const connection = new AbortController();
  const stop = () => connection.abort();
  options.signal.addEventListener('abort', stop, { once: true });
  let idleTimer: NodeJS.Timeout | undefined;
  let idle = false;
  const resetIdle = () => {
    clearTimeout(idleTimer);
    idleTimer = setTimeout(() => {
      idle = true;
      connection.abort();
    }, options.idleTimeoutMs ?? 45_000);
  };
  try {
    const url = new URL(`${options.client.url}/api/v1/events/stream`);
    if (options.types && options.types.length > 0) url.searchParams.set('types', options.types.join(','));
    if (options.projectId) url.searchParams.set('projectId', options.projectId);
    resetIdle();
    const res = await fetch(url, {
      headers: {
        authorization: `Bearer ${options.client.apiKey}`,
        accept: 'text/event-stream',
        'user-agent': `labelhook-cli/${VERSION}`,
        ...(afterSeq !== undefined ? { 'last-event-id': String(afterSeq) } : {}),
      },
      signal: connection.signal,
    });
    if (!res.ok || !res.body) {
      const text = await res.text().catch(() => '');
      let error: { code?: string; message?: string } | undefined;
      try {
        error = (JSON.parse(text) as { error?: { code?: string; message?: string } }).error;
      } catch {
        // not a labelhook error body
      }
      throw new RemoteApiError(res.status, error?.code ?? 'http_error', error?.message ?? (text.slice(0, 200) || res.statusText));
    }
    const pending: EventSourceMessage[] = [];
    const parser = createParser({ onEvent: (m) => pending.push(m) });
    const decoder = new TextDecoder();
    for await (const chunk of res.body) {
      resetIdle();
      parser.feed(decoder.decode(chunk as Uint8Array, { stream: true }));
      // Handle messages one by one, in order, before reading on: the socket applies backpressure meanwhile.
      while (pending.length > 0) {
        const message = pending.shift()!;
        if (message.event === 'ready') {
          if (message.id !== undefined && /^\d+$/.test(message.id)) advance(Number(message.id));
          onReady();
          continue;
        }
        const event = JSON.parse(message.data) as StoredEvent;
        await options.onEvent(event);
        advance(event.seq);
      }
    }
    return 'the server closed the stream';
  } catch (err) {
    if (idle) return 'no data or heartbeat for too long';
    throw err;
  } finally {
    clearTimeout(idleTimer);
    options.signal.removeEventListener('abort', stop);
    connection.abort();
  }
}

function describe(err: unknown): string {
  if (err instanceof RemoteApiError) return err.message;
  const e = err as { cause?: { code?: string; message?: string }; code?: string; message?: string };
  return e.cause?.code ?? e.code ?? e.cause?.message ?? e.message ?? String(err);
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}
