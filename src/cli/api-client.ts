import { fetch } from 'undici';
import { RemoteApiError } from '../errors.js';
import { VERSION } from '../version.js';
import type { ClientOptions } from './client-options.js';

/** A thin JSON client of the labelhook REST API for CLI commands. */
export interface ApiClient {
  readonly options: ClientOptions;
  /** Sends a request under `/api/v1`; answers the parsed JSON body or throws RemoteApiError with the server's code. */
  request<T>(method: string, path: string, body?: unknown): Promise<T>;
  /** Like request, but reads past a successful answer without keeping it (bulk uploads whose echo is large). */
  send(method: string, path: string, body?: unknown): Promise<void>;
  get<T>(path: string): Promise<T>;
  post<T>(path: string, body?: unknown): Promise<T>;
  delete<T>(path: string): Promise<T>;
}

/** A client for the server and key in `options`. */
export function createApiClient(options: ClientOptions): ApiClient {
  const call = async (method: string, path: string, body: unknown, keep: boolean): Promise<unknown> => {
    const url = `${options.url}/api/v1${path}`;
    let res: Awaited<ReturnType<typeof fetch>>;
    try {
      res = await fetch(url, {
        method,
        headers: {
          authorization: `Bearer ${options.apiKey}`,
          accept: 'application/json',
          'user-agent': `labelhook-cli/${VERSION}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (err) {
      const cause = (err as { cause?: { code?: string; message?: string } }).cause;
      throw new RemoteApiError(0, 'server_unreachable', `cannot reach ${options.url}: ${cause?.code ?? cause?.message ?? (err as Error).message}`);
    }
    if (res.ok && !keep) {
      // Drain chunk by chunk so the connection is reused without ever holding the whole answer.
      if (res.body) for await (const _chunk of res.body) void _chunk;
      return undefined;
    }
    const text = await res.text();
    let parsed: unknown = undefined;
    try {
      parsed = text === '' ? undefined : JSON.parse(text);
    } catch {
      // A proxy or a non-labelhook server may answer HTML; report it below with the status.
    }
    if (!res.ok) {
      const error = (parsed as { error?: { code?: string; message?: string; details?: unknown } } | undefined)?.error;
      throw new RemoteApiError(res.status, error?.code ?? 'http_error', error?.message ?? (text.slice(0, 200) || res.statusText), error?.details);
    }
    return parsed;
  };
  const request = async <T>(method: string, path: string, body?: unknown): Promise<T> => (await call(method, path, body, true)) as T;
  return {
    options,
    request,
    send: async (method, path, body) => {
      await call(method, path, body, false);
    },
    get: (path) => request('GET', path),
    post: (path, body) => request('POST', path, body ?? {}),
    delete: (path) => request('DELETE', path),
  };
}
