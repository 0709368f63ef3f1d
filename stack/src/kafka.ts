import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { runCommand } from './command.js';
import { findJava } from './java.js';
import { stackLayout } from './layout.js';
import { kafkaClasspath, kafkaLogsThroughLog4j2 } from './maven.js';
import { assertPortsFree } from './port.js';
import {
  isAlive,
  logSizes,
  readPidFile,
  removePidFile,
  spawnDetached,
  stopProcess,
  writePidFile,
} from './process.js';
import { waitForReady, type LocalServer } from './server.js';
import type { StackConfig } from './stack-config.js';

/** A controlled shutdown of a single KRaft node takes a few seconds; past this it is stuck. */
const STOP_GRACE_MS = 30_000;

/** A single KRaft node acting as broker and controller, listening on 127.0.0.1 only. */
export function kafkaServer(config: StackConfig): LocalServer {
  const layout = stackLayout(config).kafka;
  const endpoint = `127.0.0.1:${config.KAFKA_PORT}`;
  const logFiles = [layout.serverLog, layout.stdoutLog];
  // The server.properties path is on the broker's command line and unique to this stack dir.
  const marker = layout.serverProperties;

  const runningPid = (): number | undefined => {
    const pid = readPidFile(layout.pidFile);
    return pid !== undefined && isAlive(pid, marker) ? pid : undefined;
  };

  const classpath = () =>
    kafkaClasspath({
      projectRoot: config.projectRoot,
      kafkaVersion: config.KAFKA_VERSION,
      classpathFile: layout.classpathFile,
    });

  return {
    name: 'kafka',
    endpoint,
    logFiles,
    runningPid,
    isReady: () => kafkaAnswers([endpoint]),
    fetch: async () => {
      await classpath();
    },
    async start() {
      const [java, cp] = await Promise.all([findJava(config.JAVA_HOME), classpath()]);
      writeConfig(config, layout);
      await assertPortsFree('kafka', {
        KAFKA_PORT: config.KAFKA_PORT,
        KAFKA_CONTROLLER_PORT: config.KAFKA_CONTROLLER_PORT,
      });
      const log4j = kafkaLogsThroughLog4j2(config.KAFKA_VERSION)
        ? `-Dlog4j2.configurationFile=${layout.log4j2Properties}`
        : `-Dlog4j.configuration=file:${layout.log4jProperties}`;
      // KRaft refuses to start on an unformatted log dir; formatting twice would fail too.
      if (!existsSync(path.join(layout.data, 'meta.properties'))) {
        await runCommand(java.bin, [
          '-cp',
          cp,
          log4j,
          'kafka.tools.StorageTool',
          'format',
          '-t',
          newClusterId(),
          '-c',
          layout.serverProperties,
        ]);
      }
      const since = logSizes(logFiles);
      const heap = config.KAFKA_HEAP;
      const pid = spawnDetached(
        java.bin,
        [
          `-Xmx${heap}`,
          `-Xms${heap}`,
          '-Djava.awt.headless=true',
          log4j,
          '-cp',
          cp,
          'kafka.Kafka',
          layout.serverProperties,
        ],
        { logFile: layout.stdoutLog, cwd: layout.dir },
      );
      writePidFile(layout.pidFile, pid);
      try {
        await waitForReady('kafka', () => kafkaAnswers([endpoint]), {
          alive: () => isAlive(pid, marker),
          timeoutMs: config.STACK_READY_TIMEOUT_MS,
          logFiles,
          since,
        });
      } catch (error) {
        // A broker that never got ready is not left behind holding the ports.
        await stopProcess(pid, marker, STOP_GRACE_MS);
        removePidFile(layout.pidFile);
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

/** Ready means a client can do a metadata round trip, the first thing every service does. */
export async function kafkaAnswers(brokers: string[]): Promise<boolean> {
  const admin = new Kafka({
    clientId: 'ariane-stack-probe',
    brokers,
    connectionTimeout: 1_000,
    requestTimeout: 2_000,
    retry: { retries: 0 },
    logLevel: logLevel.NOTHING,
  }).admin();
  try {
    await admin.connect();
    const cluster = await admin.describeCluster();
    return cluster.brokers.length > 0;
  } catch {
    return false;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

/**
 * A cluster id as `kafka-storage random-uuid` prints it (16 random bytes, base64url), made
 * here to save a JVM start. Kafka avoids ids starting with "-", which read as a CLI flag.
 */
function newClusterId(): string {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

function writeConfig(config: StackConfig, layout: ReturnType<typeof stackLayout>['kafka']): void {
  for (const dir of [path.dirname(layout.serverProperties), layout.data, layout.logs]) {
    mkdirSync(dir, { recursive: true });
  }
  const host = '127.0.0.1';
  const properties: Record<string, string | number> = {
    'process.roles': 'broker,controller',
    'node.id': 1,
    'controller.quorum.voters': `1@${host}:${config.KAFKA_CONTROLLER_PORT}`,
    listeners: `PLAINTEXT://${host}:${config.KAFKA_PORT},CONTROLLER://${host}:${config.KAFKA_CONTROLLER_PORT}`,
    'advertised.listeners': `PLAINTEXT://${host}:${config.KAFKA_PORT}`,
    'controller.listener.names': 'CONTROLLER',
    'listener.security.protocol.map': 'PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
    'inter.broker.listener.name': 'PLAINTEXT',
    'log.dirs': layout.data,
    'num.partitions': 3,
    'offsets.topic.replication.factor': 1,
    'transaction.state.log.replication.factor': 1,
    'transaction.state.log.min.isr': 1,
    // Consumers in tests join at once instead of after the default 3 s grace period.
    'group.initial.rebalance.delay.ms': 0,
    // Truncated records leave the disk at the first retention check after their segment rolled
    // (README, "Kafka is a buffer"); Kafka's default of 5 min would dominate that bound here.
    'log.retention.check.interval.ms': 30_000,
    // Topics are created by `ingest` setup with their retention; a typo must not create one.
    'auto.create.topics.enable': 'false',
  };
  writeFileSync(
    layout.serverProperties,
    `# Written by stack/src/kafka.ts on every start; edit that file instead.\n` +
      Object.entries(properties)
        .map(([key, value]) => `${key}=${value}`)
        .join('\n') +
      '\n',
  );
  // Kafka 4 reads a log4j2 configuration; 3.x a log4j 1 one. Both are written: cheap, and a
  // switch of KAFKA_VERSION in one stack dir then needs nothing else.
  writeFileSync(
    layout.log4j2Properties,
    [
      'status = warn',
      'appender.file.type = File',
      'appender.file.name = file',
      `appender.file.fileName = ${layout.serverLog}`,
      'appender.file.append = true',
      'appender.file.layout.type = PatternLayout',
      'appender.file.layout.pattern = [%d] %p %m (%c)%n',
      'rootLogger.level = INFO',
      'rootLogger.appenderRef.file.ref = file',
      // Per-partition state changes are noise at INFO for a development broker.
      'logger.stateChange.name = state.change.logger',
      'logger.stateChange.level = WARN',
      '',
    ].join('\n'),
  );
  writeFileSync(
    layout.log4jProperties,
    [
      'log4j.rootLogger=INFO, file',
      'log4j.appender.file=org.apache.log4j.FileAppender',
      `log4j.appender.file.File=${layout.serverLog}`,
      'log4j.appender.file.Append=true',
      'log4j.appender.file.layout=org.apache.log4j.PatternLayout',
      'log4j.appender.file.layout.ConversionPattern=[%d] %p %m (%c)%n',
      // Per-partition state changes are noise at INFO for a development broker.
      'log4j.logger.state.change.logger=WARN',
      '',
    ].join('\n'),
  );
}
