import type { EventType } from '../../events/catalog.js';
import type { StoredEvent } from '../../events/event.js';

export type WebhookFormatName = 'standard' | 'datasaur' | 'label-studio' | 'labelator';

export interface FormatOptions {
  sendPayload: boolean;
}

/** How one webhook dialect turns events into request bodies (docs/formats.md). Pure: no I/O, no clock. */
export interface PayloadFormat {
  name: WebhookFormatName;
  /**
   * Split one event into the records this format sends. Most formats: exactly one record (the single-request
   * body as a JS value). labelator: one record per document/annotation (a TASKS_CREATED of 250 docs gives 250 records).
   */
  records(event: StoredEvent, options: FormatOptions): unknown[];
  /**
   * The request body (a JSON string) for records of ONE event type, possibly from several events. `batched` is true
   * when the webhook batches (generic `batch` option or labelator): then standard/datasaur/label-studio render a JSON
   * array of the single bodies; labelator renders its own batch shape. When not batched there is exactly one record
   * and the body is that record.
   */
  render(records: unknown[], eventType: EventType, batched: boolean): string;
  /** Default batching for this format, e.g. labelator {maxSize:100, maxWaitMs:1000}; undefined = no batching by default. */
  defaultBatch?: { maxSize: number; maxWaitMs: number };
  /**
   * Format-specific headers over the final body, e.g. datasaur's x-datasaur-signature (hex HMAC with the current
   * secret). The engine adds webhook-id/timestamp/signature and content-type itself, and a user-agent that these
   * headers may replace (datasaur names Datasaur's).
   */
  headers(body: string, currentSecret: string): Record<string, string>;
}
