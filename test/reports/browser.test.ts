// charts_report.html in headless Chromium: no console errors, no failed requests, a screenshot. Runs only where
// /usr/bin/chromium exists (tests never install it).
import { existsSync } from 'node:fs';
import { readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildReports } from '../../reports/build-reports.js';
import { decodePng, pixelStats } from './png.js';
import { tempDir } from './helpers.js';
import { writeSyntheticResults } from './synthetic.js';

const CHROMIUM = '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);

let dir: string;
beforeAll(async () => {
  dir = await tempDir();
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('charts_report.html in a browser', () => {
  it.runIf(hasChromium)(
    'loads with no console error and no failed request, and renders its charts',
    async () => {
      const input = join(dir, 'results');
      await writeSyntheticResults(input, { experiments: ['throughput', 'cascade', 'smoke'] });
      const outcome = await buildReports(input);
      const browser = await chromium.launch({
        executablePath: CHROMIUM,
        args: [
          '--headless',
          '--no-sandbox',
          '--disable-gpu',
          '--disable-quic',
          '--no-first-run',
          '--disable-background-networking',
          '--disable-component-update',
          '--disable-sync',
        ],
      });
      try {
        const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
        const problems: string[] = [];
        page.on('console', (m) => {
          if (m.type() === 'error') problems.push(`console: ${m.text()}`);
        });
        page.on('pageerror', (e) => problems.push(`page: ${e.message}`));
        page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()}`));
        for (const file of [outcome.chartsReportPath ?? '', outcome.htmlPath]) {
          await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
          // Every embedded image decoded to its intrinsic size.
          const sizes = await page.$$eval('img', (imgs) =>
            imgs.map((i) => ({ complete: i.complete, width: i.naturalWidth })),
          );
          expect(sizes.length).toBeGreaterThan(0);
          expect(sizes.every((s) => s.complete && s.width === 1000)).toBe(true);
        }
        await page.goto(pathToFileURL(outcome.chartsReportPath ?? '').href, { waitUntil: 'load' });
        const shot = join(dir, 'charts_report.png');
        await page.screenshot({ path: shot, fullPage: false });
        expect(problems).toEqual([]);
        expect((await stat(shot)).size).toBeGreaterThan(10_000);
        expect(pixelStats(await decodePng(await readFile(shot))).variance).toBeGreaterThan(100);
      } finally {
        await browser.close();
      }
    },
    60_000,
  );
});
