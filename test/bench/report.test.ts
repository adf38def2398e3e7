import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseOptions, scaled } from '../../bench/options.js';
import { describeMachine, evaluate, renderTable, writeResults, type BenchResults, type Figure } from '../../bench/report.js';
import { percentile } from '../../bench/stats.js';

const limit = 10_000;

describe('bench report', () => {
  it('expresses throughputs as a ratio to the limit and judges ratio goals on it', () => {
    const figures: Figure[] = [
      { scenario: 'delivery', figure: 'deliveries/s', value: 6_000, unit: 'deliveries/s', relativeToLimit: true, goal: { on: 'ratio', op: '>=', target: 0.5 } },
      { scenario: 'end-to-end', figure: 'events/s', value: 2_000, unit: 'events/s', relativeToLimit: true, goal: { on: 'ratio', op: '>=', target: 0.3 } },
    ];
    const [delivery, e2e] = evaluate(figures, limit);
    expect(delivery!.ratio).toBeCloseTo(0.6);
    expect(delivery!.met).toBe(true);
    expect(e2e!.ratio).toBeCloseTo(0.2);
    expect(e2e!.met).toBe(false);
  });

  it('judges absolute goals on the figure itself and leaves unmeasured figures undecided', () => {
    const rows = evaluate(
      [
        { scenario: 'latency', figure: 'p99', value: 31, unit: 'ms', goal: { on: 'value', op: '<=', target: 25 } },
        { scenario: 'backlog', figure: 'peak RSS', value: 180, unit: 'MB', goal: { on: 'value', op: '<=', target: 300 } },
        { scenario: 'delivery', figure: 'PostgreSQL', value: null, unit: 'deliveries/s', relativeToLimit: true, goal: { on: 'ratio', op: '>=', target: 0.5 }, note: 'skipped' },
      ],
      limit,
    );
    expect(rows.map((r) => r.met)).toEqual([false, true, null]);
    expect(rows[0]!.ratio).toBeNull();
    expect(rows[2]!.ratio).toBeNull();
  });

  it('has no ratios when the limit was not measured', () => {
    const [row] = evaluate([{ scenario: 'delivery', figure: 'x', value: 5, unit: 'deliveries/s', relativeToLimit: true, goal: { on: 'ratio', op: '>=', target: 0.5 } }], null);
    expect(row!.ratio).toBeNull();
    expect(row!.met).toBeNull();
  });

  it('prints one row per figure with the verdict, and writes the same rows to results.json', () => {
    const rows = evaluate([{ scenario: 'delivery', figure: 'deliveries/s', value: 4_000, unit: 'deliveries/s', relativeToLimit: true, goal: { on: 'ratio', op: '>=', target: 0.5 } }], limit);
    const table = renderTable(rows).split('\n');
    expect(table).toHaveLength(3);
    expect(table[2]).toMatch(/\| delivery .*\| 4,000 .*\| 0\.40 .*\| ratio ≥ 0\.5 .*\| NO /);

    const dir = mkdtempSync(join(tmpdir(), 'labelhook-bench-report-'));
    try {
      const path = join(dir, 'results.json');
      const results: BenchResults = {
        startedAt: '2026-01-01T00:00:00.000Z',
        finishedAt: '2026-01-01T00:10:00.000Z',
        machine: describeMachine(),
        options: { scale: 1, only: null, repeats: 3, postgres: false, serverRunsThroughTsx: false },
        limit,
        rows,
      };
      writeResults(path, results);
      const saved = JSON.parse(readFileSync(path, 'utf8')) as BenchResults;
      expect(saved.limit).toBe(limit);
      expect(saved.machine.cpus).toBeGreaterThan(0);
      expect(saved.rows[0]).toMatchObject({ scenario: 'delivery', value: 4_000, unit: 'deliveries/s', goalText: 'ratio ≥ 0.5', met: false });
      expect(saved.rows[0]!.ratio).toBeCloseTo(0.4);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('bench options', () => {
  it('scales counts by LABELHOOK_BENCH_SCALE and reads --only and --repeat', () => {
    const o = parseOptions(['--only', 'delivery,latency', '--repeat=5'], { LABELHOOK_BENCH_SCALE: '0.1' }, '/tmp/r.json');
    expect(o.only).toEqual(['delivery', 'latency']);
    expect(o.repeats).toBe(5);
    expect(scaled(o, 20_000)).toBe(2_000);
    expect(scaled(o, 20_000, 5_000)).toBe(5_000);
  });

  it('refuses an unknown argument and a non-positive scale', () => {
    expect(() => parseOptions(['--fast'], {}, '/tmp/r.json')).toThrow(/Unknown argument/);
    expect(() => parseOptions([], { LABELHOOK_BENCH_SCALE: '0' }, '/tmp/r.json')).toThrow(/LABELHOOK_BENCH_SCALE/);
  });

  it('takes nearest-rank percentiles', () => {
    const values = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(values, 50)).toBe(50);
    expect(percentile(values, 99)).toBe(99);
    expect(percentile([7], 99)).toBe(7);
  });
});
