import { afterEach, describe, expect, it } from 'vitest';
import { startTrivialServer, type TrivialServer } from '../../../bench/support/trivial-server.js';
import { run, spec } from './helpers.js';

let server: TrivialServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('closed model (VUs)', () => {
  it('paces constant-vus iterations: 4 VUs × 2 s / 0.1 s ≈ 80 iterations', async () => {
    server = await startTrivialServer();
    const result = await run(
      spec(server.url, { executor: 'constant-vus', vus: 4, duration: 2, pacing: 0.1 }),
    );
    expect(Math.abs(result.iterations - 80)).toBeLessThanOrEqual(8);
    expect(result.intendedRate).toBeNull();
    expect(result.droppedIterations).toBe(0);
    expect(result.timeline.map((p) => p.activeVUs)).toEqual([4, 4]);
    // Latency is from the actual send, so pacing waits are not in it.
    expect(result.latency.p50).toBeLessThan(50);
  });

  it('starts no round at t = duration: 10 VUs × 3 s at 1 s pacing send 30 requests, as k6 does', async () => {
    server = await startTrivialServer();
    const result = await run(spec(server.url, { executor: 'constant-vus', vus: 10, duration: 3, pacing: 1 }));
    // Rounds start at 0, 1 and 2 s; the pacing timers that fire at 3 s (the planned end) start nothing.
    // Never more (a timer running late on a busy machine can only skip the last round, not add one).
    expect(result.requests).toBeLessThanOrEqual(30);
    expect(result.requests).toBeGreaterThanOrEqual(20);
    expect(server.answered).toBe(result.requests);
  });

  it('without pacing, each VU sends its next request as soon as the answer arrives', async () => {
    server = await startTrivialServer({ delayMs: 20 });
    const result = await run(spec(server.url, { executor: 'constant-vus', vus: 2, duration: 1, pacing: 0 }));
    // 2 VUs × 1 s / ~20-25 ms per exchange: up to 100; a loaded machine stretches exchanges, so only check it is
    // far above what any pacing would allow (1 s pacing: 2).
    expect(result.iterations).toBeGreaterThan(30);
    expect(result.iterations).toBeLessThanOrEqual(100);
    expect(result.latency.min).toBeGreaterThanOrEqual(19);
  });

  it('ramping-vus reaches its target VU count and ramps back down', async () => {
    server = await startTrivialServer();
    const result = await run(
      spec(server.url, {
        executor: 'ramping-vus',
        startVUs: 0,
        pacing: 0.05,
        stages: [
          { target: 4, duration: 1 },
          { target: 4, duration: 1 },
          { target: 0, duration: 1 },
        ],
      }),
    );
    const active = result.timeline.map((p) => p.activeVUs);
    expect(active).toHaveLength(3);
    expect(active[0]).toBeGreaterThanOrEqual(3); // sampled at t ≈ 1 s, as the ramp reaches 4
    expect(active[1]).toBe(4);
    expect(active[2]).toBeLessThanOrEqual(1);
    const [r0, r1, r2] = result.timeline.map((p) => p.requests) as [number, number, number];
    // Ramp up averages 2 VUs, plateau 4, ramp down 2: about 40, 80, 40 iterations at 20 per VU-second.
    expect(r1).toBeGreaterThan(r0);
    expect(r1).toBeGreaterThan(r2);
    expect(Math.abs(r1 - 80)).toBeLessThanOrEqual(10);
  });
});
