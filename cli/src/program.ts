import { setTimeout as sleep } from 'node:timers/promises';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import {
  SELECTOR_TYPES,
  type AnonymisationSelector,
} from '../../core/src/anonymisation/selector.js';
import { EVENT_SORTS, STATUS_CLASSES } from '../../query-api/src/contract/events.js';
import { ApiError, ArianeApi, type ApiConnection, type EventsFilters } from './api-client.js';
import { EXIT, EXIT_CODES_HELP, type ExitCode } from './exit-codes.js';
import { isFinished, renderProgress, waitForOperation } from './progress.js';
import { colourWanted } from './style.js';
import { renderEvents, renderOperation, renderOperations, renderRequestRows } from './tables.js';
import { renderRequestWaterfall, renderSessionWaterfall } from './waterfall.js';

export const DEFAULT_API_URL = 'http://127.0.0.1:8080';

/** What the program touches outside itself; main.ts passes the real ones, tests their own. */
export interface CliIo {
  readonly stdout: { write(text: string): unknown; isTTY?: boolean; columns?: number };
  readonly stderr: { write(text: string): unknown };
  readonly env: NodeJS.ProcessEnv;
  readonly fetch?: typeof fetch;
  /** Pause between two polls of an operation. */
  readonly pollMs?: number;
}

interface GlobalOptions {
  apiUrl: string;
  token?: string;
  tenant?: string;
  json?: boolean;
}

function integer(name: string, min: number, max: number) {
  return (value: string): number => {
    const parsed = Number(value);
    if (!Number.isInteger(parsed) || parsed < min || parsed > max)
      throw new InvalidArgumentError(`${name} must be an integer from ${min} to ${max}`);
    return parsed;
  };
}

function isoDate(value: string): string {
  if (Number.isNaN(Date.parse(value)) || !/^\d{4}-\d{2}-\d{2}T/.test(value))
    throw new InvalidArgumentError('expected an ISO 8601 date-time, e.g. 2025-03-10T10:00:00Z');
  return value;
}

const EXAMPLES = `
Examples:
  $ export ARIANE_API_URL=https://ariane.example.org ARIANE_TOKEN=... ARIANE_TENANT=tenant-a
  $ ariane request 3f2a9c1e-8d4b-4f5a-9e7c-1b2d3e4f5a6b
  $ ariane session app-session-42 --limit 50
  $ ariane search --status-class 5xx --from 2025-03-10T00:00:00Z --service units-svc
  $ ariane search --path /v1/units --min-duration 500 --json | jq '.$results | length'
  $ ariane search --client app-x --from 2025-03-10T10:25:00Z --to 2025-03-10T10:40:00Z --status-class 5xx --by-request
  $ ariane anonymise --type session_id --value app-session-42 --reason "TICKET-123 user request"
  $ ariane operations list
  $ ariane operations show 6b1f0c3e-2d6a-4b8e-9c1d-0a2b3c4d5e6f

Environment:
  ARIANE_API_URL  query API base URL (default ${DEFAULT_API_URL})
  ARIANE_TOKEN    bearer token (JWT or API key)
  ARIANE_TENANT   X-Tenant-Id sent with every call
  NO_COLOR        disables colours (they are only used on a terminal anyway)

${EXIT_CODES_HELP}
`;

/**
 * Builds the `ariane` command line. Actions record their exit code in `result.code`; errors
 * from the API become messages on stderr and their exit code, never a stack trace.
 */
export function buildProgram(io: CliIo): { program: Command; result: { code: ExitCode } } {
  const result: { code: ExitCode } = { code: EXIT.ok };
  const program = new Command('ariane')
    .description('Trace requests and sessions through the PISTE gateway, and run anonymisations.')
    .option(
      '--api-url <url>',
      'query API base URL (env ARIANE_API_URL)',
      io.env.ARIANE_API_URL ?? DEFAULT_API_URL,
    )
    // No defaults from env for these: commander would print a token in --help.
    .option('--token <token>', 'bearer token (env ARIANE_TOKEN)')
    .option('--tenant <id>', 'X-Tenant-Id (env ARIANE_TENANT)')
    .option('--json', 'print the API answer as JSON instead of a rendering')
    .showHelpAfterError()
    .addHelpText('after', EXAMPLES)
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
    });

  const context = () => {
    const options = program.opts<GlobalOptions>();
    const token = options.token ?? io.env.ARIANE_TOKEN;
    const tenant = options.tenant ?? io.env.ARIANE_TENANT;
    const connection: ApiConnection = {
      apiUrl: options.apiUrl,
      ...(token !== undefined && { token }),
      ...(tenant !== undefined && { tenant }),
    };
    const json = options.json === true;
    return {
      api: new ArianeApi(connection, io.fetch ?? fetch),
      json,
      colour: !json && colourWanted(io.stdout, io.env),
      width: io.stdout.columns ?? 100,
      print: (text: string) => io.stdout.write(text),
      printJson: (value: unknown) => io.stdout.write(`${JSON.stringify(value, null, 2)}\n`),
    };
  };

  /** Runs an action, turning API errors into a message and an exit code. */
  const run =
    <A extends unknown[]>(action: (...args: A) => Promise<ExitCode | void>) =>
    async (...args: A): Promise<void> => {
      try {
        result.code = (await action(...args)) ?? EXIT.ok;
      } catch (error) {
        if (!(error instanceof ApiError)) throw error;
        const id = error.requestId ? ` (request id ${error.requestId})` : '';
        io.stderr.write(`ariane: ${error.code ? `${error.code}: ` : ''}${error.message}${id}\n`);
        result.code = error.exitCode;
      }
    };

  program
    .command('request')
    .description('show the timeline of one request as a waterfall of its hops')
    .argument('<requestId>', 'the X-Request-Id')
    .action(
      run(async (requestId: string) => {
        const { api, json, colour, width, print, printJson } = context();
        const timeline = await api.requestTimeline(requestId);
        if (json) printJson(timeline);
        else print(renderRequestWaterfall(timeline, { width, colour }));
      }),
    );

  program
    .command('session')
    .description("show a session's requests in time order")
    .argument('<applicationId>', 'the X-Application-Id of the front-office session')
    .option('--limit <n>', 'requests per page', integer('--limit', 1, 100_000), 100)
    .option('--offset <n>', 'first request of the page', integer('--offset', 0, 100_000), 0)
    .action(
      run(async (applicationId: string, options: { limit: number; offset: number }) => {
        const { api, json, colour, width, print, printJson } = context();
        const session = await api.sessionTimeline(applicationId, options);
        if (json) printJson(session);
        else print(renderSessionWaterfall(session, { width, colour }));
      }),
    );

  program
    .command('search')
    .description('search events')
    .option('--from <time>', 'events at or after this time (ISO 8601)', isoDate)
    .option('--to <time>', 'events before this time (ISO 8601)', isoDate)
    .option('--client <id>', 'OAuth client / application id')
    .option('--service <name>', 'service name, exact')
    .option('--status <code>', 'HTTP status, exact', integer('--status', 100, 999))
    .addOption(new Option('--status-class <class>', 'HTTP status class').choices(STATUS_CLASSES))
    .option('--method <method>', 'HTTP method')
    .option('--path <prefix>', 'URL path prefix')
    .option(
      '--min-duration <ms>',
      'minimum duration in ms',
      integer('--min-duration', 0, 86_400_000),
    )
    .option('--user <id>', 'user id')
    .option('--text <query>', 'free text in messages and error messages')
    .addOption(
      new Option('--sort <order>', 'sort order').choices(EVENT_SORTS).default('-@timestamp'),
    )
    .option('--by-request', 'one row per request, with its diagnosis, instead of events')
    .option('--limit <n>', 'events (or requests) per page', integer('--limit', 1, 100_000), 50)
    .option('--offset <n>', 'first row of the page', integer('--offset', 0, 100_000), 0)
    .action(
      run(async (options: Record<string, string | number | boolean | undefined>) => {
        const { api, json, colour, print, printJson } = context();
        const filters = {
          from: options.from,
          to: options.to,
          clientId: options.client,
          service: options.service,
          status: options.status,
          statusClass: options.statusClass,
          method: options.method,
          path: options.path,
          minDurationMs: options.minDuration,
          userId: options.user,
          q: options.text,
          sort: options.sort,
          $limit: options.limit,
          $offset: options.offset,
        } as EventsFilters;
        if (options.byRequest === true) {
          const page = await api.searchRequests(filters);
          if (json) printJson(page);
          else print(renderRequestRows(page, colour));
          return;
        }
        const page = await api.searchEvents(filters);
        if (json) printJson(page);
        else print(renderEvents(page, colour));
      }),
    );

  program
    .command('anonymise')
    .description('irreversibly anonymise the events of a selector, and follow the operation')
    .addOption(
      new Option('--type <type>', 'what the value is')
        .choices(SELECTOR_TYPES)
        .makeOptionMandatory(),
    )
    .requiredOption('--value <value>', 'the session id, request id, IP, user id or client id')
    .requiredOption('--reason <reason>', 'ticket reference and motive; no personal data')
    .option('--from <time>', 'only events at or after this time (ISO 8601)', isoDate)
    .option('--to <time>', 'only events before this time (ISO 8601)', isoDate)
    .option('--no-wait', 'print the operation id and return without waiting')
    .action(
      run(
        async (options: {
          type: AnonymisationSelector['type'];
          value: string;
          reason: string;
          from?: string;
          to?: string;
          wait: boolean;
        }) => {
          const { api, json, width, print, printJson } = context();
          const selector: AnonymisationSelector = {
            type: options.type,
            value: options.value,
            ...(options.from !== undefined && { from: options.from }),
            ...(options.to !== undefined && { to: options.to }),
          };
          const operationId = await api.anonymise(selector, options.reason);
          if (!options.wait) {
            if (json) printJson({ operationId });
            else print(`${operationId}\n`);
            return EXIT.ok;
          }
          const tty = io.stdout.isTTY === true && !json;
          let lastLine = '';
          const barWidth = Math.max(10, Math.min(40, width - 40));
          const final = await waitForOperation(
            () => api.operation(operationId),
            (operation) => {
              if (json) return;
              const line = renderProgress(operation, barWidth);
              if (tty) print(`\r${line}`);
              else if (line !== lastLine) print(`${line}\n`);
              lastLine = line;
            },
            () => sleep(io.pollMs ?? 1000),
          );
          if (tty) print('\n');
          if (json) printJson(final);
          else print(renderOperation(final, colourWanted(io.stdout, io.env)));
          return isFinished(final) && final.status === 'failed' ? EXIT.operationFailed : EXIT.ok;
        },
      ),
    );

  const operations = program
    .command('operations')
    .description('list and show anonymisation operations');
  operations
    .command('list')
    .description('past operations, newest first')
    .option('--limit <n>', 'operations per page', integer('--limit', 1, 10_000), 20)
    .option('--offset <n>', 'first operation of the page', integer('--offset', 0, 100_000), 0)
    .action(
      run(async (options: { limit: number; offset: number }) => {
        const { api, json, colour, print, printJson } = context();
        const page = await api.operations(options);
        if (json) printJson(page);
        else print(renderOperations(page, colour));
      }),
    );
  operations
    .command('show')
    .description('one operation, with its result when it has ended')
    .argument('<operationId>')
    .action(
      run(async (operationId: string) => {
        const { api, json, colour, print, printJson } = context();
        const operation = await api.operation(operationId);
        if (json) printJson(operation);
        else print(renderOperation(operation, colour));
      }),
    );

  return { program, result };
}

/** Parses `argv` (without node and script), runs the command, and returns the exit code. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<ExitCode> {
  const { program, result } = buildProgram(io);
  try {
    await program.parseAsync([...argv], { from: 'user' });
  } catch (error) {
    if (!(error instanceof CommanderError)) throw error;
    const benign = ['commander.helpDisplayed', 'commander.help', 'commander.version'];
    return benign.includes(error.code) || error.exitCode === 0 ? EXIT.ok : EXIT.usage;
  }
  return result.code;
}
