import { mkdirSync, mkdtempSync, rmSync, writeFileSync, createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpApi } from '../helpers/api-client.js';
import { BACKENDS } from '../helpers/backends.js';
import { runCli } from '../helpers/cli.js';
import { startLiveServer, type LiveServer } from '../helpers/server.js';

interface Doc {
  key: string | null;
  name: string;
  text: string | null;
  data: unknown;
}


// Each test spawns the compiled CLI (a Node process of its own); on a busy machine that takes a while.
const SLOW = 180_000;
describe.each(BACKENDS)('labelhook import (%s)', (backend) => {
  let live: LiveServer;
  let dir: string;
  let env: Record<string, string>;

  // Asserts a 2xx answer, as every setup call here expects.
  const api = <T>(method: string, path: string, body?: unknown): Promise<T> => httpApi(live.url, live.adminKey).ok<T>(method, path, body);
  const newProject = async () => (await api<{ id: string }>('POST', '/projects', { name: `p${Math.random()}` })).id;
  const documents = async (projectId: string) => (await api<{ data: Doc[] }>('GET', `/projects/${projectId}/documents?limit=1000`)).data;
  const taskEvents = async (projectId: string) =>
    live.server.ctx.store.db.selectFrom('events').select('seq').where('project_id', '=', projectId).where('type', '=', 'TASKS_CREATED').execute();
  const file = (name: string, content: string) => {
    const path = join(dir, name);
    writeFileSync(path, content);
    return path;
  };

  beforeAll(async () => {
    live = await startLiveServer(backend);
    dir = mkdtempSync(join(tmpdir(), 'labelhook-import-'));
    env = { LABELHOOK_URL: live.url, LABELHOOK_API_KEY: live.adminKey };
  });
  afterAll(async () => {
    await live.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('imports JSONL in chunks, one TASKS_CREATED event per chunk, printing a plain line per chunk without colours', async () => {
    const projectId = await newProject();
    const path = file(
      'data.jsonl',
      ['{"key":"a","text":"first"}', '', '{"key":"b","name":"Second","text":"second","data":{"lang":"en"}}', '"just a string"', '{"title":"no text field"}', '{"key":"e","text":"fifth"}\r'].join('\n'),
    );
    const r = await runCli(['import', projectId, path, '--chunk', '2'], env);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^chunk 1: 2 documents sent, .* of .* \(\d+%\), \d+ docs\/s, ETA/m);
    expect(r.stdout).toMatch(/^chunk 3: 5 documents sent, .* \(100%\)/m);
    expect(r.stdout).toContain(`Imported 5 documents into ${projectId} in 3 chunks (jsonl`);
    expect(r.stdout).not.toContain('\u001b[');
    const docs = await documents(projectId);
    expect(docs.map((d) => [d.key, d.text, d.data])).toEqual([
      ['a', 'first', null],
      ['b', 'second', { lang: 'en' }],
      [null, 'just a string', null],
      [null, null, { title: 'no text field' }],
      ['e', 'fifth', null],
    ]);
    expect(docs[1]!.name).toBe('Second');
    expect(await taskEvents(projectId)).toHaveLength(3);
  }, SLOW);

  it('imports a JSON array element by element, whatever its layout', async () => {
    const projectId = await newProject();
    const path = file('data.json', '[\n  {"key": "x1", "text": "commas, [brackets] and \\"quotes\\" } inside"},\n  "plain",\n  {"data": {"nested": [1, {"deep": true}]}}\n]\n');
    const r = await runCli(['import', projectId, path], env);
    expect(r.code).toBe(0);
    expect((await documents(projectId)).map((d) => [d.key, d.text, d.data])).toEqual([
      ['x1', 'commas, [brackets] and "quotes" } inside', null],
      [null, 'plain', null],
      [null, null, { nested: [1, { deep: true }] }],
    ]);
    expect(await taskEvents(projectId)).toHaveLength(1);
  }, SLOW);

  it('imports CSV with a chosen text column, key and name columns, quoted fields and the rest as data', async () => {
    const projectId = await newProject();
    const path = file('reviews.csv', 'key,body,stars\nr1,"Great, really",5\nr2,"Two\nlines",3\n');
    const r = await runCli(['import', projectId, path, '--column', 'body'], env);
    expect(r.code).toBe(0);
    expect((await documents(projectId)).map((d) => [d.key, d.text, d.data])).toEqual([
      ['r1', 'Great, really', { stars: '5' }],
      ['r2', 'Two\nlines', { stars: '3' }],
    ]);
  }, SLOW);

  it('imports plain text one document per line, and a folder one document per file', async () => {
    const projectId = await newProject();
    const r = await runCli(['import', projectId, file('lines.txt', 'one\n\ntwo\nthree\n')], env);
    expect(r.code).toBe(0);
    expect((await documents(projectId)).map((d) => d.text)).toEqual(['one', 'two', 'three']);

    const folder = join(dir, 'letters');
    mkdirSync(folder);
    writeFileSync(join(folder, 'b.txt'), 'Dear B,\nhello.');
    writeFileSync(join(folder, 'a.txt'), 'Dear A');
    writeFileSync(join(folder, '.DS_Store'), 'junk');
    const other = await newProject();
    const rf = await runCli(['import', other, folder], env);
    expect(rf.code).toBe(0);
    expect((await documents(other)).map((d) => [d.key, d.text])).toEqual([
      ['a.txt', 'Dear A'],
      ['b.txt', 'Dear B,\nhello.'],
    ]);
  }, SLOW);

  it('names the file and line of malformed input and imports nothing from it', async () => {
    const projectId = await newProject();
    const jsonl = file('bad.jsonl', '{"text":"ok"}\n{"text":"ok"}\n{"text": nope}\n');
    const r = await runCli(['import', projectId, jsonl], env);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${jsonl}:3: not valid JSON`);

    const json = file('bad.json', '[\n{"text":"ok"},\n{"text":"ok",}\n]');
    const rj = await runCli(['import', projectId, json], env);
    expect(rj.code).toBe(1);
    expect(rj.stderr).toContain(`${json}:3: not valid JSON`);

    const csv = file('bad.csv', 'title,words\nx,y\n');
    const rc = await runCli(['import', projectId, csv], env);
    expect(rc.code).toBe(1);
    expect(rc.stderr).toContain(`${csv}:1: no "text" column (columns: title, words)`);
    expect(await documents(projectId)).toEqual([]);
  }, SLOW);

  it('reports the server’s error code for a project that does not exist', async () => {
    const r = await runCli(['import', 'prj_missing', file('one.txt', 'x\n')], env);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('not_found');
    expect(r.stderr).toContain('chunk 1');
  }, SLOW);

  it('re-imports known keys with --on-duplicate-key overwrite (in place, TASKS_UPDATED); without it the chunk is refused', async () => {
    const projectId = await newProject();
    const first = await runCli(['import', projectId, file('v1.jsonl', '{"key":"a","text":"old a"}\n{"key":"b","text":"old b"}\n')], env);
    expect(first.code, first.stderr).toBe(0);
    const before = await documents(projectId);
    const v2 = file('v2.jsonl', '{"key":"b","text":"new b"}\n{"key":"c","text":"new c"}\n');
    const refused = await runCli(['import', projectId, v2], env);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('duplicate_key');
    const r = await runCli(['import', projectId, v2, '--on-duplicate-key', 'overwrite'], env);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`Imported 2 documents into ${projectId}`);
    expect(r.stdout).toContain('known keys overwritten');
    const after = await documents(projectId);
    expect(after.map((d) => [d.key, d.text])).toEqual([
      ['a', 'old a'],
      ['b', 'new b'],
      ['c', 'new c'],
    ]);
    expect((after[1] as Doc & { id: string }).id).toBe((before[1] as Doc & { id: string }).id);
    const updated = await live.server.ctx.store.db.selectFrom('events').select('seq').where('project_id', '=', projectId).where('type', '=', 'TASKS_UPDATED').execute();
    expect(updated).toHaveLength(1);
    const bad = await runCli(['import', projectId, v2, '--on-duplicate-key', 'replace'], env);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('--on-duplicate-key');
  }, SLOW);

  it('imports 100,000 lines in bounded memory', async () => {
    const projectId = await newProject();
    const path = join(dir, 'big.jsonl');
    const out = createWriteStream(path);
    const filler = 'lorem ipsum dolor sit amet '.repeat(45); // ~1.2 KB per line: 120 MB in all
    for (let i = 0; i < 100_000; i++) {
      if (!out.write(`{"key":"k${i}","text":"${i} ${filler}"}\n`)) await once(out, 'drain');
    }
    out.end();
    await once(out, 'finish');
    // The JavaScript heap is capped below the file's size: an import that read the file whole (or kept its lines)
    // would die of out-of-memory; one that streams finishes. Without the cap V8 lets garbage pile up before collecting,
    // which says nothing about what the import holds.
    const heapCap = { NODE_OPTIONS: '--max-old-space-size=96' };
    // The baseline: the same CLI loaded and answering --help, so only what the import itself holds is measured.
    const baseline = await runCli(['import', '--help'], { ...env, ...heapCap }, { measureRss: true });
    const r = await runCli(['import', projectId, path], { ...env, ...heapCap }, { measureRss: true });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Imported 100000 documents');
    expect(baseline.peakRssBytes).toBeGreaterThan(0);
    expect(r.peakRssBytes - baseline.peakRssBytes).toBeLessThan(100 * 1024 * 1024);
    const count = await live.server.ctx.store.db
      .selectFrom('documents')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('project_id', '=', projectId)
      .executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(100_000);
    expect(await taskEvents(projectId)).toHaveLength(100);
  }, 4 * SLOW);
});
