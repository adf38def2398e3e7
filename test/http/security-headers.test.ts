import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createTestApp, type TestApp } from '../helpers/app.js';

describe('files and headers: security headers on the console and nosniff on API answers', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp('sqlite');
  });
  afterAll(async () => t.close());

  it('sends the console a strict CSP (no unsafe-inline, no framing), nosniff, X-Frame-Options DENY and Referrer-Policy', async () => {
    for (const url of ['/', '/webhooks', '/projects/prj_x']) {
      const res = await t.app.inject({ url });
      expect(res.statusCode).toBe(200);
      const csp = String(res.headers['content-security-policy']);
      expect(csp).toContain("default-src 'self'");
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("style-src 'self'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).toContain("object-src 'none'");
      expect(csp).not.toContain('unsafe-inline');
      expect(csp).not.toContain('unsafe-eval');
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['x-frame-options']).toBe('DENY');
      expect(res.headers['referrer-policy']).toBe('no-referrer');
    }
  });

  it('answers the security headers on API answers: success, error, unknown route and unauthenticated', async () => {
    const answers = [
      await t.app.inject({ url: '/api/v1/me', headers: bearer(t.adminKey) }),
      await t.app.inject({ url: '/api/v1/me' }),
      await t.app.inject({ url: '/api/v1/nope', headers: bearer(t.adminKey) }),
      await t.app.inject({ method: 'POST', url: '/api/v1/projects', headers: { ...bearer(t.adminKey), 'content-type': 'application/json' }, payload: '{bad' }),
      await t.app.inject({ url: '/healthz' }),
      await t.app.inject({ url: '/openapi.json' }),
    ];
    expect(answers.map((r) => r.statusCode)).toEqual([200, 401, 404, 400, 200, 200]);
    // The same set on every path, the error answers included (they are computed once, at start-up).
    for (const res of answers) {
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['x-frame-options']).toBe('DENY');
      expect(res.headers['referrer-policy']).toBe('no-referrer');
      expect(String(res.headers['content-security-policy'])).toContain("frame-ancestors 'none'");
    }
  });

  it('keeps the API reference at /docs working under its own policy', async () => {
    const res = await t.app.inject({ url: '/docs/' });
    expect(res.statusCode).toBe(200);
    expect(String(res.headers['content-security-policy'])).toContain("script-src 'self'");
  });
});
