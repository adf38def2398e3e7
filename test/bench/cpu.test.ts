import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseProcStat, postgresProcesses, ticksBetween, type ProcTimes } from '../../bench/cpu.js';

/** A /proc/<pid>/stat line with the given comm, utime, stime and starttime (the other fields as Linux prints them). */
function statLine(pid: number, comm: string, utime: number, stime: number, start: number): string {
  const fields = ['S', '1', String(pid), String(pid), '0', '-1', '4194368', '357', '0', '0', '0', String(utime), String(stime), '0', '0', '20', '0', '1', '0', String(start), '222597120'];
  return `${pid} (${comm}) ${fields.join(' ')} 4258 18446744073709551615 0 0\n`;
}

describe('bench CPU of the database server', () => {
  it('reads utime + stime and the start time of a /proc stat line, whatever the process name holds', () => {
    expect(parseProcStat(statLine(2192, 'postgres', 3, 5, 3848))).toEqual({ comm: 'postgres', startTicks: 3848, cpuTicks: 8 });
    expect(parseProcStat(statLine(7, 'a) b (c', 10, 1, 99))).toEqual({ comm: 'a) b (c', startTicks: 99, cpuTicks: 11 });
    expect(parseProcStat('garbage')).toBeNull();
  });

  it('counts what each process spent since the first snapshot, new processes from zero, excluded ones not at all', () => {
    const before = new Map<number, ProcTimes>([
      [10, { startTicks: 100, cpuTicks: 50 }],
      [11, { startTicks: 100, cpuTicks: 40 }],
      [12, { startTicks: 100, cpuTicks: 30 }],
    ]);
    const after = new Map<number, ProcTimes>([
      [10, { startTicks: 100, cpuTicks: 58 }], // the same process: 8 more
      [11, { startTicks: 500, cpuTicks: 4 }], // the pid was reused by a new process: all 4 of it
      [13, { startTicks: 600, cpuTicks: 6 }], // new: all 6
      [14, { startTicks: 100, cpuTicks: 1_000 }], // someone else's backend
    ]);
    expect(ticksBetween(before, after, new Set([14]))).toBe(18);
  });

  it('finds the processes named postgres in a /proc folder', () => {
    const dir = mkdtempSync(join(tmpdir(), 'labelhook-bench-proc-'));
    try {
      const proc = (pid: string, text: string): void => {
        mkdirSync(join(dir, pid));
        writeFileSync(join(dir, pid, 'stat'), text);
      };
      proc('2191', statLine(2191, 'postgres', 20, 10, 3800));
      proc('2200', statLine(2200, 'node', 900, 100, 3900));
      proc('2300', statLine(2300, 'postgres', 1, 2, 4000));
      mkdirSync(join(dir, 'self'));
      expect(postgresProcesses(dir)).toEqual(
        new Map([
          [2191, { startTicks: 3800, cpuTicks: 30 }],
          [2300, { startTicks: 4000, cpuTicks: 3 }],
        ]),
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
