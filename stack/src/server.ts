import { setTimeout as sleep } from 'node:timers/promises';
import { tailFile } from './process.js';

export type ServerName = 'kafka' | 'elasticsearch';
export const SERVER_NAMES: readonly ServerName[] = ['kafka', 'elasticsearch'];

/** One server of the local stack, as `stack.ts` drives it. */
export interface LocalServer {
  readonly name: ServerName;
  /** What a client connects to: `127.0.0.1:9092` or `http://127.0.0.1:9200`. */
  readonly endpoint: string;
  /** The server's main log first; `logs` and start-up errors read them. */
  readonly logFiles: readonly string[];
  /** The pid of our server process when it is alive, from its pid file. */
  runningPid(): number | undefined;
  /** One quick health probe; never throws. */
  isReady(): Promise<boolean>;
  /** Downloads and unpacks what the server needs; a no-op once done. */
  fetch(): Promise<void>;
  /** Starts the server and resolves once it is ready; throws {@link StartupError} otherwise. */
  start(): Promise<void>;
  /** Stops our server process, if any, and waits until it is gone. */
  stop(): Promise<void>;
}

/** Lines of each log file quoted in a start-up error: enough to show a stack trace. */
export const LOG_TAIL_LINES = 40;

/**
 * A server that died or never got ready. The message ends with the tail of its logs, from
 * the sizes in `since` on: the logs are appended to, and a previous run's lines would mislead.
 */
export class StartupError extends Error {
  constructor(
    server: ServerName,
    reason: string,
    logFiles: readonly string[],
    since?: ReadonlyMap<string, number>,
  ) {
    const tails = logFiles
      .map((file) => ({ file, tail: tailFile(file, LOG_TAIL_LINES, since?.get(file)) }))
      .filter(({ tail }) => tail !== '')
      .map(({ file, tail }) => `--- last lines of ${file} ---\n${tail}`);
    super([`${server}: ${reason}`, ...tails].join('\n'));
    this.name = 'StartupError';
  }
}

/**
 * Polls `probe` until it answers true, the process behind it dies (`alive` turns false) or
 * `timeoutMs` passes. Polling is the wait here: the servers offer no readiness push.
 */
export async function waitForReady(
  server: ServerName,
  probe: () => Promise<boolean>,
  options: {
    alive: () => boolean;
    timeoutMs: number;
    logFiles: readonly string[];
    since: ReadonlyMap<string, number>;
  },
): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    if (await probe()) return;
    if (!options.alive()) {
      throw new StartupError(
        server,
        'the process exited during start-up',
        options.logFiles,
        options.since,
      );
    }
    if (Date.now() >= deadline) {
      throw new StartupError(
        server,
        `not ready after ${options.timeoutMs} ms (STACK_READY_TIMEOUT_MS)`,
        options.logFiles,
        options.since,
      );
    }
    await sleep(500);
  }
}
