/**
 * src/pipeline/failure.ts (reached through a type-only import of payloads.ts) imports node:crypto for the
 * failure key, which the script never calls: esbuild drops it from the bundle (test/experiments/k6 checks
 * that). This declaration lets the k6 type check run without @types/node, so Node globals stay unavailable
 * to the script.
 */
declare module 'node:crypto' {
  export function hash(algorithm: string, data: string, outputEncoding: 'hex'): string;
}
