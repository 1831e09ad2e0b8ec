import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import * as tf from '@tensorflow/tfjs';
import { Adam, JsonlLogger, TensorDataset, fit, initBackend, loadMnist } from '@bigmodel/core';
import { builtinSpace, runSearch, type TrialRecord } from '@bigmodel/nas';
import { chromium, type Browser, type Page } from 'playwright-core';
import { PNG } from 'pngjs';

import { startDashboard, type Dashboard } from '.';

/** Debian's chromium, started as the machine's probe found works here (no sandbox as root, no background networking). */
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

let dashboard: Dashboard;
let browser: Browser;
const runs = mkdtempSync(join(tmpdir(), 'bigmodel-dashboard-'));

beforeAll(async () => {
  tf.env().set('PROD', true);
  await initBackend({ backend: 'wasm', threads: 1 });
  dashboard = await startDashboard({ runsDir: runs });
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
});

afterAll(async () => {
  await browser?.close();
  await dashboard?.close();
});

/** The runs ticked in the page's list. */
const checkedRuns = (page: Page) =>
  page.$$eval('#runs input', (inputs) => (inputs as HTMLInputElement[]).filter((i) => i.checked).map((i) => i.value));

/** The runs listed in the page, as their labels read. */
const listedRuns = (page: Page) => page.$$eval('#runs li .name', (names) => names.map((n) => n.textContent));

/** Ticks exactly the runs `names` in the page's list (by value: names may hold any character). */
async function tick(page: Page, names: string[]): Promise<void> {
  await page.evaluate((wanted) => {
    for (const input of Array.from(document.querySelectorAll<HTMLInputElement>('#runs input'))) {
      if (input.checked !== wanted.includes(input.value)) input.click();
    }
  }, names);
}

/** The series a chart shows (its `data-series`), once it holds `count` series. */
async function seriesOf(page: Page, key: string, count: number): Promise<{ name: string; x: number[]; y: number[] }[]> {
  const selector = `.chart[data-key="${key}"]`;
  await page.waitForFunction(
    ({ selector, count }) => JSON.parse(document.querySelector(selector)?.getAttribute('data-series') ?? '[]').length === count,
    { selector, count },
    { timeout: 30000 },
  );
  return JSON.parse((await page.$eval(selector, (el) => el.getAttribute('data-series'))) ?? '[]');
}

/** The values of `key` in a run's metrics.jsonl, read here from the file. */
function logged(name: string, key: string): number[] {
  return readFileSync(join(runs, name, 'metrics.jsonl'), 'utf8')
    .split('\n')
    .filter((line) => line.includes(`"${key}"`))
    .map((line) => JSON.parse(line)[key]);
}

/** Trains a small MLP on MNIST, logging to runs/<name>/metrics.jsonl, pausing between epochs. */
async function train(name: string, epochs: number, { units = 32, pauseMs = 700 } = {}): Promise<void> {
  const { train: digits } = loadMnist();
  const data = new TensorDataset(digits.images.slice(0, 512 * 784), [784], digits.labels.slice(0, 512), { classes: 10 });
  const { train: part, validation } = data.split({ train: 0.8, validation: 0.2, seed: 1 });
  const model = tf.sequential({
    layers: [tf.layers.dense({ inputShape: [784], units, activation: 'relu' }), tf.layers.dense({ units: 10, activation: 'softmax' })],
  });
  model.compile({ optimizer: new Adam({ lr: 1e-3 }), loss: 'categoricalCrossentropy' });
  const logger = new JsonlLogger(join(runs, name, 'metrics.jsonl'));
  await fit(model, part, {
    epochs,
    batchSize: 32,
    validation,
    logger,
    callbacks: [
      {
        // Like a GAN's sample grid: a PNG per epoch, named in the log under images/.
        onEpochEnd: async (epoch) => {
          const png = new PNG({ width: 16, height: 16 });
          png.data.fill(0);
          for (let p = 0; p < 256; p++) png.data.set([(epoch * 40) % 256, p % 256, 255 - p, 255], p * 4);
          writeFileSync(join(runs, name, `grid-${epoch}.png`), PNG.sync.write(png));
          logger.log({ epoch, 'images/samples': `grid-${epoch}.png` });
          await new Promise<void>((resolve) => setTimeout(resolve, pauseMs));
        },
      },
    ],
  });
  model.dispose();
}

describe('bigmodel dashboard in headless Chromium', () => {
  it('charts a training run live: loss curve and validation metrics grow as the run writes them', async () => {
    // The page is open and polling before the run starts (as a user would watch it), and selects the run when it appears.
    const page = await browser.newPage();
    await page.goto(dashboard.url);
    await page.waitForFunction(() => document.querySelector('#status')?.textContent?.startsWith('updated'), undefined, { timeout: 30000 });
    const training = train('mlp', 6);
    const points = (key: string) =>
      page.$eval(`#chart-${key.replace(/[^a-zA-Z0-9]/g, '_')}`, (el) => Number((el as HTMLElement).dataset['points'] ?? 0)).catch(() => 0);
    // The loss chart appears with points, and gains more as training goes on.
    await page.waitForFunction(
      () => Number(document.querySelector('#chart-losses_train')?.getAttribute('data-points') ?? 0) > 0,
      undefined,
      { timeout: 30000 },
    );
    const early = await points('losses/train');
    await page.waitForFunction((n) => Number(document.querySelector('#chart-losses_train')?.getAttribute('data-points') ?? 0) > n, early, {
      timeout: 30000,
    });
    await training;
    // After the run: one point per step (13 steps x 6 epochs) and one per epoch for validation accuracy.
    await page.waitForFunction(
      () => Number(document.querySelector('#chart-charts_valAccuracy')?.getAttribute('data-points') ?? 0) === 6,
      undefined,
      { timeout: 30000 },
    );
    expect(await points('losses/train')).toBe(6 * 13);
    // tfjs-vis drew real charts: a canvas or svg with a size, in each chart.
    for (const id of ['#chart-losses_train', '#chart-charts_valAccuracy', '#chart-charts_valLoss', '#chart-schedule_learningRate']) {
      const width = await page.$eval(`${id} .plot`, (el) => {
        const drawn = el.querySelector('canvas, svg');
        return drawn ? drawn.getBoundingClientRect().width : 0;
      });
      expect({ id, drawn: width > 100 }).toEqual({ id, drawn: true });
    }
    expect(await checkedRuns(page)).toEqual(['mlp']);
    // The latest sample grid is shown, and it is the PNG the run wrote (16x16 pixels, loaded).
    const grid = '[data-key="images/samples"][data-run="mlp"]';
    const latest = (selector: string) => document.querySelector(selector)?.getAttribute('data-src') === 'grid-5.png';
    await page.waitForFunction(latest, grid, { timeout: 30000 });
    const image = await page.$eval(`${grid} img`, async (img) => {
      const element = img as HTMLImageElement;
      await element.decode();
      return { width: element.naturalWidth, height: element.naturalHeight };
    });
    expect(image).toEqual({ width: 16, height: 16 });
    await page.screenshot({ path: join(runs, 'dashboard.png'), fullPage: true });
    await page.close();
  });

  it('lists two training runs and a search, overlays the runs, and shows the search’s scores and best so far', async () => {
    await train('mlp-wide', 3, { units: 64, pauseMs: 0 });
    const branin = (config: Record<string, unknown>) => {
      const [x1, x2] = [config['x1'] as number, config['x2'] as number];
      const b = 5.1 / (4 * Math.PI ** 2);
      return -((x2 - b * x1 ** 2 + (5 / Math.PI) * x1 - 6) ** 2 + 10 * (1 - 1 / (8 * Math.PI)) * Math.cos(x1) + 10);
    };
    let calls = 0;
    const search = await runSearch({
      dir: join(runs, 'nas-branin'),
      space: builtinSpace('branin'),
      strategy: 'random',
      trials: 16,
      seed: 2,
      keepModels: false,
      evaluator: (config) => {
        if (++calls === 5) throw new Error('out of memory (simulated)');
        return { score: branin(config) };
      },
    });
    const page = await browser.newPage({ viewport: { width: 1500, height: 1000 } });
    await page.goto(dashboard.url);
    await page.waitForFunction(() => document.querySelectorAll('#runs li').length === 3, undefined, { timeout: 30000 });
    expect((await listedRuns(page)).sort()).toEqual(['mlp', 'mlp-wide', 'nas-branin']);
    const kinds = await page.$$eval('#runs li', (items) =>
      items.map((li) => [li.querySelector('.name')?.textContent, li.querySelector('.kind')?.textContent]),
    );
    expect(kinds.sort()).toEqual([
      ['mlp', 'training'],
      ['mlp-wide', 'training'],
      ['nas-branin', 'search'],
    ]);

    // Two training runs overlaid: one chart per metric, one series per run, each the run's own numbers.
    await tick(page, ['mlp', 'mlp-wide']);
    const byName = (a: { name: string }, b: { name: string }) => (a.name < b.name ? -1 : 1);
    const losses = (await seriesOf(page, 'losses/train', 2)).sort(byName);
    expect(losses.map((s) => [s.name, s.y])).toEqual([
      ['mlp', logged('mlp', 'losses/train')],
      ['mlp-wide', logged('mlp-wide', 'losses/train')],
    ]);
    expect(losses.map((s) => s.y.length)).toEqual([6 * 13, 3 * 13]);
    const accuracy = (await seriesOf(page, 'charts/valAccuracy', 2)).sort(byName);
    expect(accuracy.map((s) => [s.name, s.x, s.y])).toEqual([
      ['mlp', [0, 1, 2, 3, 4, 5], logged('mlp', 'charts/valAccuracy')],
      ['mlp-wide', [0, 1, 2], logged('mlp-wide', 'charts/valAccuracy')],
    ]);
    expect(new URLSearchParams((await page.evaluate(() => location.hash)).slice(1)).getAll('run').sort()).toEqual(['mlp', 'mlp-wide']);

    // The search: its trial scores (the evaluator's, recomputed here; the failed trial has none) and the best so far.
    await tick(page, ['mlp', 'mlp-wide', 'nas-branin']);
    const scores = await seriesOf(page, 'search/trial score and best so far', 2);
    const trials = search.trials as TrialRecord[];
    let best = -Infinity;
    const running = trials.map((t) => (best = t.status === 'ok' ? Math.max(best, branin(t.trial.config)) : best));
    const ok = trials.map((t, i) => ({ x: i + 1, y: branin(t.trial.config), ok: t.status === 'ok' })).filter((p) => p.ok);
    expect(ok).toHaveLength(15);
    expect(scores).toEqual([
      { name: 'nas-branin · trial score', x: ok.map((p) => p.x), y: ok.map((p) => p.y) },
      { name: 'nas-branin · best so far', x: trials.map((_, i) => i + 1), y: running },
    ]);
    const note = await page.$eval('.chart[data-key="search/trial score and best so far"] .note', (el) => el.textContent);
    expect(note).toContain(`nas-branin: random, 16 of 16 trials (1 failed or infeasible), best ${best.toPrecision(4)}`);
    // Each chart was drawn by tfjs-vis, with a legend entry per series.
    for (const key of ['losses/train', 'charts/valAccuracy', 'search/trial score and best so far']) {
      const plot = `.chart[data-key="${key}"] .plot`;
      const width = await page.$eval(plot, (el) => el.querySelector('canvas, svg')?.getBoundingClientRect().width ?? 0);
      expect({ key, drawn: width > 100 }).toEqual({ key, drawn: true });
    }
    // A long series is drawn thinned: every k-th point and the last.
    const thinned = await page.evaluate(() => {
      const points = Array.from({ length: 4001 }, (_, i) => ({ x: i + 1, y: i }));
      return (window as unknown as { thin: (p: typeof points, max: number) => typeof points }).thin(points, 1500).map((p) => p.x);
    });
    expect(thinned).toEqual([...Array.from({ length: 1334 }, (_, i) => 1 + 3 * i), 4001]);
    await page.screenshot({ path: join(runs, 'overlay.png'), fullPage: true });
    await page.close();
  });

  it('opens runs whose names hold HTML and URL syntax (amp&lt;run) and shows them as named', async () => {
    const names = ['amp&lt;run', 'a b#c?d=1&e', 'quote"\'<b>x</b>', 'pct%41+'];
    names.forEach((name, i) => {
      mkdirSync(join(runs, 'odd', name), { recursive: true });
      writeFileSync(join(runs, 'odd', name, 'metrics.jsonl'), `{"step":1,"losses/odd":${i}}\n{"step":2,"losses/odd":${i + 0.5}}\n`);
    });
    const page = await browser.newPage();
    await page.goto(dashboard.url);
    await page.waitForFunction((n) => document.querySelectorAll('#runs li').length >= n, names.length, { timeout: 30000 });
    const listed = await listedRuns(page);
    for (const name of names) expect(listed).toContain(`odd/${name}`);
    await tick(
      page,
      names.map((name) => `odd/${name}`),
    );
    const series = await seriesOf(page, 'losses/odd', names.length);
    expect(series.map((s) => [s.name, s.y]).sort()).toEqual(names.map((name, i) => [`odd/${name}`, [i, i + 0.5]]).sort());
    expect(await page.$eval('#status', (el) => el.textContent)).not.toMatch(/40\d/);
    expect(await page.$$eval('#runs b', (bold) => bold.length)).toBe(0); // the name's <b> is text, not markup
    await page.close();
  });

  it('listens on 127.0.0.1 and refuses paths outside the runs directory', async () => {
    expect(dashboard.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    for (const run of ['../', '../../etc', '/etc', 'mlp/../..', '%00']) {
      const response = await fetch(`${dashboard.url}api/metrics?run=${encodeURIComponent(run)}`);
      expect({ run, status: response.status }).toEqual({ run, status: 403 });
    }
    for (const path of ['../mlp/metrics.jsonl', 'metrics.jsonl', '/etc/passwd']) {
      const response = await fetch(`${dashboard.url}api/image?run=mlp&path=${encodeURIComponent(path)}`);
      expect({ path, status: response.status }).toEqual({ path, status: 403 });
    }
    const ok = await fetch(`${dashboard.url}api/metrics?run=mlp&from=0`);
    expect(ok.status).toBe(200);
    expect((await ok.json()).records.length).toBeGreaterThan(0);
  });
});
