/** What was kept of a receiver's response body. */
export interface CappedBody {
  /** The first capBytes bytes decoded as UTF-8 (a character cut in half at the cap is dropped). */
  text: string;
  /** True when the body was longer than capBytes. */
  truncated: boolean;
  /** Body bytes received before reading stopped: the whole body when not truncated, otherwise at least capBytes + 1. */
  bytes: number;
}

/**
 * Reads at most capBytes of a response body, then stops and destroys the stream so the rest is never
 * buffered: a receiver answering 50 MB costs one chunk of memory, not 50 MB.
 */
export async function readCappedBody(body: AsyncIterable<Uint8Array>, capBytes: number): Promise<CappedBody> {
  const cap = Math.max(0, Math.floor(capBytes));
  const decoder = new TextDecoder('utf-8');
  let text = '';
  let kept = 0;
  let received = 0;
  let truncated = false;
  // Leaving the for-await early calls the iterator's return(), which destroys a Node/undici stream and
  // with it the connection: nothing more is read from the socket.
  for await (const chunk of body) {
    received += chunk.byteLength;
    const room = cap - kept;
    if (chunk.byteLength > room) {
      if (room > 0) text += decoder.decode(chunk.subarray(0, room), { stream: true });
      truncated = true;
      break;
    }
    text += decoder.decode(chunk, { stream: true });
    kept += chunk.byteLength;
  }
  // When truncated, a trailing partial character stays in the decoder and is dropped rather than shown as U+FFFD.
  if (!truncated) text += decoder.decode();
  return { text, truncated, bytes: received };
}
