import type { Logger } from 'pino';

/** After a finished drain, the longest the process may linger before it exits. */
const EXIT_GRACE_MS = 500;

export interface SignalSource {
  once(signal: 'SIGTERM' | 'SIGINT', listener: () => void): unknown;
}

/**
 * On the first SIGTERM/SIGINT: stop accepting, drain accepted work, then let the process end. A second
 * deadline (the drain timeout plus a margin) exits with code 1 so a wedged drain cannot hang a deployment.
 */
export function installGracefulShutdown(
  stop: () => Promise<void>,
  logger: Logger,
  options: {
    timeoutMs: number;
    signals?: SignalSource;
    exit?: (code: number) => void;
    setExitCode?: (code: number) => void;
  },
): Promise<void> {
  const signals = options.signals ?? process;
  const exit = options.exit ?? ((code: number) => process.exit(code));
  const setExitCode = options.setExitCode ?? ((code: number) => (process.exitCode = code));
  return new Promise((resolve) => {
    let started = false;
    const shutdown = (signal: string) => {
      if (started) return;
      started = true;
      logger.info({ signal }, 'Shutting down: draining accepted work');
      const force = setTimeout(() => {
        logger.error({ timeoutMs: options.timeoutMs }, 'Shutdown timed out; exiting with work unfinished');
        exit(1);
      }, options.timeoutMs + 5_000);
      force.unref();
      const finish = (code: number) => {
        clearTimeout(force);
        setExitCode(code);
        // The process ends by itself once nothing is left; should a stray handle remain, it still ends soon,
        // with the code the drain earned (0 when every accepted job finished).
        setTimeout(() => exit(code), EXIT_GRACE_MS).unref();
        resolve();
      };
      stop().then(
        () => {
          logger.info('Shutdown complete');
          finish(0);
        },
        (error: unknown) => {
          logger.error({ err: error }, 'Shutdown failed');
          finish(1);
        },
      );
    };
    signals.once('SIGTERM', () => shutdown('SIGTERM'));
    signals.once('SIGINT', () => shutdown('SIGINT'));
  });
}
