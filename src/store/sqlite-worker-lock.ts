import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import Database from 'better-sqlite3';
import { ConflictError } from '../errors.js';

/** The right to deliver webhooks from one SQLite database, held until `release` or the process's death. */
export interface WorkerLock {
  path: string;
  release(): void;
}

interface Holder {
  pid: number;
  host: string;
  role: string;
  since: string;
}

function describeHolder(infoPath: string): string {
  try {
    const h = JSON.parse(readFileSync(infoPath, 'utf8')) as Holder;
    return `labelhook ${h.role} (pid ${h.pid} on ${h.host}, since ${h.since})`;
  } catch {
    return 'another labelhook process';
  }
}

/**
 * Takes the single-writer lock of a SQLite database for the process that runs the dispatcher and workers.
 *
 * The lock is an exclusive lock on a companion SQLite file (`<db>.worker.lock`) held by an open connection in
 * EXCLUSIVE locking mode. It is an OS file lock, so it dies with its process: a `kill -9` leaves nothing stale to
 * clean up, and no pid liveness guess (pids are reused) is needed. `<db>.worker.lock.json` names the holder only
 * for the refusal message. Throws a ConflictError (`worker_lock_held`) when another process holds it.
 */
export function acquireSqliteWorkerLock(databasePath: string, role: string): WorkerLock {
  const path = `${databasePath}.worker.lock`;
  const infoPath = `${path}.json`;
  const lockDb = new Database(path, { timeout: 0 });
  try {
    lockDb.pragma('journal_mode = DELETE');
    lockDb.pragma('locking_mode = EXCLUSIVE');
    // The first write takes the exclusive lock; EXCLUSIVE locking mode keeps it until the connection closes.
    lockDb.exec('create table if not exists holder (pid integer, since integer)');
    lockDb.exec('delete from holder');
    lockDb.prepare('insert into holder (pid, since) values (?, ?)').run(process.pid, Date.now());
  } catch (err) {
    lockDb.close();
    if ((err as { code?: string }).code === 'SQLITE_BUSY') {
      throw new ConflictError(
        `Another process already delivers webhooks from ${databasePath}: ${describeHolder(infoPath)}. ` +
          'With SQLite only one process may run the dispatcher and delivery workers. Stop that process, run this one as ' +
          '`labelhook serve --no-worker` (API only), or move to PostgreSQL to run several workers.',
        { lock: path },
        'worker_lock_held',
      );
    }
    throw err;
  }
  const holder: Holder = { pid: process.pid, host: hostname(), role, since: new Date().toISOString() };
  writeFileSync(infoPath, JSON.stringify(holder) + '\n');
  let released = false;
  return {
    path,
    release() {
      if (released) return;
      released = true;
      rmSync(infoPath, { force: true });
      lockDb.close();
    },
  };
}
