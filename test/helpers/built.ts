import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root. */
export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** The compiled CLI launcher (`bin/labelhook.js` runs `dist/`, as installed users run it). */
export const BIN = join(ROOT, 'bin/labelhook.js');

const BUILT_MARKER = join(ROOT, 'dist/src/cli/main.js');

function newestSource(dir: string): { path: string; mtimeMs: number } {
  let newest = { path: dir, mtimeMs: 0 };
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    const candidate = entry.isDirectory() ? newestSource(path) : entry.name.endsWith('.ts') ? { path, mtimeMs: statSync(path).mtimeMs } : newest;
    if (candidate.mtimeMs > newest.mtimeMs) newest = candidate;
  }
  return newest;
}

let checked = false;

/**
 * Throws unless `dist/` is built and newer than every source file under src/ and sdk/: suites that spawn
 * the CLI run compiled code (fast start), and a stale build would test yesterday's code. `npm test` builds first.
 */
export function assertBuilt(): void {
  if (checked) return;
  if (!existsSync(BUILT_MARKER)) throw new Error('dist/ is missing: run `npm run build` before the suites that spawn labelhook');
  const builtAt = statSync(BUILT_MARKER).mtimeMs;
  for (const dir of ['src', 'sdk']) {
    const newest = newestSource(join(ROOT, dir));
    if (newest.mtimeMs > builtAt) {
      throw new Error(`dist/ is older than ${relative(ROOT, newest.path)}: run \`npm run build\` before the suites that spawn labelhook`);
    }
  }
  checked = true;
}
