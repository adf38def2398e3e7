import type { ServerOptions } from 'node:http';
import type { FastifyInstance } from 'fastify';
import type { Config } from '../config.js';

/**
 * The Fastify server options that bound slow clients (docs/security.md "Limits"): Node closes a connection whose
 * request headers (or whole request) are not in within the timeout, checking every second rather than its default
 * 30 s, so a slowloris connection lasts seconds; idle keep-alive connections close after their own timeout.
 * Long event streams are responses, which none of these limit.
 */
export function serverLimitOptions(config: Config): { keepAliveTimeout: number; requestTimeout: number; http: ServerOptions } {
  const checkEveryMs = Math.max(100, Math.min(1000, Math.floor(config.httpHeadersTimeoutMs / 2) || 1000));
  return {
    keepAliveTimeout: config.httpKeepAliveTimeoutMs,
    requestTimeout: config.httpRequestTimeoutMs,
    http: { headersTimeout: config.httpHeadersTimeoutMs, requestTimeout: config.httpRequestTimeoutMs, connectionsCheckingInterval: checkEveryMs },
  };
}

/** Caps open connections: past the cap Node closes a new connection as soon as it is accepted. */
export function capConnections(app: FastifyInstance, config: Config): void {
  app.server.maxConnections = config.maxConnections;
}
