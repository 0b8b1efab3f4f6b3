/**
 * A fixed-size pool of hcl2json worker threads. Requests carry an id and go to the least-busy worker.
 * A worker that dies rejects its in-flight requests (never leaves them hanging) and is replaced; one that
 * died before ever answering is replaced lazily on the next request, so a broken setup cannot spin.
 * Idle workers are unref'd so they never keep a process alive; busy ones are ref'd so work is not dropped.
 */
import { Worker } from 'node:worker_threads';
import { TerraFixError } from '../pipeline/errors.js';
import type { HclDocument } from './document.js';

export type ParseReply = { ok: true; doc: HclDocument } | { ok: false; message: string };

export interface WorkerPoolOptions {
  size: number;
  /** Resolved path of `@cdktf/hcl2json`, required inside the worker. */
  hcl2jsonPath: string;
  /** CommonJS worker source (see parser-worker-source.ts). */
  source: string;
  /** A request not answered within this many milliseconds kills its worker (0 = no limit). */
  timeoutMs: number;
}

interface Pending {
  resolve(reply: ParseReply): void;
  reject(error: TerraFixError): void;
  timer: NodeJS.Timeout | undefined;
}

interface Slot {
  worker: Worker | undefined;
  inflight: Map<number, Pending>;
  answered: boolean;
}

export class WorkerPool {
  private readonly slots: Slot[];
  private nextId = 1;
  private closed = false;
  restarts = 0;

  constructor(private readonly options: WorkerPoolOptions) {
    this.slots = Array.from({ length: Math.max(1, options.size) }, () => ({
      worker: undefined,
      inflight: new Map(),
      answered: false,
    }));
  }

  /** Parses in a worker; resolves with the worker's answer, rejects only when the worker or pool fails. */
  run(path: string, content: string): Promise<ParseReply> {
    if (this.closed) return Promise.reject(shuttingDown());
    return this.send(this.leastBusy(), path, content, this.options.timeoutMs);
  }

  /** Starts every worker and waits until each has loaded hcl2json and answered one parse. */
  async warmUp(): Promise<void> {
    if (this.closed) throw shuttingDown();
    // Loading the WASM module legitimately takes longer than a parse: allow at least 30 s.
    const timeoutMs = this.options.timeoutMs === 0 ? 0 : Math.max(this.options.timeoutMs, 30_000);
    await Promise.all(this.slots.map((slot) => this.send(slot, 'warmup.tf', '', timeoutMs)));
  }

  private send(slot: Slot, path: string, content: string, timeoutMs: number): Promise<ParseReply> {
    const worker = slot.worker ?? this.spawn(slot);
    const id = this.nextId++;
    return new Promise<ParseReply>((resolve, reject) => {
      const pending: Pending = { resolve, reject, timer: undefined };
      if (timeoutMs > 0) {
        pending.timer = setTimeout(() => this.timeOut(slot, worker, id, timeoutMs), timeoutMs);
        pending.timer.unref();
      }
      if (slot.inflight.size === 0) worker.ref(); // busy workers keep the process alive until they answer
      slot.inflight.set(id, pending);
      worker.postMessage({ id, path, content });
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    const workers = this.slots.flatMap((slot) => {
      this.failAll(slot, shuttingDown());
      const worker = slot.worker;
      slot.worker = undefined;
      return worker === undefined ? [] : [worker];
    });
    await Promise.all(workers.map((w) => w.terminate()));
  }

  private leastBusy(): Slot {
    let best = this.slots[0] as Slot;
    for (const slot of this.slots) {
      if (slot.inflight.size < best.inflight.size) best = slot;
    }
    return best;
  }

  private spawn(slot: Slot): Worker {
    const worker = new Worker(this.options.source, {
      eval: true,
      workerData: { hcl2jsonPath: this.options.hcl2jsonPath },
    });
    worker.unref();
    slot.worker = worker;
    slot.answered = false;
    let lastError: unknown;
    worker.on('message', (reply: { id: number } & ParseReply) => this.onReply(slot, reply));
    worker.on('error', (error) => {
      lastError = error;
    });
    worker.on('exit', (code) => this.onExit(slot, worker, code, lastError));
    return worker;
  }

  private onReply(slot: Slot, reply: { id: number } & ParseReply): void {
    const pending = slot.inflight.get(reply.id);
    if (pending === undefined) return;
    slot.answered = true;
    this.settle(slot, reply.id, pending);
    pending.resolve(reply.ok ? { ok: true, doc: reply.doc } : { ok: false, message: reply.message });
  }

  private onExit(slot: Slot, worker: Worker, code: number, cause: unknown): void {
    const message = `HCL parser worker exited with code ${code}; its requests were abandoned`;
    this.retire(slot, worker, new TerraFixError('TFX_TRANSIENT', message, { category: 'transient', cause }));
  }

  private timeOut(slot: Slot, worker: Worker, id: number, ms: number): void {
    const pending = slot.inflight.get(id);
    if (pending === undefined || slot.worker !== worker) return;
    this.settle(slot, id, pending);
    pending.reject(
      new TerraFixError('TFX_TIMEOUT', `HCL parse took longer than ${ms} ms`, { category: 'transient' }),
    );
    // The worker may be stuck: take it out of service now, so no new request lands on it, then kill it.
    const message = `HCL parser worker was stopped after a parse exceeded ${ms} ms`;
    this.retire(slot, worker, new TerraFixError('TFX_TRANSIENT', message, { category: 'transient' }));
    void worker.terminate();
  }

  /** Takes a dead or stuck worker out of its slot, fails its requests and replaces it. */
  private retire(slot: Slot, worker: Worker, error: TerraFixError): void {
    if (slot.worker !== worker) return; // already retired, or the pool was closed
    slot.worker = undefined;
    this.failAll(slot, error);
    if (this.closed) return;
    this.restarts += 1;
    if (slot.answered) this.spawn(slot);
  }

  private settle(slot: Slot, id: number, pending: Pending): void {
    if (pending.timer !== undefined) clearTimeout(pending.timer);
    slot.inflight.delete(id);
    if (slot.inflight.size === 0) slot.worker?.unref();
  }

  private failAll(slot: Slot, error: TerraFixError): void {
    for (const [id, pending] of [...slot.inflight]) {
      this.settle(slot, id, pending);
      pending.reject(error);
    }
  }
}

function shuttingDown(): TerraFixError {
  return new TerraFixError('TFX_SHUTTING_DOWN', 'HCL parser is closed', { category: 'transient' });
}
