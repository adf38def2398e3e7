import { promises as dns, type LookupAddress, type LookupOptions } from 'node:dns';
import { isIP, type LookupFunction } from 'node:net';
import { Agent, buildConnector } from 'undici';
import { SsrfBlockedError, ValidationError } from '../../errors.js';
import type { TargetPolicy } from './target-policy.js';

export { createTargetPolicy, type AddressVerdict, type TargetPolicy } from './target-policy.js';

/** One address a host name resolves to. */
export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

/** Resolves a host name to ALL its addresses; injected so tests never touch real DNS. */
export type ResolveAll = (hostname: string) => Promise<ResolvedAddress[]>;

/** The system resolver (getaddrinfo, so /etc/hosts counts), every address at once. */
export const systemResolveAll: ResolveAll = async (hostname) => {
  const answers = await dns.lookup(hostname, { all: true, verbatim: true });
  return answers.map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 }));
};

const ALLOW_HINT = 'An operator can allow private ranges with LABELHOOK_ALLOW_PRIVATE_TARGETS (e.g. 127.0.0.0/8).';

/** URL.hostname keeps the brackets around IPv6 literals; sockets and the policy want the bare address. */
function bareHost(url: URL): string {
  return url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
}

/** Validates a webhook URL's syntax (http/https, a host, no credentials) and returns it parsed; throws ValidationError `invalid_url`. */
export function parseWebhookUrl(url: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ValidationError(`Webhook URL "${url}" is not a valid absolute URL.`, { url }, 'invalid_url');
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new ValidationError(
      `Webhook URL must use http or https, not "${parsed.protocol.replace(/:$/, '')}".`,
      { url },
      'invalid_url',
    );
  }
  if (parsed.username !== '' || parsed.password !== '') {
    // Credentials in a URL leak into logs and the console; custom headers are stored encrypted instead.
    throw new ValidationError(
      'Webhook URL must not contain credentials (user:password@); send them as a custom header such as Authorization.',
      { url: `${parsed.protocol}//${parsed.host}${parsed.pathname}` },
      'invalid_url',
    );
  }
  if (bareHost(parsed) === '') {
    throw new ValidationError(`Webhook URL "${url}" has no host.`, { url }, 'invalid_url');
  }
  return parsed;
}

/** Save-time SSRF check: every address the URL's host resolves to must pass the policy; throws ValidationError `target_not_allowed` or `unresolvable_host`. */
export async function checkUrlOnSave(
  url: string,
  policy: TargetPolicy,
  lookup: ResolveAll = systemResolveAll,
): Promise<void> {
  // WHATWG parsing already normalised numeric hosts (2130706433, 0x7f000001, 0177.0.0.1) to dotted form.
  const host = bareHost(parseWebhookUrl(url));
  let addresses: string[];
  if (isIP(host) !== 0) {
    addresses = [host];
  } else {
    try {
      addresses = (await lookup(host)).map((a) => a.address);
    } catch (err) {
      throw new ValidationError(
        `Webhook URL host "${host}" could not be resolved (${errorCode(err) ?? 'lookup failed'}).`,
        { host, code: errorCode(err) ?? null },
        'unresolvable_host',
      );
    }
    if (addresses.length === 0) {
      throw new ValidationError(`Webhook URL host "${host}" resolves to no address.`, { host }, 'unresolvable_host');
    }
  }
  for (const address of addresses) {
    const verdict = policy.checkAddress(address);
    if (!verdict.ok) {
      const via = address === host ? '' : ` resolves to ${address}, which`;
      throw new ValidationError(
        `Webhook URL host "${host}"${via} is not an allowed target: ${verdict.reason}. ${ALLOW_HINT}`,
        { host, address, reason: verdict.reason },
        'target_not_allowed',
      );
    }
  }
}

function errorCode(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

function blockedError(hostname: string, address: string, reason: string): SsrfBlockedError {
  const target = hostname === address ? address : `${hostname} (${address})`;
  return new SsrfBlockedError(`Refused to connect to ${target}: ${reason}. ${ALLOW_HINT}`, {
    hostname,
    address,
    reason,
  });
}

function wantedFamily(options: LookupOptions): 4 | 6 | undefined {
  const f = options.family;
  if (f === 4 || f === 'IPv4') return 4;
  if (f === 6 || f === 'IPv6') return 6;
  return undefined;
}

/**
 * A `lookup` for net/tls.connect that resolves, checks EVERY address and answers only checked ones, so the
 * socket connects to exactly what was checked: DNS rebinding between check and connect is impossible.
 */
export function createGuardedLookup(policy: TargetPolicy, lookup: ResolveAll = systemResolveAll): LookupFunction {
  return (hostname, options, callback) => {
    lookup(hostname).then(
      (answers) => {
        const family = wantedFamily(options);
        const usable = family === undefined ? answers : answers.filter((a) => a.family === family);
        if (usable.length === 0) {
          const err = Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), {
            code: 'ENOTFOUND',
            hostname,
          });
          callback(err, '');
          return;
        }
        // Refuse when ANY answer is refused: the same rule as at save time, and a resolver mixing a public
        // and a private answer is exactly what a rebinding attacker serves.
        for (const a of answers) {
          const verdict = policy.checkAddress(a.address);
          if (!verdict.ok) {
            callback(blockedError(hostname, a.address, verdict.reason), '');
            return;
          }
        }
        if (options.all === true) {
          const checked: LookupAddress[] = usable.map((a) => ({ address: a.address, family: a.family }));
          callback(null, checked);
        } else {
          const first = usable[0]!;
          callback(null, first.address, first.family);
        }
      },
      (err: unknown) => {
        callback(err instanceof Error ? err : new Error(String(err)), '');
      },
    );
  };
}

/** Options of the guarded undici dispatcher used for every webhook request. */
export interface GuardedDispatcherOptions {
  connectTimeoutMs: number;
  lookup?: ResolveAll;
  keepAliveTimeoutMs?: number;
  connections?: number;
}

/**
 * An undici Agent whose every outbound connection passes the SSRF policy at connect time: host names through
 * the guarded lookup, IP-literal hosts (for which Node never calls `lookup`) checked before the socket opens.
 */
export function createGuardedDispatcher(policy: TargetPolicy, options: GuardedDispatcherOptions): Agent {
  const connector = buildConnector({
    lookup: createGuardedLookup(policy, options.lookup),
    timeout: options.connectTimeoutMs,
  });
  const connect: buildConnector.connector = (connectOptions, callback) => {
    const host = connectOptions.hostname;
    if (isIP(host) !== 0) {
      const verdict = policy.checkAddress(host);
      if (!verdict.ok) {
        // Asynchronously, like a failed socket: undici expects the callback after connect() returns.
        const err = blockedError(host, host, verdict.reason);
        process.nextTick(() => callback(err, null));
        return;
      }
    }
    connector(connectOptions, callback);
  };
  return new Agent({
    connect,
    ...(options.keepAliveTimeoutMs === undefined ? {} : { keepAliveTimeout: options.keepAliveTimeoutMs }),
    ...(options.connections === undefined ? {} : { connections: options.connections }),
  });
}
