import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { acquireSqliteWorkerLock } from '../../src/store/sqlite-worker-lock.js';

const LOCK_MODULE = fileURLToPath(new URL('../../src/store/sqlite-worker-lock.ts', import.meta.url));

describe('SQLite single-writer lock', () => {
  let dir: string;
  let dbPath: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'labelhook-lock-'));
    dbPath = join(dir, 'labelhook.db');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('refuses a second delivering process with a message naming the holder and the ways out', () => {
    const first = acquireSqliteWorkerLock(dbPath, 'serve');
    try {
      let error: unknown;
      try {
        acquireSqliteWorkerLock(dbPath, 'worker');
      } catch (err) {
        error = err;
      }
      expect(error).toMatchObject({ code: 'worker_lock_held' });
      const message = (error as Error).message;
      expect(message).toContain(`labelhook serve (pid ${process.pid}`);
      expect(message).toContain('--no-worker');
      expect(message).toContain('PostgreSQL');
    } finally {
      first.release();
    }
    // Released: the next process may deliver.
    acquireSqliteWorkerLock(dbPath, 'worker').release();
  });

  it('is free again as soon as its holder is killed with SIGKILL (nothing stale to clean up)', async () => {
    const script = `import(${JSON.stringify(LOCK_MODULE)}).then((m) => { m.acquireSqliteWorkerLock(${JSON.stringify(dbPath)}, 'worker'); console.log('locked'); setInterval(() => {}, 1000); });`;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      await new Promise<void>((resolve, reject) => {
        child.stdout!.on('data', (d: Buffer) => (d.toString().includes('locked') ? resolve() : undefined));
        child.on('exit', (code) => reject(new Error(`lock holder exited early (${code})`)));
      });
      expect(() => acquireSqliteWorkerLock(dbPath, 'serve')).toThrow(`pid ${child.pid}`);
    } finally {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGKILL');
      await exited;
    }
    const lock = acquireSqliteWorkerLock(dbPath, 'serve');
    lock.release();
  });
});
