/**
 * Fault injection as a decorator over a port. Wraps every method whose last argument is a CallContext:
 * injected latency first, then the planned fault (or the real call). Works over simulated and real adapters alike.
 * CallContext-taking methods are expected to be async: with a profile active, the wrapper returns a promise.
 */
import { TerraFixError } from '../pipeline/errors.js';
import type { CallContext } from '../pipeline/ports.js';
import { type Sleep, sleep as realSleep } from '../pipeline/retry.js';
import type { ExternalStage } from '../pipeline/stages.js';
import type { FaultInjector } from './injector.js';
import type { FaultKind, StageFaults } from './profile.js';

export interface WithFaultsOptions {
  sleep?: Sleep;
  /** Called once per fault actually thrown (after the injector has counted it). */
  onInjected?: (stage: ExternalStage, kind: FaultKind) => void;
}

type Method = (...args: unknown[]) => unknown;

function isCallContext(value: unknown): value is CallContext {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as CallContext).key === 'string' &&
    typeof (value as CallContext).attempt === 'number'
  );
}

function faultError(kind: FaultKind, stage: ExternalStage, profile: StageFaults): TerraFixError {
  const message = `injected ${kind} fault at ${stage}`;
  switch (kind) {
    case 'transient':
      return new TerraFixError('TFX_TRANSIENT', message, { category: 'transient' });
    case 'throttle':
      return new TerraFixError('TFX_THROTTLED', message, {
        category: 'throttled',
        retryAfterMs: profile.throttleRetryAfterMs,
      });
    case 'timeout':
      return new TerraFixError('TFX_TIMEOUT', message, { category: 'transient' });
    case 'permanent':
      return new TerraFixError('TFX_PERMANENT', message, { category: 'permanent' });
  }
}

/** Own and inherited members of `port` (Object.prototype excluded): method names and accessor names. */
function members(port: object): { methods: string[]; accessors: string[] } {
  const methods = new Set<string>();
  const accessors = new Set<string>();
  for (
    let o: object | null = port;
    o !== null && o !== Object.prototype;
    o = Object.getPrototypeOf(o) as object | null
  ) {
    for (const name of Object.getOwnPropertyNames(o)) {
      if (name === 'constructor' || methods.has(name) || accessors.has(name)) continue;
      const descriptor = Object.getOwnPropertyDescriptor(o, name);
      if (typeof descriptor?.value === 'function') methods.add(name);
      else if (descriptor?.get !== undefined || descriptor?.set !== undefined) accessors.add(name);
    }
  }
  return { methods: [...methods], accessors: [...accessors] };
}

/** Returns `port` with fault injection for `stage` in front of every CallContext-taking method. */
export function withFaults<T extends object>(
  port: T,
  stage: ExternalStage,
  injector: FaultInjector,
  options: WithFaultsOptions = {},
): T {
  const sleep = options.sleep ?? realSleep;
  const { onInjected } = options;

  async function inject(profile: StageFaults, ctx: CallContext, call: () => unknown): Promise<unknown> {
    const plan = injector.plan(stage, ctx.key, ctx.attempt);
    if (plan.delayMs > 0) {
      await sleep(plan.delayMs, ctx.signal);
      injector.recordDelay(stage, plan.delayMs);
    }
    const kind = plan.fault;
    if (kind === undefined) return call();
    if (kind === 'timeout') await sleep(profile.timeoutMs, ctx.signal);
    injector.record(stage, kind);
    onInjected?.(stage, kind);
    throw faultError(kind, stage, profile);
  }

  // Inherit from the port so fields and instanceof still work; methods and accessors run against the port
  // itself, so private (#) members keep working.
  const wrapped = Object.create(port) as Record<string, unknown>;
  const source = port as Record<string, unknown>;
  const { methods, accessors } = members(port);
  for (const name of accessors) {
    Object.defineProperty(wrapped, name, {
      get: () => source[name],
      set: (value: unknown) => {
        source[name] = value;
      },
    });
  }
  for (const name of methods) {
    const method = source[name] as Method;
    const value = function (...args: unknown[]): unknown {
      const profile = injector.profileFor(stage);
      if (profile === undefined) return method.apply(port, args);
      const ctx = args.at(-1);
      if (!isCallContext(ctx)) return method.apply(port, args);
      return inject(profile, ctx, () => method.apply(port, args));
    };
    // defineProperty, not assignment: a frozen port's read-only methods would otherwise block the override.
    Object.defineProperty(wrapped, name, { value, writable: true, configurable: true });
  }
  return wrapped as T;
}
