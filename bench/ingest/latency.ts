import type { Client } from '@elastic/elasticsearch';
import type { Message, Producer } from 'kafkajs';
import { indexNames } from '../../core/src/es/index-names.js';
import type { TopicNames } from '../../core/src/kafka/topics.js';
import { generateRecords } from '../generator/records.js';
import { normaliseForBench } from '../normalise.js';
import { sleep } from '../stats.js';

export interface LatencyOptions {
  /** Documents per second to produce (records are paced so that many documents result). */
  readonly docsPerSecond: number;
  readonly seconds: number;
  readonly seed: string;
}

const TICK_MS = 100;
/** How long a marker may stay unseen after the last tick before it counts as lost. */
const DRAIN_MS = 60_000;

interface Tick {
  readonly topicMessages: { topic: string; messages: Message[] }[];
  /** A document first produced in this tick, whose visibility is timed. */
  readonly marker?: string;
}

/**
 * The ticks of a steady run, planned before the clock starts so that the bench's own
 * normalisation (needed to know the `_id`s ingest will derive) does not compete with ingest.
 */
function planTicks(topics: TopicNames, options: LatencyOptions): Tick[] {
  const records = generateRecords({
    seed: options.seed,
    startMs: Date.now() - 3_600_000,
    requestsPerSecond: 500,
    // Bare lines, as in the runs BENCHMARKS.md holds.
    envelopeShare: 0,
  });
  const produced = new Set<string>();
  const ticks: Tick[] = [];
  const perTick = (options.docsPerSecond * TICK_MS) / 1000;
  let due = 0;
  let sent = 0;
  for (let tick = 0; tick < (options.seconds * 1000) / TICK_MS; tick += 1) {
    due += perTick;
    const byTopic = new Map<string, Message[]>();
    let marker: string | undefined;
    while (sent < due) {
      const next = records.next();
      if (next.done) break;
      const record = next.value;
      const topic = record.topic === 'gateway' ? topics.gateway : topics.services;
      const value = Buffer.from(record.value);
      for (const { doc } of normaliseForBench(
        { topic: record.topic, value },
        { topic, partition: 0, offset: '0' },
        Date.now(),
      )) {
        if (!produced.has(doc.event.id)) marker ??= doc.event.id;
        produced.add(doc.event.id);
        sent += 1;
      }
      const messages = byTopic.get(topic) ?? [];
      messages.push(record.key === undefined ? { value } : { key: record.key, value });
      byTopic.set(topic, messages);
    }
    ticks.push({
      topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })),
      ...(marker !== undefined && { marker }),
    });
  }
  return ticks;
}

/**
 * Produced → searchable latency under a steady rate, in milliseconds, one sample per tick.
 * Every 100 ms tick sends its records and times one marker document: a poller searches the
 * pending markers by `_id` (a search, not a realtime get, so only refreshed documents count)
 * and records `seen - sent`, `sent` being taken just before the produce call. Markers not seen
 * within a minute of the last tick are left out and reported as `lost`.
 */
export async function measureLatency(
  es: Client,
  producer: Producer,
  topics: TopicNames,
  prefix: string,
  options: LatencyOptions,
): Promise<{ latencies: number[]; lost: number }> {
  const ticks = planTicks(topics, options);
  const index = indexNames(prefix).eventsPattern;
  const pending = new Map<string, number>();
  const latencies: number[] = [];
  let lastSentMs = Date.now();
  let producing = true;
  const poller = (async () => {
    while (producing || (pending.size > 0 && Date.now() - lastSentMs < DRAIN_MS)) {
      if (pending.size > 0) {
        const ids = [...pending.keys()];
        const hits = await es
          .search({ index, size: ids.length, _source: false, query: { ids: { values: ids } } })
          .then(
            (found) => found.hits.hits,
            // A daily index being created fails searches until its shard starts: not seen yet.
            () => [],
          );
        const now = Date.now();
        for (const hit of hits) {
          const sent = pending.get(hit._id as string);
          if (sent === undefined) continue;
          latencies.push(now - sent);
          pending.delete(hit._id as string);
        }
      }
      await sleep(100);
    }
  })();
  const started = Date.now();
  for (const [i, tick] of ticks.entries()) {
    lastSentMs = Date.now();
    if (tick.marker !== undefined) pending.set(tick.marker, lastSentMs);
    if (tick.topicMessages.length > 0)
      await producer.sendBatch({ topicMessages: tick.topicMessages });
    await sleep(Math.max(0, started + (i + 1) * TICK_MS - Date.now()));
  }
  producing = false;
  await poller;
  return { latencies, lost: pending.size };
}
