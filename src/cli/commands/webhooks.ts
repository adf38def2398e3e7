import { InvalidArgumentError, Option, type Command } from 'commander';
import { FORMAT_NAMES } from '../../webhooks/formats/registry.js';
import { createApiClient } from '../api-client.js';
import { clientOptionsOf, withClientOptions } from '../client-options.js';
import { colorsFor } from '../colors.js';
import { fetchAll } from '../paging.js';
import { renderJson, renderTable } from '../table.js';

interface WebhookView {
  id: string;
  projectId: string | null;
  url: string;
  enabled: boolean;
  events: string[];
  format: string;
  disabledReason: string | null;
}

interface TestAnswer {
  deliveryId: string;
  ok: boolean;
  responseStatus?: number | null;
  durationMs?: number;
  error?: string | null;
}

interface CreateFlags {
  url: string;
  events?: string;
  format?: string;
  project?: string;
  description?: string;
  maxBodyBytes?: number;
  json?: boolean;
}

/** A whole number of bytes for --max-body-bytes; the server checks the bounds. */
function parseBytes(value: string): number {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError('a whole number of bytes, e.g. 1048576');
  return Number(value);
}

const out = (text: string): void => {
  process.stdout.write(text);
};

/** `labelhook webhooks list|create|test`: webhook endpoints from scripts (admins). */
export function registerWebhooksCommand(program: Command): void {
  const webhooks = program.command('webhooks').description("manage the team's webhook endpoints (admins)");

  withClientOptions(
    webhooks.command('list').description("list the team's webhooks").option('--project <id>', 'only webhooks of this project').option('--json', 'print the answer as JSON'),
  ).action(async (flags: { project?: string; json?: boolean }, cmd: Command) => {
    const api = createApiClient(clientOptionsOf(cmd));
    const items = await fetchAll<WebhookView>(api, `/webhooks${flags.project ? `?projectId=${encodeURIComponent(flags.project)}` : ''}`);
    if (flags.json) return out(renderJson(items));
    if (items.length === 0) return out('No webhooks.\n');
    const c = colorsFor(process.stdout, process.env);
    out(
      renderTable(
        ['ID', 'STATUS', 'FORMAT', 'SCOPE', 'EVENTS', 'URL'],
        items.map((w) => [
          w.id,
          w.enabled ? c.green('enabled') : c.red(w.disabledReason ? `disabled (${w.disabledReason})` : 'disabled'),
          w.format,
          w.projectId ?? 'team',
          w.events.join(','),
          w.url,
        ]),
        c,
      ),
    );
  });

  withClientOptions(
    webhooks
      .command('create')
      .description('register a webhook; prints its signing secret')
      .requiredOption('--url <url>', 'where to POST events')
      .option('--events <types>', 'comma-separated event types, or * for all', '*')
      .addOption(new Option('--format <format>', 'payload format').choices([...FORMAT_NAMES]))
      .option('--project <id>', 'only events of this project (default: the whole team)')
      .option('--description <text>', 'what the webhook is for')
      .option('--max-body-bytes <bytes>', 'largest request body the receiver accepts (default 102400); larger events go in parts', parseBytes)
      .option('--json', 'print the answer as JSON')
      .addHelpText(
        'after',
        '\nHere --url is the webhook\'s target; the labelhook server comes from --server-url or LABELHOOK_URL.\n' +
          '\nExample:\n  $ labelhook webhooks create --url https://example.com/hook --events TASK_COMPLETED,PROJECT_COMPLETED --format datasaur',
      ),
    '--server-url',
  ).action(async (flags: CreateFlags, cmd: Command) => {
    const api = createApiClient(clientOptionsOf(cmd));
    const events = (flags.events ?? '*').split(',').map((e) => e.trim()).filter(Boolean);
    const created = await api.post<WebhookView & { secret: string }>('/webhooks', {
      url: flags.url,
      events,
      ...(flags.format ? { format: flags.format } : {}),
      ...(flags.project ? { projectId: flags.project } : {}),
      ...(flags.description ? { description: flags.description } : {}),
      ...(flags.maxBodyBytes !== undefined ? { maxBodyBytes: flags.maxBodyBytes } : {}),
    });
    if (flags.json) return out(renderJson(created));
    const c = colorsFor(process.stdout, process.env);
    out(
      `Created webhook ${created.id}: ${created.format} to ${created.url} for ${created.events.join(',')} (${created.projectId ?? 'whole team'}).\n` +
        `Signing secret: ${c.bold(created.secret)}\n`,
    );
  });

  withClientOptions(
    webhooks.command('test').description('send a PING to a webhook now and show the answer; exit code 1 when it fails').argument('<id>', 'the webhook id').option('--json', 'print the answer as JSON'),
  ).action(async (id: string, flags: { json?: boolean }, cmd: Command) => {
    const api = createApiClient(clientOptionsOf(cmd));
    const result = await api.post<TestAnswer>(`/webhooks/${encodeURIComponent(id)}/test`, {});
    if (!result.ok) process.exitCode = 1;
    if (flags.json) return out(renderJson(result));
    const c = colorsFor(process.stdout, process.env);
    const status = result.responseStatus ? `HTTP ${result.responseStatus}` : (result.error ?? 'no answer');
    out(`${result.ok ? c.green('PING delivered') : c.red('PING failed')}: ${status} in ${result.durationMs ?? '?'} ms (delivery ${result.deliveryId}).\n`);
  });
}
