/** Renders chart specs to PNG files under a folder, a few at a time (PNG encoding runs off the main thread). */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CHART_SIZE, type ChartSpec, renderChart } from './render.js';

export interface RenderedChart {
  file: string;
  title: string;
  group: string;
  analysis: string;
  width: number;
  height: number;
  png: Buffer;
}

/** Writes every chart to `<dir>/<file>`; `concurrency` bounds how many encode at once. */
export async function renderCharts(
  specs: readonly ChartSpec[],
  dir: string,
  concurrency = 4,
): Promise<RenderedChart[]> {
  await mkdir(dir, { recursive: true });
  const out = new Array<RenderedChart>(specs.length);
  let next = 0;
  const worker = async () => {
    while (next < specs.length) {
      const i = next++;
      const spec = specs[i];
      if (spec === undefined) continue;
      const size = spec.size ?? CHART_SIZE;
      const png = await renderChart(spec.config, size);
      await writeFile(join(dir, spec.file), png);
      out[i] = {
        file: spec.file,
        title: spec.title,
        group: spec.group,
        analysis: spec.analysis,
        ...size,
        png,
      };
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, specs.length)) }, worker));
  return out;
}
