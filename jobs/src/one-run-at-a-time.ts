import type { Logger } from '../../core/src/observability/logger.js';

/** A scheduled job as cron calls it: one tick, one run. */
export type JobTick = () => Promise<void>;

/**
 * Wraps `job` so that a tick arriving while its previous run is still going is skipped, and
 * adds every run to `running` until it ends (shutdown waits for that set). A skipped tick is
 * routine, an anonymisation's erasure can outlast a one-minute schedule, so it is logged at
 * debug, through pino: node-cron's own `noOverlap` prints an unstructured warning to the console
 * on every such tick. The job logs and counts its own failures; a rejection here is swallowed so
 * that the schedule keeps ticking.
 */
export function oneRunAtATime(
  name: string,
  job: (now: Date) => Promise<unknown>,
  running: Set<Promise<unknown>>,
  logger: Logger,
): JobTick {
  let current: Promise<unknown> | undefined;
  return async () => {
    if (current) {
      logger.debug({ job: name }, 'previous run still going: tick skipped');
      return;
    }
    const run = job(new Date()).catch(() => undefined);
    current = run;
    running.add(run);
    await run;
    running.delete(run);
    current = undefined;
  };
}
