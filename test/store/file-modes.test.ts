import { chmodSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate, openStore } from '../../src/store/db.js';
import { warnWideFiles } from '../../src/store/file-modes.js';
import { resolveSecretKey } from '../../src/webhooks/transport/secret-key-source.js';

const modeOf = (path: string) => statSync(path).mode & 0o777;

describe('files and headers: the SQLite database, WAL and key files are created 0600', () => {
  let dir: string;
  let umask: number;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'labelhook-modes-'));
    // A permissive umask, as on many hosts: the modes must not depend on it.
    umask = process.umask(0o002);
  });
  afterAll(() => {
    process.umask(umask);
    rmSync(dir, { recursive: true, force: true });
  });

  it('creates the database, its WAL and shared-memory files and the key file with mode 0600 whatever the umask', async () => {
    const file = join(dir, 'fresh.db');
    const store = openStore(`sqlite:${file}`);
    try {
      await migrate(store);
      resolveSecretKey({ configured: undefined, sqlitePath: file });
      for (const path of [file, `${file}-wal`, `${file}-shm`, `${file}.key`]) expect(modeOf(path), path).toBe(0o600);
    } finally {
      await store.close();
    }
  });

  it('warns at start about an existing file others may read, and leaves its mode alone', async () => {
    const file = join(dir, 'old.db');
    writeFileSync(`${file}.key`, 'k'.repeat(44));
    chmodSync(`${file}.key`, 0o644);
    const store = openStore(`sqlite:${file}`);
    await store.close();
    chmodSync(file, 0o640);
    const warnings: { path: string; mode: string }[] = [];
    warnWideFiles({ warn: (obj) => warnings.push(obj as { path: string; mode: string }) }, file);
    expect(warnings).toEqual(expect.arrayContaining([{ path: file, mode: '0640' }, { path: `${file}.key`, mode: '0644' }]));
    expect(modeOf(file)).toBe(0o640);
    const quiet: unknown[] = [];
    chmodSync(file, 0o600);
    chmodSync(`${file}.key`, 0o600);
    warnWideFiles({ warn: (obj) => quiet.push(obj) }, file);
    expect(quiet).toEqual([]);
  });
});
