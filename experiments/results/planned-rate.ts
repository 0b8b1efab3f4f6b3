import type { LoadShape } from '../profiles/schema.js';

/** Offered iterations per second at `t` seconds into an open-model run (linear between stage targets); null for closed models. */
export function plannedRateAt(load: LoadShape, t: number): number | null {
  switch (load.executor) {
    case 'constant-arrival-rate':
      return t < load.duration ? load.rate : 0;
    case 'ramping-arrival-rate': {
      let from = load.startRate;
      let start = 0;
      for (const stage of load.stages) {
        if (t < start + stage.duration) return from + ((stage.target - from) * (t - start)) / stage.duration;
        start += stage.duration;
        from = stage.target;
      }
      return 0;
    }
    case 'constant-vus':
    case 'ramping-vus':
      return null;
  }
}

/** Windows where an arrival-rate ramp holds one level (a stage whose start and target are equal). */
export function holdWindows(load: LoadShape): { rate: number; start: number; end: number }[] {
  if (load.executor !== 'ramping-arrival-rate') return [];
  const windows: { rate: number; start: number; end: number }[] = [];
  let from = load.startRate;
  let start = 0;
  for (const stage of load.stages) {
    if (stage.target === from && stage.duration >= 2)
      windows.push({ rate: from, start, end: start + stage.duration });
    start += stage.duration;
    from = stage.target;
  }
  return windows;
}
