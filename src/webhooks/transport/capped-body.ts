/** What was kept of a receiver's response body. */
export interface CappedBody {
  /** The first capBytes bytes decoded as UTF-8 (a character cut in half at the cap is dropped). */
  text: string;
  /** True when the body was longer than capBytes. */
  truncated: boolean;
  /** Body bytes received before reading stopped: the whole body when not truncated, otherwise at least capBytes + 1. */
  bytes: number;
}

// A non-streaming decode() keeps no state between calls, so one decoder serves every response.
const decoder = new TextDecoder('utf-8');

/**
 * Collects at most capBytes of a response body as its chunks arrive: `push` answers false at the chunk that crosses
 * the cap, and the caller then stops reading (aborts the request) so the rest is never buffered: a receiver
 * answering 50 MB costs one chunk of memory, not 50 MB. Chunks are kept as they came and decoded once at the end.
 */
export class BodyCollector {
  readonly #cap: number;
  #first: Uint8Array | null = null;
  #more: Uint8Array[] | null = null;
  #kept = 0;
  #received = 0;
  #truncated = false;

  constructor(capBytes: number) {
    this.#cap = Math.max(0, Math.floor(capBytes));
  }

  /** Adds one chunk; false once the body is longer than the cap (nothing more is kept). */
  push(chunk: Uint8Array): boolean {
    if (this.#truncated) return false;
    this.#received += chunk.byteLength;
    const room = this.#cap - this.#kept;
    if (chunk.byteLength > room) {
      if (room > 0) this.#keep(chunk.subarray(0, room));
      this.#truncated = true;
      return false;
    }
    if (chunk.byteLength > 0) this.#keep(chunk);
    return true;
  }

  #keep(chunk: Uint8Array): void {
    this.#kept += chunk.byteLength;
    if (this.#first === null) this.#first = chunk;
    else (this.#more ??= [this.#first]).push(chunk);
  }

  /** The body kept so far, decoded. */
  result(): CappedBody {
    const bytes = this.#more === null ? this.#first : Buffer.concat(this.#more, this.#kept);
    let text = '';
    if (bytes !== null) {
      // Streaming mode leaves a trailing partial character inside its (per-call) decoder: dropped, not shown as U+FFFD.
      text = this.#truncated ? new TextDecoder('utf-8').decode(bytes, { stream: true }) : decoder.decode(bytes);
    }
    return { text, truncated: this.#truncated, bytes: this.#received };
  }
}
