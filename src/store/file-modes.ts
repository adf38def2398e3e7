import { chmodSync, closeSync, existsSync, openSync, statSync } from 'node:fs';

/** The mode of every file holding labelhook's data or keys: owner read and write only. */
export const PRIVATE_FILE_MODE = 0o600;

/**
 * Creates `path` empty with mode 0600 when it does not exist, whatever the umask (the mode of open() is masked by
 * it; chmod is not). Answers whether it created it. An existing file is left as it is (see widerThanPrivate).
 */
export function createPrivateFile(path: string): boolean {
  if (existsSync(path)) return false;
  try {
    closeSync(openSync(path, 'wx', PRIVATE_FILE_MODE));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
  chmodSync(path, PRIVATE_FILE_MODE);
  return true;
}

/** Sets mode 0600 on the files of `paths` that exist (the WAL and shared-memory files SQLite creates). */
export function makePrivate(paths: readonly string[]): void {
  for (const path of paths) {
    try {
      chmodSync(path, PRIVATE_FILE_MODE);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
  }
}

/** The files of `paths` that exist and that group or others may access, with their modes (e.g. "0644"). */
export function widerThanPrivate(paths: readonly string[]): { path: string; mode: string }[] {
  const wide: { path: string; mode: string }[] = [];
  for (const path of paths) {
    let mode: number;
    try {
      mode = statSync(path).mode & 0o777;
    } catch {
      continue;
    }
    if ((mode & 0o077) !== 0) wide.push({ path, mode: `0${mode.toString(8)}` });
  }
  return wide;
}

/** The files of a SQLite database at `path`: the database, its WAL and shared memory, and the secret key file next to it. */
export function sqliteFiles(path: string): string[] {
  return [path, `${path}-wal`, `${path}-shm`, `${path}.key`];
}

/** Logs a warning for each file of the SQLite database `path` that group or others may read (checked at start). */
export function warnWideFiles(logger: { warn(obj: object, msg: string): void }, path: string | null): void {
  if (path === null || path === ':memory:' || path === '') return;
  for (const { path: file, mode } of widerThanPrivate(sqliteFiles(path))) {
    logger.warn({ path: file, mode }, `file is readable by other users (mode ${mode}); it holds labelhook's data or keys: chmod 600 it`);
  }
}
