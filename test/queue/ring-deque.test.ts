import { describe, expect, it } from 'vitest';
import { RingDeque } from '../../src/queue/ring-deque.js';

describe('RingDeque', () => {
  it('keeps FIFO order across wrap-around and growth', () => {
    const deque = new RingDeque<number>(2);
    const model: number[] = [];
    let next = 0;
    // Interleave pushes and shifts so the head wraps before and after each growth.
    for (let round = 0; round < 200; round += 1) {
      for (let i = 0; i < (round % 7) + 1; i += 1) {
        deque.push(next);
        model.push(next);
        next += 1;
      }
      for (let i = 0; i < round % 5; i += 1) expect(deque.shift()).toBe(model.shift());
      expect(deque.length).toBe(model.length);
      expect(deque.peek()).toBe(model[0]);
    }
    while (model.length > 0) expect(deque.shift()).toBe(model.shift());
    expect(deque.shift()).toBeUndefined();
    expect(deque.peek()).toBeUndefined();
  });
});
