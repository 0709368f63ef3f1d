import { spawn } from 'node:child_process';
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  readSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Spawns a long-running server in its own session, with stdout and stderr appended to
 * `logFile`, and returns its pid. The server outlives this Node process: it is not in our
 * process group, so a Ctrl-C in the terminal reaches the caller, not the server.
 */
export function spawnDetached(
  command: string,
  args: readonly string[],
  options: { logFile: string; env?: NodeJS.ProcessEnv; cwd?: string },
): number {
  mkdirSync(path.dirname(options.logFile), { recursive: true });
  const out = openSync(options.logFile, 'a');
  try {
    const child = spawn(command, args, {
      detached: true,
      stdio: ['ignore', out, out],
      env: options.env ?? process.env,
      cwd: options.cwd,
    });
    if (child.pid === undefined) throw new Error(`could not spawn ${command}`);
    child.unref();
    return child.pid;
  } finally {
    closeSync(out);
  }
}

export function readPidFile(file: string): number | undefined {
  if (!existsSync(file)) return undefined;
  const pid = Number(readFileSync(file, 'utf8').trim());
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

/** Current sizes of log files, to quote later only what a start wrote (see `tailFile`). */
export function logSizes(files: readonly string[]): ReadonlyMap<string, number> {
  return new Map(files.map((file) => [file, existsSync(file) ? statSync(file).size : 0]));
}

export function writePidFile(file: string, pid: number): void {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, `${pid}\n`);
}

export function removePidFile(file: string): void {
  rmSync(file, { force: true });
}

/**
 * Whether `pid` is a live process whose command line contains `marker` (a path under the
 * stack directory). The marker guards against a stale pid file whose number the kernel has
 * since given to an unrelated process, which we must never signal. Zombies count as dead.
 */
export function isAlive(pid: number, marker: string): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The state letter follows the parenthesised command name, which may itself hold spaces.
    if (stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) === 'Z') return false;
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(marker);
  } catch {
    return false;
  }
}

/**
 * Stops a process: SIGTERM, then SIGKILL once `graceMs` has passed, and resolves only when
 * the pid is gone, so a following start never races the old process for its ports.
 */
export async function stopProcess(pid: number, marker: string, graceMs: number): Promise<void> {
  if (!isAlive(pid, marker)) return;
  signal(pid, 'SIGTERM');
  const killAt = Date.now() + graceMs;
  while (isAlive(pid, marker)) {
    if (Date.now() >= killAt) {
      signal(pid, 'SIGKILL');
      // The kernel frees a SIGKILLed process promptly; a short bounded wait covers the reaping.
      for (let i = 0; i < 50 && isAlive(pid, marker); i++) await sleep(100);
      if (isAlive(pid, marker)) throw new Error(`pid ${pid} survived SIGKILL`);
      return;
    }
    await sleep(200);
  }
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}

/**
 * The last `lines` lines of a log file written at or after byte `from`, reading at most the
 * last 256 KiB. Empty if the file is absent.
 */
export function tailFile(file: string, lines: number, from = 0): string {
  if (!existsSync(file)) return '';
  const size = statSync(file).size;
  const length = Math.max(0, Math.min(size - from, 256 * 1024));
  const buffer = Buffer.alloc(length);
  const fd = openSync(file, 'r');
  try {
    readSync(fd, buffer, 0, length, size - length);
  } finally {
    closeSync(fd);
  }
  const all = buffer.toString('utf8').split('\n');
  if (all.at(-1) === '') all.pop();
  return all.slice(-lines).join('\n');
}
