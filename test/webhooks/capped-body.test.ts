import { describe, expect, it } from 'vitest';
import { BodyCollector, type CappedBody } from '../../src/webhooks/transport/capped-body.js';

/** Feeds `parts` to a collector with `cap` as the transport does: it stops at the first push answering false. */
function collect(cap: number, ...parts: (string | Uint8Array)[]): CappedBody & { pushed: number } {
  const collector = new BodyCollector(cap);
  let pushed = 0;
  for (const part of parts) {
    pushed += 1;
    if (!collector.push(typeof part === 'string' ? new TextEncoder().encode(part) : part)) break;
  }
  return { ...collector.result(), pushed };
}

describe('BodyCollector', () => {
  it('keeps a body under the cap whole', () => {
    expect(collect(1024, '{"ok":', 'true}')).toEqual({ text: '{"ok":true}', truncated: false, bytes: 11, pushed: 2 });
  });

  it('a body of exactly the cap is not truncated', () => {
    expect(collect(6, 'abcd', 'ef')).toEqual({ text: 'abcdef', truncated: false, bytes: 6, pushed: 2 });
  });

  it('cuts at the cap and reports truncation', () => {
    const result = collect(6, 'abcd', 'efgh', 'ijkl');
    expect(result.text).toBe('abcdef');
    expect(result.truncated).toBe(true);
    expect(result.bytes).toBe(8); // read up to the chunk that crossed the cap, and no further
    expect(result.pushed).toBe(2);
  });

  it('drops a multi-byte character cut in half at the cap instead of storing garbage', () => {
    // "é" is 2 bytes in UTF-8: a 4-byte cap ends in the middle of the second one.
    const result = collect(4, 'aéé');
    expect(result.text).toBe('aé');
    expect(result.truncated).toBe(true);
  });

  it('drops a 4-byte character cut at the cap when its bytes came in separate chunks', () => {
    const emoji = new TextEncoder().encode('😀'); // 4 bytes
    const result = collect(4, 'ab', emoji.subarray(0, 1), emoji.subarray(1, 2), emoji.subarray(2));
    expect(result).toMatchObject({ text: 'ab', truncated: true, bytes: 6 });
  });

  it('decodes a multi-byte character split across chunks', () => {
    const bytes = new TextEncoder().encode('✓');
    expect(collect(100, bytes.subarray(0, 1), bytes.subarray(1)).text).toBe('✓');
  });

  it('decodes exactly as a TextDecoder does: BOM dropped, invalid bytes as U+FFFD', () => {
    const bytes = Uint8Array.from([0xef, 0xbb, 0xbf, 0x61, 0xff, 0x62, 0xe2, 0x82]);
    expect(collect(100, bytes.subarray(0, 5), bytes.subarray(5)).text).toBe(new TextDecoder().decode(bytes));
    expect(collect(100, bytes).text).toBe('a\uFFFDb\uFFFD');
  });

  it('answers false at the chunk crossing the cap and keeps nothing after it', () => {
    const collector = new BodyCollector(2500);
    const block = new Uint8Array(1000).fill(120);
    expect([collector.push(block), collector.push(block), collector.push(block), collector.push(block)]).toEqual([true, true, false, false]);
    const result = collector.result();
    expect(result).toMatchObject({ truncated: true, bytes: 3000 });
    expect(result.text).toHaveLength(2500);
  });

  it('a zero cap keeps nothing', () => {
    expect(collect(0, 'x')).toEqual({ text: '', truncated: true, bytes: 1, pushed: 1 });
    expect(collect(0)).toEqual({ text: '', truncated: false, bytes: 0, pushed: 0 });
  });
});
