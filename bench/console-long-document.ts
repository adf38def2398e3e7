// `node --import tsx bench/console-long-document.ts`: how the console's document view copes with a 1 MB text in
// Chromium. Prints figures (no pass/fail): time from navigation to the rendered text, and frame times while the
// text is scrolled end to end in 40 jumps. Needs `npm run build` (console/dist) and /usr/bin/chromium.
import { signIn, startHarness } from '../console/test/e2e/harness.js';

const KEY = 'lh_bench_console_admin_key_0123456789';
const RUNS = 3;
const SCROLL_STEPS = 40;

async function main(): Promise<void> {
  const h = await startHarness(KEY);
  try {
    const project = await h.api<{ id: string }>('POST', '/projects', { name: 'bench', labelSet: [{ id: 'p', label: 'P' }] });
    const paragraph = 'The quick brown fox jumps over the lazy dog while the support team answers every ticket on time. ';
    const text = `${Array.from({ length: 10_500 }, (_, i) => `${i % 8 === 7 ? '\n' : ''}${paragraph}`).join('')}End.`;
    const created = await h.api<{ data: { id: string }[] }>('POST', `/projects/${project.id}/documents`, { documents: [{ text }] });
    const id = created.data[0]!.id;
    const page = await h.browser.newPage({ viewport: { width: 1280, height: 900 } });
    await signIn(page, h.base, KEY);
    for (let run = 1; run <= RUNS; run++) {
      await page.goto(`${h.base}/#/projects`);
      await page.getByRole('heading', { name: 'Projects' }).waitFor();
      const started = Date.now();
      await page.goto(`${h.base}/#/documents/${id}`);
      await page.locator('.text-view').waitFor();
      const openMs = Date.now() - started;
      const blocks = await page.locator('.text-block').count();
      const frames = (await page.evaluate(`(async () => {
        const view = document.querySelector('.text-view');
        const times = [];
        let last = performance.now();
        for (let i = 1; i <= ${SCROLL_STEPS}; i++) {
          view.scrollTop = (view.scrollHeight * i) / ${SCROLL_STEPS};
          await new Promise((r) => requestAnimationFrame(r));
          const now = performance.now();
          times.push(now - last);
          last = now;
        }
        times.sort((a, b) => a - b);
        return { median: times[Math.floor(times.length / 2)], max: times[times.length - 1] };
      })()`)) as { median: number; max: number };
      console.log(
        `run ${run}: ${text.length} characters in ${blocks} blocks; opened in ${openMs} ms; scrolling: median frame ${Math.round(frames.median)} ms, slowest ${Math.round(frames.max)} ms`,
      );
    }
  } finally {
    await h.close();
  }
}

await main();
