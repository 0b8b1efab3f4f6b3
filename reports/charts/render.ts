/**
 * Renders chart.js configurations to PNG on @napi-rs/canvas (no system libraries). Every chart gets its own
 * canvas and chart instance; only the registered chart.js components are shared.
 */
import { createCanvas } from '@napi-rs/canvas';
import { Chart, type ChartConfiguration, type ChartItem, type Plugin, registerables } from 'chart.js';

Chart.register(...registerables);

export interface ChartSize {
  width: number;
  height: number;
}

/** Sized for a pull-request comment: readable at GitHub's column width. */
export const CHART_SIZE: ChartSize = { width: 1000, height: 560 };

/** A chart to render: its file name under charts/, where it belongs, and one line of analysis. */
export interface ChartSpec {
  file: string;
  title: string;
  /** Section of charts_report.html (an experiment name, or `All runs`). */
  group: string;
  analysis: string;
  config: ChartConfiguration;
  size?: ChartSize;
}

/** A chart that was not drawn because its data is not in the input. */
export interface SkippedChart {
  title: string;
  reason: string;
}

// PNGs are transparent by default; a pasted chart must read on dark themes too.
const whiteBackground: Plugin = {
  id: 'tfxWhiteBackground',
  beforeDraw: (chart) => {
    const ctx = chart.ctx;
    ctx.save();
    ctx.fillStyle = '#ffffff';
    ctx.fillRect(0, 0, chart.width, chart.height);
    ctx.restore();
  },
};

/** Draws `config` on a fresh canvas and encodes it as PNG. */
export async function renderChart(config: ChartConfiguration, size: ChartSize = CHART_SIZE): Promise<Buffer> {
  const canvas = createCanvas(size.width, size.height);
  const chart = new Chart(canvas.getContext('2d') as unknown as ChartItem, {
    ...config,
    options: { ...config.options, animation: false, responsive: false, devicePixelRatio: 1 },
    plugins: [whiteBackground, ...(config.plugins ?? [])],
  });
  try {
    return await canvas.encode('png');
  } finally {
    chart.destroy();
  }
}
