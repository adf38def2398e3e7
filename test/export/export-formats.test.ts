import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CSV_COLUMNS } from '../../src/export/formats/csv.js';
import { exportStream } from '../../src/export/export-stream.js';
import { EXPORT_PAGE_SIZE } from '../../src/export/export-reader.js';
import { bearer, createTestApp, type TestApp } from '../helpers/app.js';
import { BACKENDS } from '../helpers/backends.js';
import { addTeam } from '../helpers/team-fixtures.js';
import { sleep } from '../helpers/wait.js';
import { asLabelView, buildLabeledProject, byId, call, LABEL_SET, type LabeledProject } from './labeled-project.js';

// Label Studio 1.22's task and annotation keys (its serializers' fields, as its export writes them) and the keys
// its JSON export adds to a task.
const LS_TASK_KEYS = [
  'id', 'data', 'meta', 'created_at', 'updated_at', 'is_labeled', 'allow_skip', 'overlap', 'inner_id', 'total_annotations',
  'cancelled_annotations', 'total_predictions', 'precomputed_agreement', 'comment_count', 'unresolved_comment_count',
  'last_comment_updated_at', 'project', 'updated_by', 'file_upload', 'comment_authors', 'annotations', 'predictions', 'drafts',
];
const LS_ANNOTATION_KEYS = [
  'id', 'result', 'was_cancelled', 'ground_truth', 'created_at', 'updated_at', 'draft_created_at', 'lead_time', 'prediction',
  'result_count', 'unique_id', 'import_id', 'last_action', 'bulk_created', 'task', 'project', 'completed_by', 'updated_by',
  'parent_prediction', 'parent_annotation', 'last_created_by',
];

const nameOf = (id: string): string => LABEL_SET.find((i) => i.id === id)!.label;

/* eslint-disable @typescript-eslint/no-explicit-any -- Label Studio tasks are read loosely */
describe.each(BACKENDS)('project export formats (%s)', (backend) => {
  let t: TestApp;
  let p: LabeledProject;
  beforeAll(async () => {
    t = await createTestApp(backend);
    p = await buildLabeledProject(t.app, t.adminKey);
  });
  afterAll(async () => {
    await t?.close();
  });

  async function download(query: string, key = t.adminKey, projectId = p.projectId) {
    return t.app.inject({ url: `/api/v1/projects/${projectId}/export?${query}`, headers: bearer(key) });
  }

  it('JSONL: one document per line with every label field, who labeled, completion and review state', async () => {
    const res = await download('format=jsonl');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('application/x-ndjson');
    const docs = res.body.trimEnd().split('\n').map((l) => JSON.parse(l));
    expect(docs.map((d) => d.id)).toEqual([p.docs.text, p.docs.row, p.docs.plain]);
    for (const d of docs) {
      const labels = d.annotations.flatMap((a: { labels: Record<string, unknown>[] }) => a.labels);
      expect(labels.map(asLabelView).sort(byId)).toEqual([...p.labels.get(d.id)!].sort(byId));
      for (const a of d.annotations) {
        for (const l of a.labels) {
          expect(l.label).toBe(nameOf(l.labelSetItemId));
          expect(l.annotationId).toBe(a.id);
          expect(l.labeledByUserId).toBe(a.memberId);
        }
        expect(a.member.email).toMatch(/@example\.test$/);
      }
    }
    expect(docs.map((d) => [d.completed, d.reviewed])).toEqual([[true, true], [true, false], [false, false]]);
    expect(docs[0].completions.map((c: { mode: string }) => c.mode).sort()).toEqual(['labeler', 'reviewer']);
    expect(docs[1].data).toEqual({ stars: 2, body: 'meh' });
    const modes = docs[0].annotations.map((a: { labels: { labeledBy: string }[] }) => a.labels.map((l) => l.labeledBy).sort());
    expect(modes).toEqual(expect.arrayContaining([['LABELER', 'LABELER', 'PREDICTION'], ['REVIEWER', 'REVIEWER']]));
  });

  it('filters by status: completed (reviewed included) and reviewed', async () => {
    const ids = async (status: string) => (await download(`status=${status}`)).body.trimEnd().split('\n').map((l) => JSON.parse(l).id);
    expect(await ids('completed')).toEqual([p.docs.text, p.docs.row]);
    expect(await ids('reviewed')).toEqual([p.docs.text]);
    expect(await ids('all')).toEqual([p.docs.text, p.docs.row, p.docs.plain]);
  });

  it("Label Studio: a JSON array of tasks with Label Studio's export keys and every label in annotations[].result or predictions", async () => {
    const res = await download('format=label-studio');
    expect(res.headers['content-type']).toContain('application/json');
    const tasks = JSON.parse(res.body) as Record<string, any>[];
    // Label Studio's ids are integers: each task carries its document's integer alias.
    const docs = await t.ctx.store.db.selectFrom('documents').select(['id', 'num']).where('project_id', '=', p.projectId).execute();
    const idOf = (task: Record<string, any>): string => docs.find((d) => Number(d.num) === task.id)!.id;
    expect(tasks.map(idOf)).toEqual([p.docs.text, p.docs.row, p.docs.plain]);
    for (const task of tasks) {
      expect(Object.keys(task)).toEqual(expect.arrayContaining(LS_TASK_KEYS));
      for (const a of task.annotations) expect(Object.keys(a).sort()).toEqual([...LS_ANNOTATION_KEYS].sort());
      const results = [...task.annotations, ...task.predictions].flatMap((a: { result: any[] }) => a.result);
      const labels = p.labels.get(idOf(task))!;
      for (const a of task.annotations) expect(a.task).toBe(task.id);
      expect(results.map((r) => r.id).sort()).toEqual(labels.map((l) => l.id).sort());
      for (const l of labels) {
        const r = results.find((x) => x.id === l.id)!;
        if (l.type === 'SPAN') {
          expect(r).toMatchObject({ type: 'labels', from_name: 'label', to_name: 'text', value: { start: l.startCharIndex, end: l.endCharIndex, labels: [nameOf(l.labelSetItemId)] } });
        } else {
          expect(r).toMatchObject({ type: 'choices', value: { choices: [nameOf(l.labelSetItemId)] } });
        }
        expect(r.origin).toBe(l.labeledBy === 'PREDICTION' ? 'prediction' : 'manual');
      }
    }
    expect(tasks[0]!.data.text).toContain('Ada Lovelace');
    expect(tasks[0]!.predictions).toHaveLength(1);
    expect(tasks[0]!.predictions[0].score).toBe(0.9);
    expect(tasks[0]!.annotations.map((a: { ground_truth: boolean }) => a.ground_truth).sort()).toEqual([false, true]);
    expect(tasks[2]!.annotations).toEqual([]);
  });

  it('CoNLL: IOB2 tags token by token, one block per annotation, lines as sentences', async () => {
    const res = await download('format=conll');
    const blocks = res.body.split(/^-DOCSTART- /m).filter(Boolean).map((b) => b.split('\n'));
    const head = (b: string[]) => b[0]!.split(' ');
    const text = blocks.filter((b) => head(b)[0] === p.docs.text);
    expect(text).toHaveLength(2);
    const labels = p.labels.get(p.docs.text)!;
    const labelerAnn = text.find((b) => labels.some((l) => l.labeledBy === 'LABELER' && l.labeledByUserId === head(b)[2]))!;
    const reviewerAnn = text.find((b) => b !== labelerAnn)!;
    const tokens = (b: string[]) => b.slice(2).join('\n');
    expect(tokens(labelerAnn)).toBe(
      ['Ada B-Person', 'Lovelace I-Person', 'works O', 'at O', 'Acme B-Org_Name', ', I-Org_Name', 'Inc I-Org_Name', '. I-Org_Name', '', 'She O', 'codes O', '. O', '', ''].join('\n'),
    );
    expect(tokens(reviewerAnn)).toBe(['Ada B-Person', 'Lovelace O', 'works O', 'at O', 'Acme O', ', O', 'Inc O', '. O', '', 'She O', 'codes O', '. O', '', ''].join('\n'));
    const plain = blocks.filter((b) => head(b)[0] === p.docs.plain);
    expect(plain).toHaveLength(1);
    expect(head(plain[0]!)).toEqual([p.docs.plain, '-', '-']);
    expect(tokens(plain[0]!)).toBe('Nothing O\nhere O\n. O\n\n');
    // The data row has no text, so no tokens: it is not in the CoNLL file.
    expect(blocks.some((b) => head(b)[0] === p.docs.row)).toBe(false);
  });

  it('CSV: one row per row or document label, a document without any as one row with empty label columns', async () => {
    const res = await download('format=csv');
    expect(res.headers['content-type']).toContain('text/csv');
    const rows = parse(res.body, { columns: true }) as Record<string, string>[];
    expect(Object.keys(rows[0]!)).toEqual([...CSV_COLUMNS]);
    for (const doc of [p.docs.text, p.docs.row]) {
      const expected = p.labels.get(doc)!.filter((l) => l.type !== 'SPAN');
      const got = rows.filter((r) => r.document_id === doc);
      expect(got.map((r) => r.label_id).sort()).toEqual(expected.map((l) => l.id).sort());
      for (const l of expected) {
        const r = got.find((x) => x.label_id === l.id)!;
        expect(r).toMatchObject({ type: l.type, label: nameOf(l.labelSetItemId), label_set_item_id: l.labelSetItemId, labeled_by: l.labeledBy, member_id: l.labeledByUserId });
        expect(r.cell_index).toBe(String(l.startCellIndex));
        expect(r.confidence_score).toBe(l.confidenceScore === null ? '' : String(l.confidenceScore));
      }
    }
    expect(rows.filter((r) => r.document_id === p.docs.row).every((r) => r.completed === 'true' && r.reviewed === 'false')).toBe(true);
    const plain = rows.filter((r) => r.document_id === p.docs.plain);
    expect(plain).toHaveLength(1);
    expect(plain[0]!.label_id).toBe('');
    expect(plain[0]!.text).toBe('Nothing here.');
  });

  it('since: only documents changed at or after it', async () => {
    const before = new Date(Date.now() - 60_000).toISOString();
    await sleep(5);
    const cut = new Date().toISOString();
    await sleep(5);
    await call(t.app, p.labelerKey, 'POST', `/documents/${p.docs.plain}/labels`, { toUpsertList: [{ labelSetItemId: 'pos', type: 'DOCUMENT' }], toDeleteList: [], mode: 'labeler' }, 200);
    const ids = async (since: string) => (await download(`since=${encodeURIComponent(since)}`)).body.trimEnd().split('\n').map((l) => JSON.parse(l).id);
    expect(await ids(cut)).toEqual([p.docs.plain]);
    expect(await ids(before)).toHaveLength(3);
  });

  it('an empty project exports a valid empty file in every format', async () => {
    const empty = await call(t.app, t.adminKey, 'POST', '/projects', { name: 'Empty' }, 201);
    const body = async (format: string) => {
      const res = await download(`format=${format}`, t.adminKey, empty.id);
      expect(res.statusCode).toBe(200);
      return res.body;
    };
    expect(await body('jsonl')).toBe('');
    expect(JSON.parse(await body('label-studio'))).toEqual([]);
    expect(await body('conll')).toBe('');
    expect(parse(await body('csv'), { columns: true })).toEqual([]);
    expect((await body('csv')).trim()).toBe(CSV_COLUMNS.join(','));
  });

  it('an unknown format or status is a 422 listing the valid values, a bad since 400 invalid_since; another team gets 404', async () => {
    const bad = await download('format=xml');
    expect(bad.statusCode).toBe(422);
    expect(bad.json().error).toMatchObject({ code: 'unknown_export_format', details: { allowed: ['jsonl', 'label-studio', 'conll', 'csv'] } });
    const status = await download('status=done');
    expect(status.statusCode).toBe(422);
    expect(status.json().error).toMatchObject({ code: 'unknown_export_status', details: { allowed: ['all', 'completed', 'reviewed'] } });
    const since = await download('since=yesterday');
    expect(since.statusCode).toBe(400);
    expect(since.json().error.code).toBe('invalid_since');
    const job = await t.app.inject({ method: 'POST', url: `/api/v1/projects/${p.projectId}/exports`, headers: bearer(t.adminKey), payload: { format: 'parquet' } });
    expect(job.statusCode).toBe(422);
    expect(job.json().error.code).toBe('unknown_export_format');
    const other = await addTeam(t.app, t.adminKey, 'Strangers');
    expect((await download('format=jsonl', other.apiKey)).statusCode).toBe(404);
  });

  it('streams page by page: the first chunk is out after one page of documents, long before the last is read', async () => {
    const big = await call(t.app, t.adminKey, 'POST', '/projects', { name: 'Big' }, 201);
    const total = EXPORT_PAGE_SIZE * 2 + 7;
    await call(t.app, t.adminKey, 'POST', `/projects/${big.id}/documents`, { documents: Array.from({ length: total }, (_, i) => ({ text: `doc ${i}` })) }, 201);
    const project = await t.ctx.store.db.selectFrom('projects').selectAll().where('id', '=', big.id).executeTakeFirstOrThrow();
    const out = exportStream(t.ctx.store.db, project, { id: project.team_id, name: 'team' }, { format: 'jsonl', status: 'all', since: null });
    const first = await out.chunks.next();
    expect(first.done).toBe(false);
    expect(out.counts.documents).toBe(EXPORT_PAGE_SIZE);
    let lines = (first.value as string).split('\n').length - 1;
    for await (const chunk of out.chunks) lines += chunk.split('\n').length - 1;
    expect(lines).toBe(total);
    expect(out.counts.documents).toBe(total);
  });
});
