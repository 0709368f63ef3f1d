import { spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readPidFile } from '../../stack/src/process.js';
import { ForegroundProcess } from './foreground-process.js';
import { waitFor } from './wait.js';

/** The rsyslog configuration Ariane ships; the helper runs it as is, never a copy of it. */
export const RSYSLOG_CONF = fileURLToPath(
  new URL('../../deploy/shippers/rsyslog/ariane.conf', import.meta.url),
);

/** Debian installs it in /usr/sbin, which is not on every user's PATH. */
const RSYSLOGD = existsSync('/usr/sbin/rsyslogd') ? '/usr/sbin/rsyslogd' : 'rsyslogd';

export interface RsyslogShipperOptions {
  readonly brokers: readonly string[];
  readonly gatewayTopic: string;
  readonly servicesTopic: string;
  /** The Tag of the service-log input: the APP-NAME of its records. */
  readonly serviceName: string;
}

/**
 * Why rsyslog cannot run here (no rsyslogd, or no imfile/omkafka module), or undefined when it
 * can. Asks rsyslogd itself to validate a configuration that loads both modules, so the answer
 * does not depend on where a distribution puts its modules.
 */
export function rsyslogUnavailable(): string | undefined {
  const dir = mkdtempSync(path.join(tmpdir(), 'ariane-rsyslog-probe-'));
  try {
    const conf = path.join(dir, 'probe.conf');
    // rsyslog refuses a configuration with no input or no action, hence this minimal pair.
    writeFileSync(
      conf,
      [
        `global(workDirectory="${dir}")`,
        'module(load="imfile")',
        'module(load="omkafka")',
        `input(type="imfile" file="${path.join(dir, 'probe.log')}" tag="probe")`,
        'action(type="omkafka" topic="probe")',
        '',
      ].join('\n'),
    );
    const run = spawnSync(RSYSLOGD, ['-N1', '-f', conf], { encoding: 'utf8' });
    if (run.error) return `rsyslogd not found (${run.error.message}); apt-get install rsyslog`;
    if (run.status !== 0)
      return `rsyslogd cannot load imfile and omkafka (apt-get install rsyslog-kafka): ${run.stderr.trim()}`;
    return undefined;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * A real rsyslogd running `deploy/shippers/rsyslog/ariane.conf` against the test's Kafka.
 *
 * The repository's file reads its brokers, topics, tailed files and service name from the
 * environment (rsyslog's `echo $VAR` constants); the helper sets those, and writes only a
 * two-line main configuration of its own: a private work directory (imfile state, queue files)
 * and an include of the repository's file. No imuxsock or imklog, so the host's syslog is never
 * read. rsyslogd runs in the foreground (`-n`) with its own pid file, so `stop()` leaves no
 * process behind and the host's rsyslog, if any, is untouched.
 */
export class RsyslogShipper {
  readonly dir = mkdtempSync(path.join(tmpdir(), 'ariane-rsyslog-'));
  /** The Axway open-traffic file the gateway input tails. */
  readonly trafficFile = path.join(this.dir, 'logs', 'opentraffic', 'group-2_instance-1.log');
  /** The service's JSON log file the services input tails. */
  readonly serviceFile = path.join(this.dir, 'logs', 'service', 'service.log');
  readonly mainConf = path.join(this.dir, 'rsyslog.conf');
  private readonly workDir = path.join(this.dir, 'work');
  private readonly pidFile = path.join(this.dir, 'rsyslogd.pid');
  private readonly env: NodeJS.ProcessEnv;
  private daemon: ForegroundProcess | undefined;

  constructor(options: RsyslogShipperOptions) {
    for (const file of [this.trafficFile, this.serviceFile]) {
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, '');
    }
    mkdirSync(this.workDir);
    writeFileSync(
      this.mainConf,
      [
        `global(workDirectory="${this.workDir}")`,
        `include(file="${RSYSLOG_CONF}" mode="required")`,
        '',
      ].join('\n'),
    );
    this.env = {
      PATH: process.env.PATH,
      ARIANE_KAFKA_BROKERS: options.brokers.join(','),
      ARIANE_GATEWAY_TOPIC: options.gatewayTopic,
      ARIANE_SERVICES_TOPIC: options.servicesTopic,
      ARIANE_AXWAY_TRAFFIC_FILES: path.join(path.dirname(this.trafficFile), '*.log'),
      ARIANE_SERVICE_LOG_FILES: this.serviceFile,
      ARIANE_SERVICE_NAME: options.serviceName,
    };
  }

  /** `rsyslogd -N1`: throws with rsyslog's own messages when the configuration is invalid. */
  validate(): void {
    const run = spawnSync(RSYSLOGD, ['-N1', '-f', this.mainConf], {
      env: this.env,
      encoding: 'utf8',
    });
    if (run.status !== 0)
      throw new Error(`rsyslogd -N1 rejected the configuration:\n${run.stdout}${run.stderr}`);
  }

  /** Validates, starts rsyslogd and resolves once it has written its pid file. */
  async start(): Promise<void> {
    if (this.daemon) throw new Error('rsyslogd already started');
    this.validate();
    const daemon = new ForegroundProcess(
      'rsyslogd',
      RSYSLOGD,
      ['-n', '-f', this.mainConf, '-i', this.pidFile],
      { logFile: path.join(this.dir, 'rsyslogd.out'), env: this.env },
    );
    this.daemon = daemon;
    await waitFor(
      'rsyslogd to write its pid file',
      () => {
        daemon.assertRunning();
        return Promise.resolve(readPidFile(this.pidFile) === daemon.pid ? true : undefined);
      },
      { timeoutMs: 15_000 },
    );
  }

  /** Appends lines to a tailed file, as the gateway or the service would. */
  append(file: string, lines: readonly string[]): void {
    appendFileSync(file, lines.map((line) => `${line}\n`).join(''));
  }

  /** Throws with rsyslogd's output when it has died. */
  assertRunning(): void {
    this.daemon?.assertRunning();
  }

  /** What rsyslogd printed, for failure messages. */
  output(): string {
    return this.daemon?.output() ?? '';
  }

  /** Stops rsyslogd (SIGTERM, then SIGKILL) and deletes the folder. Idempotent. */
  async close(): Promise<void> {
    await this.daemon?.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
