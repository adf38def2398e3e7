import helmet from '@fastify/helmet';
import type { FastifyInstance } from 'fastify';

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

/**
 * Security headers on every answer (docs/security.md "Headers"), through helmet: the CSP above, `nosniff`,
 * `X-Frame-Options: DENY`, `Referrer-Policy: no-referrer`. No HSTS: labelhook does not know whether it is
 * served over TLS; the TLS-terminating proxy sets it.
 */
export async function registerSecurityHeaders(app: FastifyInstance): Promise<void> {
  await app.register(helmet, {
    global: true,
    contentSecurityPolicy: { useDefaults: false, directives: CONSOLE_CSP_DIRECTIVES },
    frameguard: { action: 'deny' },
    referrerPolicy: { policy: 'no-referrer' },
    strictTransportSecurity: false,
  });
}
