/**
 * What the HTTP layer knows of a graceful drain: whether it began, and how many requests are inside a handler.
 * server.ts closes the sockets that remain (silent connections, half-sent requests) once those handlers answered,
 * so no client can hold the process open.
 */
export class HttpDrain {
  #draining = false;
  #active = 0;
  #idle: (() => void)[] = [];

  get draining(): boolean {
    return this.#draining;
  }

  /** Requests whose handler runs now (body received, answer not yet sent). */
  get active(): number {
    return this.#active;
  }

  begin(): void {
    this.#draining = true;
  }

  enter(): void {
    this.#active++;
  }

  leave(): void {
    this.#active--;
    if (this.#active === 0) for (const resolve of this.#idle.splice(0)) resolve();
  }

  /** Resolves when no handler runs any more, or after `maxMs` (a handler that never answers must not block). */
  settled(maxMs: number): Promise<void> {
    if (this.#active === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, maxMs);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.#idle.push(done);
    });
  }
}
