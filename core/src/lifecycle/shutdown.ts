import type { Logger } from '../observability/logger.js';

/**
 * Runs `stop` once on the first SIGTERM or SIGINT, then exits 0; exits 1 if `stop` fails or has
 * not finished within `timeoutMs`. Further signals while stopping are ignored, so a second
 * Ctrl-C cannot interrupt a flush half-way.
 */
export function exitOnShutdownSignals(
  logger: Logger,
  timeoutMs: number,
  stop: () => Promise<unknown>,
): void {
  let shuttingDown = false;
  const shutdown = (signal: string) => {
    if (shuttingDown) return;
    shuttingDown = true;
    logger.info({ signal }, 'shutting down');
    const deadline = setTimeout(() => {
      logger.error({ timeoutMs }, 'shutdown deadline passed');
      process.exit(1);
    }, timeoutMs);
    deadline.unref();
    stop().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}
