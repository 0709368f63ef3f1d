import { execFile } from 'node:child_process';

export interface CommandResult {
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs a short-lived tool (mvn, unzip, chown, java -version) to completion. On failure the
 * error carries the command line and everything the tool printed, because that output is the
 * only useful diagnosis (a Maven resolution error, a missing package, a bad JDK).
 */
export function runCommand(
  command: string,
  args: readonly string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    execFile(
      command,
      args,
      {
        cwd: options.cwd,
        env: options.env ?? process.env,
        timeout: options.timeoutMs ?? 600_000,
        maxBuffer: 16 * 1024 * 1024,
      },
      (error, stdout, stderr) => {
        if (error) {
          const output = `${stdout}${stderr}`.trim();
          reject(
            new Error(
              `command failed: ${command} ${args.join(' ')}\n${error.message}` +
                (output && !error.message.includes(output) ? `\n${output}` : ''),
            ),
          );
        } else resolve({ stdout, stderr });
      },
    );
  });
}

/** Whether an executable is on PATH, without running it. */
export async function onPath(command: string): Promise<boolean> {
  try {
    await runCommand('sh', ['-c', `command -v "$1"`, 'sh', command]);
    return true;
  } catch {
    return false;
  }
}
