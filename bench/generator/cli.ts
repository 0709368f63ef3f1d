import { writeSync } from 'node:fs';
import { ConnectionEnvSchema } from '../../core/src/config/connections.js';
import { parseEnv } from '../../core/src/config/parse-env.js';
import { createKafka, createProducer } from '../../core/src/kafka/client.js';
import { topicNames } from '../../core/src/kafka/topics.js';
import { produceRecords } from './kafka-target.js';
import { generateRecords, type TrafficStats } from './records.js';
import { planTraffic, TRAFFIC_USAGE, UsageError } from './traffic-plan.js';

/** `npm run traffic`: the traffic generator's command line. Reads the same env as the services. */
async function main(): Promise<number> {
  let plan;
  try {
    plan = planTraffic(process.argv.slice(2), Date.now());
  } catch (error) {
    if (
      error instanceof UsageError ||
      (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')
    ) {
      console.error(`${(error as Error).message}\n\n${TRAFFIC_USAGE}`);
      return 2;
    }
    throw error;
  }
  if (plan === 'help') {
    console.log(TRAFFIC_USAGE);
    return 0;
  }
  const stats: TrafficStats = { requests: 0, records: 0, duplicates: 0, delayed: 0 };
  const records = generateRecords(plan.generator, stats);
  if (plan.stdout) {
    let printed = 0;
    for (const record of records) {
      if (plan.maxRecords !== undefined && printed >= plan.maxRecords) break;
      writeSync(
        1,
        `${JSON.stringify({ topic: record.topic, key: record.key, value: record.value })}\n`,
      );
      printed += 1;
    }
    return 0;
  }
  const env = parseEnv(ConnectionEnvSchema, process.env);
  const topics = topicNames(env.ARIANE_TOPIC_PREFIX);
  const producer = createProducer(createKafka(env));
  const abort = new AbortController();
  const stop = () => abort.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  await producer.connect();
  const startedAt = Date.now();
  let lastReport = startedAt;
  try {
    const sent = await produceRecords(producer, records, {
      topics,
      pacing: plan.pacing,
      maxBatch: 2_000,
      signal: abort.signal,
      ...(plan.maxRecords === undefined ? {} : { maxRecords: plan.maxRecords }),
      onBatch: (sentSoFar) => {
        const now = Date.now();
        if (now - lastReport < 5_000) return;
        lastReport = now;
        const seconds = (now - startedAt) / 1000;
        console.log(
          `[traffic] ${sentSoFar} records, ${stats.requests} requests in ${seconds.toFixed(0)} s (${(sentSoFar / seconds).toFixed(0)} records/s)`,
        );
      },
    });
    const seconds = (Date.now() - startedAt) / 1000;
    console.log(
      `[traffic] done: ${sent} records (${stats.duplicates} duplicated, ${stats.delayed} delayed) for ${stats.requests} requests to ${topics.gateway} and ${topics.services} in ${seconds.toFixed(1)} s`,
    );
  } finally {
    await producer.disconnect();
  }
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error('[traffic] failed:', error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
