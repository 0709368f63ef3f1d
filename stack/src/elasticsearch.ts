import { spawn } from 'node:child_process';
import {
  chmodSync,
  closeSync,
  cpSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { onPath, runCommand } from './command.js';
import { findJava } from './java.js';
import { ES_CLUSTER_NAME, stackLayout } from './layout.js';
import { fetchArtifact } from './maven.js';
import { assertPortsFree } from './port.js';
import { isAlive, logSizes, readPidFile, removePidFile, stopProcess } from './process.js';
import { StartupError, waitForReady, type LocalServer } from './server.js';
import { ELASTICSEARCH_VERSION, type StackConfig } from './stack-config.js';

/** Flushing and closing shards on SIGTERM is quick for a development node. */
const STOP_GRACE_MS = 60_000;

/**
 * The integ-test-zip is the smallest Elasticsearch on Maven Central: the server plus core
 * modules (security, netty). It has no painless, ingest-geoip or reindex modules, and no
 * bundled JDK, so it runs on the JDK that `findJava` finds.
 */
const ARTIFACT = `org.elasticsearch.distribution.integ-test-zip:elasticsearch:${ELASTICSEARCH_VERSION}:zip`;

type EsLayout = ReturnType<typeof stackLayout>['elasticsearch'];

/**
 * How a node joins a cluster of several on 127.0.0.1 (stack/src/elasticsearch-cluster.ts), in
 * place of the single-node discovery the local stack uses.
 */
export interface ClusterMembership {
  readonly clusterName: string;
  /** This node's name, unique in the cluster. */
  readonly nodeName: string;
  /** Transport ports of every node, this one's included: the discovery seeds. */
  readonly seedTransportPorts: readonly number[];
  /** The nodes that elect the first master on the cluster's first start. */
  readonly initialMasterNodes: readonly string[];
}

/**
 * An Elasticsearch node on 127.0.0.1 with security off: a single-node development cluster, or
 * one node of a cluster when `cluster` is given.
 */
export function elasticsearchServer(config: StackConfig, cluster?: ClusterMembership): LocalServer {
  const stack = stackLayout(config);
  const layout = stack.elasticsearch;
  const endpoint = `http://127.0.0.1:${config.ES_PORT}`;
  const logFiles = [layout.serverLog, layout.launcherLog];
  // The server JVM's command line holds -Des.path.home=<our private copy>.
  const marker = layout.home;

  const runningPid = (): number | undefined => {
    const pid = readPidFile(layout.pidFile);
    return pid !== undefined && isAlive(pid, marker) ? pid : undefined;
  };

  const fetch = async (): Promise<void> => {
    if (existsSync(path.join(layout.distHome, 'bin', 'elasticsearch'))) return;
    if (!(await onPath('unzip'))) {
      throw new Error('unzip not found on PATH: install it (apt-get install unzip)');
    }
    await fetchArtifact(ARTIFACT, stack.cache, stack.cache);
    const zip = path.join(stack.cache, `elasticsearch-${ELASTICSEARCH_VERSION}.zip`);
    // Unpacked aside and renamed, so an interrupted fetch never looks complete.
    const partial = path.join(stack.dist, '.partial-elasticsearch');
    rmSync(partial, { recursive: true, force: true });
    mkdirSync(partial, { recursive: true });
    await runCommand('unzip', ['-q', zip, '-d', partial]);
    renameSync(path.join(partial, path.basename(layout.distHome)), layout.distHome);
    rmSync(partial, { recursive: true, force: true });
    // ~/.m2 keeps the zip; this copy was only for unpacking.
    rmSync(zip, { force: true });
  };

  return {
    name: 'elasticsearch',
    endpoint,
    logFiles,
    runningPid,
    isReady: () => clusterIsYellow(endpoint),
    fetch,
    async start() {
      const [java] = await Promise.all([findJava(config.JAVA_HOME), fetch()]);
      // Elasticsearch refuses to run as root, so root hands it to a system user.
      const runAs = process.getuid?.() === 0 ? config.ES_RUN_AS_USER : undefined;
      if (runAs) await ensureSystemUser(runAs);
      if (!existsSync(layout.home)) {
        const partial = `${layout.home}.partial`;
        rmSync(partial, { recursive: true, force: true });
        cpSync(layout.distHome, partial, { recursive: true });
        renameSync(partial, layout.home);
      }
      for (const dir of [layout.data, layout.logs, layout.tmp]) mkdirSync(dir, { recursive: true });
      writeConfig(config, layout, cluster);
      if (runAs) await handOver(runAs, stack.root, layout);
      await assertPortsFree('elasticsearch', {
        ES_PORT: config.ES_PORT,
        ES_TRANSPORT_PORT: config.ES_TRANSPORT_PORT,
      });
      removePidFile(layout.pidFile);
      const since = logSizes(logFiles);

      const env: Record<string, string> = {
        ES_JAVA_HOME: java.home,
        ES_JAVA_OPTS: `-Xms${config.ES_HEAP} -Xmx${config.ES_HEAP}`,
        ES_TMPDIR: layout.tmp,
      };
      const launcher = [path.join(layout.home, 'bin', 'elasticsearch'), '-d', '-p', layout.pidFile];
      // With -d the launcher returns once the node has started (or failed), leaving the
      // server JVM running on its own and its pid in the pid file.
      const code = await runLauncher(
        runAs
          ? [
              'runuser',
              '-u',
              runAs,
              '--',
              'env',
              ...Object.entries(env).map(([k, v]) => `${k}=${v}`),
              ...launcher,
            ]
          : launcher,
        { env: { ...process.env, ...env }, logFile: layout.launcherLog, cwd: layout.dir },
        config.STACK_READY_TIMEOUT_MS,
      );
      const pid = readPidFile(layout.pidFile);
      if (code !== 0) {
        if (pid !== undefined) await stopProcess(pid, marker, STOP_GRACE_MS);
        throw new StartupError(
          'elasticsearch',
          code === 'timeout'
            ? `launcher did not return within ${config.STACK_READY_TIMEOUT_MS} ms (STACK_READY_TIMEOUT_MS)`
            : `launcher exited with code ${code}`,
          logFiles,
          since,
        );
      }
      if (pid === undefined) {
        throw new StartupError('elasticsearch', 'started but wrote no pid file', logFiles, since);
      }
      try {
        await waitForReady('elasticsearch', () => clusterIsYellow(endpoint), {
          alive: () => isAlive(pid, marker),
          timeoutMs: config.STACK_READY_TIMEOUT_MS,
          logFiles,
          since,
        });
      } catch (error) {
        // A node that never got ready is not left behind holding the ports.
        await stopProcess(pid, marker, STOP_GRACE_MS);
        throw error;
      }
    },
    async stop() {
      const pid = runningPid();
      if (pid !== undefined) await stopProcess(pid, marker, STOP_GRACE_MS);
      removePidFile(layout.pidFile);
    },
  };
}

/** Ready means the cluster is at least yellow: every primary shard is assigned. */
export async function clusterIsYellow(url: string): Promise<boolean> {
  try {
    const response = await fetch(`${url}/_cluster/health?wait_for_status=yellow&timeout=1s`, {
      signal: AbortSignal.timeout(3_000),
    });
    await response.body?.cancel();
    return response.ok;
  } catch {
    return false;
  }
}

function writeConfig(config: StackConfig, layout: EsLayout, cluster?: ClusterMembership): void {
  const hasModule = (name: string) => existsSync(path.join(layout.home, 'modules', name));
  const discovery: Record<string, string | readonly string[]> = cluster
    ? {
        'node.name': cluster.nodeName,
        'discovery.seed_hosts': cluster.seedTransportPorts.map((port) => `127.0.0.1:${port}`),
        'cluster.initial_master_nodes': cluster.initialMasterNodes,
      }
    : { 'discovery.type': 'single-node' };
  const settings: Record<string, string | number | boolean | readonly string[]> = {
    'cluster.name': cluster?.clusterName ?? ES_CLUSTER_NAME,
    'network.host': '127.0.0.1',
    'http.port': config.ES_PORT,
    'transport.port': config.ES_TRANSPORT_PORT,
    ...discovery,
    'path.data': layout.data,
    'path.logs': layout.logs,
    // Deleting indices by wildcard is refused, so a test can only delete what it names.
    'action.destructive_requires_name': true,
    // A nearly full developer disk must not turn indices read-only in the middle of a test.
    'cluster.routing.allocation.disk.threshold_enabled': false,
  };
  // Settings of absent modules are unknown settings, which stop Elasticsearch at start-up.
  if (hasModule('x-pack-security')) settings['xpack.security.enabled'] = false;
  if (hasModule('ingest-geoip')) settings['ingest.geoip.downloader.enabled'] = false;

  const original = readFileSync(path.join(layout.distHome, 'config', 'elasticsearch.yml'), 'utf8');
  const ours = Object.entries(settings)
    // JSON strings and arrays are valid YAML, which keeps odd characters in paths safe.
    .map(
      ([key, value]) =>
        `${key}: ${typeof value === 'object' || typeof value === 'string' ? JSON.stringify(value) : value}`,
    )
    .join('\n');
  writeFileSync(
    path.join(layout.home, 'config', 'elasticsearch.yml'),
    `${original}\n# --- Ariane local stack: written by stack/src/elasticsearch.ts on every start ---\n${ours}\n`,
  );
}

async function ensureSystemUser(user: string): Promise<void> {
  try {
    await runCommand('id', ['-u', user]);
  } catch {
    await runCommand('useradd', [
      '--system',
      '--no-create-home',
      '--shell',
      '/usr/sbin/nologin',
      user,
    ]);
  }
}

/** Gives the Elasticsearch folder to `user` and checks that the user can reach it. */
async function handOver(user: string, stackRoot: string, layout: EsLayout): Promise<void> {
  for (const dir of [stackRoot, layout.dir]) chmodSync(dir, 0o755);
  await runCommand('chown', ['-R', `${user}:`, layout.dir]);
  try {
    await runCommand('runuser', ['-u', user, '--', 'test', '-x', path.join(layout.home, 'bin')]);
  } catch {
    throw new Error(
      `elasticsearch: user ${user} cannot reach ${layout.home}; a parent folder is not ` +
        `traversable by others. Point ARIANE_STACK_DIR at a folder under /var/tmp or /opt.`,
    );
  }
}

/** Runs the launcher to completion; on timeout kills its whole process group. */
function runLauncher(
  argv: readonly string[],
  options: { env: NodeJS.ProcessEnv; logFile: string; cwd: string },
  timeoutMs: number,
): Promise<number | 'timeout'> {
  const [command, ...args] = argv;
  if (command === undefined) throw new Error('empty launcher command');
  const out = openSync(options.logFile, 'a');
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      // Its own session: a Ctrl-C meant for the caller must not reach the new server.
      detached: true,
      stdio: ['ignore', out, out],
      env: options.env,
      cwd: options.cwd,
    });
    closeSync(out);
    const timer = setTimeout(() => {
      if (child.pid !== undefined) {
        try {
          process.kill(-child.pid, 'SIGKILL');
        } catch {
          // Already gone.
        }
      }
      resolve('timeout');
    }, timeoutMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      resolve(code ?? (signal ? 128 : 1));
    });
  });
}
