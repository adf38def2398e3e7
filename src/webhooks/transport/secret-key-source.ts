import { randomBytes } from 'node:crypto';
import { chmodSync, linkSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { ConfigError } from '../../errors.js';

/** Shortest LABELHOOK_SECRET_KEY accepted: anything shorter is a password an attacker with the database can guess. */
export const MIN_SECRET_KEY_LENGTH = 16;

function generateKey(): string {
  return randomBytes(32).toString('base64');
}

function readOrCreateKeyFile(keyPath: string): string {
  // Write a complete temporary file, then hard-link it into place: link() fails when the key file exists, so
  // of two processes starting at once exactly one key wins and nobody ever reads a half-written file.
  const tmpPath = `${keyPath}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    const key = generateKey();
    writeFileSync(tmpPath, `${key}\n`, { mode: 0o600, flag: 'wx' });
    chmodSync(tmpPath, 0o600); // open()'s mode is masked by the umask; chmod's is not
    linkSync(tmpPath, keyPath);
    return key;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') {
      throw new ConfigError(
        `Could not create the secret key file ${keyPath} (${(err as Error).message}). Set LABELHOOK_SECRET_KEY instead.`,
        { keyPath },
      );
    }
  } finally {
    rmSync(tmpPath, { force: true });
  }
  const key = readFileSync(keyPath, 'utf8').trim();
  if (key.length < MIN_SECRET_KEY_LENGTH) {
    throw new ConfigError(
      `The secret key file ${keyPath} is empty or too short. Restore it from a backup (secrets sealed with the lost key cannot be decrypted) or set LABELHOOK_SECRET_KEY.`,
      { keyPath },
    );
  }
  return key;
}

/**
 * Picks the key material for secrets at rest: LABELHOOK_SECRET_KEY when set; on SQLite without it, a key
 * file next to the database (`<db>.key`, created once with mode 0600: a development default); on
 * PostgreSQL it is required, because several processes on several hosts must share one key.
 */
export function resolveSecretKey(options: { configured: string | undefined; sqlitePath: string | null }): string {
  const { configured, sqlitePath } = options;
  if (configured !== undefined && configured !== '') {
    if (configured.length < MIN_SECRET_KEY_LENGTH) {
      throw new ConfigError(
        `LABELHOOK_SECRET_KEY must be at least ${MIN_SECRET_KEY_LENGTH} characters; generate one with: openssl rand -base64 32`,
      );
    }
    return configured;
  }
  if (sqlitePath === null) {
    throw new ConfigError(
      'LABELHOOK_SECRET_KEY is required with PostgreSQL: every API and worker process must encrypt and decrypt ' +
        'webhook secrets with the same key. Generate one with `openssl rand -base64 32` and give it to all of them.',
    );
  }
  // An in-memory database vanishes with the process, and so may its key: no file to litter the working directory.
  if (sqlitePath === ':memory:' || sqlitePath === '') return generateKey();
  return readOrCreateKeyFile(`${sqlitePath}.key`);
}
