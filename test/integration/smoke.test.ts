import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { EsTestContext } from '../helpers/elasticsearch.js';
import { collectMessages, KafkaTestContext, waitForGroupJoin } from '../helpers/kafka.js';

/**
 * The whole path on real servers, with no Ariane code in between: if this fails, the stack
 * or the environment is broken, not the pipeline.
 */
void describe('smoke: Kafka to Elasticsearch', () => {
  let kafka: KafkaTestContext;
  let es: EsTestContext;

  before(() => {
    kafka = new KafkaTestContext();
    es = new EsTestContext();
  });

  after(async () => {
    await Promise.all([kafka.close(), es.close()]);
  });

  void it('produces, consumes, bulk-indexes and finds every record', async () => {
    const records = Array.from({ length: 20 }, (_, i) => ({
      id: `r-${i}`,
      message: `smoke record ${i}`,
    }));

    const topic = await kafka.createTopic('smoke', 3);
    const producer = await kafka.producer();
    await producer.send({
      topic,
      messages: records.map((r) => ({ key: r.id, value: JSON.stringify(r) })),
    });

    const consumer = await kafka.consumer('smoke');
    const joined = waitForGroupJoin(consumer);
    const messages = await collectMessages(consumer, topic, records.length);
    await joined;
    const consumed = messages.map((m) => JSON.parse(String(m.value)) as (typeof records)[number]);
    assert.deepEqual(consumed.map((r) => r.id).sort(), records.map((r) => r.id).sort());

    const index = es.prefix('smoke');
    const bulk = await es.client.bulk({
      operations: consumed.flatMap((r) => [{ index: { _index: index, _id: r.id } }, r]),
    });
    assert.equal(bulk.errors, false);
    await es.waitForCount(index, records.length);

    const found = await es.client.search<(typeof records)[number]>({
      index,
      query: { match: { message: 'smoke' } },
      size: records.length,
    });
    assert.deepEqual(found.hits.hits.map((hit) => hit._id).sort(), records.map((r) => r.id).sort());
  });
});
