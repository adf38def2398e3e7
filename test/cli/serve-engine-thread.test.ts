import { afterEach, describe, expect, it } from 'vitest';
import { BACKENDS, createTestDatabase } from '../helpers/backends.js';
import { startReceiver, type TestReceiver } from '../helpers/receiver.js';
import { api, clusterEnv, eventually, startApi, type LabelhookProcess } from '../scale/cluster.js';

// `labelhook serve` runs the engine in a worker thread (src/process/engine-thread.ts): the API thread's commits must
// reach it, its deliveries must show on the API's /metrics, and SIGTERM must drain it. Crash safety (SIGKILL
// mid-burst, restart, nothing lost) is test/webhooks/crash.test.ts, against the same `serve`.
const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const stop of cleanup.splice(0).reverse()) await stop().catch(() => undefined);
});

/** The value of one sample line of a Prometheus exposition, 0 when absent. */
function sample(text: string, line: string): number {
  const hit = text.split('\n').find((l) => l.startsWith(`${line} `));
  return hit ? Number(hit.slice(line.length + 1)) : 0;
}

describe.each(BACKENDS)('labelhook serve with its engine thread (%s)', (backend) => {
  async function serve(): Promise<{ proc: LabelhookProcess; base: string; receiver: TestReceiver }> {
    const database = await createTestDatabase(backend);
    await database.store.close();
    cleanup.push(() => database.drop());
    const receiver = await startReceiver();
    cleanup.push(() => receiver.close());
    const { proc, base } = await startApi(clusterEnv(database.url), ['serve']);
    cleanup.push(() => proc.kill());
    return { proc, base, receiver };
  }

  it('delivers an event made through the API from its engine thread, and /metrics counts the delivery', { timeout: 90_000 }, async () => {
    const { proc, base, receiver } = await serve();
    const started = await proc.waitForLog('engine thread running');
    expect(started.thread).toBe('engine');
    const project = await api(base, 'POST', '/projects', { name: 'p' });
    expect((await api(base, 'POST', '/webhooks', { url: receiver.url, events: ['PROJECT_UPDATED'], projectId: project.json.id })).status).toBe(201);
    expect((await api(base, 'PATCH', `/projects/${String(project.json.id)}`, { name: 'q' })).status).toBe(200);
    const [request] = await receiver.waitForCount(1);
    expect((JSON.parse(request!.body) as { type: string }).type).toBe('PROJECT_UPDATED');

    let text = '';
    await eventually(
      async () => {
        text = await (await fetch(`${base}/metrics`)).text();
        return sample(text, 'labelhook_deliveries_total{outcome="succeeded",format="standard"}') === 1;
      },
      30_000,
      () => `/metrics never counted the delivery:\n${text}`,
    );
    // The two threads' registries come out as one exposition: each metric once, process metrics included.
    expect(text.split('\n').filter((l) => l === '# TYPE labelhook_deliveries_total counter')).toHaveLength(1);
    expect(text.split('\n').filter((l) => l.startsWith('# TYPE labelhook_deliveries_pending '))).toHaveLength(1);
    expect(text).toContain('labelhook_process_cpu_seconds_total');
    expect(sample(text, 'labelhook_delivery_attempts_total{outcome="ok",format="standard"}')).toBe(1);
  });

  it('on SIGTERM finishes the delivery in flight before it exits 0', { timeout: 90_000 }, async () => {
    const { proc, base, receiver } = await serve();
    receiver.answer({ delayMs: 1_500 });
    const project = await api(base, 'POST', '/projects', { name: 'p' });
    expect((await api(base, 'POST', '/webhooks', { url: receiver.url, events: ['PROJECT_UPDATED'], projectId: project.json.id })).status).toBe(201);
    expect((await api(base, 'PATCH', `/projects/${String(project.json.id)}`, { name: 'q' })).status).toBe(200);
    await eventually(() => receiver.arrived >= 1, 30_000, () => 'the receiver got no request');
    proc.child.kill('SIGTERM');
    expect(await proc.exited).toBe(0);
    // The answer was waited for (not cut off), and recorded: the drain happened in the engine thread.
    expect(receiver.answered).toBe(1);
    expect(receiver.aborted).toBe(0);
    expect(proc.logs.some((l) => l.msg === 'stopped cleanly')).toBe(true);
  });
});
