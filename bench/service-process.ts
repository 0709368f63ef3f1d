import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { sleep } from './stats.js';

const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));

/** A TCP port nobody listens on right now, for a child service's listener. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no free port');
  return address.port;
}

/** Node flags that make a service write a V8 CPU profile into `dir` as it exits; none without. */
export const cpuProfileFlags = (dir: string | undefined): string[] =>
  dir ? ['--cpu-prof', `--cpu-prof-dir=${dir}`] : [];

export interface ServiceProcess {
  readonly pid: number;
  /** SIGTERM (the services' graceful shutdown), then waits for the exit. Idempotent. */
  stop(): Promise<void>;
}

/**
 * One of Ariane's services as it is deployed: its composition root in a node process of its own,
 * from the repository root (or `cwd`, another checkout's root), configured by env only, its logs passed through. Resolves once
 * `readyUrl` answers 2xx; rejects if the process exits first.
 */
export async function startServiceProcess(
  nodeArgs: readonly string[],
  env: Record<string, string>,
  readyUrl: string,
  cwd: string = REPO_ROOT,
): Promise<ServiceProcess> {
  const child = spawn(process.execPath, [...nodeArgs], {
    cwd,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const exited = new Promise<unknown>((resolve) => child.once('exit', resolve));
  for (let ready = false; !ready;) {
    if (child.exitCode !== null)
      throw new Error(`${nodeArgs.at(-1)} exited with code ${child.exitCode}`);
    ready = await fetch(readyUrl).then(
      (response) => response.ok,
      () => false,
    );
    if (!ready) await sleep(100);
  }
  return {
    pid: child.pid as number,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
