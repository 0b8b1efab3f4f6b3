/** A redis-server of the test's own on a free port, which the test may stop and start again (the shared one never). */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { freePort } from './ports.js';

export interface OwnRedis {
  url: string;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** Not started yet: call start(). Nothing is saved to disk (`--save '' --appendonly no`). */
export async function ownRedis(): Promise<OwnRedis> {
  const port = await freePort();
  let child: ChildProcess | undefined;
  return {
    url: `redis://127.0.0.1:${port}`,
    async start() {
      const proc = spawn(
        'redis-server',
        ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
        { stdio: ['ignore', 'pipe', 'ignore'] },
      );
      child = proc;
      let out = '';
      const ready = new Promise<void>((resolve, reject) => {
        proc.stdout?.on('data', (chunk: Buffer) => {
          out += chunk.toString();
          if (out.includes('Ready to accept connections')) resolve();
        });
        proc.once('exit', (code) =>
          reject(new Error(`redis-server exited (${String(code)}): ${out.slice(-500)}`)),
        );
      });
      await ready;
    },
    async stop() {
      const proc = child;
      child = undefined;
      if (proc === undefined || proc.exitCode !== null) return;
      const exited = once(proc, 'exit');
      proc.kill('SIGKILL'); // an outage, not a clean shutdown
      await exited;
    },
  };
}
