import { ConfigError } from './errors.js';

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Parses a duration such as `50ms`, `5s`, `30m`, `2h` or `5d` (a bare number is milliseconds) into milliseconds. */
export function parseDuration(text: string, name = 'duration'): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?\s*$/.exec(text);
  if (!m) throw new ConfigError(`${name}: "${text}" is not a duration (examples: 50ms, 5s, 30m, 2h, 5d).`);
  return Math.round(Number(m[1]) * UNITS[m[2] ?? 'ms']!);
}

/** Parses a comma-separated list of durations, e.g. the retry schedule `5s,5m,30m`. */
export function parseDurationList(text: string, name: string): number[] {
  const parts = text.split(',').map((p) => p.trim()).filter((p) => p.length > 0);
  if (parts.length === 0) throw new ConfigError(`${name}: give at least one duration (example: 5s,5m,30m).`);
  return parts.map((p) => parseDuration(p, name));
}
