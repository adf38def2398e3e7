import { Pool } from 'undici';

/** Outcome of a closed-loop load run. */
export interface LoadResult {
  completed: number;
  failed: number;
  elapsedMs: number;
}

/**
 * Runs `concurrency` closed loops against `origin` over one keep-alive pool until `count` requests are done or
 * `durationMs` passes, whichever first. `request(i)` describes the i-th request.
 */
export async function closedLoop(
  origin: string,
  options: { concurrency: number; count?: number; durationMs?: number },
  request: (i: number) => { method: 'POST' | 'PATCH' | 'GET' | 'PUT'; path: string; headers: Record<string, string>; body?: string },
): Promise<LoadResult> {
  const pool = new Pool(origin, { connections: options.concurrency, pipelining: 1, keepAliveTimeout: 60_000 });
  const count = options.count ?? Number.POSITIVE_INFINITY;
  const start = performance.now();
  const end = options.durationMs === undefined ? Number.POSITIVE_INFINITY : start + options.durationMs;
  let issued = 0;
  let completed = 0;
  let failed = 0;
  const loop = async (): Promise<void> => {
    while (issued < count && performance.now() < end) {
      const i = issued++;
      try {
        const res = await pool.request(request(i));
        await res.body.dump();
        if (res.statusCode >= 200 && res.statusCode < 300) completed++;
        else failed++;
      } catch {
        failed++;
      }
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, loop));
  const elapsedMs = performance.now() - start;
  await pool.close();
  return { completed, failed, elapsedMs };
}
