import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer } from '../helpers/app.js';
import { BACKENDS } from '../helpers/backends.js';
import { runCli } from '../helpers/cli.js';
import { startLiveServer, type LiveServer } from '../helpers/server.js';
import { buildLabeledProject, call, type LabeledProject } from '../export/labeled-project.js';

// Each test spawns the compiled CLI (a Node process of its own); on a busy machine that takes a while.
const SLOW = 180_000;

describe.each(BACKENDS)('labelhook export (%s)', (backend) => {
  let live: LiveServer;
  let dir: string;
  let env: Record<string, string>;
  let p: LabeledProject;

  const served = async (projectId: string, query: string) =>
    (await live.server.app.inject({ url: `/api/v1/projects/${projectId}/export?${query}`, headers: bearer(live.adminKey) })).body;

  beforeAll(async () => {
    live = await startLiveServer(backend);
    dir = mkdtempSync(join(tmpdir(), 'labelhook-export-cli-'));
    env = { LABELHOOK_URL: live.url, LABELHOOK_API_KEY: live.adminKey };
    p = await buildLabeledProject(live.server.app, live.adminKey);
  });
  afterAll(async () => {
    await live?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('writes the export to a file (-o) and prints a summary without colours', { timeout: SLOW }, async () => {
    const out = join(dir, 'train.jsonl');
    const r = await runCli(['export', p.projectId, '--format', 'jsonl', '--status', 'completed', '-o', out], env);
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(out, 'utf8')).toBe(await served(p.projectId, 'format=jsonl&status=completed'));
    expect(r.stdout).toMatch(new RegExp(`^Exported 2 documents of ${p.projectId} \\(jsonl, .+ docs/s\\) to ${out.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\.\\n$`));
    expect(r.stdout).not.toContain(`${String.fromCharCode(27)}[`);
  });

  it('writes to stdout when there is no -o, with the summary on stderr', { timeout: SLOW }, async () => {
    const r = await runCli(['export', p.projectId, '--format', 'conll'], env);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe(await served(p.projectId, 'format=conll'));
    expect(r.stderr).toMatch(/Exported 2 documents/); // the text and the plain document (the data row has no text)
  });

  it('prints a plain progress line per 1,000 documents when stdout is not a terminal', { timeout: SLOW }, async () => {
    const big = await call(live.server.app, live.adminKey, 'POST', '/projects', { name: 'Big' }, 201);
    await call(live.server.app, live.adminKey, 'POST', `/projects/${big.id}/documents`, { documents: Array.from({ length: 2500 }, (_, i) => ({ text: `doc ${i}` })) }, 201);
    const out = join(dir, 'big.json');
    const r = await runCli(['export', big.id, '--format', 'label-studio', '-o', out], env);
    expect(r.code, r.stderr).toBe(0);
    const counts = [...r.stdout.matchAll(/^exported (\d+) of at most 2500 documents, .+ docs\/s$/gm)].map((m) => Number(m[1]));
    // One line each time another thousand documents have gone by.
    expect(counts.map((n) => Math.floor(n / 1000))).toEqual([1, 2]);
    expect(r.stdout).toMatch(/Exported 2500 documents/);
    expect(JSON.parse(readFileSync(out, 'utf8'))).toHaveLength(2500);
  });

  it('refuses an unknown format, and reports a server error without leaving a file', { timeout: SLOW }, async () => {
    const bad = await runCli(['export', p.projectId, '--format', 'xml'], env);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/jsonl, label-studio, conll, csv/);
    const out = join(dir, 'missing.jsonl');
    const missing = await runCli(['export', 'prj_doesnotexist', '-o', out], env);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/not_found: Project prj_doesnotexist was not found\. \(HTTP 404\)/);
    expect(existsSync(out)).toBe(false);
    const since = await runCli(['export', p.projectId, '--since', 'last week', '-o', out], env);
    expect(since.stderr).toMatch(/invalid_since: .*\(HTTP 400\)/);
    expect(readdirSync(dir).filter((f) => f.startsWith('missing'))).toEqual([]);
  });
});
