import { TerraFixError } from '../../src/pipeline/errors.js';
import { signBody } from '../engine/sign-body.js';
import { SIGNATURE_HEADER } from '../signature.js';

/**
 * The few calls the runner makes to a TerraFix API server (mock mode for configure). With a webhook secret its POSTs
 * are signed like the load (a server with TERRAFIX_WEBHOOK_SECRET checks every POST).
 */
export class TargetClient {
  constructor(
    readonly baseUrl: string,
    private readonly webhookSecret?: string,
  ) {}

  private headersFor(body: string): Record<string, string> {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (this.webhookSecret !== undefined && this.webhookSecret !== '')
      headers[SIGNATURE_HEADER] = signBody(this.webhookSecret, body);
    return headers;
  }

  private async call(
    method: 'GET' | 'POST',
    path: string,
    body?: unknown,
    timeoutMs = 10_000,
  ): Promise<Response> {
    const text = body === undefined ? undefined : JSON.stringify(body);
    try {
      return await fetch(`${this.baseUrl}${path}`, {
        method,
        signal: AbortSignal.timeout(timeoutMs),
        ...(text === undefined ? {} : { body: text, headers: this.headersFor(text) }),
      });
    } catch (error) {
      throw new TerraFixError('TFX_UNREACHABLE', `target ${this.baseUrl} unreachable (${method} ${path})`, {
        category: 'transient',
        cause: error,
      });
    }
  }

  private async json<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
    const res = await this.call(method, path, body);
    const text = await res.text();
    if (!res.ok) {
      const category = res.status >= 400 && res.status < 500 ? 'config' : 'transient';
      throw new TerraFixError(
        'TFX_RUN_FAILED',
        `${method} ${path} answered ${res.status}: ${text.slice(0, 500)}`,
        { category },
      );
    }
    return JSON.parse(text) as T;
  }

  /** Polls /ready until it answers 200 or the deadline passes. */
  async waitReady(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let last: unknown;
    while (Date.now() < deadline) {
      try {
        const res = await this.call('GET', '/ready', undefined, 2_000);
        await res.arrayBuffer();
        if (res.ok) return;
        last = `status ${res.status}`;
      } catch (error) {
        last = error;
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new TerraFixError('TFX_UNREACHABLE', `target ${this.baseUrl} not ready after ${timeoutMs} ms`, {
      category: 'transient',
      cause: last,
    });
  }

  async healthy(): Promise<boolean> {
    try {
      const res = await this.call('GET', '/health', undefined, 3_000);
      await res.arrayBuffer();
      return res.ok;
    } catch {
      return false;
    }
  }

  configure(body: unknown): Promise<Record<string, unknown>> {
    return this.json('POST', '/configure', body);
  }

  status(): Promise<Record<string, unknown>> {
    return this.json('GET', '/status');
  }

  reset(clearState: boolean): Promise<unknown> {
    return this.json('POST', '/stats/reset', { clear_state: clearState });
  }

  async metrics(): Promise<string> {
    const res = await this.call('GET', '/metrics', undefined, 5_000);
    const text = await res.text();
    if (!res.ok)
      throw new TerraFixError('TFX_RUN_FAILED', `GET /metrics answered ${res.status}`, {
        category: 'transient',
      });
    return text;
  }
}
