/**
 * When things happen in a load shape, with k6's executor semantics: arrival-rate iterations start on a fixed
 * schedule computed from the start (no drift), VU counts follow the stages linearly. Pure functions of time.
 */
import type { LoadShape } from '../profiles/schema.js';

export type ArrivalShape = Extract<LoadShape, { executor: 'constant-arrival-rate' | 'ramping-arrival-rate' }>;
export type VuShape = Extract<LoadShape, { executor: 'constant-vus' | 'ramping-vus' }>;

/** Float slack so that an iteration due exactly at a stage end is not lost to rounding. */
const EPS = 1e-9;

/** Whether the shape is an open model (arrival rate) rather than a closed one (VUs). */
export function isArrivalShape(load: LoadShape): load is ArrivalShape {
  return load.executor === 'constant-arrival-rate' || load.executor === 'ramping-arrival-rate';
}

/** Most VUs the shape can use at once: the connection count of the HTTP pool. */
export function maxVUsOf(load: LoadShape): number {
  switch (load.executor) {
    case 'constant-arrival-rate':
    case 'ramping-arrival-rate':
      return load.maxVUs;
    case 'constant-vus':
      return load.vus;
    case 'ramping-vus':
      return Math.max(load.startVUs, ...load.stages.map((s) => s.target));
  }
}

/** Due times (ms since the load started) of an arrival-rate shape's iterations, in order. */
export interface ArrivalSchedule {
  /** Due time of the next iteration, or Infinity when the schedule is over. */
  next(): number;
  /** Iterations the whole schedule holds (for intendedRate). */
  readonly total: number;
}

/** The schedule of an arrival-rate shape (rates are per second; timeUnit is fixed at 1 s). */
export function arrivalSchedule(load: ArrivalShape): ArrivalSchedule {
  return load.executor === 'constant-arrival-rate'
    ? constantSchedule(load.rate, load.duration)
    : rampingSchedule(load.startRate, load.stages);
}

/** k6 constant-arrival-rate: iteration i starts at i / rate (the first at 0). */
function constantSchedule(rate: number, duration: number): ArrivalSchedule {
  const total = Math.max(0, Math.ceil(rate * duration - EPS));
  let i = 0;
  return {
    total,
    next: () => (i < total ? (i++ * 1000) / rate : Infinity),
  };
}

/**
 * k6 ramping-arrival-rate: the rate moves linearly from stage to stage, and iteration i (1-based) starts when
 * the area under the rate curve reaches i; within a ramp that time solves a quadratic (k6's `cal`).
 */
function rampingSchedule(
  startRate: number,
  stages: readonly { target: number; duration: number }[],
): ArrivalSchedule {
  const total = Math.floor(
    stages.reduce((a, s, k) => a + area(k === 0 ? startRate : stages[k - 1]!.target, s), 0) + EPS,
  );
  let stage = 0;
  let from = startRate;
  let stageStart = 0;
  let doneSoFar = 0;
  let endCount = stages[0] === undefined ? 0 : area(from, stages[0]);
  let i = 1;
  return {
    total,
    next(): number {
      for (;;) {
        const s = stages[stage];
        if (s === undefined) return Infinity;
        if (i <= endCount + EPS) {
          const to = s.target;
          const dur = s.duration;
          const need = i - doneSoFar;
          const x =
            from === to
              ? need / to
              : (from * dur - Math.sqrt(Math.max(0, dur * (from * from * dur + 2 * need * (to - from))))) /
                (from - to);
          i++;
          return (stageStart + x) * 1000;
        }
        doneSoFar = endCount;
        from = s.target;
        stageStart += s.duration;
        stage++;
        const following = stages[stage];
        if (following !== undefined) endCount += area(from, following);
      }
    },
  };
}

function area(from: number, stage: { target: number; duration: number }): number {
  return stage.duration * ((stage.target - from) / 2 + from);
}

/**
 * Active VUs of a VU shape at `t` seconds: constant, or ramping linearly through the stages. A VU joins when the
 * line crosses its integer on the way up and leaves when it crosses it on the way down (k6 ramping-vus).
 */
export function vusAt(load: VuShape, t: number): number {
  if (load.executor === 'constant-vus') return load.vus;
  let from = load.startVUs;
  let stageStart = 0;
  for (const s of load.stages) {
    if (t < stageStart + s.duration) {
      const v = from + ((s.target - from) * (t - stageStart)) / s.duration;
      return s.target >= from ? Math.floor(v + EPS) : Math.ceil(v - EPS);
    }
    from = s.target;
    stageStart += s.duration;
  }
  return from;
}
