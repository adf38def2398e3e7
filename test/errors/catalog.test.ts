import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { ERROR_CATALOG, QUERY_STATUS, type ErrorCode } from '../../src/error-catalog.js';
import {
  BadRequestError,
  ConflictError,
  ForbiddenError,
  GoneError,
  InternalError,
  NotFoundError,
  TooManyError,
  UnauthorizedError,
  UnavailableError,
  ValidationError,
  type ApiError,
} from '../../src/errors.js';
import { installErrorHandler } from '../../src/http/error-handler.js';

const DOCS = join(import.meta.dirname, '../../docs');
const CODES = Object.keys(ERROR_CATALOG) as ErrorCode[];

/** The statuses a code may be answered with: the catalog's, then the query-string one where it differs. */
function statusesOf(code: ErrorCode): number[] {
  const query = (QUERY_STATUS as Partial<Record<ErrorCode, number>>)[code];
  return query === undefined ? [ERROR_CATALOG[code].status] : [ERROR_CATALOG[code].status, query];
}

/** The rows of the one error table in docs/errors.md: code → the statuses its Status cell lists. */
function documentedCodes(): Map<string, number[]> {
  const rows = new Map<string, number[]>();
  for (const line of readFileSync(join(DOCS, 'errors.md'), 'utf8').split('\n')) {
    const m = /^\| `([a-z_]+)` \| ([0-9, ]+) \|/.exec(line);
    if (!m) continue;
    expect(rows.has(m[1]!), `${m[1]} is documented twice`).toBe(false);
    rows.set(m[1]!, m[2]!.split(',').map((s) => Number(s.trim())));
  }
  return rows;
}

describe('error catalog', () => {
  it('docs/errors.md documents every catalog code with its status, and nothing else', () => {
    const documented = documentedCodes();
    expect([...documented.keys()].sort()).toEqual([...CODES].sort());
    for (const code of CODES) expect(documented.get(code), code).toEqual(statusesOf(code));
  });

  it('every status the other docs pages give next to a catalog code is that code’s status', () => {
    const wrong: string[] = [];
    for (const file of readdirSync(DOCS).filter((f) => f.endsWith('.md'))) {
      const text = readFileSync(join(DOCS, file), 'utf8');
      // "409 `member_exists`", "`409 member_exists`", "409 member_exists", "422 (`invalid_secret`" …
      for (const m of text.matchAll(/\b([1-5]\d\d)\)? `?([a-z]+(?:_[a-z]+)+)`?/g)) {
        const code = m[2] as ErrorCode;
        if (!(code in ERROR_CATALOG)) continue;
        if (!statusesOf(code).includes(Number(m[1]))) wrong.push(`${file}: ${m[0]} (catalog: ${statusesOf(code).join(', ')})`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('takes each error class’s status from the catalog code it carries', () => {
    const made: ApiError[] = [
      new BadRequestError('m', null, 'invalid_since'),
      new UnauthorizedError(),
      new ForbiddenError('m', null, 'download_link_expired'),
      new NotFoundError('Project', 'prj_x'),
      new ConflictError('m', null, 'gate_rejected'),
      new GoneError('m', null, 'export_pruned'),
      new ValidationError('m', null, 'invalid_url'),
      new TooManyError('m', null, 'stream_limit_reached'),
      new InternalError('m', null, 'secret_decrypt_failed'),
      new UnavailableError('m', null, 'database_unavailable'),
    ];
    for (const e of made) expect([e.code, e.status]).toEqual([e.code, ERROR_CATALOG[e.code].status]);
    expect(new NotFoundError('Project', 'prj_x').details).toEqual({ resource: 'Project', id: 'prj_x' });
  });
});

describe('error handler', () => {
  async function appThrowing(err: Error) {
    const app = Fastify({ logger: false });
    installErrorHandler(app);
    app.get('/boom', async () => {
      throw err;
    });
    app.post('/typed', { schema: { body: { type: 'object', required: ['n'], properties: { n: { type: 'integer' } } }, querystring: { type: 'object', properties: { q: { type: 'integer' } } } } }, async () => ({ ok: true }));
    await app.ready();
    return app;
  }

  it.each([
    new ConflictError('A blocking webhook rejected the label update: no', { reason: 'no' }, 'gate_rejected'),
    new BadRequestError('since: "x" is not a time.', { parameter: 'since', value: 'x' }, 'invalid_since'),
    new ForbiddenError('A labeler may not do that.', { role: 'labeler' }, 'forbidden'),
    new NotFoundError('Webhook', 'whk_nope'),
    new TooManyError('Too many streams.', { limit: 1 }, 'stream_limit_reached'),
    new UnavailableError('The database does not answer.', { reason: 'Connection terminated unexpectedly' }, 'database_unavailable'),
  ])('renders $code as {"error": {code, message, details}} with the catalog status', async (err) => {
    const app = await appThrowing(err);
    const res = await app.inject({ url: '/boom' });
    expect(res.statusCode).toBe(ERROR_CATALOG[err.code].status);
    expect(res.json()).toEqual({ error: { code: err.code, message: err.message, details: err.details } });
    await app.close();
  });

  it('answers schema, routing and unexpected errors with catalog codes and statuses', async () => {
    const app = await appThrowing(new Error('secret internals'));
    const body = await app.inject({ method: 'POST', url: '/typed', payload: { n: 'x' } });
    expect([body.statusCode, body.json().error.code]).toEqual([ERROR_CATALOG.validation_failed.status, 'validation_failed']);
    const query = await app.inject({ method: 'POST', url: '/typed?q=x', payload: { n: 1 } });
    expect([query.statusCode, query.json().error.code]).toEqual([QUERY_STATUS.validation_failed, 'validation_failed']);
    const route = await app.inject({ url: '/nowhere' });
    expect([route.statusCode, route.json().error.code]).toEqual([ERROR_CATALOG.route_not_found.status, 'route_not_found']);
    const json = await app.inject({ method: 'POST', url: '/typed', headers: { 'content-type': 'application/json' }, payload: '{"n":' });
    expect([json.statusCode, json.json().error.code]).toEqual([ERROR_CATALOG.malformed_json.status, 'malformed_json']);
    const boom = await app.inject({ url: '/boom' });
    expect(boom.statusCode).toBe(ERROR_CATALOG.internal_error.status);
    expect(boom.json()).toEqual({ error: { code: 'internal_error', message: ERROR_CATALOG.internal_error.message, details: null } });
    await app.close();
  });
});
