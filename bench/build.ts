import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Where the processes under test come from: plain JavaScript compiled for this run, or TypeScript through tsx. */
export interface ServerBuild {
  /** The entry file to fork. */
  entry: string;
  /** true when forked through tsx (then RSS includes tsx's loader thread, ~10% more). */
  tsx: boolean;
  remove(): void;
}

/**
 * Compiles bench/server-process.ts and everything it imports to plain JavaScript in a temp folder (type checks
 * off: other people's files may be mid-edit), so the servers under test run like `labelhook serve` from dist/
 * and their RSS is their own. Falls back to tsx when the compiler fails.
 */
export function buildServer(log: (m: string) => void): ServerBuild {
  const out = mkdtempSync(join(tmpdir(), 'labelhook-bench-build-'));
  const remove = (): void => rmSync(out, { recursive: true, force: true });
  try {
    const t0 = performance.now();
    execFileSync(
      process.execPath,
      [
        join(ROOT, 'node_modules/typescript/bin/tsc'),
        join(ROOT, 'bench/server-process.ts'),
        ...['--outDir', out, '--rootDir', ROOT, '--module', 'nodenext', '--moduleResolution', 'nodenext', '--target', 'es2022'],
        ...['--ignoreConfig', '--skipLibCheck', '--noCheck', '--resolveJsonModule', '--esModuleInterop'],
      ],
      { stdio: 'pipe', cwd: ROOT },
    );
    // Packages and package.json (the version in the user-agent) resolve as they do from the repository.
    symlinkSync(join(ROOT, 'node_modules'), join(out, 'node_modules'), 'dir');
    symlinkSync(join(ROOT, 'package.json'), join(out, 'package.json'));
    const entry = join(out, 'bench/server-process.js');
    if (!existsSync(entry)) throw new Error(`${entry} was not emitted`);
    log(`compiled the server under test to ${out} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    return { entry, tsx: false, remove };
  } catch (err) {
    const detail = err instanceof Error && 'stdout' in err ? String((err as { stdout: Buffer }).stdout).slice(0, 500) : String(err);
    log(`could not compile the server under test (${detail}); running it through tsx instead`);
    remove();
    return { entry: join(ROOT, 'bench/server-process.ts'), tsx: true, remove: () => undefined };
  }
}
