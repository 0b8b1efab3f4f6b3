import type { TimelinePoint } from '../results/run-result.js';

export interface ProgressSink {
  runStarted(name: string, plannedSeconds: number): void;
  second(point: TimelinePoint): void;
  runEnded(line: string): void;
  log(line: string): void;
}

/**
 * One live line per run on a terminal (elapsed of total, current rate, p95, errors), redrawn each second;
 * plain log lines every `every` seconds otherwise (CI logs).
 */
export function createProgress(out: NodeJS.WritableStream & { isTTY?: boolean }, every = 10): ProgressSink {
  const tty = out.isTTY === true;
  let name = '';
  let planned = 0;
  let errors = 0;
  let lastLen = 0;
  const write = (text: string) => out.write(text);
  return {
    runStarted(runName, plannedSeconds) {
      name = runName;
      planned = plannedSeconds;
      errors = 0;
      lastLen = 0;
      write(`${tty ? '' : new Date().toISOString() + ' '}[${name}] started (${plannedSeconds}s planned)\n`);
    },
    second(p) {
      errors += p.errors;
      const line = `[${name}] ${p.t + 1}s/${planned}s  rate ${p.requests}/s  p95 ${p.p95.toFixed(1)} ms  errors ${errors}${p.dropped > 0 ? `  dropped ${p.dropped}/s` : ''}`;
      if (tty) {
        write(`\r${line.padEnd(lastLen)}`);
        lastLen = line.length;
      } else if ((p.t + 1) % every === 0) {
        write(`${new Date().toISOString()} ${line}\n`);
      }
    },
    runEnded(line) {
      write(
        `${tty && lastLen > 0 ? '\r'.padEnd(lastLen + 1) + '\r' : ''}${tty ? '' : new Date().toISOString() + ' '}[${name}] ${line}\n`,
      );
      lastLen = 0;
    },
    log(line) {
      write(`${tty ? '' : new Date().toISOString() + ' '}${line}\n`);
    },
  };
}
