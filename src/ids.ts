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

// Random bytes are read 4 KB at a time: a `randomBytes` call (a syscall) per id was 4% of the delivery worker's CPU.
const POOL_SIZE = 4096;
let pool = randomBytes(POOL_SIZE);
let poolOffset = 0;

/** A new id such as `prj_01jd...`: sortable by creation time, so ids double as pagination cursors. */
export function newId(prefix: string, now = Date.now()): string {
  if (poolOffset + 10 > POOL_SIZE) {
    pool = randomBytes(POOL_SIZE);
    poolOffset = 0;
  }
  let tail = '';
  for (let i = poolOffset; i < poolOffset + 10; i++) tail += ALPHABET[pool[i]! % 32];
  poolOffset += 10;
  return `${prefix}_${encodeTime(now)}${tail}`;
}

/**
 * The bound between the ids `prefix` minted before `ms` and those minted at `ms` or later: `id < idBoundAt(p, ms)`
 * holds exactly for ids minted before `ms` (time first, then a fixed-length tail), so a time range over rows whose
 * id was minted at their own time is a range of the primary key.
 */
export function idBoundAt(prefix: string, ms: number): string {
  return `${prefix}_${encodeTime(ms)}`;
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
