import { CliUsageError } from '../../errors.js';

/** A webhook request saved to a file: its headers (lower-case names) and the exact body bytes. */
export interface SavedRequest {
  headers: Record<string, string>;
  body: Buffer;
  /** The file stored the body as a JSON value, so it was re-serialised and may differ from the bytes sent. */
  reserialized: boolean;
}

/**
 * Reads a saved request: JSON `{"headers": {...}, "body": "..."}` (as the delivery log shows it), or raw HTTP text:
 * an optional request line, header lines, a blank line, then the body byte for byte.
 */
export function parseSavedRequest(content: Buffer, label: string): SavedRequest {
  const text = content.toString('utf8');
  if (text.trimStart().startsWith('{')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (err) {
      throw new CliUsageError(`${label}: starts like JSON but is not valid JSON (${(err as Error).message})`);
    }
    const o = parsed as { headers?: unknown; body?: unknown; requestHeaders?: unknown; requestBody?: unknown };
    // The delivery log's attempts name them requestHeaders/requestBody; accept both spellings.
    const headers = o.headers ?? o.requestHeaders;
    const body = o.body ?? o.requestBody;
    if (headers === null || typeof headers !== 'object' || Array.isArray(headers) || body === undefined) {
      throw new CliUsageError(`${label}: a JSON saved request needs "headers" (an object) and "body" (the raw body as a string)`);
    }
    const lower: Record<string, string> = {};
    for (const [k, v] of Object.entries(headers as Record<string, unknown>)) {
      lower[k.toLowerCase()] = Array.isArray(v) ? v.join(' ') : String(v);
    }
    const reserialized = typeof body !== 'string';
    return { headers: lower, body: Buffer.from(reserialized ? JSON.stringify(body) : (body as string), 'utf8'), reserialized };
  }
  return parseRawHttp(content, label);
}

function parseRawHttp(content: Buffer, label: string): SavedRequest {
  const crlf = content.indexOf('\r\n\r\n');
  const lf = content.indexOf('\n\n');
  let headEnd: number;
  let bodyStart: number;
  if (crlf !== -1 && (lf === -1 || crlf < lf)) {
    headEnd = crlf;
    bodyStart = crlf + 4;
  } else if (lf !== -1) {
    headEnd = lf;
    bodyStart = lf + 2;
  } else {
    throw new CliUsageError(`${label}: expected JSON {"headers", "body"} or HTTP text (headers, a blank line, the body); found no blank line`);
  }
  const headers: Record<string, string> = {};
  const lines = content.subarray(0, headEnd).toString('utf8').split(/\r?\n/);
  lines.forEach((line, i) => {
    if (i === 0 && /^[A-Z]+ \S+ HTTP\/\d(\.\d)?$/.test(line.trim())) return;
    if (line.trim() === '') return;
    const colon = line.indexOf(':');
    if (colon <= 0) throw new CliUsageError(`${label}:${i + 1}: "${line.slice(0, 60)}" is not a "Name: value" header line`);
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    headers[name] = headers[name] === undefined ? value : `${headers[name]} ${value}`;
  });
  return { headers, body: content.subarray(bodyStart), reserialized: false };
}
