import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startEventReceiver, type EventReceiver, type ReceivedEvent } from './event-receiver.js';
import { dragSelect, shot, signIn, startHarness, type Harness } from './harness.js';

// The labeling workspace end to end: an admin sets up a project through the console, a labeler labels, a reviewer
// reviews; a real receiver on 127.0.0.1 gets the events and a second one acts as a blocking label gate.

const ADMIN_KEY = 'lh_workspace_e2e_admin_key_0123456789';
const TEXT = 'Ada Lovelace called Acme support.';

interface Label {
  id: string;
  type: string;
  startCharIndex: number;
  endCharIndex: number;
  labelSetItemId: string;
  labeledBy: string;
}

let h: Harness;
let events: EventReceiver;
let gate: EventReceiver;
let admin: Page;
let labeler: Page;
let reviewer: Page;
let projectId: string;
let labelerKey: string;
let reviewerKey: string;

const labelsOf = async (documentId: string) => (await h.api<{ data: Label[] }>('GET', `/documents/${documentId}/labels`)).data;
const ofProject = (id: string) => (e: ReceivedEvent) => (e.data.project as { id?: string } | null)?.id === id;
const docs = async (id: string) => (await h.api<{ data: { id: string; name: string; key: string | null }[] }>('GET', `/projects/${id}/documents`)).data;

/** Opens a document of the labeler's queue by name. */
async function openFromQueue(page: Page, project: string, name: string, mode: 'labeler' | 'reviewer' = 'labeler'): Promise<void> {
  await page.goto(`${h.base}/#/projects/${project}/queue${mode === 'reviewer' ? '?mode=reviewer' : ''}`);
  await page.locator('ol.queue').getByRole('link', { name }).click();
  await page.locator('.text-view').waitFor();
}

describe('labeling workspace (Chromium)', () => {
  beforeAll(async () => {
    h = await startHarness(ADMIN_KEY);
    events = await startEventReceiver();
    gate = await startEventReceiver();
    await h.api('POST', '/webhooks', { url: events.url, events: ['*'], sendPayload: true });
    admin = await h.browser.newPage({ viewport: { width: 1280, height: 900 } });
    await signIn(admin, h.base, ADMIN_KEY);
  });

  // A failing step leaves a picture of every open page, to see what the person would have seen.
  afterEach(async (ctx) => {
    if (ctx.task.result?.state !== 'fail') return;
    for (const [name, page] of [['admin', admin], ['labeler', labeler], ['reviewer', reviewer]] as const) {
      if (page && !page.isClosed()) await shot(page, `failed-${name}`, true);
    }
  });

  afterAll(async () => {
    await h?.close();
    await events?.close();
    await gate?.close();
  });

  it('an admin creates a project with a label set and imports a CSV file through the page', async () => {
    await admin.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Projects' }).click();
    await admin.getByRole('link', { name: 'New project' }).click();
    await admin.getByRole('button', { name: 'Create project' }).click();
    await admin.getByText('Give the project a name.').waitFor();
    await admin.getByLabel('Name', { exact: true }).fill('Support tickets');
    await admin.getByLabel('Tags').fill('ner, support');
    await admin.getByLabel('Label 1 name').fill('PERSON');
    await admin.getByLabel('Label 1 colour').fill('#ffb3b3');
    await admin.getByRole('button', { name: 'Add label' }).click();
    await admin.getByLabel('Label 2 name').fill('ORG');
    await admin.getByLabel('Label 2 id').fill('org');
    await shot(admin, 'workspace-project-form');
    await admin.getByRole('button', { name: 'Create project' }).click();
    await admin.getByRole('heading', { name: /Support tickets/ }).waitFor();
    projectId = decodeURIComponent(new URL(admin.url()).hash.split('/')[2] ?? '');
    const created = await events.waitFor('PROJECT_CREATED', ofProject(projectId));
    expect((created.data.project as { labelSet: unknown }).labelSet).toEqual([
      { id: 'person', label: 'PERSON', color: '#ffb3b3' },
      { id: 'org', label: 'ORG', color: null },
    ]);

    const csv = ['key,text,channel', `t1,${TEXT},email`, 't2,"Grace Hopper wrote, twice.",chat', 't3,too,many,fields', 't4,Linus phoned.,phone'].join('\n');
    await admin.getByLabel('Document file').setInputFiles({ name: 'tickets.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await admin.getByText('3 documents to import, 1 line with errors (left out)').waitFor();
    await admin.getByRole('list', { name: 'Lines with errors' }).getByText(/^tickets\.csv:4: not valid CSV/).waitFor();
    await admin.getByRole('button', { name: 'Import 3 documents' }).click();
    await admin.getByText('Imported 3 documents from tickets.csv.').waitFor();
    const tasks = await events.waitFor('TASKS_CREATED', ofProject(projectId));
    expect((tasks.data.documents as { key: string; text: string; data: unknown }[]).map((d) => [d.key, d.text, d.data])).toEqual([
      ['t1', TEXT, { channel: 'email' }],
      ['t2', 'Grace Hopper wrote, twice.', { channel: 'chat' }],
      ['t4', 'Linus phoned.', { channel: 'phone' }],
    ]);
    await admin.locator('tr', { hasText: 't4' }).waitFor();
    await shot(admin, 'workspace-project', true);
  });

  it('an admin excludes and deletes documents, adds members with their key shown once, and revokes a key', async () => {
    const extra = await h.api<{ data: { id: string }[] }>('POST', `/projects/${projectId}/documents`, {
      documents: [{ key: 'x1', text: 'to exclude' }, { key: 'x2', text: 'to delete' }],
    });
    await admin.locator('tr', { hasText: 'x2' }).waitFor(); // arrives live, from the event stream
    await admin.getByLabel('Select x1').check();
    await admin.getByRole('button', { name: 'Exclude' }).click();
    await events.waitFor('TASKS_EXCLUDED', ofProject(projectId));
    await admin.locator('tr', { hasText: 'x1' }).locator('.badge', { hasText: 'excluded' }).waitFor();
    await admin.getByLabel('Select x2').check();
    await admin.getByRole('button', { name: 'Delete', exact: true }).click();
    await admin.getByRole('button', { name: 'Delete documents' }).click();
    await events.waitFor('TASKS_DELETED', ofProject(projectId));
    await expect(h.api('GET', `/documents/${extra.data[1]!.id}`)).rejects.toThrow(/404/);

    await admin.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Team' }).click();
    await admin.getByLabel('Email').fill('not-an-email');
    await admin.getByRole('button', { name: 'Add member' }).click();
    await admin.getByText('Enter an email address such as ann@example.com.').waitFor();
    const add = async (email: string, name: string, role: string) => {
      await admin.getByLabel('Email').fill(email);
      await admin.getByLabel('Name', { exact: true }).fill(name);
      await admin.getByLabel('Role').selectOption(role);
      await admin.getByRole('button', { name: 'Add member' }).click();
      await admin.getByText(`API key of ${email}.`).waitFor();
      return (await admin.getByTestId('new-key').textContent()) ?? '';
    };
    labelerKey = await add('ann@example.com', 'Ann', 'labeler');
    reviewerKey = await add('rex@example.com', 'Rex', 'reviewer');
    expect(labelerKey).toMatch(/^lh_/);
    await admin.getByLabel('Email').fill('ann@example.com');
    await admin.getByRole('button', { name: 'Add member' }).click();
    await admin.locator('.error').getByText(/already/).waitFor(); // the API's member_exists message

    await admin.getByLabel('For member').selectOption({ label: 'ann@example.com' });
    await admin.getByLabel('Key name').fill('spare');
    await admin.getByRole('button', { name: 'Create key' }).click();
    await admin.getByText('New API key of ann@example.com.').waitFor();
    const spare = (await admin.getByTestId('new-key').textContent()) ?? '';
    await h.api('GET', '/me', undefined, spare);
    await admin.locator('tr', { hasText: 'spare' }).getByRole('button', { name: 'Revoke' }).click();
    await admin.getByRole('button', { name: 'Revoke key' }).click();
    await admin.locator('tr', { hasText: 'spare' }).getByText('revoked').waitFor();
    await expect(h.api('GET', '/me', undefined, spare)).rejects.toThrow(/401/);
    await shot(admin, 'workspace-team', true);
  });

  it('a labeler selects a span with the mouse and applies a label: BEFORE_UPDATE_LABELS, then ANNOTATION_CREATED with exactly those characters', async () => {
    labeler = await h.browser.newPage({ viewport: { width: 1280, height: 900 } });
    await signIn(labeler, h.base, labelerKey);
    const nav = labeler.getByRole('navigation', { name: 'Main' });
    expect(await nav.getByRole('link').allTextContents()).toEqual(['Projects']);
    await labeler.getByRole('link', { name: 'Support tickets' }).click();
    expect(await labeler.getByRole('link', { name: 'Review' }).count()).toBe(0);
    expect(await labeler.getByLabel('Document file').count()).toBe(0);
    await labeler.getByRole('link', { name: 'Label', exact: true }).click();
    await shot(labeler, 'workspace-queue');
    await openFromQueue(labeler, projectId, 't1');
    const doc = (await docs(projectId)).find((d) => d.key === 't1')!;

    const start = TEXT.indexOf('Lovelace');
    const end = start + 'Lovelace'.length;
    await dragSelect(labeler, start, end);
    await labeler.getByText(`Selected characters ${start}–${end}: “Lovelace”`).waitFor();
    await labeler.getByRole('button', { name: /PERSON/ }).first().click();
    await labeler.locator('mark[data-name="PERSON"]', { hasText: 'Lovelace' }).waitFor();

    const created = await events.waitFor('ANNOTATION_CREATED', (e) => (e.data.document as { id: string }).id === doc.id);
    const before = await events.waitFor('BEFORE_UPDATE_LABELS', (e) => (e.data.document as { id: string }).id === doc.id);
    expect(before.data.isReviewDocument).toBe(false);
    // The order is the event log's (seq): an unordered webhook's deliveries may arrive in either order.
    const log = await h.api<{ data: { type: string; data: { document?: { id: string } } }[] }>(
      'GET',
      `/events?projectId=${projectId}&type=BEFORE_UPDATE_LABELS&type=ANNOTATION_CREATED&limit=1000`,
    );
    const ofDoc = log.data.filter((e) => e.data.document?.id === doc.id).map((e) => e.type);
    expect(ofDoc.indexOf('BEFORE_UPDATE_LABELS')).toBeGreaterThanOrEqual(0);
    expect(ofDoc.indexOf('BEFORE_UPDATE_LABELS')).toBeLessThan(ofDoc.indexOf('ANNOTATION_CREATED'));
    const labels = (created.data.annotation as { labels: Label[] }).labels;
    expect(labels).toHaveLength(1);
    expect(TEXT.slice(labels[0]!.startCharIndex, labels[0]!.endCharIndex)).toBe('Lovelace');
    expect(labels[0]).toMatchObject({ type: 'SPAN', startCharIndex: start, endCharIndex: end, labelSetItemId: 'person', labeledBy: 'LABELER' });

    // Keyboard: Ctrl+Shift+Right selects the first word, key 2 labels it ORG; the label is then changed and deleted.
    await labeler.locator('.text-view').focus();
    await labeler.keyboard.press('Home');
    await labeler.keyboard.press('Control+Shift+ArrowRight');
    await labeler.getByText('Selected characters 0–3: “Ada”').waitFor();
    await labeler.keyboard.press('2');
    await labeler.locator('mark[data-name="ORG"]', { hasText: 'Ada' }).waitFor();
    await expect.poll(async () => (await labelsOf(doc.id)).map((l) => [l.labelSetItemId, l.startCharIndex, l.endCharIndex])).toEqual([
      ['person', start, end],
      ['org', 0, 3],
    ]);
    await labeler.getByRole('button', { name: /ORG “Ada”/ }).click();
    await labeler.getByLabel('Change to').selectOption('person');
    await labeler.locator('mark[data-name="PERSON"]', { hasText: 'Ada' }).waitFor();
    await events.waitFor('ANNOTATION_UPDATED', (e) => (e.data.document as { id: string }).id === doc.id);
    await labeler.getByRole('button', { name: 'Delete label' }).click();
    await expect.poll(async () => (await labelsOf(doc.id)).length).toBe(1);
    await labeler.getByRole('button', { name: 'Document: ORG' }).click();
    await labeler.getByRole('button', { name: 'Row: PERSON' }).click();
    await expect.poll(async () => (await labelsOf(doc.id)).map((l) => l.type).sort()).toEqual(['DOCUMENT', 'ROW', 'SPAN']);
    await shot(labeler, 'workspace-document');
  });

  it('a label update vetoed by a blocking gate is not applied and the page shows the reason; a slow gate shows the update waiting', async () => {
    await h.api('POST', '/webhooks', { url: gate.url, events: ['BEFORE_UPDATE_LABELS'], blocking: true, projectId });
    gate.mode = { kind: 'veto', reason: 'Names of customers may not be labeled yet' };
    await openFromQueue(labeler, projectId, 't2');
    const doc = (await docs(projectId)).find((d) => d.key === 't2')!;
    await dragSelect(labeler, 0, 5);
    await labeler.keyboard.press('1');
    await labeler.getByTestId('gate-reason').getByText('Names of customers may not be labeled yet').waitFor();
    await shot(labeler, 'workspace-gate-veto');
    expect(await labelsOf(doc.id)).toEqual([]);
    expect(await labeler.locator('mark').count()).toBe(0);
    expect(gate.events.some((e) => e.type === 'BEFORE_UPDATE_LABELS')).toBe(true);

    gate.mode = { kind: 'slow', ms: 1500 };
    await labeler.getByRole('button', { name: /PERSON/ }).first().click();
    await labeler.getByTestId('update-waiting').waitFor();
    await labeler.locator('mark[data-name="PERSON"]', { hasText: 'Grace' }).waitFor();
    expect(await labeler.getByTestId('update-waiting').count()).toBe(0);
    expect((await labelsOf(doc.id)).map((l) => [l.startCharIndex, l.endCharIndex])).toEqual([[0, 5]]);
    gate.mode = { kind: 'ok' };
  });

  it('a labeler cannot reach reviewer mode, marks a document and the project complete: TASK_COMPLETED, PROJECT_COMPLETED', async () => {
    await labeler.goto(`${h.base}/#/projects/${projectId}/queue?mode=reviewer`);
    await labeler.getByText('Reviewer mode is for reviewers and admins; your role is labeler.').waitFor();
    const doc = (await docs(projectId)).find((d) => d.key === 't1')!;
    await labeler.goto(`${h.base}/#/documents/${doc.id}?mode=reviewer`);
    await labeler.getByText('Reviewer mode is for reviewers and admins; your role is labeler.').waitFor();
    expect(await labeler.locator('.text-view').count()).toBe(0);
    await labeler.goto(`${h.base}/#/team`);
    await labeler.getByRole('heading', { name: 'Projects' }).waitFor();

    await openFromQueue(labeler, projectId, 't1');
    await labeler.getByRole('button', { name: 'Mark document complete' }).click();
    await labeler.getByRole('button', { name: 'Yes, mark complete' }).click();
    await labeler.getByText('You marked this document complete.').waitFor();
    const completed = await events.waitFor('TASK_COMPLETED', ofProject(projectId));
    expect((completed.data.document as { id: string }).id).toBe(doc.id);

    await labeler.goto(`${h.base}/#/projects/${projectId}/queue`);
    await labeler.locator('ol.queue li').first().waitFor();
    expect(await labeler.locator('ol.queue li').allTextContents()).toEqual(['t2', 't4']);
    await labeler.getByRole('button', { name: 'Mark project complete' }).click();
    await labeler.getByRole('button', { name: 'Yes, mark project complete' }).click();
    await labeler.getByText('Project marked complete.').waitFor();
    await events.waitFor('PROJECT_COMPLETED', ofProject(projectId));
  });

  it("a reviewer sees the labeler's labels by member, accepts and adds labels in reviewer mode, reviews the document and the project", async () => {
    reviewer = await h.browser.newPage({ viewport: { width: 1280, height: 900 } });
    await signIn(reviewer, h.base, reviewerKey);
    expect(await reviewer.getByRole('navigation', { name: 'Main' }).getByRole('link').allTextContents()).toEqual(['Projects']);
    await reviewer.getByRole('link', { name: 'Support tickets' }).click();
    await reviewer.getByRole('link', { name: 'Review' }).waitFor();
    expect(await reviewer.getByRole('link', { name: 'Edit project' }).count()).toBe(0);
    expect(await reviewer.getByLabel('Document file').count()).toBe(0);
    expect(await reviewer.getByLabel(/^Select /).count()).toBe(0);
    // The admin watches the project page: progress moves without a reload.
    await admin.goto(`${h.base}/#/projects/${projectId}`);
    await admin.getByTestId('progress-completed').getByText('1').waitFor();

    await openFromQueue(reviewer, projectId, 't1', 'reviewer');
    const doc = (await docs(projectId)).find((d) => d.key === 't1')!;
    const byAnn = reviewer.getByRole('region', { name: 'Labels of Ann' });
    await byAnn.getByRole('button', { name: /PERSON “Lovelace”/ }).click();
    await reviewer.getByRole('button', { name: 'Accept' }).click();
    const accepted = await events.waitFor('ANNOTATION_UPDATED', (e) => (e.data.document as { id: string }).id === doc.id && e.data.isReviewDocument === true);
    expect((accepted.data.labelUpdateList as { toUpsertList: Label[] }).toUpsertList[0]).toMatchObject({ labeledBy: 'REVIEWER', startCharIndex: 4, endCharIndex: 12 });
    await shot(reviewer, 'workspace-review');

    // Another member's label appears in the reviewer's open document without a reload.
    await h.api('POST', `/documents/${doc.id}/labels`, { toUpsertList: [{ labelSetItemId: 'org', startCharIndex: 13, endCharIndex: 19 }] }, labelerKey);
    await reviewer.locator('mark[data-name="ORG"]', { hasText: 'called' }).waitFor();
    const theirs = (await labelsOf(doc.id)).find((l) => l.startCharIndex === 13)!;
    await reviewer.getByRole('region', { name: 'Labels of Ann' }).getByRole('button', { name: /ORG “called”/ }).click();
    await reviewer.getByRole('button', { name: 'Delete label' }).click();
    await expect.poll(async () => (await labelsOf(doc.id)).some((l) => l.id === theirs.id)).toBe(false);

    const acme = TEXT.indexOf('Acme');
    await dragSelect(reviewer, acme, acme + 4);
    await reviewer.keyboard.press('2');
    await reviewer.locator('mark[data-name="ORG"]', { hasText: 'Acme' }).waitFor();
    const added = await events.waitFor('ANNOTATION_CREATED', (e) => (e.data.document as { id: string }).id === doc.id && e.data.isReviewDocument === true);
    expect((added.data.annotation as { labels: Label[] }).labels[0]).toMatchObject({ startCharIndex: acme, endCharIndex: acme + 4, labeledBy: 'REVIEWER' });

    await reviewer.getByRole('button', { name: 'Mark document reviewed' }).click();
    await reviewer.getByRole('button', { name: 'Yes, mark reviewed' }).click();
    await events.waitFor('TASK_REVIEWED', ofProject(projectId));
    await admin.getByTestId('progress-reviewed').getByText('1').waitFor();
    await shot(admin, 'workspace-progress');

    await reviewer.goto(`${h.base}/#/projects/${projectId}/queue?mode=reviewer`);
    await reviewer.getByRole('button', { name: 'Mark project reviewed' }).click();
    await reviewer.getByRole('button', { name: 'Yes, mark project reviewed' }).click();
    await reviewer.getByText('Project marked reviewed.').waitFor();
    await events.waitFor('PROJECT_REVIEWED', ofProject(projectId));
    await admin.locator('h1 .badge', { hasText: 'reviewed' }).waitFor();
  });

  it('refuses removing a label the documents use, with the count, as the API does', async () => {
    await admin.goto(`${h.base}/#/projects/${projectId}/edit`);
    await admin.getByRole('button', { name: 'Remove label 2' }).click();
    await admin.getByRole('button', { name: 'Save project' }).click();
    await admin.locator('.error').getByText(/“ORG” is used by 2 labels/).waitFor();
    const project = await h.api<{ labelSet: unknown[] }>('GET', `/projects/${projectId}`);
    expect(project.labelSet).toHaveLength(2);
  });

  it('opens a 1 MB document and labels a span near its end; the 390 px layout has no sideways scrolling', async () => {
    const paragraph = 'The quick brown fox jumps over the lazy dog while the support team answers every ticket on time. ';
    const body = Array.from({ length: 10_500 }, (_, i) => `${i % 8 === 7 ? '\n' : ''}${paragraph}`).join('');
    const text = `${body}Final words: Babbage.`;
    expect(text.length).toBeGreaterThan(1_000_000);
    const big = await h.api<{ data: { id: string }[] }>('POST', `/projects/${projectId}/documents`, { documents: [{ key: 'big', text }] });
    const id = big.data[0]!.id;
    const page = await h.browser.newPage({ viewport: { width: 390, height: 844 } });
    try {
      await signIn(page, h.base, labelerKey);
      await page.goto(`${h.base}/#/documents/${id}`);
      await page.locator('.text-view').waitFor();
      const start = text.indexOf('Babbage');
      await dragSelect(page, start, start + 'Babbage'.length);
      await page.keyboard.press('1');
      await page.locator('mark[data-name="PERSON"]', { hasText: 'Babbage' }).waitFor();
      expect((await labelsOf(id)).map((l) => [l.startCharIndex, l.endCharIndex])).toEqual([[start, start + 7]]);
      expect(Number(await page.evaluate('document.documentElement.scrollWidth - document.documentElement.clientWidth'))).toBeLessThanOrEqual(0);
      await shot(page, 'workspace-phone-1mb');
    } finally {
      await page.close();
    }
  });

  it('the set-up screens fit a 390 px screen', async () => {
    const phone = await h.browser.newPage({ viewport: { width: 390, height: 844 } });
    try {
      await signIn(phone, h.base, ADMIN_KEY);
      const overflow = async () => Number(await phone.evaluate('document.documentElement.scrollWidth - document.documentElement.clientWidth'));
      for (const [path, ready] of [
        [`/projects/${projectId}`, 'Import documents'],
        [`/projects/${projectId}/edit`, 'Edit project'],
        ['/team', 'Add a member'],
        [`/projects/${projectId}/queue?mode=reviewer`, 'Review queue'],
      ] as const) {
        await phone.goto(`${h.base}/#${path}`);
        await phone.getByRole('heading', { name: ready }).waitFor();
        expect(await overflow(), path).toBeLessThanOrEqual(0);
      }
      await phone.goto(`${h.base}/#/projects/${projectId}`);
      await phone.getByRole('heading', { name: 'Import documents' }).waitFor();
      await shot(phone, 'workspace-phone-project', true);
    } finally {
      await phone.close();
    }
  });

  it('imports a dropped JSONL file, listing the lines that cannot be imported', async () => {
    const other = await h.api<{ id: string }>('POST', '/projects', { name: 'Dropped', labelSet: [{ id: 'x', label: 'X' }] });
    await admin.goto(`${h.base}/#/projects/${other.id}`);
    await admin.getByRole('heading', { name: 'Import documents' }).waitFor();
    const jsonl = ['{"key":"d1","text":"one"}', '{"key":"d2",', '[1, 2]', '"just text"'].join('\n');
    const drop = await admin.evaluateHandle(`(() => {
      const dt = new DataTransfer();
      dt.items.add(new File([${JSON.stringify(jsonl)}], 'notes.jsonl', { type: 'application/x-ndjson' }));
      return dt;
    })()`);
    await admin.dispatchEvent('.dropzone', 'drop', { dataTransfer: drop });
    await admin.getByText('2 documents to import, 2 lines with errors (left out)').waitFor();
    const errors = admin.getByRole('list', { name: 'Lines with errors' });
    await errors.getByText(/^notes\.jsonl:2: not valid JSON/).waitFor();
    await errors.getByText('notes.jsonl:3: expected a JSON object or string, got an array').waitFor();
    await admin.getByRole('button', { name: 'Import 2 documents' }).click();
    await admin.getByText('Imported 2 documents from notes.jsonl.').waitFor();
    const tasks = await events.waitFor('TASKS_CREATED', ofProject(other.id));
    expect((tasks.data.documents as { key: string | null; text: string }[]).map((d) => [d.key, d.text])).toEqual([
      ['d1', 'one'],
      [null, 'just text'],
    ]);
  });
});
