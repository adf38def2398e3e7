import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import { createSecretBox } from '../../src/webhooks/transport/secret-box.js';
import { resolveSecretKey } from '../../src/webhooks/transport/secret-key-source.js';

describe('resolveSecretKey', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'labelhook-key-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('uses LABELHOOK_SECRET_KEY when it is set, on either database, without writing a file', () => {
    const configured = 'a-configured-key-of-enough-length';
    const dbPath = join(dir, 'labelhook.db');
    expect(resolveSecretKey({ configured, sqlitePath: dbPath })).toBe(configured);
    expect(resolveSecretKey({ configured, sqlitePath: null })).toBe(configured);
    expect(() => statSync(`${dbPath}.key`)).toThrow();
  });

  it('refuses a configured key too short to resist guessing', () => {
    expect(() => resolveSecretKey({ configured: 'changeme', sqlitePath: null })).toThrow(/at least 16 characters/);
  });

  it('on SQLite without a configured key, creates <db>.key once (mode 0600) and reuses it', () => {
    const dbPath = join(dir, 'labelhook.db');
    const first = resolveSecretKey({ configured: undefined, sqlitePath: dbPath });
    const keyFile = `${dbPath}.key`;
    expect(readFileSync(keyFile, 'utf8').trim()).toBe(first);
    expect(Buffer.from(first, 'base64')).toHaveLength(32);
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    expect(readdirSync(dir)).toEqual(['labelhook.db.key']); // no temporary file left behind

    const second = resolveSecretKey({ configured: '', sqlitePath: dbPath });
    expect(second).toBe(first);
    // What was sealed before the restart opens after it.
    const sealed = createSecretBox(first).seal('whsec_survives');
    expect(createSecretBox(second).open(sealed)).toBe('whsec_survives');
  });

  it('reads a key file that already exists instead of replacing it', () => {
    const dbPath = join(dir, 'existing.db');
    writeFileSync(`${dbPath}.key`, 'an-operator-provided-key-file\n', { mode: 0o600 });
    expect(resolveSecretKey({ configured: undefined, sqlitePath: dbPath })).toBe('an-operator-provided-key-file');
  });

  it('refuses an empty key file rather than silently generating a new key', () => {
    const dbPath = join(dir, 'emptied.db');
    writeFileSync(`${dbPath}.key`, '');
    expect(() => resolveSecretKey({ configured: undefined, sqlitePath: dbPath })).toThrow(/empty or too short/);
  });

  it('explains a key file that cannot be created', () => {
    const dbPath = join(dir, 'missing-dir', 'labelhook.db');
    expect(() => resolveSecretKey({ configured: undefined, sqlitePath: dbPath })).toThrow(/Could not create the secret key file/);
  });

  it('gives an in-memory database an ephemeral key and writes no file', () => {
    const key = resolveSecretKey({ configured: undefined, sqlitePath: ':memory:' });
    expect(Buffer.from(key, 'base64')).toHaveLength(32);
    expect(existsSync(':memory:.key')).toBe(false);
  });

  it('requires LABELHOOK_SECRET_KEY on PostgreSQL', () => {
    let caught: unknown;
    try {
      resolveSecretKey({ configured: undefined, sqlitePath: null });
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    expect((caught as ConfigError).message).toMatch(/^LABELHOOK_SECRET_KEY is required with PostgreSQL: /);
  });
});
