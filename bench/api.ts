import { Pool } from 'undici';
import { BENCH_ADMIN_KEY } from './server.js';

/** A thin client of the labelhook REST API, as a user's script would call it. */
export interface Api {
  call<T>(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', path: string, body?: unknown): Promise<T>;
  createProject(name: string): Promise<{ id: string; name: string }>;
  /** A standard-format webhook to `url` for every event type (optionally one project's only). */
  createWebhook(url: string, extra?: Record<string, unknown>): Promise<{ id: string }>;
  close(): Promise<void>;
}

/** An API error with the server's answer, so a failing scenario says what the server said. */
export class BenchApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: string,
    what: string,
  ) {
    super(`${what} answered ${status}: ${body.slice(0, 300)}`);
  }
}

/** A client of the server at `origin` (keep-alive pool of `connections`). */
export function apiClient(origin: string, connections = 8, key = BENCH_ADMIN_KEY): Api {
  const pool = new Pool(origin, { connections, pipelining: 1 });
  const call = async <T>(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', path: string, body?: unknown): Promise<T> => {
    const res = await pool.request({
      method,
      path,
      headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
      headersTimeout: 300_000,
      bodyTimeout: 300_000,
    });
    const text = await res.body.text();
    if (res.statusCode < 200 || res.statusCode > 299) throw new BenchApiError(res.statusCode, text, `${method} ${path}`);
    return (text ? JSON.parse(text) : null) as T;
  };
  return {
    call,
    createProject: (name) => call('POST', '/api/v1/projects', { name, tags: ['bench'], labelSet: [{ id: 'pos', label: 'Positive' }, { id: 'neg', label: 'Negative' }] }),
    createWebhook: (url, extra = {}) => call('POST', '/api/v1/webhooks', { url, events: ['*'], format: 'standard', ...extra }),
    close: () => pool.close(),
  };
}
