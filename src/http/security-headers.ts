import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyInstance } from 'fastify';
import helmet, { type HelmetOptions } from 'helmet';

/**
 * The console's Content-Security-Policy: its scripts and styles are same-origin files (Vite bundles), it talks
 * only to its own API, and nothing may frame it. No 'unsafe-inline': an injected script or style never runs.
 */
export const CONSOLE_CSP_DIRECTIVES = {
  'default-src': ["'self'"],
  'script-src': ["'self'"],
  'style-src': ["'self'"],
  'img-src': ["'self'", 'data:'],
  'font-src': ["'self'"],
  'connect-src': ["'self'"],
  'object-src': ["'none'"],
  'base-uri': ["'none'"],
  'form-action': ["'self'"],
  'frame-ancestors': ["'none'"],
};

/** The API reference at /docs (Swagger UI) sets inline styles, so it gets the same policy with those allowed. */
export const DOCS_CSP = Object.entries({ ...CONSOLE_CSP_DIRECTIVES, 'style-src': ["'self'", "'unsafe-inline'"] })
  .map(([name, values]) => `${name} ${values.join(' ')}`)
  .join('; ');

const HELMET_OPTIONS: HelmetOptions = {
  contentSecurityPolicy: { useDefaults: false, directives: CONSOLE_CSP_DIRECTIVES },
  frameguard: { action: 'deny' },
  referrerPolicy: { policy: 'no-referrer' },
  strictTransportSecurity: false,
};

/**
 * The headers helmet sets with `options`, run once against a response that records them. Nothing in them depends
 * on the request (no CSP nonces), and helmet's per-request run (the Fastify plugin builds the middleware again for
 * every request, CSP parsing included) cost ~35 µs of every API call.
 */
function helmetHeaders(options: HelmetOptions = HELMET_OPTIONS): Record<string, string> {
  const headers: Record<string, string> = {};
  const recorder = {
    setHeader: (name: string, value: string | number | readonly string[]) => void (headers[name.toLowerCase()] = String(value)),
    removeHeader: (name: string) => void delete headers[name.toLowerCase()],
  };
  let failed: unknown = null;
  let finished = false;
  helmet(options)({} as IncomingMessage, recorder as unknown as ServerResponse, (err?: unknown) => {
    failed = err ?? null;
    finished = true;
  });
  // helmet's middleware is synchronous; should a version ever finish later, fail at start-up, not send no headers.
  if (!finished || failed !== null) throw new Error(`helmet did not produce the security headers: ${String(failed ?? 'not finished')}`);
  return Object.freeze(headers);
}

/**
 * Security headers on every answer (docs/security.md "Headers"), computed once by helmet: the CSP above,
 * `nosniff`, `X-Frame-Options: DENY`, `Referrer-Policy: no-referrer`. No HSTS: labelhook does not know whether it
 * is served over TLS; the TLS-terminating proxy sets it. A route may still set its own (the API reference's CSP).
 */
export function registerSecurityHeaders(app: FastifyInstance): void {
  const headers = helmetHeaders();
  app.addHook('onRequest', (_request, reply, done) => {
    reply.headers(headers);
    done();
  });
}
