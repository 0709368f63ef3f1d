import { runCli } from './program.js';

// The `ariane` binary: the only place that touches process state.
try {
  process.exitCode = await runCli(process.argv.slice(2), {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
  });
} catch (error) {
  process.stderr.write(`ariane: unexpected error: ${(error as Error).message}\n`);
  process.exitCode = 1;
}
