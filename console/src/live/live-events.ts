import { createParser } from 'eventsource-parser';
import type { Api } from '../api/client.ts';

/** An event as the stream carries it (the event log's shape). */
export interface LiveEvent {
  id: string;
  seq: number;
  type: string;
  project: { id: string } | null;
  actor: { id: string; email: string; name: string } | null;
  data: Record<string, unknown>;
}

export type LiveStatus = 'connecting' | 'live' | 'offline';

const RETRY_MS = 1000;

/**
 * One connection to `GET /api/v1/events/stream` for the whole console, shared by every page that wants to follow
 * changes made elsewhere. Read with fetch (EventSource cannot send the API key header) and eventsource-parser;
 * after a drop it reconnects with Last-Event-ID, so no event in between is missed.
 */
export class LiveEvents {
  private readonly listeners = new Set<(e: LiveEvent) => void>();
  private readonly statusListeners = new Set<(s: LiveStatus) => void>();
  private readonly abort = new AbortController();
  private lastId: string | null = null;
  status: LiveStatus = 'connecting';

  constructor(private readonly api: Api) {}

  /** Connects and keeps reconnecting until stop(). */
  start(): void {
    void this.loop();
  }

  stop(): void {
    this.abort.abort();
  }

  /** Calls `fn` for every event from now on; answers the unsubscribe. */
  subscribe(fn: (e: LiveEvent) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** Calls `fn` whenever the connection state changes. */
  onStatus(fn: (s: LiveStatus) => void): () => void {
    this.statusListeners.add(fn);
    return () => this.statusListeners.delete(fn);
  }

  private setStatus(s: LiveStatus): void {
    this.status = s;
    for (const fn of this.statusListeners) fn(s);
  }

  private async loop(): Promise<void> {
    const signal = this.abort.signal;
    while (!signal.aborted) {
      try {
        await this.readOnce(signal);
      } catch {
        // A dropped connection or a server restart: try again shortly.
      }
      if (signal.aborted) return;
      this.setStatus('offline');
      await new Promise((r) => setTimeout(r, RETRY_MS));
    }
  }

  private async readOnce(signal: AbortSignal): Promise<void> {
    const res = await this.api.openEventStream(signal, this.lastId);
    // A key that stopped working will not start working again: stop, and let the next API call sign out.
    if (res.status === 401) this.abort.abort();
    if (!res.ok || !res.body) throw new Error(`event stream answered ${res.status}`);
    const parser = createParser({
      onEvent: (m) => {
        if (m.id) this.lastId = m.id;
        if (m.event === 'ready') {
          this.setStatus('live');
          return;
        }
        let event: LiveEvent;
        try {
          event = JSON.parse(m.data) as LiveEvent;
        } catch {
          return;
        }
        for (const fn of this.listeners) fn(event);
      },
    });
    const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      parser.feed(value);
    }
  }
}
