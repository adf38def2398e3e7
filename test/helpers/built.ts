import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root. */
export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** The compiled CLI launcher (`bin/labelhook.js` runs `dist/`, as installed users run it). */
export const BIN = join(ROOT, 'bin/labelhook.js');

/** The first source file under `dir` whose compiled file in dist/ is missing or older, or null. */
function staleSource(dir: string): string | null {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      const stale = staleSource(path);
      if (stale) return stale;
    } else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) {
      const built = join(ROOT, 'dist', relative(ROOT, path).replace(/\.ts$/, '.js'));
      if (!existsSync(built) || statSync(built).mtimeMs < statSync(path).mtimeMs) return relative(ROOT, path);
    }
  }
  return null;
}

let checked = false;

/**
 * Throws unless every source file under src/ and sdk/ has a compiled file in dist/ at least as new: suites
 * that spawn labelhook run compiled code (fast start), and a stale build would test old code. `npm test` builds first.
 */
export function assertBuilt(): void {
  if (checked) return;
  for (const dir of ['src', 'sdk']) {
    const stale = staleSource(join(ROOT, dir));
    if (stale) throw new Error(`dist/ is not built from the current ${stale}: run \`npm run build\` before the suites that spawn labelhook`);
  }
  checked = true;
}
