/** Shared look of the charts: fonts large enough for a PR comment, dark text, a colour-blind-safe palette. */
import type { ChartOptions } from 'chart.js';

// Okabe–Ito plus a few Tableau colours: distinguishable for the common colour-vision deficiencies.
const PALETTE = [
  '#0072B2',
  '#E69F00',
  '#009E73',
  '#D55E00',
  '#CC79A7',
  '#56B4E9',
  '#F0E442',
  '#000000',
  '#8C564B',
  '#7F7F7F',
];

/** The i-th series colour (cycles). */
export function color(i: number): string {
  return PALETTE[i % PALETTE.length] ?? '#000000';
}

/** `#rrggbb` with an alpha channel. */
export function alpha(hex: string, a: number): string {
  const n = Number.parseInt(hex.slice(1), 16);
  return `rgba(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255}, ${a})`;
}

const TEXT = '#1f2328';
const GRID = '#e5e7eb';

/** An axis with a bold title and readable ticks; `extra` is merged over it. */
export function axis(title: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const { ticks, ...rest } = extra as { ticks?: Record<string, unknown> };
  return {
    title: { display: true, text: title, color: TEXT, font: { size: 15, weight: 'bold' } },
    ticks: { color: TEXT, font: { size: 13 }, ...ticks },
    grid: { color: GRID },
    border: { color: '#9ca3af' },
    ...rest,
  };
}

/** Title, legend and layout common to every chart; `scales` are the chart's own axes. */
export function chartOptions(
  title: string,
  scales: Record<string, unknown>,
  extra: { legend?: boolean; subtitle?: string; indexAxis?: 'x' | 'y' } = {},
): ChartOptions {
  return {
    ...(extra.indexAxis === undefined ? {} : { indexAxis: extra.indexAxis }),
    layout: { padding: { top: 4, right: 16, bottom: 8, left: 8 } },
    plugins: {
      title: {
        display: true,
        text: title,
        color: TEXT,
        font: { size: 18, weight: 'bold' },
        padding: { bottom: 4 },
      },
      subtitle: {
        display: extra.subtitle !== undefined,
        text: extra.subtitle ?? '',
        color: '#4b5563',
        font: { size: 13 },
        padding: { bottom: 8 },
      },
      legend: {
        display: extra.legend ?? true,
        position: 'top',
        labels: {
          color: TEXT,
          font: { size: 13 },
          // A plain swatch per series: dashed borders render as blobs in chart.js legend boxes.
          usePointStyle: true,
          pointStyle: 'rect',
          pointStyleWidth: 18,
        },
      },
    },
    scales,
  } as ChartOptions;
}

/** Category labels that fit: run names split at `_` into lines, so bars' labels do not overlap. */
export function wrapLabel(name: string): string[] {
  const parts = name.split('_');
  const lines: string[] = [];
  for (const part of parts) {
    const last = lines.at(-1);
    if (last !== undefined && last.length + part.length < 12) lines[lines.length - 1] = `${last}_${part}`;
    else lines.push(part);
  }
  return lines;
}

/** Point radius that keeps short runs visible and long ones clean. */
export function pointRadius(points: number): number {
  return points <= 30 ? 3 : points <= 120 ? 1.5 : 0;
}
