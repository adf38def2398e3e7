/**
 * Turns at one SQLite file's write lock for the threads of one process (the API thread and the engine thread of
 * `labelhook serve`), shared through a SharedArrayBuffer.
 *
 * Each thread writes through its own connection; left to SQLite, the one that finds the file locked sleeps in the
 * busy handler (1, 2, 5 ... 100 ms, blocking its event loop) and, as the other takes the lock again whenever it is
 * free, may keep losing for seconds (3.7 s seen in the end-to-end bench). Here a thread waits asynchronously, in turn
 * (a ticket lock: first come, first served), and is woken the moment the other commits. Other processes still meet
 * SQLite's busy_timeout.
 */
export interface ThreadWriteLock {
  /** The shared words, to hand to another thread's openStore. */
  readonly buffer: SharedArrayBuffer;
  /** Resolves when this thread's turn has come. */
  acquire(): Promise<void>;
  /** Ends this thread's turn (after COMMIT or ROLLBACK); exactly once per acquire. */
  release(): void;
}

// lib ES2023 does not declare it; Node 20 has it.
type WaitAsync = (array: Int32Array, index: number, value: number) => { async: false; value: string } | { async: true; value: Promise<string> };
const waitAsync = (Atomics as unknown as { waitAsync: WaitAsync }).waitAsync;

const NEXT = 0;
const SERVING = 1;

/** The lock over `buffer` (two Int32 words), or over a new buffer. Counters wrap around together, harmlessly. */
export function threadWriteLock(buffer: SharedArrayBuffer = new SharedArrayBuffer(8)): ThreadWriteLock {
  const words = new Int32Array(buffer);
  return {
    buffer,
    async acquire() {
      const ticket = Atomics.add(words, NEXT, 1);
      for (;;) {
        const serving = Atomics.load(words, SERVING);
        if (serving === ticket) return;
        const wait = waitAsync(words, SERVING, serving);
        if (wait.async) await wait.value;
      }
    },
    release() {
      Atomics.add(words, SERVING, 1);
      Atomics.notify(words, SERVING);
    },
  };
}
