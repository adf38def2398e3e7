import { randomBytes } from 'node:crypto';

const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';

function encodeTime(ms: number): string {
  let out = '';
  let t = ms;
  for (let i = 0; i < 10; i++) {
    out = ALPHABET[t % 32]! + out;
    t = Math.floor(t / 32);
  }
  return out;
}

/** A new id such as `prj_01jd...`: sortable by creation time, so ids double as pagination cursors. */
export function newId(prefix: string, now = Date.now()): string {
  const rand = randomBytes(10);
  let tail = '';
  for (const b of rand) tail += ALPHABET[b % 32];
  return `${prefix}_${encodeTime(now)}${tail}`;
}
