// CPU time spent over a measured window: by the labelhook processes under test (user + system, as each reports it
// over IPC) and, when they use the local PostgreSQL server, by that server's processes working for them (utime +
// stime from /proc). SQLite runs inside the labelhook process, so its CPU is already in the server's figure.
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import pg from 'pg';
import type { BenchDatabase } from './database.js';

/** Anything that reports its own CPU time so far (a ServerUnderTest). */
export interface CpuReporter {
  memory(): Promise<{ cpuMs: number }>;
}

/** CPU of the window divided by the units of work done in it (deliveries, events), in µs. */
export interface CpuPerUnit {
  /** The labelhook processes (SQLite included: it runs inside them). */
  serverUs: number;
  /** The PostgreSQL server's processes; null when the database is not PostgreSQL. */
  databaseUs: number | null;
  /** serverUs + databaseUs. */
  totalUs: number;
}

/** An open measurement: `end` reads the counters again and divides the difference by `units`. */
export interface CpuWindow {
  end(units: number): Promise<CpuPerUnit>;
}

/** One process's identity (pid + start time, so a reused pid is a new process) and CPU ticks so far. */
export interface ProcTimes {
  startTicks: number;
  cpuTicks: number;
}

/** comm, start time and utime + stime (clock ticks) of a /proc/<pid>/stat line; null if it does not parse. */
export function parseProcStat(text: string): ({ comm: string } & ProcTimes) | null {
  // comm is in parentheses and may itself hold spaces or parentheses: the fields resume after the last ')'.
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  if (open < 0 || close < open) return null;
  const rest = text.slice(close + 2).split(' ');
  // rest[0] is field 3 (state): utime and stime are fields 14 and 15, starttime is field 22.
  const utime = Number(rest[11]);
  const stime = Number(rest[12]);
  const start = Number(rest[19]);
  if (![utime, stime, start].every(Number.isFinite)) return null;
  return { comm: text.slice(open + 1, close), startTicks: start, cpuTicks: utime + stime };
}

/** Every process named `postgres` on this machine now: pid → its times. */
export function postgresProcesses(procDir = '/proc'): Map<number, ProcTimes> {
  const found = new Map<number, ProcTimes>();
  for (const name of readdirSync(procDir)) {
    if (!/^\d+$/.test(name)) continue;
    let stat: ReturnType<typeof parseProcStat>;
    try {
      stat = parseProcStat(readFileSync(`${procDir}/${name}/stat`, 'utf8'));
    } catch {
      continue; // exited meanwhile
    }
    if (stat?.comm === 'postgres') found.set(Number(name), { startTicks: stat.startTicks, cpuTicks: stat.cpuTicks });
  }
  return found;
}

/**
 * Ticks the processes of `after` spent since `before`, leaving out the pids in `exclude`. A process that is new
 * (or whose pid was reused) counts from zero; one that exited before `after` is lost, so measure while the
 * connections under test are still open.
 */
export function ticksBetween(before: Map<number, ProcTimes>, after: Map<number, ProcTimes>, exclude: Set<number> = new Set()): number {
  let ticks = 0;
  for (const [pid, now] of after) {
    if (exclude.has(pid)) continue;
    const then = before.get(pid);
    ticks += then && then.startTicks === now.startTicks ? now.cpuTicks - then.cpuTicks : now.cpuTicks;
  }
  return ticks;
}

let clockTicks: number | null = null;
/** Clock ticks per second of /proc's times (`getconf CLK_TCK`, 100 on Linux almost always). */
function ticksPerSecond(): number {
  if (clockTicks === null) {
    try {
      clockTicks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      clockTicks = 100;
    }
  }
  return clockTicks;
}

/**
 * The client backends that are not the bench's (other work on the shared server): their pids. The postmaster and
 * the background processes (WAL writer, checkpointer, autovacuum) are kept, since the bench's commits keep them busy.
 */
async function foreignBackends(baseUrl: string, applicationName: string): Promise<Set<number>> {
  const client = new pg.Client({ connectionString: baseUrl });
  await client.connect();
  try {
    const res = await client.query<{ pid: number }>(
      "select pid from pg_stat_activity where backend_type = 'client backend' and coalesce(application_name, '') <> $1",
      [applicationName],
    );
    return new Set(res.rows.map((r) => r.pid));
  } finally {
    await client.end();
  }
}

async function serverCpuMs(servers: CpuReporter[]): Promise<number> {
  return (await Promise.all(servers.map((s) => s.memory()))).reduce((sum, m) => sum + m.cpuMs, 0);
}

/** Starts measuring the CPU of `servers` and, if `db` is PostgreSQL, of the database server working for them. */
export async function startCpuWindow(servers: CpuReporter[], db: BenchDatabase): Promise<CpuWindow> {
  const pgBefore = db.postgres ? postgresProcesses() : null;
  const serverBefore = await serverCpuMs(servers);
  return {
    async end(units) {
      const serverMs = (await serverCpuMs(servers)) - serverBefore;
      let databaseMs: number | null = null;
      if (pgBefore && db.postgres) {
        const after = postgresProcesses();
        const exclude = await foreignBackends(db.postgres.baseUrl, db.postgres.applicationName);
        databaseMs = (ticksBetween(pgBefore, after, exclude) * 1000) / ticksPerSecond();
      }
      const per = (ms: number): number => (ms * 1000) / Math.max(1, units);
      const serverUs = per(serverMs);
      const databaseUs = databaseMs === null ? null : per(databaseMs);
      return { serverUs, databaseUs, totalUs: serverUs + (databaseUs ?? 0) };
    },
  };
}

/** "server 180 + PostgreSQL 95 µs" for a log line. */
export function describeCpu(cpu: CpuPerUnit): string {
  return cpu.databaseUs === null
    ? `server CPU ${Math.round(cpu.serverUs)} µs`
    : `CPU ${Math.round(cpu.totalUs)} µs (server ${Math.round(cpu.serverUs)} + PostgreSQL ${Math.round(cpu.databaseUs)})`;
}
