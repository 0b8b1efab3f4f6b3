/**
 * Seeded randomness keyed by request identity. Every (seed, failure key, stage, attempt) gets its own stream,
 * so a plan never depends on how many other requests ran before it: runs reproduce at any concurrency.
 * Not cryptographic; it only has to be fast and well mixed.
 */

const TWO_POW_32 = 4294967296;

/** FNV-1a over UTF-16 code units, finished with murmur3's fmix32 so near-identical strings diverge in every bit. */
export function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  }
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** A splitmix32 stream of uniform numbers in [0, 1) starting from a 32-bit state. */
export function splitmix32(state: number): () => number {
  let s = state | 0;
  return () => {
    s = (s + 0x9e3779b9) | 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return ((z ^ (z >>> 16)) >>> 0) / TWO_POW_32;
  };
}

/** The deterministic stream for one attempt of one stage of one failure. */
export function rngFor(seed: number, key: string, stage: string, attempt: number): () => number {
  return splitmix32(hash32(`${seed}|${key}|${stage}|${attempt}`));
}
