import { mkdirSync } from 'node:fs';
import { elasticsearchServer } from './elasticsearch.js';
import { kafkaServer } from './kafka.js';
import { isPortFree } from './port.js';
import { stackLayout } from './layout.js';
import { withLock } from './lock.js';
import { SERVER_NAMES, type LocalServer, type ServerName } from './server.js';
import { loadStackConfig, type StackConfig } from './stack-config.js';

/**
 * - `started`: this call started it; `running`: it was already up and healthy;
 * - `external`: KAFKA_BROKERS or ES_URL points elsewhere, so the stack leaves it alone;
 * - `unhealthy`: our process is alive but does not answer; `stopped`: no process.
 */
export type ServerState = 'started' | 'running' | 'external' | 'unhealthy' | 'stopped';

export interface ServerStatus {
  readonly name: ServerName;
  readonly state: ServerState;
  readonly endpoint: string;
  readonly pid?: number;
}

/** An existing server to use instead of ours, named by the variables the services read. */
function externalEndpoint(name: ServerName, env: NodeJS.ProcessEnv): string | undefined {
  const value = name === 'kafka' ? env.KAFKA_BROKERS : env.ES_URL;
  return value?.trim() ? value.trim() : undefined;
}

function servers(config: StackConfig): Record<ServerName, LocalServer> {
  return { kafka: kafkaServer(config), elasticsearch: elasticsearchServer(config) };
}

function locked<T>(config: StackConfig, fn: () => Promise<T>): Promise<T> {
  mkdirSync(config.root, { recursive: true });
  // Waiting for another `up` may mean waiting for both servers to start.
  return withLock(stackLayout(config).lockFile, 2 * config.STACK_READY_TIMEOUT_MS, fn);
}

/**
 * Starts whatever is not already running, in parallel, and resolves when everything is ready.
 * Idempotent: a healthy server is left alone, and one still starting is waited for.
 * All or nothing: when one server fails, the others this call started are stopped again.
 */
export function up(
  config: StackConfig,
  env: NodeJS.ProcessEnv = process.env,
): Promise<ServerStatus[]> {
  return locked(config, async () => {
    const all = servers(config);
    const results = await Promise.allSettled(
      SERVER_NAMES.map(async (name): Promise<ServerStatus> => {
        const server = all[name];
        const external = externalEndpoint(name, env);
        if (external !== undefined) return { name, state: 'external', endpoint: external };
        const pid = server.runningPid();
        if (pid !== undefined) {
          if (!(await server.isReady())) {
            console.log(`[stack] ${name} (pid ${pid}) is not ready yet; waiting`);
            await waitAlreadyStarting(server, config.STACK_READY_TIMEOUT_MS);
          }
          return { name, state: 'running', endpoint: server.endpoint, pid };
        }
        console.log(`[stack] starting ${name} on ${server.endpoint}`);
        const startedAt = Date.now();
        await server.start();
        console.log(`[stack] ${name} ready in ${((Date.now() - startedAt) / 1000).toFixed(1)} s`);
        return { name, state: 'started', endpoint: server.endpoint, ...pidOf(server) };
      }),
    );
    const failures = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
    const statuses = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    if (failures.length > 0) {
      const started = statuses.filter((s) => s.state === 'started');
      await Promise.all(started.map((s) => all[s.name].stop()));
      throw new Error(
        failures.map((f) => (f instanceof Error ? f.message : String(f))).join('\n\n'),
      );
    }
    return statuses;
  });
}

async function waitAlreadyStarting(server: LocalServer, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await server.isReady())) {
    if (server.runningPid() === undefined || Date.now() >= deadline) {
      throw new Error(
        `${server.name}: a previous start left a process that is not ready; run stack:down first`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

function pidOf(server: LocalServer): { pid?: number } {
  const pid = server.runningPid();
  return pid === undefined ? {} : { pid };
}

/**
 * Stops our servers (all, or the ones named) and waits until their processes are gone.
 * KAFKA_BROKERS and ES_URL are ignored here: a server of ours still running is stopped anyway.
 */
export function down(
  config: StackConfig,
  names: readonly ServerName[] = SERVER_NAMES,
): Promise<void> {
  return locked(config, async () => {
    const all = servers(config);
    await Promise.all(
      names.map(async (name) => {
        const pid = all[name].runningPid();
        if (pid === undefined) return;
        console.log(`[stack] stopping ${name} (pid ${pid})`);
        await all[name].stop();
      }),
    );
  });
}

/**
 * For fault-injection tests: takes one of our servers down, gracefully (as `down` does) or with
 * SIGKILL, and resolves once its process is gone. `up` starts it again on the same ports.
 */
export function interrupt(
  config: StackConfig,
  name: ServerName,
  how: 'stop' | 'kill',
): Promise<void> {
  return locked(config, async () => {
    const server = servers(config)[name];
    const pid = server.runningPid();
    if (pid === undefined) throw new Error(`${name}: no server of ours is running`);
    console.log(`[stack] ${how === 'kill' ? 'killing' : 'stopping'} ${name} (pid ${pid})`);
    if (how === 'stop') return server.stop();
    process.kill(pid, 'SIGKILL');
    // A killed JVM's leader thread turns zombie before its other threads have exited and
    // released the sockets: the process is gone for us only once its ports are free.
    const ports =
      name === 'kafka'
        ? [config.KAFKA_PORT, config.KAFKA_CONTROLLER_PORT]
        : [config.ES_PORT, config.ES_TRANSPORT_PORT];
    for (let i = 0; i < 300; i++) {
      const free = await Promise.all(ports.map((port) => isPortFree(port)));
      if (server.runningPid() === undefined && free.every(Boolean)) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`${name}: pid ${pid} still holds its ports 30 s after SIGKILL`);
  });
}

export async function status(
  config: StackConfig,
  env: NodeJS.ProcessEnv = process.env,
): Promise<ServerStatus[]> {
  const all = servers(config);
  return Promise.all(
    SERVER_NAMES.map(async (name): Promise<ServerStatus> => {
      const server = all[name];
      const external = externalEndpoint(name, env);
      if (external !== undefined) return { name, state: 'external', endpoint: external };
      const pid = server.runningPid();
      if (pid === undefined) return { name, state: 'stopped', endpoint: server.endpoint };
      const state = (await server.isReady()) ? 'running' : 'unhealthy';
      return { name, state, endpoint: server.endpoint, pid };
    }),
  );
}

/** Downloads everything the servers need, so that a later `up` works offline. */
export async function fetchAll(config: StackConfig): Promise<void> {
  const all = servers(config);
  await Promise.all(
    SERVER_NAMES.map(async (name) => {
      const startedAt = Date.now();
      await all[name].fetch();
      console.log(`[stack] ${name} fetched in ${((Date.now() - startedAt) / 1000).toFixed(1)} s`);
    }),
  );
}

/** The log files of a server, main log first. */
export function logFiles(config: StackConfig, name: ServerName): readonly string[] {
  return servers(config)[name].logFiles;
}

export interface EnsuredStack {
  readonly kafkaBrokers: string[];
  readonly esUrl: string;
  /** What this call started, which is what its caller should stop when done. */
  readonly startedByUs: { readonly kafka: boolean; readonly elasticsearch: boolean };
}

/**
 * For test harnesses: makes Kafka and Elasticsearch available, reusing running or external
 * servers, and says where they are and what was started for the caller to stop later.
 */
export async function ensureStack(env: NodeJS.ProcessEnv = process.env): Promise<EnsuredStack> {
  const config = loadStackConfig(env);
  const statuses = await up(config, env);
  const of = (name: ServerName) => statuses.find((s) => s.name === name);
  const kafka = of('kafka');
  const elasticsearch = of('elasticsearch');
  if (!kafka || !elasticsearch) throw new Error('up() did not report both servers');
  return {
    kafkaBrokers: kafka.endpoint
      .split(',')
      .map((broker) => broker.trim())
      .filter((broker) => broker !== ''),
    esUrl: elasticsearch.endpoint,
    startedByUs: {
      kafka: kafka.state === 'started',
      elasticsearch: elasticsearch.state === 'started',
    },
  };
}

/** Stops what {@link ensureStack} started; a no-op for servers that were already running. */
export async function releaseStack(
  started: EnsuredStack['startedByUs'],
  env: NodeJS.ProcessEnv = process.env,
): Promise<void> {
  const names = SERVER_NAMES.filter((name) => started[name]);
  if (names.length > 0) await down(loadStackConfig(env), names);
}
