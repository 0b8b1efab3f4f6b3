import type { Logger } from 'pino';

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
      stop().then(
        () => {
          clearTimeout(force);
          logger.info('Shutdown complete');
          setExitCode(0);
          resolve();
        },
        (error: unknown) => {
          clearTimeout(force);
          logger.error({ err: error }, 'Shutdown failed');
          setExitCode(1);
          resolve();
        },
      );
    };
    signals.once('SIGTERM', () => shutdown('SIGTERM'));
    signals.once('SIGINT', () => shutdown('SIGINT'));
  });
}
