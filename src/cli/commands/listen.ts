import { Option, type Command } from 'commander';
import { CliUsageError } from '../../errors.js';
import type { StoredEvent } from '../../events/event.js';
import type { WebhookFormatName } from '../../webhooks/formats/format.js';
import { FORMAT_NAMES } from '../../webhooks/formats/registry.js';
import { generateSecret } from '../../webhooks/transport/sign-standard.js';
import { clientOptionsOf, withClientOptions } from '../client-options.js';
import { colorsFor } from '../colors.js';
import { eventPlace, summarizeEvent } from '../listen/event-summary.js';
import { buildSignedRequests, forwardRequest } from '../listen/forwarder.js';
import { followEventStream } from '../listen/stream-follower.js';

interface ListenFlags {
  forwardTo?: string;
  events?: string;
  project?: string;
  format: WebhookFormatName;
  secret?: string;
  since?: string;
}

const FORWARD_TIMEOUT_MS = 15_000;

/** `labelhook listen`: the team's events on a developer machine, forwarded signed to a local receiver (like `stripe listen`). */
export function registerListenCommand(program: Command): void {
  const command = program
    .command('listen')
    .description("print the team's events as they happen and forward each one, signed, to a local receiver")
    .option('-f, --forward-to <url>', 'local URL to POST each event to, e.g. http://localhost:3000/hook')
    .option('-e, --events <types>', 'comma-separated event types (default: all)')
    .option('-p, --project <id>', 'only events of this project')
    .addOption(new Option('--format <format>', 'payload format of forwarded requests').choices([...FORMAT_NAMES]).default('standard'))
    .option('--secret <secret>', 'signing secret to use (default: a new one per session, printed at start)')
    .option('--since <seq>', 'start after this event seq instead of at the newest event (replays what came after)')
    .addHelpText(
      'after',
      '\nExamples:\n  $ labelhook listen --forward-to http://localhost:3000/hook\n' +
        '  $ labelhook listen --events TASK_COMPLETED,PROJECT_COMPLETED --format datasaur -f http://localhost:3000/hook',
    );
  withClientOptions(command).action(async (flags: ListenFlags, cmd: Command) => {
    const client = clientOptionsOf(cmd);
    const forwardTo = flags.forwardTo ? parseForwardUrl(flags.forwardTo) : undefined;
    const afterSeq = flags.since === undefined ? undefined : parseSeq(flags.since);
    const secret = flags.secret ?? generateSecret();
    const c = colorsFor(process.stdout, process.env);
    const out = (line: string) => process.stdout.write(`${line}\n`);
    const now = () => new Date().toISOString();

    out(`${c.bold('labelhook listen')}: connecting to ${client.url}`);
    out(`Signing secret for this session: ${c.bold(secret)}`);
    out(
      forwardTo
        ? `Forwarding events to ${forwardTo} as ${flags.format} webhooks (verify them with this secret). Ctrl-C to stop.`
        : 'Printing events only (add --forward-to URL to send them to a local receiver). Ctrl-C to stop.',
    );

    const stop = new AbortController();
    const onSignal = () => stop.abort();
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    try {
      await followEventStream({
        client,
        types: flags.events?.split(',').map((t) => t.trim()).filter(Boolean),
        projectId: flags.project,
        afterSeq,
        signal: stop.signal,
        onState: (state) => {
          if (state.kind === 'connected') {
            out(`${c.dim(now())}  ${c.green(state.reconnect ? 'reconnected' : 'ready')}: streaming events after seq ${state.seq}`);
          } else {
            out(`${c.dim(now())}  ${c.yellow('disconnected')} (${state.reason}); reconnecting in ${(state.retryInMs / 1000).toFixed(1)} s`);
          }
        },
        onEvent: async (event: StoredEvent) => {
          out(`${c.dim(event.timestamp)}  --> ${c.cyan(event.type)} ${eventPlace(event)}  ${summarizeEvent(event)}  ${c.dim(`[${event.id}, seq ${event.seq}]`)}`);
          if (!forwardTo) return;
          const requests = buildSignedRequests(event, flags.format, secret, Date.now());
          if (requests.length === 0) out(`${c.dim(now())}  <-- ${c.dim(`not sent: the ${flags.format} format carries nothing for this event`)}`);
          for (const req of requests) {
            const result = await forwardRequest(forwardTo, req, FORWARD_TIMEOUT_MS);
            const ok = result.status !== null && result.status >= 200 && result.status < 300;
            const status = result.status === null ? c.red(`[ERR ${result.error}]`) : ok ? c.green(`[${result.status}]`) : c.red(`[${result.status}]`);
            out(`${c.dim(now())}  <-- ${status} POST ${forwardTo} (${result.durationMs} ms)`);
          }
        },
      });
    } finally {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }
  });
}

function parseForwardUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new CliUsageError(`--forward-to: "${text}" is not a URL (example: http://localhost:3000/hook).`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new CliUsageError(`--forward-to: "${text}" must be an http or https URL.`);
  return url.toString();
}

function parseSeq(text: string): number {
  if (!/^\d{1,15}$/.test(text)) throw new CliUsageError(`--since: "${text}" is not an event seq (a whole number).`);
  return Number(text);
}
