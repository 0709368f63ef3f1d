import kafkajs, { type Admin, type Kafka } from 'kafkajs';
import {
  boundedRetentionTopicConfig,
  SEGMENT_MAX_MS,
  type TopicNames,
} from '../../../core/src/kafka/topics.js';

/**
 * Raw logs must not outlive the retention window in Kafka either. A record goes only when its
 * whole segment is past `retention.ms`, found by a check every `log.retention.check.interval.ms`
 * (a broker setting) and removed `file.delete.delay.ms` later: the worst-case age is the sum of
 * those plus `segment.ms`, and that sum must fit in the window. Truncated records (jobs/src/kafka/
 * truncate.ts) leave the disk with their segment too, so `segment.ms` must also stay short.
 */

export const TOPIC_POLICY_MODES = ['correct', 'refuse', 'warn'] as const;
export type TopicPolicyMode = (typeof TOPIC_POLICY_MODES)[number];

export interface TopicRetentionSettings {
  readonly topic: string;
  /** Effective topic configuration (overrides and inherited defaults). */
  readonly config: Readonly<Record<string, string | undefined>>;
}

export interface TopicViolation {
  readonly topic: string;
  readonly setting: string;
  readonly problem: string;
}

const { ConfigResourceTypes } = kafkajs;
const DEFAULT_CHECK_INTERVAL_MS = 300_000;

/**
 * The slowest broker's `log.retention.check.interval.ms`: how long a segment that may be deleted
 * can wait for the broker to notice. Kafka's default when no broker says.
 */
export async function brokerCheckIntervalMs(admin: Admin): Promise<number> {
  const { brokers } = await admin.describeCluster();
  const brokerConfigs = await admin.describeConfigs({
    includeSynonyms: false,
    resources: brokers.map((broker) => ({
      type: ConfigResourceTypes.BROKER,
      name: String(broker.nodeId),
      configNames: ['log.retention.check.interval.ms'],
    })),
  });
  const intervals = brokerConfigs.resources
    .flatMap((resource) => resource.configEntries)
    .map((entry) => number(entry.configValue))
    .filter((value): value is number => value !== undefined);
  return intervals.length > 0 ? Math.max(...intervals) : DEFAULT_CHECK_INTERVAL_MS;
}

const number = (value: string | undefined): number | undefined => {
  if (value === undefined || value.trim() === '') return undefined;
  const parsed = Number(value);
  return Number.isFinite(parsed) ? parsed : undefined;
};

/** Worst-case age of a record in ms, or undefined when retention is unbounded or unknown. */
export function worstCaseRecordAgeMs(
  config: Readonly<Record<string, string | undefined>>,
  checkIntervalMs: number,
): number | undefined {
  const retention = number(config['retention.ms']);
  const segment = number(config['segment.ms']);
  const deleteDelay = number(config['file.delete.delay.ms']);
  if (
    retention === undefined ||
    retention < 0 ||
    segment === undefined ||
    deleteDelay === undefined
  )
    return undefined;
  return retention + segment + checkIntervalMs + deleteDelay;
}

/** Pure check of one topic against the window. An empty list means the topic is compliant. */
export function checkTopicRetention(
  settings: TopicRetentionSettings,
  checkIntervalMs: number,
  windowMs: number,
): TopicViolation[] {
  const { topic, config } = settings;
  const violations: TopicViolation[] = [];
  const policies = (config['cleanup.policy'] ?? '').split(',').map((policy) => policy.trim());
  if (!policies.includes('delete') || policies.includes('compact'))
    violations.push({
      topic,
      setting: 'cleanup.policy',
      problem: `is "${config['cleanup.policy'] ?? ''}", must be "delete"`,
    });
  const age = worstCaseRecordAgeMs(config, checkIntervalMs);
  if (age === undefined)
    violations.push({
      topic,
      setting: 'retention.ms',
      problem: 'retention is unbounded or unknown',
    });
  else if (age > windowMs)
    violations.push({
      topic,
      setting: 'retention.ms',
      problem: `retention.ms + segment.ms + log.retention.check.interval.ms + file.delete.delay.ms = ${age} ms exceeds the ${windowMs} ms window`,
    });
  const segmentMs = number(config['segment.ms']);
  if (segmentMs === undefined || segmentMs > SEGMENT_MAX_MS)
    violations.push({
      topic,
      setting: 'segment.ms',
      problem: `is ${config['segment.ms'] ?? 'unset'}, must be at most ${SEGMENT_MAX_MS} so truncated records leave the disk within the bound`,
    });
  if (config['message.timestamp.type'] !== 'LogAppendTime')
    violations.push({
      topic,
      setting: 'message.timestamp.type',
      problem: 'must be LogAppendTime so a producer clock cannot pin a segment',
    });
  return violations;
}

/** Overrides to apply: the intended bounded settings on top of the topic's other overrides. */
export function correctedTopicConfig(
  overrides: Readonly<Record<string, string>>,
  retentionDays: number,
): Record<string, string> {
  return { ...overrides, ...boundedRetentionTopicConfig(retentionDays) };
}

export interface TopicPolicyReport {
  readonly mode: TopicPolicyMode;
  readonly checkIntervalMs: number;
  readonly violations: TopicViolation[];
  readonly corrected: string[];
  readonly missing: string[];
}

// kafkajs is CommonJS and Node cannot see this enum as a named export.
/** Broker-level settings that come from the broker's own defaults, not from a topic override. */
const TOPIC_OVERRIDE_SOURCES = new Set([1 /* TOPIC_CONFIG */]);

/**
 * Reads every Ariane topic's effective config and the brokers' retention check interval, checks
 * them, and in `correct` mode rewrites the topic overrides (alterConfigs replaces the whole
 * override set, so the topic's other overrides are carried over). Missing topics are reported,
 * not created: ingest's setup creates them with the right settings.
 */
export async function enforceTopicPolicy(
  kafka: Kafka,
  topics: TopicNames,
  retentionDays: number,
  mode: TopicPolicyMode,
): Promise<TopicPolicyReport> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const wanted = [topics.gateway, topics.services, topics.deadLetter];
    const existing = new Set(await admin.listTopics());
    const present = wanted.filter((topic) => existing.has(topic));
    const missing = wanted.filter((topic) => !existing.has(topic));
    const checkIntervalMs = await brokerCheckIntervalMs(admin);
    const windowMs = retentionDays * 86_400_000;
    const violations: TopicViolation[] = [];
    const corrected: string[] = [];
    if (present.length > 0) {
      const described = await admin.describeConfigs({
        includeSynonyms: false,
        resources: present.map((name) => ({ type: ConfigResourceTypes.TOPIC, name })),
      });
      const toCorrect: { name: string; overrides: Record<string, string> }[] = [];
      for (const resource of described.resources) {
        const config: Record<string, string> = {};
        const overrides: Record<string, string> = {};
        for (const entry of resource.configEntries) {
          config[entry.configName] = entry.configValue;
          if (TOPIC_OVERRIDE_SOURCES.has(entry.configSource))
            overrides[entry.configName] = entry.configValue;
        }
        const found = checkTopicRetention(
          { topic: resource.resourceName, config },
          checkIntervalMs,
          windowMs,
        );
        violations.push(...found);
        if (found.length > 0) toCorrect.push({ name: resource.resourceName, overrides });
      }
      if (mode === 'correct' && toCorrect.length > 0) {
        await admin.alterConfigs({
          validateOnly: false,
          resources: toCorrect.map(({ name, overrides }) => ({
            type: ConfigResourceTypes.TOPIC,
            name,
            configEntries: Object.entries(correctedTopicConfig(overrides, retentionDays)).map(
              ([configName, value]) => ({ name: configName, value }),
            ),
          })),
        });
        corrected.push(...toCorrect.map(({ name }) => name));
      }
    }
    return { mode, checkIntervalMs, violations, corrected, missing };
  } finally {
    await admin.disconnect();
  }
}
