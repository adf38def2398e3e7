// The bench receiver: a minimal HTTP server on 127.0.0.1 in its own process, so it never shares an event loop
// with the server under test or the load generator. Driven over IPC by bench/receiver.ts.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { GroupStats, ReceiverMode, ReceiverRequest, ReceiverResponse, WaitResult } from './receiver-protocol.js';

interface Group {
  requests: number;
  /** Requests being answered now, and the most at once. */
  open: number;
  maxOpen: number;
  ids: Set<string>;
  first: number | null;
  last: number | null;
  latencies: number[];
}

const modes = new Map<string, ReceiverMode>();
let groups = new Map<string, Group>();
const sockets = new Set<Socket>();
const waiters = new Set<() => void>();

function groupOf(name: string): Group {
  let g = groups.get(name);
  if (!g) {
    g = { requests: 0, open: 0, maxOpen: 0, ids: new Set(), first: null, last: null, latencies: [] };
    groups.set(name, g);
  }
  return g;
}

/** The first path segment: `/hang/3?x` → `hang`. */
function groupName(url: string): string {
  const m = /^\/([^/?]*)/.exec(url);
  return m?.[1] || 'root';
}

// Event timestamps are read from the body (Standard Webhooks `timestamp`, or each element of a batch).
function recordLatencies(g: Group, body: string, arrival: number): string | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return null;
  }
  const records = Array.isArray(parsed) ? parsed : [parsed];
  let id: string | null = null;
  for (const r of records) {
    if (!r || typeof r !== 'object') continue;
    const rec = r as { timestamp?: unknown; data?: { id?: unknown; timestamp?: unknown } };
    const ts = typeof rec.timestamp === 'string' ? rec.timestamp : typeof rec.data?.timestamp === 'string' ? rec.data.timestamp : null;
    if (ts) {
      const t = Date.parse(ts);
      if (Number.isFinite(t)) g.latencies.push(arrival - t);
    }
    if (id === null && typeof rec.data?.id === 'string') id = rec.data.id;
  }
  return id;
}

function handle(req: IncomingMessage, res: ServerResponse): void {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const arrival = performance.timeOrigin + performance.now();
    const url = req.url ?? '/';
    const name = groupName(url);
    const g = groupOf(name);
    g.requests++;
    g.first ??= arrival;
    g.last = arrival;
    const body = chunks.length === 1 ? chunks[0]!.toString('utf8') : Buffer.concat(chunks).toString('utf8');
    const bodyId = recordLatencies(g, body, arrival);
    const mode = modes.get(name) ?? { kind: 'ok' };
    if (mode.kind === 'hang') return; // never answer: the sender's timeout has to fire
    const id = (req.headers['webhook-id'] as string | undefined) ?? bodyId ?? `anon-${g.requests}`;
    if (mode.kind === 'status' && (mode.status < 200 || mode.status > 299)) {
      res.writeHead(mode.status, { 'content-type': 'text/plain' }).end('bench receiver: failing on purpose');
      return;
    }
    if (mode.kind === 'limit' && chunks.reduce((n, c) => n + c.length, 0) > mode.maxBytes) {
      res.writeHead(413, { 'content-type': 'text/plain' }).end('bench receiver: request entity too large');
      return;
    }
    const answer = (): void => {
      g.ids.add(id);
      res.writeHead(204).end();
      if (waiters.size > 0) for (const w of [...waiters]) w();
    };
    if (mode.kind === 'slow') {
      // Only a delayed answer stays open: the others are written in the turn their request ended.
      g.open += 1;
      g.maxOpen = Math.max(g.maxOpen, g.open);
      setTimeout(() => {
        g.open -= 1;
        answer();
      }, mode.delayMs);
    } else answer();
  });
}

function snapshot(withLatencies: boolean): Record<string, GroupStats> {
  const out: Record<string, GroupStats> = {};
  for (const [name, g] of groups) {
    out[name] = { requests: g.requests, maxOpen: g.maxOpen, distinct: g.ids.size, first: g.first, last: g.last, ...(withLatencies ? { latencies: g.latencies } : {}) };
  }
  return out;
}

function distinctOf(group: string | null): number {
  if (group !== null) return groups.get(group)?.ids.size ?? 0;
  let n = 0;
  for (const g of groups.values()) n += g.ids.size;
  return n;
}

function waitFor(group: string | null, distinct: number, timeoutMs: number): Promise<WaitResult> {
  return new Promise((resolve) => {
    const done = (reached: boolean): void => {
      waiters.delete(check);
      clearTimeout(timer);
      resolve({ reached, stats: snapshot(false) });
    };
    const check = (): void => {
      if (distinctOf(group) >= distinct) done(true);
    };
    const timer = setTimeout(() => done(false), timeoutMs);
    waiters.add(check);
    check();
  });
}

const server = createServer({ keepAliveTimeout: 120_000, requestTimeout: 0, headersTimeout: 0 }, handle);
server.on('connection', (s: Socket) => {
  sockets.add(s);
  s.on('close', () => sockets.delete(s));
});

async function onMessage(msg: { id: number } & ReceiverRequest): Promise<unknown> {
  switch (msg.cmd) {
    case 'configure':
      modes.set(msg.group, msg.mode);
      return null;
    case 'reset':
      groups = new Map();
      modes.clear();
      for (const s of sockets) s.destroy();
      return null;
    case 'stats':
      return snapshot(msg.latencies === true);
    case 'waitFor':
      return waitFor(msg.group, msg.distinct, msg.timeoutMs);
    case 'close':
      for (const s of sockets) s.destroy();
      server.close();
      setImmediate(() => process.exit(0));
      return null;
  }
}

process.on('message', (raw) => {
  const msg = raw as { id: number } & ReceiverRequest;
  onMessage(msg).then(
    (result) => process.send!({ id: msg.id, ok: true, result } satisfies ReceiverResponse),
    (err: unknown) => process.send!({ id: msg.id, ok: false, error: String(err) } satisfies ReceiverResponse),
  );
});
process.on('disconnect', () => process.exit(0));

server.listen(Number(process.env.BENCH_RECEIVER_PORT ?? 0), '127.0.0.1', () => {
  const address = server.address();
  process.send!({ id: 0, ok: true, result: { port: typeof address === 'object' && address ? address.port : 0 } } satisfies ReceiverResponse);
});
