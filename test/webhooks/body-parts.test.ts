import type { ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WebhookFormatName } from '../../src/webhooks/formats/format.js';
import { BACKENDS } from '../helpers/backends.js';
import { waitUntil } from '../helpers/wait.js';
import { createProject, createWebhook, startReceiver, useEngineApp, type Received, type Receiver } from './receiver.js';

// A receiver with Express's default body limit (100 kB: larger bodies get 413) registered in all four formats
// gets every document of large imports, in parts it can group by event and count complete.

const EXPRESS_LIMIT = 100 * 1024;
const FORMATS: WebhookFormatName[] = ['standard', 'datasaur', 'label-studio', 'labelator'];

/** What one format's receiver has taken in, counted as requests arrive (parsing every body once). */
interface Tally {
  tooLarge: number;
  /** Document keys (labelator) or ids (task ids for label-studio) by event id; labelator has no event id: ''. */
  items: Map<string, Set<string>>;
  /** Part numbers seen per event id, and the part count each part announced. */
  parts: Map<string, { seen: Set<number>; counts: Set<number> }>;
  wholeBodies: number;
}

type Body = Record<string, unknown>;

/** The event id, part position and document identities of one body, per format. */
function readBody(format: WebhookFormatName, body: Body): { eventId: string; part: { index: number; count: number } | null; items: string[] } {
  switch (format) {
    case 'standard':
    case 'datasaur': {
      const data = body.data as { id?: string; documents: { id: string }[]; part?: { eventId: string; index: number; count: number } };
      return { eventId: data.part?.eventId ?? data.id ?? '', part: data.part ?? null, items: data.documents.map((d) => d.id) };
    }
    case 'label-studio': {
      const part = body.part as { event_id: string; index: number; count: number } | undefined;
      return { eventId: part?.event_id ?? '', part: part ?? null, items: (body.tasks as { id: unknown }[]).map((t) => String(t.id)) };
    }
    case 'labelator':
      return { eventId: '', part: null, items: (body.docs as { key: string }[]).map((d) => d.key) };
  }
}

function tallying(format: WebhookFormatName, tally: Tally): (req: Received, res: ServerResponse) => void {
  const seen = new Set<string>();
  return (req, res) => {
    if (Buffer.byteLength(req.body) > EXPRESS_LIMIT) {
      tally.tooLarge++;
      res.writeHead(413).end('request entity too large');
      return;
    }
    res.end('ok');
    // A retried or redelivered message has the same webhook-id: count it once.
    const id = String(req.headers['webhook-id']);
    if (seen.has(id)) return;
    seen.add(id);
    const got = readBody(format, JSON.parse(req.body) as Body);
    const items = tally.items.get(got.eventId) ?? new Set<string>();
    for (const i of got.items) items.add(i);
    tally.items.set(got.eventId, items);
    if (got.part) {
      const p = tally.parts.get(got.eventId) ?? { seen: new Set<number>(), counts: new Set<number>() };
      p.seen.add(got.part.index);
      p.counts.add(got.part.count);
      tally.parts.set(got.eventId, p);
    } else {
      tally.wholeBodies++;
    }
  };
}

const total = (t: Tally): number => [...t.items.values()].reduce((n, s) => n + s.size, 0);

describe.each(BACKENDS)('bodies that fit a 100 kB receiver (%s)', (backend) => {
  const app = useEngineApp(backend, { retryScheduleMs: [20, 40, 80, 160] });
  const receivers: Receiver[] = [];
  afterAll(async () => {
    await Promise.all(receivers.map((r) => r.close()));
  });

  async function subscribe(projectId: string): Promise<Map<WebhookFormatName, Tally>> {
    const tallies = new Map<WebhookFormatName, Tally>();
    for (const format of FORMATS) {
      const tally: Tally = { tooLarge: 0, items: new Map(), parts: new Map(), wholeBodies: 0 };
      const r = await startReceiver(tallying(format, tally));
      receivers.push(r);
      await createWebhook(app, { url: r.url, events: ['TASKS_CREATED'], projectId, format });
      tallies.set(format, tally);
    }
    return tallies;
  }

  async function importDocs(projectId: string, tag: string, n: number): Promise<void> {
    const documents = Array.from({ length: n }, (_, i) => ({ key: `${tag}-${i}`, name: `Doc ${i}`, text: `The text of document ${i} of import ${tag}.` }));
    const res = await app.api('POST', `/projects/${projectId}/documents`, { documents });
    expect(res.status).toBe(201);
  }

  /** Waits until every format's receiver counted `n` documents in all. */
  async function allArrived(tallies: Map<WebhookFormatName, Tally>, n: number, timeoutMs: number): Promise<void> {
    const got = () => [...tallies.values()].map(total).join(', ');
    await waitUntil(() => `${n} documents at every receiver (got ${got()})`, () => [...tallies.values()].every((t) => total(t) >= n), { timeoutMs, intervalMs: 50 });
  }

  function expectEventsComplete(tally: Tally, eventCount: number, perEvent: number): void {
    expect(tally.tooLarge).toBe(0);
    expect(tally.wholeBodies).toBe(0);
    expect(tally.parts.size).toBe(eventCount);
    for (const [eventId, p] of tally.parts) {
      // Every part announced the same count, and exactly the parts 1..count arrived.
      expect(p.counts.size).toBe(1);
      const [count] = [...p.counts];
      expect([...p.seen].sort((a, b) => a - b)).toEqual(Array.from({ length: count! }, (_, i) => i + 1));
      expect(tally.items.get(eventId)?.size).toBe(perEvent);
    }
  }

  describe('two 20,000-document imports', () => {
    let tallies: Map<WebhookFormatName, Tally>;
    beforeAll(async () => {
      const projectId = await createProject(app, 'Twenty thousand');
      tallies = await subscribe(projectId);
      await importDocs(projectId, 'a', 20_000);
      await importDocs(projectId, 'b', 20_000);
      await allArrived(tallies, 40_000, 230_000);
    }, 240_000);

    it.each(['standard', 'datasaur', 'label-studio'] as const)('reach the %s receiver in parts grouped by event, every document once, no 413', (format) => {
      expectEventsComplete(tallies.get(format)!, 2, 20_000);
    });

    it('reach the labelator receiver in batches that each fit, every document once', () => {
      const t = tallies.get('labelator')!;
      expect(t.tooLarge).toBe(0);
      expect(t.items.get('')?.size).toBe(40_000);
    });
  });

  // PostgreSQL runs it too: the import and the fan-out of its ~1,300 deliveries take well under a minute on both.
  describe('a 100,000-document import', () => {
    let tallies: Map<WebhookFormatName, Tally>;
    beforeAll(async () => {
      const projectId = await createProject(app, 'Hundred thousand');
      tallies = await subscribe(projectId);
      await importDocs(projectId, 'c', 100_000);
      await allArrived(tallies, 100_000, 390_000);
    }, 400_000);

    it.each(['standard', 'datasaur', 'label-studio'] as const)('reaches the %s receiver whole, in parts of at most 100 kB', (format) => {
      expectEventsComplete(tallies.get(format)!, 1, 100_000);
    });

    it('reaches the labelator receiver whole, 100 documents per request', () => {
      const t = tallies.get('labelator')!;
      expect(t.tooLarge).toBe(0);
      expect(t.items.get('')?.size).toBe(100_000);
    });
  });
});
