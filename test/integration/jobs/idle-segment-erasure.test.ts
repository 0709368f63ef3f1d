import { randomBytes } from 'node:crypto';
import { loadavg } from 'node:os';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Registry } from 'prom-client';
import { indexNames } from '../../../core/src/es/index-names.js';
import { createLogger } from '../../../core/src/observability/logger.js';
import type { Ingest } from '../../../ingest/src/ingest.js';
import { kafkaLogAdmin } from '../../../jobs/src/kafka/log-admin.js';
import {
  idleDiskErasureBoundMs,
  KafkaTruncator,
  type TruncationReport,
} from '../../../jobs/src/kafka/truncate.js';
import { createJobMetrics } from '../../../jobs/src/metrics.js';
import { IngestTestStack } from '../../helpers/ingest-stack.js';
import { brokerDisk, filesHolding, shortSegments } from '../../helpers/kafka-disk.js';
import { gatewayLine, serviceLine } from '../../helpers/session-lines.js';
import { waitFor } from '../../helpers/wait.js';

// Short segments on this test's topics only; the truncation "cron" runs every PERIOD_MS. The
// bound is then dominated by the shared broker's log.retention.check.interval.ms, read below.
const SEGMENT_MS = 5_000;
const FILE_DELETE_DELAY_MS = 1_000;
const PERIOD_MS = 2_000;
const PARTITIONS = [0, 1, 2];

const TENANT = 'tenant-idle';
const suffix = randomBytes(4).toString('hex');
const SESSION = `sess-idle-${suffix}`;
const USER = `agent-idle-${suffix}`;
const REQUEST = `req-idle-${suffix}`;
const VALUES = [SESSION, USER, REQUEST];

const REQUEST_OF_SESSION = { tenant: TENANT, requestId: REQUEST, session: SESSION };

describe('an idle partition’s last segment leaves the disk (segment-roll marker)', () => {
  const stack = new IngestTestStack();
  const es = stack.es.client;
  const names = indexNames(stack.prefix);
  const inputTopics = [stack.topics.gateway, stack.topics.services];
  const allTopics = [...inputTopics, stack.topics.deadLetter];
  const log = kafkaLogAdmin(stack.kafka.kafka);
  const truncator = new KafkaTruncator(
    { log, logger: createLogger('jobs-test', 'silent'), metrics: createJobMetrics(new Registry()) },
    {
      topics: inputTopics,
      groups: [stack.config.INGEST_GROUP_ID],
      indexedTopics: [stack.topics.deadLetter],
      rollIdleSegments: true,
    },
  );
  const reports: TruncationReport[] = [];
  let cron: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let ingest: Ingest;
  let logDir: string | undefined;
  let checkIntervalMs = 0;

  /** KAFKA_TRUNCATE_CRON in short: a run every PERIOD_MS, never two at once. */
  const startCron = () => {
    cron = setInterval(() => {
      running ??= truncator
        .run(new Date())
        .then((report) => {
          reports.push(report);
        })
        .finally(() => {
          running = undefined;
        });
    }, PERIOD_MS);
  };

  const countEvents = async () => {
    await es.indices.refresh({ index: names.eventsPattern });
    return (await es.count({ index: names.eventsPattern })).count;
  };

  before(async () => {
    await stack.setUp();
    const admin = await stack.kafka.admin();
    await shortSegments(admin, allTopics, {
      segmentMs: SEGMENT_MS,
      fileDeleteDelayMs: FILE_DELETE_DELAY_MS,
    });
    ({ logDir, checkIntervalMs } = await brokerDisk(admin));
    ingest = await stack.start();
  });
  after(async () => {
    clearInterval(cron);
    await running;
    await log.close();
    await stack.close();
  });

  test('ingest indexes the session’s records, then nothing more arrives', async () => {
    const producer = await stack.kafka.producer();
    await producer.send({
      topic: stack.topics.gateway,
      acks: -1,
      messages: [{ partition: 0, value: gatewayLine(REQUEST_OF_SESSION, USER) }],
    });
    await producer.send({
      topic: stack.topics.services,
      acks: -1,
      messages: [{ partition: 0, value: serviceLine(REQUEST_OF_SESSION) }],
    });
    await stack.waitUntilCaughtUp();
    await waitFor('the session’s two events', async () =>
      (await countEvents()) === 2 ? true : undefined,
    );
    if (logDir)
      assert.notDeepEqual(filesHolding(logDir, inputTopics, PARTITIONS, VALUES), [], 'on disk');
  });

  test('the truncation appends one marker per idle partition; ingest skips and commits it; the segment files go within the idle bound', async (t) => {
    const truncatedAt = Date.now();
    startCron();
    const rolled = await waitFor(
      'a segment-roll marker on each partition that held the session',
      () => {
        const markers = reports.flatMap((r) => r.markers);
        return Promise.resolve(markers.length >= 2 ? markers : undefined);
      },
      { timeoutMs: SEGMENT_MS + 4 * PERIOD_MS + 10_000, intervalMs: 200 },
    );
    assert.deepEqual(
      rolled.map((m) => `${m.topic}:${m.partition}:${m.offset}`).sort(),
      inputTopics.map((topic) => `${topic}:0:1`).sort(),
      'only the partitions that held records, after their one record',
    );
    // Ingest commits past the marker without indexing or dead-lettering it.
    await stack.waitUntilCaughtUp();
    const control = await ingest.metrics.controlRecords.get();
    assert.deepEqual(
      control.values.map((v) => [v.labels.kind, v.value]),
      [['segment-roll', 2]],
    );
    assert.equal(await countEvents(), 2);
    const admin = await stack.kafka.admin();
    const deadLetterEnds = await admin.fetchTopicOffsets(stack.topics.deadLetter);
    assert.ok(
      deadLetterEnds.every((p) => p.high === '0'),
      'nothing dead-lettered',
    );

    const settings = await log.diskSettings(allTopics);
    const bound = idleDiskErasureBoundMs(settings, allTopics, PERIOD_MS);
    assert.equal(bound, SEGMENT_MS + FILE_DELETE_DELAY_MS + 2 * checkIntervalMs + PERIOD_MS);
    if (!logDir) {
      t.skip('the broker’s log directory is not on this machine');
      return;
    }
    const dir = logDir;
    const deadline = truncatedAt + PERIOD_MS + bound;
    const clean = await waitFor(
      'the idle partitions’ last segments to leave the disk',
      () =>
        Promise.resolve(
          filesHolding(dir, inputTopics, PARTITIONS, VALUES).length === 0 ? Date.now() : undefined,
        ),
      { timeoutMs: Math.max(deadline - Date.now(), 0) + 15_000, intervalMs: 500 },
    );
    // The next runs truncate the markers once committed, and append no other.
    await waitFor('the markers truncated', () => {
      const last = reports.at(-1);
      return Promise.resolve(
        last?.partitions.every((p) => p.logStart === p.high) ? true : undefined,
      );
    });
    assert.equal(reports.flatMap((r) => r.markers).length, 2, 'one marker per idle spell');
    t.diagnostic(
      [
        `segment files off disk ${clean - truncatedAt} ms after the truncation schedule started`,
        `bound ${deadline - truncatedAt} ms (first run within ${PERIOD_MS} ms, then ${bound} ms)`,
        `segment.ms ${SEGMENT_MS}, file.delete.delay.ms ${FILE_DELETE_DELAY_MS}, period ${PERIOD_MS} ms, broker check interval ${checkIntervalMs} ms`,
        `load average ${loadavg()
          .map((load) => load.toFixed(2))
          .join(' ')}`,
      ].join('; '),
    );
    assert.ok(clean <= deadline + 1_000, `off disk ${clean - deadline} ms after the bound`);
  });
});
