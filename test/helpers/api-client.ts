import type { FastifyInstance } from 'fastify';

/** One API answer: status, parsed JSON body (null when empty) and the raw text. */
export interface ApiAnswer {
  status: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- answers are read loosely in tests
  json: any;
  text: string;
}

/** Calls labelhook's API (paths under /api/v1) as one key. */
export interface ApiClient {
  /** Sends the request and answers whatever came back. */
  call(method: string, path: string, body?: unknown): Promise<ApiAnswer>;
  /** Sends the request and answers the parsed body; throws "METHOD PATH answered STATUS: BODY" unless the status is 2xx. */
  ok<T = Record<string, unknown>>(method: string, path: string, body?: unknown): Promise<T>;
}

function client(send: (method: string, path: string, body?: unknown) => Promise<{ status: number; text: string }>): ApiClient {
  const call = async (method: string, path: string, body?: unknown): Promise<ApiAnswer> => {
    const { status, text } = await send(method, `/api/v1${path}`, body);
    return { status, text, json: text ? JSON.parse(text) : null };
  };
  return {
    call,
    async ok<T>(method: string, path: string, body?: unknown): Promise<T> {
      const res = await call(method, path, body);
      if (res.status < 200 || res.status >= 300) throw new Error(`${method} ${path} answered ${res.status}: ${res.text}`);
      return res.json as T;
    },
  };
}

/** A client for a labelhook listening at `base` (`http://127.0.0.1:PORT`), over real HTTP. */
export function httpApi(base: string, key: string): ApiClient {
  return client(async (method, path, body) => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: res.status, text: await res.text() };
  });
}

/** A client for an in-process app, through Fastify's `inject` (no socket). */
export function injectApi(app: FastifyInstance, key: string): ApiClient {
  return client(async (method, path, body) => {
    const res = await app.inject({
      method: method as 'GET',
      url: path,
      headers: { authorization: `Bearer ${key}` },
      ...(body === undefined ? {} : { payload: body as object }),
    });
    return { status: res.statusCode, text: res.body };
  });
}
