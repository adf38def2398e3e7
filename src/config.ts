import { ConfigError } from './errors.js';
import { parseDuration, parseDurationList } from './duration.js';

/** Everything labelhook reads from its environment, parsed and validated once at start-up. */
export interface Config {
  /** `sqlite:PATH` or `postgres://...`. */
  databaseUrl: string;
  port: number;
  host: string;
  /** Bootstrap admin API key for a fresh database; generated and printed once when absent. */
  adminKey: string | undefined;
  /** Key material for encrypting secrets at rest; see docs/security.md "Secrets at rest". */
  secretKey: string | undefined;
  /** Delays between attempts after the first one; the delivery fails when they are spent. */
  retryScheduleMs: number[];
  /** CIDR ranges the SSRF guard lets through (e.g. `127.0.0.0/8`). */
  allowPrivateTargets: string[];
  connectTimeoutMs: number;
  requestTimeoutMs: number;
  gateTimeoutMs: number;
  /** How much of a receiver's response body is stored per attempt. */
  responseBodyCapBytes: number;
  /** Attempt request/response bodies older than this are pruned. */
  attemptRetentionMs: number;
  /** A webhook whose every attempt failed for this long is disabled. */
  autoDisableAfterMs: number;
  /** Most requests in flight to one webhook at once (across all workers on PostgreSQL). */
  webhookConcurrency: number;
  /** Most requests one worker has in flight at once, all webhooks together. */
  workerMaxInFlight: number;
  /** Most deliveries one worker holds claimed (queued or in flight); others' claims take the rest. */
  workerMaxHeld: number;
  /** How long a rotated-out secret still signs requests. */
  secretRotationOverlapMs: number;
  /** Largest accepted API request body. */
  bodyLimitBytes: number;
  /** A claimed delivery whose worker vanished becomes claimable again after this. */
  leaseMs: number;
  /** PostgreSQL: a worker whose heartbeat is older than this is taken for dead and its leases are taken over. */
  workerHeartbeatTimeoutMs: number;
  /** On SIGTERM, how long in-flight deliveries may take before the process exits anyway. */
  drainTimeoutMs: number;
  /** Idle worker polling interval (the fallback when nothing wakes it). */
  pollIntervalMs: number;
  /** V8 heap growth allowed between full GCs in a delivering process, in percent; 0 keeps V8's own choice. */
  heapGrowthPercent: number;
  logLevel: string;
  /** Most webhooks one team may have (listen sessions not counted). */
  maxWebhooksPerTeam: number;
  /** Most event streams one team may have open in one server process. */
  maxStreamsPerTeam: number;
  /** A client must send a request's headers within this time of starting it, or the connection is closed. */
  httpHeadersTimeoutMs: number;
  /** An idle keep-alive connection is closed after this. */
  httpKeepAliveTimeoutMs: number;
  /** A client must send a whole request (headers and body) within this time. */
  httpRequestTimeoutMs: number;
  /** Most open client connections; further ones are closed at once. */
  maxConnections: number;
  /** Folder of export files; undefined: `<sqlite file>-exports` next to the database, `./labelhook-exports` on PostgreSQL. */
  exportDir: string | undefined;
  /** How long a signed export download URL works. */
  exportLinkTtlMs: number;
  /** Export files older than this are deleted (their job rows stay). */
  exportRetentionMs: number;
  /** The server's address as receivers reach it: the origin of export download URLs. */
  publicUrl: string;
}

type Env = Record<string, string | undefined>;

function int(env: Env, name: string, fallback: number, min = 0): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw.trim()) || Number(raw) < min) {
    throw new ConfigError(`${name}: "${raw}" must be a whole number ≥ ${min}.`);
  }
  return Number(raw);
}

function duration(env: Env, name: string, fallback: string): number {
  const raw = env[name];
  return parseDuration(raw === undefined || raw === '' ? fallback : raw, name);
}

function publicUrl(env: Env, port: number): string {
  const raw = env.LABELHOOK_PUBLIC_URL || `http://localhost:${port}`;
  if (!/^https?:\/\/[^/\s]+(\/\S*)?$/.test(raw)) {
    throw new ConfigError(`LABELHOOK_PUBLIC_URL: "${raw}" must be an http(s) URL such as https://labelhook.example.com.`);
  }
  return raw.replace(/\/$/, '');
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/** Reads and validates the configuration; throws a ConfigError naming the bad variable. */
export function loadConfig(env: Env = process.env, overrides: Partial<Config> = {}): Config {
  const databaseUrl = env.LABELHOOK_DATABASE_URL || 'sqlite:./labelhook.db';
  if (!/^sqlite:.+/.test(databaseUrl) && !/^postgres(ql)?:\/\/.+/.test(databaseUrl)) {
    throw new ConfigError(`LABELHOOK_DATABASE_URL: "${databaseUrl}" must be sqlite:PATH or postgres://...`);
  }
  const port = int(env, 'PORT', 8080);
  if (port > 65535) throw new ConfigError(`PORT: ${port} is not a TCP port.`);
  const allow = (env.LABELHOOK_ALLOW_PRIVATE_TARGETS ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  for (const cidr of allow) {
    if (!/^[0-9a-fA-F.:]+\/\d{1,3}$/.test(cidr)) {
      throw new ConfigError(`LABELHOOK_ALLOW_PRIVATE_TARGETS: "${cidr}" is not a CIDR range (example: 127.0.0.0/8).`);
    }
  }
  const logLevel = env.LABELHOOK_LOG_LEVEL || 'info';
  if (!LOG_LEVELS.includes(logLevel)) {
    throw new ConfigError(`LABELHOOK_LOG_LEVEL: "${logLevel}" must be one of ${LOG_LEVELS.join(', ')}.`);
  }
  const config: Config = {
    databaseUrl,
    port,
    host: env.LABELHOOK_HOST || '0.0.0.0',
    adminKey: env.LABELHOOK_ADMIN_KEY || undefined,
    secretKey: env.LABELHOOK_SECRET_KEY || undefined,
    retryScheduleMs: parseDurationList(env.LABELHOOK_RETRY_SCHEDULE || '5s,5m,30m,2h,5h,10h,10h', 'LABELHOOK_RETRY_SCHEDULE'),
    allowPrivateTargets: allow,
    connectTimeoutMs: duration(env, 'LABELHOOK_CONNECT_TIMEOUT', '5s'),
    requestTimeoutMs: duration(env, 'LABELHOOK_REQUEST_TIMEOUT', '15s'),
    gateTimeoutMs: duration(env, 'LABELHOOK_GATE_TIMEOUT', '2s'),
    responseBodyCapBytes: int(env, 'LABELHOOK_RESPONSE_BODY_CAP', 65_536, 0),
    attemptRetentionMs: duration(env, 'LABELHOOK_ATTEMPT_RETENTION', '30d'),
    autoDisableAfterMs: duration(env, 'LABELHOOK_AUTO_DISABLE_AFTER', '5d'),
    webhookConcurrency: int(env, 'LABELHOOK_WEBHOOK_CONCURRENCY', 10, 1),
    workerMaxInFlight: int(env, 'LABELHOOK_WORKER_MAX_IN_FLIGHT', 1000, 1),
    workerMaxHeld: int(env, 'LABELHOOK_WORKER_MAX_HELD', 10_000, 1),
    secretRotationOverlapMs: duration(env, 'LABELHOOK_SECRET_OVERLAP', '24h'),
    bodyLimitBytes: int(env, 'LABELHOOK_BODY_LIMIT', 64 * 1024 * 1024, 1024),
    leaseMs: duration(env, 'LABELHOOK_LEASE', '60s'),
    workerHeartbeatTimeoutMs: duration(env, 'LABELHOOK_WORKER_HEARTBEAT_TIMEOUT', '5s'),
    drainTimeoutMs: duration(env, 'LABELHOOK_DRAIN_TIMEOUT', '10s'),
    pollIntervalMs: duration(env, 'LABELHOOK_POLL_INTERVAL', '500ms'),
    heapGrowthPercent: int(env, 'LABELHOOK_HEAP_GROWTH_PERCENT', 100, 0),
    logLevel,
    maxWebhooksPerTeam: int(env, 'LABELHOOK_MAX_WEBHOOKS_PER_TEAM', 300, 1),
    maxStreamsPerTeam: int(env, 'LABELHOOK_MAX_STREAMS_PER_TEAM', 50, 1),
    httpHeadersTimeoutMs: duration(env, 'LABELHOOK_HTTP_HEADERS_TIMEOUT', '10s'),
    httpKeepAliveTimeoutMs: duration(env, 'LABELHOOK_HTTP_KEEP_ALIVE_TIMEOUT', '5s'),
    httpRequestTimeoutMs: duration(env, 'LABELHOOK_HTTP_REQUEST_TIMEOUT', '120s'),
    maxConnections: int(env, 'LABELHOOK_MAX_CONNECTIONS', 1000, 1),
    exportDir: env.LABELHOOK_EXPORT_DIR || undefined,
    exportLinkTtlMs: duration(env, 'LABELHOOK_EXPORT_LINK_TTL', '24h'),
    exportRetentionMs: duration(env, 'LABELHOOK_EXPORT_RETENTION', '7d'),
    publicUrl: publicUrl(env, port),
  };
  if (config.workerHeartbeatTimeoutMs < 500) {
    throw new ConfigError(`LABELHOOK_WORKER_HEARTBEAT_TIMEOUT: ${config.workerHeartbeatTimeoutMs} ms is too short; use 500ms or more.`);
  }
  // Node refuses a headers timeout longer than the request timeout (0 turns either off).
  if (config.httpRequestTimeoutMs > 0 && config.httpHeadersTimeoutMs > config.httpRequestTimeoutMs) {
    throw new ConfigError('LABELHOOK_HTTP_HEADERS_TIMEOUT must not be longer than LABELHOOK_HTTP_REQUEST_TIMEOUT.');
  }
  return { ...config, ...overrides };
}
