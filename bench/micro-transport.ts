// Micro bench of the delivery transport: process CPU per POST and requests/s of the client side only (the receiver
// runs in its own process), 10 in flight to the bench receiver over loopback, for
//   raw       undici Pool.request + body.dump(): the floor any webhook client pays
//   request() the former sendAttempt (undici request(), AbortSignal.timeout, for-await body): a frozen copy below
//   dispatch  the current sendAttempt (src/webhooks/transport/send-attempt.ts)
//   sender    WebhookSender.attempt: headers and signing (buildRequest) plus the current sendAttempt
// plus buildRequest alone (no network), before (spread copies, a frozen copy below) and now. Variants alternate within each round; the table shows medians.
// Run: node --import tsx bench/micro-transport.ts [--n 20000] [--rounds 3]
import { performance } from 'node:perf_hooks';
import { Pool, request, type Dispatcher } from 'undici';
import { loadConfig } from '../src/config.js';
import { classifyOutcome, errorCodeOf } from '../src/webhooks/delivery/outcome.js';
import { parseRetryAfter } from '../src/webhooks/delivery/retry-after.js';
import { createWebhookSlots } from '../src/webhooks/delivery/webhook-slots.js';
import { signingSecrets, type Webhook } from '../src/webhooks/admin/webhook-store.js';
import { REDACTED } from '../src/webhooks/admin/webhook-views.js';
import { getFormat } from '../src/webhooks/formats/registry.js';
import { buildRequest, USER_AGENT, type OutgoingRequest } from '../src/webhooks/transport/outgoing-request.js';
import { signStandard } from '../src/webhooks/transport/sign-standard.js';
import { sendAttempt, type SendOptions, type SentAttempt } from '../src/webhooks/transport/send-attempt.js';
import { createGuardedDispatcher, createTargetPolicy } from '../src/webhooks/transport/ssrf-guard.js';
import { createWebhookSender } from '../src/webhooks/transport/webhook-sender.js';
import { startReceiver } from './receiver.js';
import { median } from './stats.js';

function arg(name: string, fallback: number, max: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const raw = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isFinite(raw) || raw < 1) throw new Error(`--${name} must be a positive number`);
  return Math.min(Math.floor(raw), max);
}

const N = arg('n', 20_000, 200_000);
const ROUNDS = arg('rounds', 3, 15);
const IN_FLIGHT = 10;

/** The pre-dispatch sendAttempt (request(), AbortSignal per request, for-await body with a TextDecoder), kept as the baseline. */
async function requestAttempt(dispatcher: Dispatcher, req: OutgoingRequest, options: SendOptions): Promise<SentAttempt> {
  const at = options.clock();
  const started = performance.now();
  const signal = AbortSignal.timeout(options.timeoutMs);
  const done = (rest: Omit<SentAttempt, 'at' | 'durationMs' | 'request'>): SentAttempt => ({ at, durationMs: Math.round(performance.now() - started), request: req, ...rest });
  let res: Dispatcher.ResponseData;
  try {
    res = await request(req.url, { method: 'POST', headers: req.headers, body: req.body, dispatcher, signal, headersTimeout: options.timeoutMs, bodyTimeout: options.timeoutMs });
  } catch (err) {
    const code = signal.aborted ? 'TimeoutError' : errorCodeOf(err);
    const outcome = classifyOutcome(code === undefined ? {} : { errorCode: code });
    return done({ responseStatus: null, responseHeaders: null, responseBody: null, error: String(err), outcome });
  }
  const responseHeaders: Record<string, string> = {};
  for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) responseHeaders[k] = Array.isArray(v) ? v.join(', ') : v;
  const decoder = new TextDecoder('utf-8');
  let text = '';
  let kept = 0;
  for await (const chunk of res.body as AsyncIterable<Uint8Array>) {
    const room = options.bodyCapBytes - kept;
    if (chunk.byteLength > room) {
      if (room > 0) text += decoder.decode(chunk.subarray(0, room), { stream: true });
      break;
    }
    text += decoder.decode(chunk, { stream: true });
    kept += chunk.byteLength;
  }
  text += decoder.decode();
  const status = res.statusCode;
  const retryAfterMs = status === 429 || status === 503 ? parseRetryAfter(responseHeaders['retry-after'], options.clock(), options.retryAfterCapMs) : null;
  return done({ responseStatus: status, responseHeaders, responseBody: text, error: null, outcome: classifyOutcome({ status, retryAfterMs }) });
}

/** The pre-change buildRequest (spread copies of the header objects), kept as the baseline of the no-network row. */
function spreadBuildRequest(webhook: Webhook, messageId: string, body: string, now: number): OutgoingRequest {
  const timestamp = Math.floor(now / 1000);
  const signature = signStandard({ msgId: messageId, timestamp, body, secrets: signingSecrets(webhook, now) });
  const own: Record<string, string> = {
    'user-agent': USER_AGENT,
    ...getFormat(webhook.format).headers(body, webhook.secret),
    'webhook-id': messageId,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': signature,
    'content-type': 'application/json',
  };
  const redacted = Object.fromEntries(Object.keys(webhook.headers).map((k) => [k, REDACTED]));
  return { url: webhook.url, headers: { ...webhook.headers, ...own }, body, loggedHeaders: { ...redacted, ...own } };
}

/** CPU µs per call of `build`, `count` calls. */
function buildCost(count: number, build: (i: number) => unknown): number {
  const cpu = process.cpuUsage();
  for (let i = 0; i < count; i++) build(i);
  const used = process.cpuUsage(cpu);
  return (used.user + used.system) / count;
}

/** A ~1 KB JSON body, like a PROJECT_UPDATED delivery. */
function sampleBody(): string {
  const record = { type: 'PROJECT_UPDATED', timestamp: new Date().toISOString(), data: { id: 'evt_01jdbench', project: { id: 'prj_01jdbench', name: 'Bench corpus', tags: ['bench'] } } };
  const pad = 1024 - JSON.stringify({ ...record, pad: '' }).length;
  return JSON.stringify({ ...record, pad: 'x'.repeat(Math.max(0, pad)) });
}

interface Run {
  cpuUsPerRequest: number;
  perSecond: number;
}

/** `count` calls of `send` at IN_FLIGHT in flight; every call must succeed. */
async function measure(count: number, send: (i: number) => Promise<boolean>): Promise<Run> {
  let issued = 0;
  let failed = 0;
  const cpu = process.cpuUsage();
  const start = performance.now();
  const loop = async (): Promise<void> => {
    while (issued < count) {
      if (!(await send(issued++))) failed++;
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, loop));
  const elapsed = performance.now() - start;
  const used = process.cpuUsage(cpu);
  if (failed > 0) throw new Error(`${failed} of ${count} requests failed`);
  return { cpuUsPerRequest: (used.user + used.system) / count, perSecond: (count / elapsed) * 1000 };
}

async function main(): Promise<void> {
  const receiver = await startReceiver();
  const origin = `http://127.0.0.1:${receiver.port}`;
  const url = `${origin}/micro`;
  const body = sampleBody();
  const config = loadConfig({ LABELHOOK_ALLOW_PRIVATE_TARGETS: '127.0.0.0/8' });
  const policy = createTargetPolicy(config.allowPrivateTargets);
  const guarded = (): ReturnType<typeof createGuardedDispatcher> => createGuardedDispatcher(policy, { connectTimeoutMs: config.connectTimeoutMs, keepAliveTimeoutMs: 30_000 });
  const options: SendOptions = { timeoutMs: config.requestTimeoutMs, bodyCapBytes: config.responseBodyCapBytes, retryAfterCapMs: 60_000, clock: Date.now };
  const now = Date.now();
  const webhook: Webhook = {
    id: 'wh_micro', teamId: 't', projectId: null, url, description: '', enabled: true, events: ['PROJECT_UPDATED'], format: 'standard',
    headers: { authorization: 'Bearer micro' }, secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', previousSecret: null, previousSecretExpiresAt: null,
    sendPayload: true, batch: null, maxBodyBytes: 1 << 20, ordered: false, blocking: false, failMode: 'open', disabledReason: null,
    failingSince: null, ephemeral: false, createdAt: now, updatedAt: now,
  };
  const ok = (a: SentAttempt): boolean => a.outcome.kind === 'ok';

  const pool = new Pool(origin, { connections: IN_FLIGHT, keepAliveTimeout: 30_000 });
  const oldAgent = guarded();
  const newAgent = guarded();
  const senderAgent = guarded();
  const sender = createWebhookSender({ config, clock: Date.now, agent: () => senderAgent, slots: createWebhookSlots(IN_FLIGHT) });
  const fixed = buildRequest(webhook, 'msg_micro', body, now);
  const variants: { name: string; send: (i: number) => Promise<boolean> }[] = [
    {
      name: 'raw Pool.request + dump',
      send: async (i) => {
        const res = await pool.request({ method: 'POST', path: '/micro', headers: { ...fixed.headers, 'webhook-id': `msg_${i}` }, body });
        await res.body.dump();
        return res.statusCode >= 200 && res.statusCode < 300;
      },
    },
    { name: 'request() sendAttempt (before)', send: async () => ok(await requestAttempt(oldAgent, fixed, options)) },
    { name: 'dispatch sendAttempt (now)', send: async () => ok(await sendAttempt(newAgent, fixed, options)) },
    { name: 'WebhookSender.attempt (signing)', send: async (i) => ok(await sender.attempt(webhook, `msg_${i}`, body)) },
  ];

  // Both processes need a few thousand requests before the JIT settles.
  for (const v of variants) await measure(Math.min(N, 5_000), v.send);
  const runs = new Map<string, Run[]>(variants.map((v) => [v.name, []]));
  for (let r = 0; r < ROUNDS; r++) {
    // Rotate the order each round so a noisy moment does not always hit the same variant.
    for (let k = 0; k < variants.length; k++) {
      const v = variants[(k + r) % variants.length]!;
      await receiver.reset();
      runs.get(v.name)!.push(await measure(N, v.send));
    }
  }

  // buildRequest alone (headers and signing), no network: before and now, alternating, median of the rounds.
  const builds = Math.min(N * 5, 200_000);
  const buildRuns = { before: [] as number[], now: [] as number[] };
  for (let r = 0; r < ROUNDS + 1; r++) {
    const before = buildCost(builds, (i) => spreadBuildRequest(webhook, `msg_${i}`, body, now));
    const current = buildCost(builds, (i) => buildRequest(webhook, `msg_${i}`, body, now));
    // The first round warms the JIT.
    if (r > 0) {
      buildRuns.before.push(before);
      buildRuns.now.push(current);
    }
  }

  console.log(`\n${N} POSTs of ${Buffer.byteLength(body)} B at ${IN_FLIGHT} in flight, median of ${ROUNDS} rounds (client process CPU only)\n`);
  console.log(`${'variant'.padEnd(34)} ${'CPU µs/req'.padStart(11)} ${'req/s'.padStart(8)}`);
  for (const [name, rs] of runs) {
    const cpuUs = median(rs.map((x) => x.cpuUsPerRequest));
    const rate = median(rs.map((x) => x.perSecond));
    console.log(`${name.padEnd(34)} ${cpuUs.toFixed(1).padStart(11)} ${rate.toFixed(0).padStart(8)}`);
  }
  console.log(`${'buildRequest, spread copies (before)'.padEnd(34)} ${median(buildRuns.before).toFixed(1).padStart(11)}`);
  console.log(`${'buildRequest (now)'.padEnd(34)} ${median(buildRuns.now).toFixed(1).padStart(11)}`);

  await Promise.all([pool.close(), oldAgent.close(), newAgent.close(), senderAgent.close()]);
  await receiver.close();
}

await main();
