import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import kafkajs, { type Admin } from 'kafkajs';

const { ConfigResourceTypes } = kafkajs;

/**
 * The broker's log directory, when its files can be read (a single broker running on this
 * machine: the local stack), and its `log.retention.check.interval.ms`.
 */
export async function brokerDisk(
  admin: Admin,
): Promise<{ readonly logDir?: string; readonly checkIntervalMs: number }> {
  const { brokers } = await admin.describeCluster();
  const described = await admin.describeConfigs({
    includeSynonyms: false,
    resources: brokers.map((b) => ({ type: ConfigResourceTypes.BROKER, name: String(b.nodeId) })),
  });
  const entry = (name: string) =>
    described.resources[0]?.configEntries.find((e) => e.configName === name)?.configValue;
  const dir = (entry('log.dirs') ?? entry('log.dir'))?.split(',')[0];
  const checkIntervalMs = Number(entry('log.retention.check.interval.ms') ?? 300_000);
  return brokers.length === 1 && dir && existsSync(dir)
    ? { logDir: dir, checkIntervalMs }
    : { checkIntervalMs };
}

/**
 * Short segments on `topics` only (topic settings, no broker restart), so a truncated record's
 * segment rolls and leaves the disk within seconds plus the broker's check interval. Keeps the
 * 8 MiB `max.message.bytes` the test stack creates them with (an alter replaces every override).
 */
export async function shortSegments(
  admin: Admin,
  topics: readonly string[],
  { segmentMs, fileDeleteDelayMs }: { segmentMs: number; fileDeleteDelayMs: number },
): Promise<void> {
  await admin.alterConfigs({
    validateOnly: false,
    resources: topics.map((name) => ({
      type: ConfigResourceTypes.TOPIC,
      name,
      configEntries: [
        { name: 'max.message.bytes', value: String(8 * 1024 * 1024) },
        { name: 'segment.ms', value: String(segmentMs) },
        { name: 'file.delete.delay.ms', value: String(fileDeleteDelayMs) },
      ],
    })),
  });
}

/** Every file under the partition directories of `topics` whose bytes hold one of `values`. */
export function filesHolding(
  logDir: string,
  topics: readonly string[],
  partitions: readonly number[],
  values: readonly string[],
): string[] {
  const found: string[] = [];
  for (const topic of topics)
    for (const partition of partitions) {
      const dir = path.join(logDir, `${topic}-${partition}`);
      if (!existsSync(dir)) continue;
      for (const file of readdirSync(dir)) {
        let bytes: Buffer;
        try {
          bytes = readFileSync(path.join(dir, file));
        } catch {
          continue; // deleted between listing and reading
        }
        for (const value of values)
          if (bytes.includes(Buffer.from(value))) found.push(`${topic}-${partition}/${file}`);
      }
    }
  return [...new Set(found)];
}
