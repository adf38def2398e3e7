import { ValidationError } from '../../errors.js';

/** Most custom headers one webhook may carry. */
export const MAX_CUSTOM_HEADERS = 20;
const MAX_NAME_LENGTH = 256;
const MAX_VALUE_LENGTH = 4096;

// RFC 9110 token characters: anything else in a header name is either invalid or an injection attempt.
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
// Visible ASCII, space and tab, plus obs-text; CR, LF and NUL would split or end the header.
const FIELD_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;

// Headers labelhook itself sets (a receiver must be able to trust them) or that belong to the connection.
const RESERVED = new Set([
  'content-type',
  'content-length',
  'user-agent',
  'host',
  'x-datasaur-signature',
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'expect',
]);

function reservedWhy(lower: string): string | null {
  if (lower.startsWith('webhook-')) return 'webhook-* headers carry the signature and are set by labelhook';
  if (RESERVED.has(lower)) return `${lower} is set by labelhook or belongs to the connection`;
  return null;
}

/**
 * Validates a webhook's custom headers (docs/webhooks.md) and returns them with names as given. Throws ValidationError
 * `invalid_header` naming the offending header, so a client can show which one to fix.
 */
export function validateCustomHeaders(headers: Record<string, unknown>): Record<string, string> {
  const names = Object.keys(headers);
  if (names.length > MAX_CUSTOM_HEADERS) {
    throw new ValidationError(`At most ${MAX_CUSTOM_HEADERS} custom headers are allowed, got ${names.length}.`, { count: names.length }, 'invalid_header');
  }
  const seen = new Set<string>();
  const out: Record<string, string> = {};
  for (const name of names) {
    const value = headers[name];
    if (name.length === 0 || name.length > MAX_NAME_LENGTH || !TOKEN.test(name)) {
      throw new ValidationError(`"${name}" is not a valid header name (letters, digits and !#$%&'*+-.^_\`|~ only).`, { header: name }, 'invalid_header');
    }
    const lower = name.toLowerCase();
    if (seen.has(lower)) throw new ValidationError(`Header "${name}" is given twice.`, { header: name }, 'invalid_header');
    seen.add(lower);
    const why = reservedWhy(lower);
    if (why) throw new ValidationError(`Header "${name}" cannot be overridden: ${why}.`, { header: name }, 'invalid_header');
    if (typeof value !== 'string') {
      throw new ValidationError(`Header "${name}" must have a string value.`, { header: name }, 'invalid_header');
    }
    if (value.length > MAX_VALUE_LENGTH || !FIELD_VALUE.test(value)) {
      throw new ValidationError(`Header "${name}" has an invalid value (no CR, LF or control characters; at most ${MAX_VALUE_LENGTH} characters).`, { header: name }, 'invalid_header');
    }
    out[name] = value;
  }
  return out;
}
