import { ensureOtelcol, GoMissingError } from './otelcol.js';
import { tailFile } from './process.js';
import { SERVER_NAMES, type ServerName } from './server.js';
import { loadStackConfig } from './stack-config.js';
import { down, fetchAll, logFiles, status, up, type ServerStatus } from './stack.js';

const USAGE = `usage: npm run stack -- <command>   (npm run stack:up, stack:down, ...)

commands:
  up                               start Kafka and Elasticsearch; what already runs is left alone
  down                             stop them (data stays in ARIANE_STACK_DIR)
  status [--json]                  state of each server; exit code 3 when one is not running
  logs [kafka|elasticsearch] [-n N]  last N lines (default 50) of the server logs
  fetch                            only download and unpack both servers (for CI and offline use),
                                   and build the OpenTelemetry Collector when Go is installed
  otelcol                          build the OpenTelemetry Collector of deploy/shippers/otelcol
                                   (cached per version) and print its path

environment (see stack/src/stack-config.ts):
  ARIANE_STACK_DIR (.stack), KAFKA_PORT (9092), KAFKA_CONTROLLER_PORT (9093), KAFKA_HEAP,
  ES_PORT (9200), ES_TRANSPORT_PORT (9300), ES_HEAP, ES_RUN_AS_USER, JAVA_HOME,
  STACK_READY_TIMEOUT_MS; KAFKA_BROKERS or ES_URL set: use that server, do not start one.`;

class UsageError extends Error {}

function printStatuses(statuses: readonly ServerStatus[]): void {
  for (const s of statuses) {
    const pid = s.pid === undefined ? '' : `  pid ${s.pid}`;
    console.log(`${s.name.padEnd(14)}${s.state.padEnd(11)}${s.endpoint}${pid}`);
  }
}

function parseLogsArgs(args: readonly string[]): { names: ServerName[]; lines: number } {
  let names: ServerName[] = [...SERVER_NAMES];
  let lines = 50;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '-n') {
      lines = Number(args[++i]);
      if (!Number.isInteger(lines) || lines <= 0)
        throw new UsageError('-n needs a positive number');
    } else if (SERVER_NAMES.includes(arg as ServerName)) {
      names = [arg as ServerName];
    } else {
      throw new UsageError(`unknown argument for logs: ${arg}`);
    }
  }
  return { names, lines };
}

/**
 * The collector is optional: only the real-shipper tests use it, and they skip its case without
 * it. A machine without Go skips the build; a failing build is an error.
 */
async function fetchOtelcol(projectRoot: string): Promise<void> {
  const startedAt = Date.now();
  try {
    const binary = await ensureOtelcol(projectRoot);
    console.log(
      `[stack] otelcol ready in ${((Date.now() - startedAt) / 1000).toFixed(1)} s: ${binary}`,
    );
  } catch (error) {
    if (!(error instanceof GoMissingError)) throw error;
    console.log(`[stack] otelcol not built: ${error.message}`);
  }
}

async function main(argv: readonly string[]): Promise<number> {
  const [command, ...args] = argv;
  if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
    console.log(USAGE);
    return command === undefined ? 2 : 0;
  }
  const config = loadStackConfig();
  const startedAt = Date.now();
  const elapsed = () => `${((Date.now() - startedAt) / 1000).toFixed(1)} s`;
  switch (command) {
    case 'up': {
      const statuses = await up(config);
      printStatuses(statuses);
      console.log(`[stack] up in ${elapsed()}`);
      return 0;
    }
    case 'down':
      await down(config);
      console.log(`[stack] down in ${elapsed()}`);
      return 0;
    case 'status': {
      const statuses = await status(config);
      if (args.includes('--json')) console.log(JSON.stringify(statuses));
      else printStatuses(statuses);
      return statuses.every((s) => s.state === 'running' || s.state === 'external') ? 0 : 3;
    }
    case 'logs': {
      const { names, lines } = parseLogsArgs(args);
      for (const name of names) {
        for (const file of logFiles(config, name)) {
          const tail = tailFile(file, lines);
          if (tail !== '') console.log(`==> ${file} <==\n${tail}\n`);
        }
      }
      return 0;
    }
    case 'fetch':
      await fetchAll(config);
      await fetchOtelcol(config.projectRoot);
      console.log(`[stack] fetch done in ${elapsed()}`);
      return 0;
    case 'otelcol':
      console.log(await ensureOtelcol(config.projectRoot));
      return 0;
    default:
      throw new UsageError(`unknown command: ${command}`);
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof UsageError) {
      console.error(`${error.message}\n\n${USAGE}`);
      process.exitCode = 2;
    } else {
      console.error(error instanceof Error ? error.message : String(error));
      process.exitCode = 1;
    }
  },
);
