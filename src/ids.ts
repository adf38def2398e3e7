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

/**
 * `count` new ids for one batch (a bulk import), in ascending order: one random read for all of them, since a
 * `randomBytes` call per id costs more than the rest of a 10,000-document import.
 */
export function newIds(prefix: string, count: number, now = Date.now()): string[] {
  const rand = randomBytes(10 * count);
  const time = encodeTime(now);
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    let tail = '';
    for (let j = 0; j < 10; j++) tail += ALPHABET[rand[i * 10 + j]! % 32];
    out.push(`${prefix}_${time}${tail}`);
  }
  return out.sort();
}
