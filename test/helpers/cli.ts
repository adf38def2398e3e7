import { spawn, type ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { assertBuilt, BIN } from './built.js';
import { withDeadline } from './wait.js';

/** The environment of a CLI child: no TTY, no colour overrides, plus `extra`. */
export function cliEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...extra };
  // Colours must switch off because stdout is a pipe, not because NO_COLOR happened to be set.
  delete env.NO_COLOR;
  delete env.FORCE_COLOR;
  return env;
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
  /** Highest resident set size of the child seen while it ran, in bytes (Linux /proc). */
  peakRssBytes: number;
}

/**
 * Starts the compiled `labelhook ARGS` as a child process (stdout and stderr are pipes, never a TTY). Compiled,
 * not through tsx: each start would otherwise transpile the CLI's import graph again (seconds on a busy machine).
 */
export function spawnCli(args: string[], env: Record<string, string> = {}): ChildProcess {
  assertBuilt();
  return spawn(process.execPath, [BIN, ...args], { env: cliEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Runs `labelhook ARGS` to completion (bounded by `timeoutMs`, default 120 s). */
export async function runCli(
  args: string[],
  env: Record<string, string> = {},
  options: { measureRss?: boolean; timeoutMs?: number } = {},
): Promise<CliResult> {
  const child = spawnCli(args, env);
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  let peakRssBytes = 0;
  const sample = async () => {
    try {
      const status = await readFile(`/proc/${child.pid}/status`, 'utf8');
      // VmHWM is the peak so far, so occasional sampling still sees short spikes.
      const m = /VmHWM:\s+(\d+) kB/.exec(status);
      if (m) peakRssBytes = Math.max(peakRssBytes, Number(m[1]) * 1024);
    } catch {
      // the child has exited
    }
  };
  const timer = options.measureRss ? setInterval(() => void sample(), 50) : undefined;
  const exited = new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
  const code = await withDeadline(() => `labelhook ${args.join(' ')} to exit; stderr: ${stderr}`, exited, options.timeoutMs ?? 120_000).finally(() => {
    clearInterval(timer);
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  return { code, stdout, stderr, peakRssBytes };
}

/** Collects a running child's stdout lines and waits for the one matching `pattern`. */
export class OutputWatcher {
  readonly lines: string[] = [];
  private buffer = '';
  private waiters = new Set<() => void>();

  constructor(child: ChildProcess) {
    child.stdout!.setEncoding('utf8').on('data', (d: string) => {
      this.buffer += d;
      const parts = this.buffer.split('\n');
      this.buffer = parts.pop()!;
      this.lines.push(...parts);
      for (const w of [...this.waiters]) w();
    });
    child.stderr!.setEncoding('utf8').on('data', (d: string) => this.lines.push(`[stderr] ${d}`));
  }

  /** Resolves with the first line (from `from`) matching `pattern`. */
  waitFor(pattern: RegExp, from = 0, timeoutMs = 90_000): Promise<RegExpExecArray> {
    return new Promise((resolve, reject) => {
      const timeout = setTimeout(() => {
        this.waiters.delete(check);
        reject(new Error(`no line matched ${pattern}; output:\n${this.lines.join('\n')}`));
      }, timeoutMs);
      const check = () => {
        for (let i = from; i < this.lines.length; i++) {
          const m = pattern.exec(this.lines[i]!);
          if (m) {
            clearTimeout(timeout);
            this.waiters.delete(check);
            resolve(m);
            return;
          }
        }
      };
      this.waiters.add(check);
      check();
    });
  }
}
