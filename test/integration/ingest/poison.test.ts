import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  DeadLetterRecordSchema,
  type DeadLetterRecord,
} from '../../../core/src/schemas/dead-letter.js';
import { collectMessages } from '../../helpers/kafka.js';
import { FIXTURE_START_MS, shiftedFixture } from '../../helpers/ingest.js';
import { IngestTestStack } from '../../helpers/ingest-stack.js';

void describe('poison records (real Kafka and Elasticsearch)', () => {
  const stack = new IngestTestStack({ INGEST_DLQ_MAX_PAYLOAD_BYTES: String(64 * 1024) });
  const shift = Date.now() - 3_600_000 - FIXTURE_START_MS;

  before(() => stack.setUp());
  after(() => stack.close());

  void test('go to the dead-letter topic with their reason while good records are indexed', async () => {
    await stack.start();
    const wrongTypes = shiftedFixture('axway-open-traffic-leg1', shift);
    (wrongTypes.transactionElement as Record<string, unknown>).duration = 'slow';
    const missingId = shiftedFixture('axway-open-traffic-leg0', shift);
    delete missingId.correlationId;
    const huge = JSON.stringify({
      ...shiftedFixture('service-pino', shift),
      msg: 'x'.repeat(5 * 1024 * 1024),
    });

    await stack.produce(stack.topics.gateway, [
      'this is not JSON',
      JSON.stringify(wrongTypes),
      JSON.stringify(missingId),
      Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0xff, 0xfe, 0x7d]),
      JSON.stringify(shiftedFixture('generic-access-log', shift)),
    ]);
    await stack.produce(stack.topics.services, [
      huge,
      JSON.stringify(shiftedFixture('service-ecs', shift)),
    ]);

    await stack.es.waitForCount(stack.eventsPattern, 2, 60_000);
    await stack.waitUntilCaughtUp();
    const consumer = await stack.kafka.consumer('dlq-reader');
    const messages = await collectMessages(consumer, stack.topics.deadLetter, 5, 60_000);
    const records: DeadLetterRecord[] = messages.map((m) =>
      DeadLetterRecordSchema.parse(JSON.parse(m.value!.toString('utf8'))),
    );
    const byReason = new Map(records.map((r) => [r.reason, r]));
    assert.deepEqual([...byReason.keys()].sort(), [
      'invalid_json',
      'invalid_utf8',
      'schema_mismatch',
      'too_large',
    ]);
    assert.deepEqual(
      records
        .filter((r) => r.reason === 'schema_mismatch')
        .map((r) => r.issues.map((i) => i.path).join())
        .sort(),
      ['correlationId', 'transactionElement.duration'],
    );
    const tooLarge = byReason.get('too_large')!;
    assert.equal(tooLarge.source.topic, stack.topics.services);
    assert.equal(tooLarge.payload.truncated, true);
    assert.equal(tooLarge.payload.bytes, Buffer.byteLength(huge));
    assert.equal(byReason.get('invalid_utf8')?.payload.encoding, 'base64');
    assert.equal(byReason.get('invalid_json')?.payload.data, 'this is not JSON');
    for (const record of records) assert.match(record.source.offset, /^\d+$/);
  });
});
