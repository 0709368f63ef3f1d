import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { otelcolBinaryPath } from '../../stack/src/otelcol.js';
import { PROJECT_ROOT } from '../../stack/src/stack-config.js';
import { ForegroundProcess } from './foreground-process.js';
import { waitFor } from './wait.js';

/** The collector configuration Ariane ships; the helper runs it as is. */
export const OTELCOL_CONFIG = fileURLToPath(
  new URL('../../deploy/shippers/otelcol/config.yaml', import.meta.url),
);

/**
 * The collector built from deploy/shippers/otelcol/builder-config.yaml, or why there is none.
 * Tests never build it (minutes of Go compilation): `npm run stack -- fetch` does, when Go is
 * installed.
 */
export function otelcolBinary(): { binary: string } | { missing: string } {
  const { binary } = otelcolBinaryPath(PROJECT_ROOT);
  return existsSync(binary)
    ? { binary }
    : {
        missing: `no OpenTelemetry Collector at ${binary}: run \`npm run stack -- otelcol\` (needs Go)`,
      };
}

export interface OtelcolShipperOptions {
  readonly binary: string;
  readonly brokers: readonly string[];
  readonly servicesTopic: string;
  /** The resource `service.name` of the service-file receiver. */
  readonly serviceName: string;
}

/**
 * A real collector running `deploy/shippers/otelcol/config.yaml` against the test's Kafka. The
 * repository's file takes its brokers, topic, tailed files and service name from the
 * environment (`${env:…}`); the helper sets them to its own temporary folder, including the
 * pod-log glob, so the collector never reads the host's logs.
 */
export class OtelcolShipper {
  readonly dir = mkdtempSync(path.join(tmpdir(), 'ariane-otelcol-'));
  /** The service's JSON log file the `file_log/services` receiver tails. */
  readonly serviceFile = path.join(this.dir, 'services', 'service.log');
  private readonly env: NodeJS.ProcessEnv;
  private collector: ForegroundProcess | undefined;

  constructor(private readonly options: OtelcolShipperOptions) {
    mkdirSync(path.dirname(this.serviceFile), { recursive: true });
    mkdirSync(path.join(this.dir, 'pods'));
    writeFileSync(this.serviceFile, '');
    this.env = {
      PATH: process.env.PATH,
      HOME: this.dir,
      ARIANE_KAFKA_BROKERS: `[${options.brokers.join(', ')}]`,
      ARIANE_SERVICES_TOPIC: options.servicesTopic,
      ARIANE_SERVICE_LOG_FILES: path.join(path.dirname(this.serviceFile), '*.log'),
      ARIANE_SERVICE_NAME: options.serviceName,
      ARIANE_POD_LOG_FILES: path.join(this.dir, 'pods', '*', '*', '*.log'),
    };
  }

  /** Starts the collector and resolves once it reports that every pipeline runs. */
  async start(): Promise<void> {
    if (this.collector) throw new Error('otelcol already started');
    const collector = new ForegroundProcess(
      'otelcol',
      this.options.binary,
      ['--config', OTELCOL_CONFIG],
      { logFile: path.join(this.dir, 'otelcol.out'), env: this.env },
    );
    this.collector = collector;
    await waitFor(
      'the collector to start its pipelines',
      () => {
        collector.assertRunning();
        return Promise.resolve(collector.output().includes('Everything is ready') || undefined);
      },
      { timeoutMs: 30_000, intervalMs: 100 },
    );
  }

  append(lines: readonly string[]): void {
    appendFileSync(this.serviceFile, lines.map((line) => `${line}\n`).join(''));
  }

  assertRunning(): void {
    this.collector?.assertRunning();
  }

  output(): string {
    return this.collector?.output() ?? '';
  }

  /** Stops the collector (SIGTERM, then SIGKILL) and deletes the folder. Idempotent. */
  async close(): Promise<void> {
    await this.collector?.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
