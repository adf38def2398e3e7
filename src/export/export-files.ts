import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { AppContext } from '../app-context.js';

/**
 * The folder export files live in: LABELHOOK_EXPORT_DIR, else `<database file>-exports` next to a SQLite database,
 * else `./labelhook-exports`. With PostgreSQL and several processes it must be one folder all of them share: a
 * worker writes the file, any API process serves the download.
 */
export function exportDir(ctx: AppContext): string {
  if (ctx.config.exportDir) return resolve(ctx.config.exportDir);
  const file = ctx.store.sqlitePath;
  if (file && file !== ':memory:') return `${file}-exports`;
  return resolve('labelhook-exports');
}

/** The path of an export file by its stored name. */
export function exportPath(ctx: AppContext, fileName: string): string {
  return join(exportDir(ctx), fileName);
}

/** Size and SHA-256 (hex) of a written file. */
export interface WrittenFile {
  byteSize: number;
  sha256: string;
}

/**
 * Writes `chunks` to `fileName` in the export folder: into a temporary file first, renamed into place once complete,
 * so a download never sees half a file and a crash leaves only a `.tmp` behind. Honours the disk's backpressure.
 */
export async function writeExportFile(ctx: AppContext, fileName: string, chunks: AsyncIterable<string>, signal?: AbortSignal): Promise<WrittenFile> {
  const dir = exportDir(ctx);
  await mkdir(dir, { recursive: true });
  const final = join(dir, fileName);
  const tmp = `${final}.${process.pid}.tmp`;
  const hash = createHash('sha256');
  let byteSize = 0;
  try {
    await pipeline(
      chunks,
      async function* (source: AsyncIterable<string>) {
        for await (const chunk of source) {
          const bytes = Buffer.from(chunk, 'utf8');
          hash.update(bytes);
          byteSize += bytes.length;
          yield bytes;
        }
      },
      createWriteStream(tmp),
      ...(signal ? [{ signal }] : []),
    );
    await rename(tmp, final);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
  return { byteSize, sha256: hash.digest('hex') };
}

/** Deletes an export file; a file already gone is not an error. */
export async function removeExportFile(ctx: AppContext, fileName: string): Promise<void> {
  await rm(exportPath(ctx, fileName), { force: true });
}
