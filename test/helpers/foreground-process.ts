import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * A real third-party daemon (a log shipper) run in the foreground as a child of the test, with
 * stdout and stderr appended to `logFile`. `stop()` sends SIGTERM, waits for the exit, sends
 * SIGKILL after `graceMs`, and resolves only once the process is gone; it is idempotent. A test
 * process that exits without calling `stop()` still kills the child on its way out, so no
 * shipper outlives the run.
 */
export class ForegroundProcess {
  private readonly child: ChildProcess;
  private readonly exited: Promise<void>;
  private exitCode: number | null | undefined;
  private spawnError: string | undefined;
  private stopping: Promise<void> | undefined;
  private readonly killOnExit = () => this.child.kill('SIGKILL');

  constructor(
    readonly name: string,
    command: string,
    args: readonly string[],
    private readonly options: { logFile: string; env: NodeJS.ProcessEnv; cwd?: string },
  ) {
    const out = openSync(options.logFile, 'a');
    try {
      this.child = spawn(command, args, {
        stdio: ['ignore', out, out],
        env: options.env,
        ...(options.cwd !== undefined && { cwd: options.cwd }),
      });
    } finally {
      closeSync(out);
    }
    this.exited = new Promise((resolve) => {
      this.child.once('exit', (code) => {
        this.exitCode = code;
        process.off('exit', this.killOnExit);
        resolve();
      });
      this.child.once('error', (error) => {
        this.exitCode = null;
        this.spawnError = error.message;
        process.off('exit', this.killOnExit);
        resolve();
      });
    });
    process.on('exit', this.killOnExit);
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Whether the process is still running. */
  get running(): boolean {
    return this.exitCode === undefined;
  }

  /** The process's own output so far, for assertion messages. */
  output(): string {
    try {
      return readFileSync(this.options.logFile, 'utf8');
    } catch {
      return '';
    }
  }

  /** Throws with the process's output when it has already exited. */
  assertRunning(): void {
    if (this.running) return;
    const why = this.spawnError ?? `exited with code ${String(this.exitCode)}`;
    throw new Error(`${this.name} ${why}; its output:\n${this.output()}`);
  }

  stop(graceMs = 10_000): Promise<void> {
    this.stopping ??= (async () => {
      if (!this.running) return;
      this.child.kill('SIGTERM');
      const grace = new AbortController();
      const exitedInTime = await Promise.race([
        this.exited.then(() => true),
        sleep(graceMs, false, { signal: grace.signal }).catch(() => false),
      ]);
      grace.abort();
      if (!exitedInTime) {
        this.child.kill('SIGKILL');
        await this.exited;
      }
    })();
    return this.stopping;
  }
}
