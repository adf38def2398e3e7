import { fork, type ChildProcess } from 'node:child_process';
import { isAbsolute } from 'node:path';
import { fileURLToPath } from 'node:url';

/** A bench child process (receiver or server under test) spoken to over IPC with request/response messages. */
export interface Child<Ready> {
  process: ChildProcess;
  /** What the child announced when it was ready (message id 0). */
  ready: Ready;
  call<T>(message: Record<string, unknown>): Promise<T>;
  /** Asks nicely (SIGTERM), then SIGKILL after `graceMs`; resolves when the process has exited. */
  stop(graceMs?: number): Promise<void>;
}

/**
 * Forks `entry` (a path relative to bench/, or absolute) and waits for its ready message; TypeScript entries run
 * through tsx.
 */
export async function forkChild<Ready>(entry: string, options: { env?: Record<string, string>; execArgv?: string[]; args?: string[]; readyTimeoutMs?: number }): Promise<Child<Ready>> {
  const path = isAbsolute(entry) ? entry : fileURLToPath(new URL(entry, import.meta.url));
  const child = fork(path, options.args ?? [], {
    execArgv: [...(path.endsWith('.ts') ? ['--import', 'tsx'] : []), ...(options.execArgv ?? [])],
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  let nextId = 1;
  let exited = false;
  const exitedPromise = new Promise<void>((resolve) => child.once('exit', () => {
    exited = true;
    for (const p of pending.values()) p.reject(new Error(`${entry} exited`));
    pending.clear();
    resolve();
  }));
  const ready = await new Promise<Ready>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${entry} was not ready within ${options.readyTimeoutMs ?? 60_000} ms`)), options.readyTimeoutMs ?? 60_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${entry} exited with code ${code} before it was ready`));
    });
    child.on('message', (raw) => {
      const msg = raw as { id: number; ok: boolean; result?: unknown; error?: string };
      if (msg.id === 0) {
        clearTimeout(timer);
        if (msg.ok) resolve(msg.result as Ready);
        else reject(new Error(msg.error));
        return;
      }
      const p = pending.get(msg.id);
      if (!p) return;
      pending.delete(msg.id);
      if (msg.ok) p.resolve(msg.result);
      else p.reject(new Error(msg.error));
    });
  }).catch((err: unknown) => {
    child.kill('SIGKILL');
    throw err;
  });
  return {
    process: child,
    ready,
    call: <T>(message: Record<string, unknown>) =>
      new Promise<T>((resolve, reject) => {
        if (exited) return reject(new Error(`${entry} has exited`));
        const id = nextId++;
        pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
        child.send({ ...message, id });
      }),
    stop: async (graceMs = 10_000) => {
      if (exited) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exitedPromise;
      clearTimeout(timer);
    },
  };
}
