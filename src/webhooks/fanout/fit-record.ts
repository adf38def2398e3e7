import type { StoredEvent } from '../../events/event.js';
import { BULKY_FIELDS, COMPANION_LISTS, listField } from '../../events/list-fields.js';
import type { PayloadFormat } from '../formats/format.js';
import { getPath, partLayout, setPath, type PartLayout, type PartPosition } from '../formats/part-layout.js';
import { fitsIn, planParts } from './plan-parts.js';

// Fits one record of an event into a webhook's body limit: as it is when it fits; a list event in parts that
// each fit (part count known before the first is rendered: every item is measured first); a record too large on
// its own without its bulky content, saying so (docs/webhooks.md, "Body size and parts").

/** What a record of one event is fitted for. */
export interface FitTarget {
  event: StoredEvent;
  format: PayloadFormat;
  sendPayload: boolean;
  /** Position of the record among the format's records of the event (labelator has one per document). */
  index: number;
  /** Renders one record as sent: its request body, or its JSON inside a batch. */
  render(record: unknown): string;
  /** Bytes the rendered record may take. */
  budget: number;
}

/** A record as it is sent, its rendering, and its part position when the event was split. */
export interface FittedRecord {
  record: unknown;
  text: string;
  part: PartPosition | null;
}

// Longer lists skip rendering the whole body first: their items are measured one by one anyway.
const LONG_LIST = 500;

const byteLength = (text: string): number => Buffer.byteLength(text);

/** The API path that returns a document's content. */
export const documentPath = (id: string): string => `/api/v1/documents/${encodeURIComponent(id)}`;

/** The bulky fields an event item has (non-null text, data), and the item without them. */
function stripBulky(item: unknown): { item: unknown; fields: string[] } {
  if (item === null || typeof item !== 'object') return { item, fields: [] };
  const rest: Record<string, unknown> = { ...(item as Record<string, unknown>) };
  const fields: string[] = [];
  for (const f of BULKY_FIELDS) {
    if (rest[f] !== undefined && rest[f] !== null) fields.push(f);
    delete rest[f];
  }
  return { item: rest, fields };
}

const itemId = (item: unknown): string => String((item as { id?: unknown }).id ?? '');

/** A point inside the fitting of a large list where the caller may let the event loop run (fitRecordInSteps). */
export const STEP: unique symbol = Symbol('fit step');

// Items measured between two STEPs (a 100,000-document list is measured in ~200 steps).
const MEASURE_SLICE = 500;

/** The record (and its rendering) of one event: whole, in parts, or without bulky content. Yields in part order. */
export function* fitRecord(t: FitTarget, record: unknown): Generator<FittedRecord> {
  for (const f of fitRecordInSteps(t, record)) if (f !== STEP) yield f;
}

/** fitRecord, with a STEP between two slices of measuring and after each part: a large event's fan-out pauses there. */
export function* fitRecordInSteps(t: FitTarget, record: unknown): Generator<FittedRecord | typeof STEP> {
  const layout = partLayout(t.format.name);
  const field = listField(t.event.type, t.event.data);
  const list = field ? getPath(record, layout.list(field, t.event.type)) : undefined;
  const eventList = field ? t.event.data[field] : undefined;
  const splittable = Array.isArray(list) && Array.isArray(eventList) && list.length === eventList.length && list.length > 0;
  if (!splittable || list.length <= LONG_LIST) {
    const text = t.render(record);
    if (fitsIn(text, t.budget)) {
      yield { record, text, part: null };
      return;
    }
    if (!splittable) {
      // The record is rendered again without its bulky content: for a large event, a step of its own.
      yield STEP;
      yield withoutBulkyDocument(t, record, layout, text);
      return;
    }
  }
  yield* split(t, record, layout, field!, list as unknown[], eventList as unknown[]);
}

/** A non-list record too large: its document without text and data, marked (sent as is if that is not the cause). */
function withoutBulkyDocument(t: FitTarget, record: unknown, layout: PartLayout, text: string): FittedRecord {
  const doc = t.event.data.document;
  const stripped = stripBulky(doc);
  if (stripped.fields.length === 0) return { record, text, part: null };
  const sub: StoredEvent = { ...t.event, data: { ...t.event.data, document: stripped.item } };
  let out = t.format.records(sub, { sendPayload: t.sendPayload })[t.index];
  const item = getPath(out, layout.document);
  if (item !== null && typeof item === 'object') {
    out = setPath(out, layout.document, layout.markOmitted(item as Record<string, unknown>, stripped.fields, documentPath(itemId(doc))));
  }
  return { record: out, text: t.render(out), part: null };
}

/** A companion list in a body: where it is, its items, and for each item of the main list the companions it takes along. */
interface Companion {
  path: readonly string[];
  items: unknown[];
  members: number[][];
}

/** The companion lists (COMPANION_LISTS) this body carries, each item tied to the main-list items it belongs to. */
function companionsOf(t: FitTarget, record: unknown, layout: PartLayout, eventList: unknown[]): Companion[] {
  const out: Companion[] = [];
  for (const c of COMPANION_LISTS[t.event.type] ?? []) {
    const path = layout.list(c.field, t.event.type);
    const items = getPath(record, path);
    const eventItems = t.event.data[c.field];
    // A dialect that does not send the list (Label Studio's TASKS_UPDATED has no `before`) has nothing to split.
    if (!Array.isArray(items) || !Array.isArray(eventItems) || items.length !== eventItems.length) continue;
    let members: number[][];
    if (c.match === 'index') {
      members = eventList.map((_, i) => (i < items.length ? [i] : []));
    } else {
      const byId = new Map<string, number[]>();
      eventItems.forEach((doc, k) => byId.set(itemId(doc), [...(byId.get(itemId(doc)) ?? []), k]));
      members = eventList.map((item) => byId.get(String((item as { documentId?: unknown }).documentId ?? '')) ?? []);
    }
    out.push({ path, items, members });
  }
  return out;
}

/** The companion items of main-list items `start` to `end`, each once, in their list's order. */
function companionSlice(c: Companion, start: number, end: number): unknown[] {
  const picked = new Set<number>();
  for (let i = start; i < end; i++) for (const k of c.members[i]!) picked.add(k);
  return [...picked].sort((a, b) => a - b).map((k) => c.items[k]);
}

/** JSON byte lengths of `items`, a STEP between two slices. */
function* measure(items: readonly unknown[], sizes: number[]): Generator<typeof STEP> {
  for (let i = 0; i < items.length; i++) {
    if (i > 0 && i % MEASURE_SLICE === 0) yield STEP;
    sizes.push(byteLength(JSON.stringify(items[i])));
  }
}

function* split(t: FitTarget, record: unknown, layout: PartLayout, field: string, list: unknown[], eventList: unknown[]): Generator<FittedRecord | typeof STEP> {
  const listPath = layout.list(field, t.event.type);
  const companions = companionsOf(t, record, layout, eventList);
  const items = list.slice();
  const sizes: number[] = [];
  yield* measure(items, sizes);
  const n = items.length;
  // The envelope with the widest part position any part can have, so every part's size is bounded exactly.
  const widest = layout.position({ eventId: t.event.id, index: n, count: n });
  const empty = companions.reduce((body, c) => setPath(body, c.path, []), setPath(record, listPath, []));
  const envelope = byteLength(t.render(setPath(empty, layout.part, widest)));
  omitOversized(t, layout, field, eventList, items, sizes, t.budget - envelope);
  // Each item is measured with the companions it takes along (a comma each): a part never exceeds the budget.
  const companionBytes: number[][] = [];
  for (const c of companions) {
    const bytes: number[] = [];
    yield* measure(c.items, bytes);
    companionBytes.push(bytes.map((b) => 1 + b));
  }
  companions.forEach((c, ci) => c.members.forEach((ks, i) => ks.forEach((k) => (sizes[i]! += companionBytes[ci]![k]!))));
  const ranges = planParts(sizes, envelope, t.budget);
  if (ranges.length === 1) {
    const whole = setPath(record, listPath, items);
    yield { record: whole, text: t.render(whole), part: null };
    return;
  }
  for (const [i, r] of ranges.entries()) {
    const part: PartPosition = { eventId: t.event.id, index: i + 1, count: ranges.length };
    let out = setPath(setPath(record, listPath, items.slice(r.start, r.end)), layout.part, layout.position(part));
    for (const c of companions) out = setPath(out, c.path, companionSlice(c, r.start, r.end));
    yield { record: out, text: t.render(out), part };
    if (i < ranges.length - 1) yield STEP;
  }
}

/** Replaces, in place, the items that do not fit even alone by the same items rendered without bulky content. */
function omitOversized(t: FitTarget, layout: PartLayout, field: string, eventList: unknown[], items: unknown[], sizes: number[], room: number): void {
  const oversized = sizes.flatMap((size, i) => (size > room ? [i] : []));
  const stripped = oversized.map((i) => ({ i, ...stripBulky(eventList[i]) })).filter((s) => s.fields.length > 0);
  if (stripped.length === 0) return;
  const sub: StoredEvent = { ...t.event, data: { ...t.event.data, [field]: stripped.map((s) => s.item) } };
  const subList = getPath(t.format.records(sub, { sendPayload: t.sendPayload })[t.index], layout.list(field, t.event.type));
  if (!Array.isArray(subList) || subList.length !== stripped.length) return;
  stripped.forEach((s, k) => {
    const item = subList[k] as Record<string, unknown>;
    items[s.i] = layout.markOmitted(item, s.fields, documentPath(itemId(eventList[s.i])));
    sizes[s.i] = byteLength(JSON.stringify(items[s.i]));
  });
}
