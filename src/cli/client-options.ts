import type { Command } from 'commander';
import { CliUsageError } from '../errors.js';

/** Where the CLI finds the labelhook server and how it authenticates. */
export interface ClientOptions {
  /** Base URL without a trailing slash, e.g. `http://localhost:8080`. */
  url: string;
  apiKey: string;
}

// Which flag carries the server URL, per command: `webhooks create` has its own --url (the webhook's target).
const urlFlagOf = new WeakMap<Command, 'url' | 'serverUrl'>();

/** Adds `--url` (or `--server-url` where `--url` means something else) and `--api-key` to a command that talks to a server. */
export function withClientOptions(command: Command, urlFlag: '--url' | '--server-url' = '--url'): Command {
  urlFlagOf.set(command, urlFlag === '--url' ? 'url' : 'serverUrl');
  return command
    .option(`${urlFlag} <url>`, 'labelhook server URL (default: LABELHOOK_URL or http://localhost:8080)')
    .option('--api-key <key>', 'API key (default: LABELHOOK_API_KEY)');
}

/** Resolves the server URL and API key from flags, then LABELHOOK_URL / LABELHOOK_API_KEY; flags win. */
export function resolveClientOptions(flags: { url?: string; apiKey?: string }, env: Record<string, string | undefined>): ClientOptions {
  const url = (flags.url || env.LABELHOOK_URL || 'http://localhost:8080').replace(/\/+$/, '');
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new CliUsageError(`--url / LABELHOOK_URL: "${url}" is not a URL (example: http://localhost:8080).`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new CliUsageError(`--url / LABELHOOK_URL: "${url}" must be an http or https URL.`);
  }
  const apiKey = flags.apiKey || env.LABELHOOK_API_KEY;
  if (!apiKey) throw new CliUsageError('An API key is needed: pass --api-key or set LABELHOOK_API_KEY.');
  return { url, apiKey };
}

/** The client options of a command's action: its own flags plus the environment. */
export function clientOptionsOf(command: Command): ClientOptions {
  const opts = command.optsWithGlobals<{ url?: string; serverUrl?: string; apiKey?: string }>();
  const url = urlFlagOf.get(command) === 'serverUrl' ? opts.serverUrl : opts.url;
  return resolveClientOptions({ url, apiKey: opts.apiKey }, process.env);
}
