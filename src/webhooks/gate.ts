import type { AppContext } from '../app-context.js';
import type { StoredEvent } from '../events/event.js';
import type { GateVerdict, LabelGate } from '../events/label-gate.js';
import { newId } from '../ids.js';
import { gateDecision } from '../metrics/attempt-sample.js';
import { gateWantsEvent } from './fanout/event-match.js';
import { getFormat } from './formats/registry.js';
import { logImmediate, type ImmediateDelivery } from './admin/immediate-log.js';
import type { SentAttempt } from './transport/send-attempt.js';
import type { WebhookRuntime } from './webhook-runtime.js';
import { decodeWebhook, type Webhook } from './admin/webhook-store.js';

/** One blocking webhook's answer, before fail modes are applied. */
type GateAnswer = { kind: 'allow' } | { kind: 'reject'; reason: string } | { kind: 'unavailable'; reason: string };

function parseVerdictBody(body: string | null): { allow?: unknown; reason?: unknown } | null {
  if (!body) return null;
  try {
    const parsed: unknown = JSON.parse(body);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as { allow?: unknown; reason?: unknown }) : null;
  } catch {
    return null;
  }
}

/** Reads a gate webhook's answer (docs/webhooks.md): 2xx allows unless `{"allow": false}`; 4xx rejects; anything else is unavailable. */
export function readGateAnswer(sent: SentAttempt): GateAnswer {
  const status = sent.responseStatus;
  const body = parseVerdictBody(sent.responseBody);
  const reason = typeof body?.reason === 'string' && body.reason !== '' ? body.reason : null;
  if (status !== null && status >= 200 && status <= 299) {
    return body?.allow === false ? { kind: 'reject', reason: reason ?? 'The label update was rejected by a blocking webhook.' } : { kind: 'allow' };
  }
  if (status !== null && status >= 400 && status <= 499) {
    return { kind: 'reject', reason: reason ?? `A blocking webhook rejected the label update (HTTP ${status}).` };
  }
  return { kind: 'unavailable', reason: sent.error ?? (status === null ? 'no answer' : `HTTP ${status}`) };
}

async function callOne(ctx: Omit<AppContext, 'labelGate'>, runtime: WebhookRuntime, webhook: Webhook, event: StoredEvent): Promise<{ answer: GateAnswer; log: ImmediateDelivery }> {
  const format = getFormat(webhook.format);
  const records = format.records(event, { sendPayload: webhook.sendPayload });
  const body = format.render(records, event.type, records.length !== 1);
  const messageId = newId('msg', ctx.clock());
  const sent = await runtime.sender.gate(webhook, messageId, body);
  const answer = readGateAnswer(sent);
  return {
    answer,
    log: {
      teamId: webhook.teamId,
      webhookId: webhook.id,
      projectId: event.project?.id ?? null,
      eventType: event.type,
      eventIds: [event.id],
      messageId,
      body,
      sent,
      succeeded: sent.outcome.kind === 'ok',
    },
  };
}

/**
 * The label gate (src/events/label-gate.ts): calls every enabled blocking webhook subscribed to
 * BEFORE_UPDATE_LABELS in the update's scope, all at once, each within config.gateTimeoutMs. The first
 * rejection wins; a webhook that cannot answer follows its failMode (open: proceed, closed: reject).
 * Every call is logged as a delivery with its attempt.
 */
export function createLabelGate(ctx: Omit<AppContext, 'labelGate'>, runtime: WebhookRuntime): LabelGate {
  return {
    async check(event: StoredEvent): Promise<GateVerdict> {
      const rows = await ctx.store.db
        .selectFrom('webhooks')
        .selectAll()
        .where('team_id', '=', event.team.id)
        .where('enabled', '=', 1)
        .where('blocking', '=', 1)
        .where('ephemeral', '=', 0)
        .execute();
      const projectId = event.project?.id ?? null;
      const hooks = rows.map((r) => decodeWebhook(r, runtime.box)).filter((w) => gateWantsEvent(w, projectId));
      if (hooks.length === 0) return { allow: true };
      const calls = await Promise.all(hooks.map((w) => callOne(ctx, runtime, w, event)));
      ctx.metrics?.recordGateDecisions(calls.map((c, i) => gateDecision(c.answer.kind, hooks[i]!.failMode)));
      try {
        await ctx.store.db.transaction().execute((trx) => logImmediate(trx, calls.map((c) => c.log)));
      } catch (err) {
        // The verdict stands even when its log cannot be written: failing the label update over a log row would be worse.
        ctx.logger.error({ err }, 'could not log gate calls');
      }
      for (const [i, call] of calls.entries()) {
        const webhook = hooks[i]!;
        if (call.answer.kind === 'reject') return { allow: false, reason: call.answer.reason, webhookId: webhook.id };
        if (call.answer.kind === 'unavailable' && webhook.failMode === 'closed') {
          return {
            allow: false,
            reason: `A blocking webhook could not be reached (${call.answer.reason}) and its failMode is closed.`,
            webhookId: webhook.id,
          };
        }
      }
      return { allow: true };
    },
  };
}
