import { createHmac } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const BODY = '{"type":"PING","timestamp":"2025-01-01T00:00:00.000Z","data":{"message":"hi"}}';

/** Headers signed by the official Standard Webhooks library, not by labelhook's own code. */
function signed(body: string, at: Date, msgId = 'msg_1'): Record<string, string> {
  return {
    'content-type': 'application/json',
    'webhook-id': msgId,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': new Webhook(SECRET).sign(msgId, at, body),
  };
}


// Each test spawns the compiled CLI (a Node process of its own); on a busy machine that takes a while.
const SLOW = 180_000;
describe('labelhook verify', () => {
  let dir: string;
  const save = (name: string, content: string) => {
    const path = join(dir, name);
    writeFileSync(path, content);
    return path;
  };
  const verify = (path: string, ...args: string[]) => runCli(['verify', '--secret', SECRET, path, ...args]);

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'labelhook-verify-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('says OK for a valid saved request, as JSON or as raw HTTP text', async () => {
    const now = new Date();
    const json = await verify(save('ok.json', JSON.stringify({ headers: signed(BODY, now), body: BODY })));
    expect(json.code).toBe(0);
    expect(json.stdout).toBe('OK: the signature is valid (standard format, webhook-id msg_1, PING).\n');

    const head = Object.entries(signed(BODY, now)).map(([k, v]) => `${k}: ${v}`).join('\r\n');
    const raw = await verify(save('ok.http', `POST /hook HTTP/1.1\r\n${head}\r\n\r\n${BODY}`));
    expect(raw.code).toBe(0);
    expect(raw.stdout).toMatch(/^OK: /);
    expect(raw.stdout + raw.stderr).not.toContain('\u001b[');
  }, SLOW);

  it('fails with bad_signature when the body or a signed header was tampered with', async () => {
    const headers = signed(BODY, new Date());
    const body = await verify(save('tampered-body.json', JSON.stringify({ headers, body: BODY.replace('hi', 'ho') })));
    expect(body.code).toBe(1);
    expect(body.stdout).toMatch(/^FAIL \(bad_signature\): /);

    const header = await verify(save('tampered-header.json', JSON.stringify({ headers: { ...headers, 'webhook-id': 'msg_2' }, body: BODY })));
    expect(header.code).toBe(1);
    expect(header.stdout).toMatch(/^FAIL \(bad_signature\): /);

    const wrongSecret = await runCli(['verify', '--secret', 'whsec_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', save('ok2.json', JSON.stringify({ headers, body: BODY }))]);
    expect(wrongSecret.code).toBe(1);
    expect(wrongSecret.stdout).toMatch(/^FAIL \(bad_signature\)/);
  }, SLOW);

  it('explains an expired timestamp and checks the signature alone with --ignore-timestamp', async () => {
    const path = save('old.json', JSON.stringify({ headers: signed(BODY, new Date(Date.now() - 3600_000)), body: BODY }));
    const old = await verify(path);
    expect(old.code).toBe(1);
    expect(old.stdout).toMatch(/^FAIL \(timestamp_expired\): /);
    expect(old.stdout).toMatch(/hint: the request was signed at .* \(\d+ s ago\); add --ignore-timestamp/);
    const ignored = await verify(path, '--ignore-timestamp');
    expect(ignored.code).toBe(0);
    expect(ignored.stdout).toContain('the timestamp was not checked');
  }, SLOW);

  it('spots a trailing newline added when the request was saved, and lists the headers when some are missing', async () => {
    const head = Object.entries(signed(BODY, new Date())).map(([k, v]) => `${k}: ${v}`).join('\n');
    const r = await verify(save('newline.http', `${head}\n\n${BODY}\n`));
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('hint: the body verifies without its trailing newline');

    const missing = await verify(save('missing.json', JSON.stringify({ headers: { 'content-type': 'application/json' }, body: BODY })));
    expect(missing.code).toBe(1);
    expect(missing.stdout).toMatch(/^FAIL \(missing_header\)/);
    expect(missing.stdout).toContain('hint: headers found: content-type.');
  }, SLOW);

  it('verifies the datasaur format by x-datasaur-signature', async () => {
    const secret = 'datasaur-secret';
    const body = '{"eventType":"PROJECT_COMPLETED","data":{}}';
    const signature = createHmac('sha256', secret).update(body).digest('hex');
    const ok = await runCli(['verify', '--format', 'datasaur', '--secret', secret, save('ds.json', JSON.stringify({ headers: { 'x-datasaur-signature': signature }, body }))]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('OK: the signature is valid (datasaur format, PROJECT_COMPLETED)');
    const bad = await runCli(['verify', '--format', 'datasaur', '--secret', secret, save('ds-bad.json', JSON.stringify({ headers: { 'x-datasaur-signature': signature }, body: body.replace('COMPLETED', 'REVIEWED') }))]);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toMatch(/^FAIL \(bad_signature\): x-datasaur-signature/);
  }, SLOW);

  it('refuses a file that is neither JSON nor HTTP text, with the reason', async () => {
    const r = await verify(save('junk.txt', 'just some words'));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('found no blank line');
  }, SLOW);
});
