import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import * as tf from '@tensorflow/tfjs';
import { Adam, JsonlLogger, TensorDataset, fit, initBackend, loadMnist } from '@bigmodel/core';
import { chromium, type Browser } from 'playwright-core';
import { PNG } from 'pngjs';

import { startDashboard, type Dashboard } from '.';

/** Debian's chromium, started as the machine's probe found works here (no sandbox as root, no background networking). */
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

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

/** Trains a small MLP on MNIST, logging to runs/<name>/metrics.jsonl, pausing between epochs. */
async function train(name: string, epochs: number): Promise<void> {
  const { train: digits } = loadMnist();
  const data = new TensorDataset(digits.images.slice(0, 512 * 784), [784], digits.labels.slice(0, 512), { classes: 10 });
  const { train: part, validation } = data.split({ train: 0.8, validation: 0.2, seed: 1 });
  const model = tf.sequential({ layers: [tf.layers.dense({ inputShape: [784], units: 32, activation: 'relu' }), tf.layers.dense({ units: 10, activation: 'softmax' })] });
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
          await new Promise<void>((resolve) => setTimeout(resolve, 700));
        },
      },
    ],
  });
  model.dispose();
}

describe('bigmodel dashboard in headless Chromium', () => {
  it('charts a training run live: loss curve and validation metrics grow as the run writes them', async () => {
    const training = train('mlp', 6);
    const page = await browser.newPage();
    await page.goto(dashboard.url);
    const points = (key: string) =>
      page.$eval(`#chart-${key.replace(/[^a-zA-Z0-9]/g, '_')}`, (el) => Number((el as HTMLElement).dataset['points'] ?? 0)).catch(() => 0);
    // The loss chart appears with points, and gains more as training goes on.
    await page.waitForFunction(() => Number(document.querySelector('#chart-losses_train')?.getAttribute('data-points') ?? 0) > 0, undefined, { timeout: 30000 });
    const early = await points('losses/train');
    await page.waitForFunction((n) => Number(document.querySelector('#chart-losses_train')?.getAttribute('data-points') ?? 0) > n, early, { timeout: 30000 });
    await training;
    // After the run: one point per step (13 steps x 6 epochs) and one per epoch for validation accuracy.
    await page.waitForFunction(() => Number(document.querySelector('#chart-charts_valAccuracy')?.getAttribute('data-points') ?? 0) === 6, undefined, { timeout: 30000 });
    expect(await points('losses/train')).toBe(6 * 13);
    // tfjs-vis drew real charts: a canvas or svg with a size, in each chart.
    for (const id of ['#chart-losses_train', '#chart-charts_valAccuracy', '#chart-charts_valLoss', '#chart-schedule_learningRate']) {
      const width = await page.$eval(`${id} .plot`, (el) => {
        const drawn = el.querySelector('canvas, svg');
        return drawn ? drawn.getBoundingClientRect().width : 0;
      });
      expect({ id, drawn: width > 100 }).toEqual({ id, drawn: true });
    }
    expect(await page.$eval('#runs', (el) => (el as HTMLSelectElement).value)).toBe('mlp');
    // The latest sample grid is shown, and it is the PNG the run wrote (16x16 pixels, loaded).
    await page.waitForFunction(() => document.querySelector('#chart-images_samples')?.getAttribute('data-src') === 'grid-5.png', undefined, { timeout: 30000 });
    const image = await page.$eval('#chart-images_samples img', async (img) => {
      const element = img as HTMLImageElement;
      await element.decode();
      return { width: element.naturalWidth, height: element.naturalHeight };
    });
    expect(image).toEqual({ width: 16, height: 16 });
    await page.screenshot({ path: join(runs, 'dashboard.png'), fullPage: true });
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
