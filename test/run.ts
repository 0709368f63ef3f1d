/**
 * The one test entry: `tsx test/run.ts unit|integration|all`.
 *
 * - unit: every *.test.ts under test/unit/, no servers needed.
 * - integration: every *.test.ts under test/integration/, against real Kafka and Elasticsearch.
 *   The local stack is reused when it already runs (and then left running); what this run
 *   starts, it stops at the end, also on Ctrl-C. KAFKA_BROKERS / ES_URL point at other servers.
 * - all: unit, then integration.
 *
 * The exit code is the number of failed tests (at most 255; 1 when a suite crashed).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureStack, releaseStack, type EnsuredStack } from '../stack/src/stack.js';

const ROOT = path.resolve(fileURLToPath(new URL('..', import.meta.url)));
const RESULTS = path.join(ROOT, 'test-results');

type Suite = 'unit' | 'integration';
const MODES: Record<string, readonly Suite[]> = {
  unit: ['unit'],
  integration: ['integration'],
  all: ['unit', 'integration'],
};

const SUITE_OPTIONS: Record<Suite, readonly string[]> = {
  unit: ['--test-timeout=30000'],
  // One file at a time: two JVMs already share the 2 cores of a CI machine. The timeout covers a
  // whole file, and a suite may wait on Elasticsearch's 30 s history-lease timer several times
  // (anonymisation erasures): the live-index suite took 220 s on a loaded machine.
  integration: ['--test-concurrency=1', '--test-timeout=600000'],
};

/** Node 20's --test does not expand globs, so the harness lists the files itself. */
function testFiles(suite: Suite): string[] {
  const dir = path.join(ROOT, 'test', suite);
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.test.ts'))
    .map((file) => path.join('test', suite, file))
    .sort();
}

let interruptedBy: NodeJS.Signals | undefined;
let running: ReturnType<typeof spawn> | undefined;

/** Runs one suite; resolves with its failed-test count (at least 1 if the runner failed). */
function runSuite(suite: Suite, files: readonly string[], env: NodeJS.ProcessEnv): Promise<number> {
  mkdirSync(RESULTS, { recursive: true });
  const tapFile = path.join(RESULTS, `${suite}.tap`);
  const args = [
    '--import',
    'tsx',
    '--test',
    '--test-reporter=spec',
    '--test-reporter-destination=stdout',
    // TAP to a file as well: CI can keep it, and its summary gives the counts printed below.
    '--test-reporter=tap',
    `--test-reporter-destination=${tapFile}`,
    ...SUITE_OPTIONS[suite],
    ...files,
  ];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: ROOT, env, stdio: 'inherit' });
    running = child;
    child.once('error', reject);
    child.once('exit', (code) => {
      running = undefined;
      const summary = existsSync(tapFile) ? tapSummary(readFileSync(tapFile, 'utf8')) : [];
      console.log(`\n# suite ${suite}`);
      for (const line of summary) console.log(line);
      // A test cancelled because its suite's hook failed counts as failed.
      const count = (name: string) =>
        Number(new RegExp(`^# ${name} (\\d+)$`, 'm').exec(summary.join('\n'))?.[1] ?? 0);
      const failed = count('fail') + count('cancelled');
      resolve(code === 0 ? failed : Math.max(failed, 1));
    });
  });
}

/** The trailing `# tests N`, `# pass N`, `# fail N`, ... lines of a TAP report. */
function tapSummary(tap: string): string[] {
  const lines = tap.trimEnd().split('\n');
  const summary: string[] = [];
  for (let i = lines.length - 1; i >= 0 && lines[i]?.startsWith('# '); i--) {
    summary.unshift(lines[i] ?? '');
  }
  return summary;
}

async function runIntegration(files: readonly string[]): Promise<number> {
  let stack: EnsuredStack | undefined;
  try {
    stack = await ensureStack();
    if (interruptedBy) return 1;
    const env = {
      ...process.env,
      KAFKA_BROKERS: stack.kafkaBrokers.join(','),
      ES_URL: stack.esUrl,
    };
    return await runSuite('integration', files, env);
  } finally {
    if (stack) await releaseStack(stack.startedByUs);
  }
}

async function main(mode: string | undefined): Promise<number> {
  const suites = mode === undefined ? undefined : MODES[mode];
  if (!suites) {
    console.error('usage: tsx test/run.ts unit|integration|all');
    return 2;
  }
  let failed = 0;
  for (const suite of suites) {
    if (interruptedBy) break;
    const files = testFiles(suite);
    if (files.length === 0) {
      console.log(`# suite ${suite}: no test files`);
      continue;
    }
    const startedAt = Date.now();
    failed +=
      suite === 'integration'
        ? await runIntegration(files)
        : await runSuite(suite, files, process.env);
    console.log(`# suite ${suite} took ${((Date.now() - startedAt) / 1000).toFixed(1)} s`);
  }
  return Math.min(failed, 255);
}

// On Ctrl-C or a CI cancel, stop the test process and fall through to the `finally` that
// stops the servers this run started. A second signal exits at once.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (interruptedBy) process.exit(130);
    interruptedBy = signal;
    console.error(`\n${signal}: stopping tests, then what this run started`);
    running?.kill(signal);
  });
}

main(process.argv[2]).then(
  (code) => {
    process.exitCode = interruptedBy ? (interruptedBy === 'SIGINT' ? 130 : 143) : code;
  },
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exitCode = 1;
  },
);
