import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { parseDuration } from '../src/duration.js';
import { ConfigError } from '../src/errors.js';

describe('configuration', () => {
  it('runs with no configuration at all: SQLite in ./labelhook.db on port 8080 and the documented retry schedule', () => {
    const c = loadConfig({});
    expect(c.databaseUrl).toBe('sqlite:./labelhook.db');
    expect(c.port).toBe(8080);
    expect(c.retryScheduleMs).toEqual([5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000]);
    expect(c.connectTimeoutMs).toBe(5_000);
    expect(c.requestTimeoutMs).toBe(15_000);
    expect(c.autoDisableAfterMs).toBe(5 * 86_400_000);
    expect(c.webhookConcurrency).toBe(10);
    expect(c.heapGrowthPercent).toBe(100);
    expect(loadConfig({ LABELHOOK_HEAP_GROWTH_PERCENT: '0' }).heapGrowthPercent).toBe(0);
  });

  it('reads durations in ms, s, m, h and d, so tests can retry in milliseconds', () => {
    const c = loadConfig({ LABELHOOK_RETRY_SCHEDULE: '50ms, 100ms,1s', LABELHOOK_SECRET_OVERLAP: '2h', PORT: '0' });
    expect(c.retryScheduleMs).toEqual([50, 100, 1000]);
    expect(c.secretRotationOverlapMs).toBe(7_200_000);
    expect(c.port).toBe(0);
    expect(parseDuration('1.5s')).toBe(1500);
  });

  it.each([
    ['LABELHOOK_DATABASE_URL', 'mysql://x'],
    ['PORT', 'eighty'],
    ['PORT', '70000'],
    ['LABELHOOK_RETRY_SCHEDULE', '5 minutes'],
    ['LABELHOOK_RETRY_SCHEDULE', ','],
    ['LABELHOOK_ALLOW_PRIVATE_TARGETS', '127.0.0.1'],
    ['LABELHOOK_WEBHOOK_CONCURRENCY', '0'],
    ['LABELHOOK_HEAP_GROWTH_PERCENT', '-5'],
    ['LABELHOOK_LOG_LEVEL', 'loud'],
    ['LABELHOOK_REQUEST_TIMEOUT', '-1s'],
    ['LABELHOOK_WORKER_HEARTBEAT_TIMEOUT', '100ms'],
  ])('refuses %s=%s with an error naming the variable', (name, value) => {
    let error: unknown;
    try {
      loadConfig({ [name]: value });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).code).toBe('config_invalid');
    expect((error as Error).message).toContain(name);
  });

  it('accepts a PostgreSQL URL and an allow-list of CIDR ranges', () => {
    const c = loadConfig({ LABELHOOK_DATABASE_URL: 'postgres://u@h/db', LABELHOOK_ALLOW_PRIVATE_TARGETS: '127.0.0.0/8, ::1/128' });
    expect(c.databaseUrl).toBe('postgres://u@h/db');
    expect(c.allowPrivateTargets).toEqual(['127.0.0.0/8', '::1/128']);
  });

  it('takes a PostgreSQL worker for dead after 5 s without a heartbeat unless told otherwise', () => {
    expect(loadConfig({}).workerHeartbeatTimeoutMs).toBe(5000);
    expect(loadConfig({ LABELHOOK_WORKER_HEARTBEAT_TIMEOUT: '2s' }).workerHeartbeatTimeoutMs).toBe(2000);
  });

  it('reads the per-team caps, client timeouts and connection cap, with their documented defaults', () => {
    expect(loadConfig({})).toMatchObject({ maxWebhooksPerTeam: 300, maxStreamsPerTeam: 50, httpHeadersTimeoutMs: 10_000, httpKeepAliveTimeoutMs: 5_000, httpRequestTimeoutMs: 120_000, maxConnections: 1000 });
    const c = loadConfig({ LABELHOOK_MAX_WEBHOOKS_PER_TEAM: '20', LABELHOOK_MAX_STREAMS_PER_TEAM: '2', LABELHOOK_HTTP_HEADERS_TIMEOUT: '3s', LABELHOOK_HTTP_KEEP_ALIVE_TIMEOUT: '1s', LABELHOOK_MAX_CONNECTIONS: '64' });
    expect(c).toMatchObject({ maxWebhooksPerTeam: 20, maxStreamsPerTeam: 2, httpHeadersTimeoutMs: 3_000, httpKeepAliveTimeoutMs: 1_000, maxConnections: 64 });
    expect(() => loadConfig({ LABELHOOK_MAX_WEBHOOKS_PER_TEAM: '0' })).toThrow(ConfigError);
    expect(() => loadConfig({ LABELHOOK_HTTP_HEADERS_TIMEOUT: '200s' })).toThrow(/LABELHOOK_HTTP_HEADERS_TIMEOUT/);
    expect(loadConfig({ LABELHOOK_HTTP_HEADERS_TIMEOUT: '200s', LABELHOOK_HTTP_REQUEST_TIMEOUT: '0' }).httpHeadersTimeoutMs).toBe(200_000);
  });
});
