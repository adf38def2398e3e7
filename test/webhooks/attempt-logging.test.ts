import { Writable } from 'node:stream';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { logAttempts, type LoggedAttempt } from '../../src/webhooks/delivery/attempt-logging.js';
import { decideAttempt } from '../../src/webhooks/delivery/outcome.js';
import type { SentAttempt } from '../../src/webhooks/transport/send-attempt.js';

function capture(level: string): { logger: pino.Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  return { logger: pino({ level }, stream), lines };
}

const sent = (outcome: SentAttempt['outcome'], status: number | null): SentAttempt =>
  ({ at: 1, durationMs: 12, request: {} as SentAttempt['request'], responseStatus: status, responseHeaders: null, responseBody: null, error: status === null ? 'timeout: aborted' : null, outcome });

/** An attempt of a delivery whose schedule has 2 retries, decided as the worker decides it. */
const item = (attemptCount: number, s: SentAttempt): LoggedAttempt => ({
  delivery: { id: 'dlv_1', webhook_id: 'wh_1', message_id: 'msg_1', event_ids: '["evt_1","evt_2"]', attempt_count: attemptCount },
  sent: s,
  verdict: decideAttempt(s.outcome, attemptCount + 1, [1000, 2000], () => 0.5),
});

describe('delivery log lines', () => {
  it('a delivery that fails for good is logged at warn with its delivery, webhook, message and event ids', () => {
    const { logger, lines } = capture('info');
    // Schedule of 2 retries: the third attempt (attempt_count 2 before it) is the last.
    logAttempts(logger, [item(0, sent({ kind: 'retry', reason: 'timeout' }, null)), item(2, sent({ kind: 'retry', reason: 'http_500' }, 500))]);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 40, msg: 'delivery failed for good', deliveryId: 'dlv_1', webhookId: 'wh_1', messageId: 'msg_1', eventIds: ['evt_1', 'evt_2'], attempt: 3, status: 500 });
  });

  it('at debug every attempt gets a line', () => {
    const { logger, lines } = capture('debug');
    logAttempts(logger, [item(0, sent({ kind: 'ok' }, 200)), item(0, sent({ kind: 'retry', reason: 'timeout' }, null)), item(0, sent({ kind: 'gone' }, 410))]);
    expect(lines.map((l) => l.msg)).toEqual(['delivery succeeded', 'delivery attempt failed; will retry', 'delivery failed for good']);
    expect(lines[1]).toMatchObject({ error: 'timeout: aborted', outcome: 'retry' });
  });
});
