import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';

/**
 * One Ariane service run as a child process by `npm start` (compiled, with its node flags from
 * scripts/services.ts), its output prefixed with its name so interleaved logs stay readable.
 */
export interface ServiceProcess {
  readonly name: string;
  readonly child: ChildProcess;
  /** Resolves with the exit code (or the signal name) once the process has exited. */
  readonly exited: Promise<number | string>;
}

export function startService(
  name: string,
  nodeArgs: readonly string[],
  env: NodeJS.ProcessEnv,
  write: (line: string) => void,
): ServiceProcess {
  const child = spawn(process.execPath, [...nodeArgs], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const label = `[${name}]`.padEnd(12);
  for (const stream of [child.stdout, child.stderr])
    createInterface({ input: stream }).on('line', (line) => write(`${label} ${line}`));
  const exited = new Promise<number | string>((resolve) =>
    child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown')),
  );
  return { name, child, exited };
}

/**
 * Polls `url` until it answers 2xx. Rejects when the process exits first or `timeoutMs` passes,
 * so a service that cannot start fails `npm start` with its own logs above the error.
 */
export async function waitReady(
  service: ServiceProcess,
  url: string,
  timeoutMs: number,
): Promise<void> {
  let exitCode: number | string | undefined;
  void service.exited.then((code) => (exitCode = code));
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (exitCode !== undefined)
      throw new Error(`${service.name} exited (${exitCode}) before it was ready`);
    const ok = await fetch(url, { signal: AbortSignal.timeout(2_000) }).then(
      (response) => response.ok,
      () => false,
    );
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(`${service.name} was not ready at ${url} within ${timeoutMs / 1000} s`);
}

/** SIGTERM, then SIGKILL if the service has not exited within `graceMs`. */
export async function stopService(service: ServiceProcess, graceMs: number): Promise<void> {
  if (service.child.exitCode !== null || service.child.signalCode !== null) return;
  service.child.kill('SIGTERM');
  const timer = setTimeout(() => service.child.kill('SIGKILL'), graceMs);
  await service.exited;
  clearTimeout(timer);
}
