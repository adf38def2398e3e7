const DAY = '(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)';
const LONG_DAY = '(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)';
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const MONTH = `(${MONTHS.join('|')})`;
const TIME = '(\\d{2}):(\\d{2}):(\\d{2})';

// The three HTTP-date forms RFC 9110 §5.6.7 obliges recipients to accept. Date.parse is not used: it
// accepts almost anything ("1", "2024") and reads asctime dates in local time instead of GMT.
const IMF_FIXDATE = new RegExp(`^${DAY}, (\\d{2}) ${MONTH} (\\d{4}) ${TIME} GMT$`);
const RFC850 = new RegExp(`^${LONG_DAY}, (\\d{2})-${MONTH}-(\\d{2}) ${TIME} GMT$`);
const ASCTIME = new RegExp(`^${DAY} ${MONTH} ([ \\d]\\d) ${TIME} (\\d{4})$`);

function utc(year: number, month: string, day: number, h: number, m: number, s: number): number | null {
  const monthIndex = MONTHS.indexOf(month);
  if (h > 23 || m > 59 || s > 60) return null;
  // A leap second (:60) is read as :59; "31 Feb" would roll over into March, so it is refused instead.
  const at = new Date(Date.UTC(year, monthIndex, day, h, m, Math.min(s, 59)));
  return at.getUTCMonth() === monthIndex && at.getUTCDate() === day ? at.getTime() : null;
}

function parseHttpDate(value: string, nowMs: number): number | null {
  let m = IMF_FIXDATE.exec(value);
  if (m) return utc(Number(m[3]), m[2]!, Number(m[1]), Number(m[4]), Number(m[5]), Number(m[6]));
  m = RFC850.exec(value);
  if (m) {
    // Two-digit years more than 50 years ahead belong to the previous century (RFC 9110 §5.6.7).
    const nowYear = new Date(nowMs).getUTCFullYear();
    let year = Math.floor(nowYear / 100) * 100 + Number(m[3]);
    if (year > nowYear + 50) year -= 100;
    return utc(year, m[2]!, Number(m[1]), Number(m[4]), Number(m[5]), Number(m[6]));
  }
  m = ASCTIME.exec(value);
  if (m) return utc(Number(m[6]), m[1]!, Number(m[2]!.trim()), Number(m[3]), Number(m[4]), Number(m[5]));
  return null;
}

/** Milliseconds a receiver asked us to wait (`Retry-After`: delay-seconds or HTTP-date), capped at capMs; null when absent or invalid, never negative. */
export function parseRetryAfter(header: string | undefined, nowMs: number, capMs: number): number | null {
  if (header === undefined) return null;
  const value = header.trim();
  if (value === '') return null;
  let delayMs: number;
  if (/^\d+$/.test(value)) {
    delayMs = Number(value) * 1000;
  } else {
    const at = parseHttpDate(value, nowMs);
    if (at === null || Number.isNaN(at)) return null;
    // A date already past means "now", not a negative wait.
    delayMs = at - nowMs;
  }
  return Math.min(Math.max(0, delayMs), Math.max(0, capMs));
}
