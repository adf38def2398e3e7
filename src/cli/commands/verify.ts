import { readFile } from 'node:fs/promises';
import { Option, type Command } from 'commander';
import { WebhookVerificationError } from '../../../sdk/verification-error.js';
import { verifyWebhook } from '../../../sdk/verify.js';
import { CliUsageError } from '../../errors.js';
import type { WebhookFormatName } from '../../webhooks/formats/format.js';
import { FORMAT_NAMES } from '../../webhooks/formats/registry.js';
import { colorsFor } from '../colors.js';
import { parseSavedRequest, type SavedRequest } from '../verify/saved-request.js';

interface VerifyFlags {
  secret: string[];
  format: WebhookFormatName;
  tolerance: string;
  ignoreTimestamp?: boolean;
}

/** `labelhook verify --secret S --format F FILE`: checks a saved request's signature and says exactly why it fails. */
export function registerVerifyCommand(program: Command): void {
  program
    .command('verify')
    .description("check a saved webhook request's signature with the receiver SDK; exit code 1 when it does not verify")
    .argument('<file>', 'the saved request: JSON {"headers": {...}, "body": "..."} or raw HTTP (headers, blank line, body)')
    .requiredOption('--secret <secret>', 'the webhook secret (repeat during a rotation to try old and new)', (v: string, prev: string[] = []) => [...prev, v])
    .addOption(new Option('--format <format>', 'the webhook format').choices([...FORMAT_NAMES]).default('standard'))
    .option('--tolerance <seconds>', 'how far webhook-timestamp may be from now', '300')
    .option('--ignore-timestamp', 'check the signature only (saved requests grow old)')
    .addHelpText('after', '\nExamples:\n  $ labelhook verify --secret whsec_... request.json\n  $ labelhook verify --secret mysecret --format datasaur --ignore-timestamp request.http')
    .action(async (file: string, flags: VerifyFlags) => {
      const tolerance = Number(flags.tolerance);
      if (!Number.isFinite(tolerance) || tolerance < 0) throw new CliUsageError(`--tolerance: "${flags.tolerance}" must be a number of seconds.`);
      const content = await readFile(file).catch((err: NodeJS.ErrnoException) => {
        throw new CliUsageError(`${file}: cannot read it (${err.code ?? err.message})`);
      });
      const request = parseSavedRequest(content, file);
      const c = colorsFor(process.stdout, process.env);
      const signedAt = Number(request.headers['webhook-timestamp'] ?? request.headers['svix-timestamp']);
      const now = flags.ignoreTimestamp && Number.isFinite(signedAt) ? signedAt * 1000 : Date.now();
      const attempt = (body: Buffer) => verifyWebhook({ format: flags.format, body, headers: request.headers, secret: flags.secret, toleranceSeconds: tolerance, now });
      try {
        const parsed = attempt(request.body) as { type?: string; eventType?: string; action?: string };
        const type = parsed.type ?? parsed.eventType ?? parsed.action;
        const id = request.headers['webhook-id'] ?? request.headers['svix-id'];
        process.stdout.write(
          `${c.green('OK')}: the signature is valid (${flags.format} format${id ? `, webhook-id ${id}` : ''}${type ? `, ${type}` : ''})` +
            `${flags.ignoreTimestamp ? '; the timestamp was not checked' : ''}.\n`,
        );
      } catch (err) {
        if (!(err instanceof WebhookVerificationError)) throw err;
        process.stdout.write(`${c.red('FAIL')} (${err.reason}): ${err.message}\n`);
        for (const hint of hints(err, request, flags, signedAt, attempt)) process.stdout.write(`  hint: ${hint}\n`);
        process.exitCode = 1;
      }
    });
}

/** What probably went wrong, checked rather than guessed where possible. */
function hints(err: WebhookVerificationError, request: SavedRequest, flags: VerifyFlags, signedAt: number, attempt: (body: Buffer) => unknown): string[] {
  const out: string[] = [];
  if (err.reason === 'timestamp_expired' && Number.isFinite(signedAt)) {
    const age = Math.round(Date.now() / 1000 - signedAt);
    out.push(`the request was signed at ${new Date(signedAt * 1000).toISOString()} (${age} s ago); add --ignore-timestamp to check the signature of an old saved request.`);
  }
  if (err.reason === 'missing_header') {
    out.push(`headers found: ${Object.keys(request.headers).sort().join(', ') || 'none'}.`);
  }
  if (err.reason === 'bad_signature') {
    if (request.reserialized) {
      out.push('the body was saved as a JSON value and re-serialised; signatures cover the exact bytes sent, so save the body as a string.');
    }
    const trimmed = request.body.subarray(0, request.body.length - (request.body.at(-1) === 10 ? (request.body.at(-2) === 13 ? 2 : 1) : 0));
    if (trimmed.length !== request.body.length && verifies(() => attempt(trimmed))) {
      out.push('the body verifies without its trailing newline: it was added when the request was saved.');
    }
    if (flags.format !== 'datasaur' && flags.secret.every((s) => !s.startsWith('whsec_'))) {
      out.push('the secret does not start with whsec_, so it was used as raw bytes; labelhook secrets look like whsec_<base64>.');
    }
    if (flags.format === 'datasaur' && request.headers['x-datasaur-signature'] === undefined) {
      out.push('there is no x-datasaur-signature header; the webhook-signature header was checked instead.');
    }
  }
  return out;
}

function verifies(run: () => unknown): boolean {
  try {
    run();
    return true;
  } catch {
    return false;
  }
}
