import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { after, before, describe, test } from 'node:test';
import { createElasticsearchClient } from '../../../core/src/es/client.js';
import { FIXTURE_START_MS, shiftedFixture } from '../../helpers/ingest.js';
import { IngestTestStack } from '../../helpers/ingest-stack.js';
import { TcpProxy } from '../../helpers/tcp-proxy.js';
import { waitFor } from '../../helpers/wait.js';

/** `count` distinct service log lines, an hour old. */
function serviceLines(count: number): string[] {
  const base = shiftedFixture('service-ecs', Date.now() - 3_600_000 - FIXTURE_START_MS);
  return Array.from({ length: count }, (_, i) =>
    JSON.stringify({ ...base, message: `line ${i}`, 'http.request.id': `req-${i}` }),
  );
}

void describe('Elasticsearch unreachable mid-stream', () => {
  const stack = new IngestTestStack();
  let proxy: TcpProxy;
  before(async () => {
    await stack.setUp();
    const target = new URL(stack.config.ES_URL);
    proxy = await TcpProxy.start(target.hostname, Number(target.port || 9200));
  });
  after(async () => {
    await stack.close();
    await proxy.close();
  });

  void test('nothing is committed while it is down; afterwards every event is indexed exactly once', async () => {
    const es = createElasticsearchClient({
      ...stack.config,
      ES_URL: `${new URL(stack.config.ES_URL).protocol}//127.0.0.1:${proxy.port}`,
    });
    try {
      const ingest = await stack.start(es);
      await stack.produce(stack.topics.services, serviceLines(50));
      await stack.es.waitForCount(stack.eventsPattern, 50);
      await stack.waitUntilCaughtUp();

      proxy.cut();
      await stack.produce(stack.topics.services, serviceLines(250).slice(50));
      await waitFor('bulk retries', async () => {
        const retried = await ingest.metrics.retried.get();
        return (retried.values[0]?.value ?? 0) > 0 ? true : undefined;
      });
      assert.equal(await stack.lag(), 200, 'no offset committed during the outage');

      proxy.restore();
      await stack.waitUntilCaughtUp();
      await stack.es.waitForCount(stack.eventsPattern, 250);
    } finally {
      await stack.stop();
      await es.close();
    }
  });
});

void describe('ingest killed with SIGKILL mid-stream', () => {
  const stack = new IngestTestStack({
    INGEST_BULK_MAX_DOCS: '50',
    INGEST_OPS_PORT: '0',
    // The killed member's partitions are handed over once its session expires.
    INGEST_SESSION_TIMEOUT_MS: '8000',
  });
  const children: ChildProcess[] = [];
  before(() => stack.setUp());
  after(async () => {
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
    await stack.close();
  });

  const spawnIngest = () => {
    const env: NodeJS.ProcessEnv = { ...process.env, LOG_LEVEL: 'warn' };
    for (const [name, value] of Object.entries(stack.config))
      if (/^(INGEST|ARIANE|ANONYMISATION)_/.test(name)) env[name] = String(value);
    const child = spawn(process.execPath, ['--import', 'tsx', 'ingest/src/main.ts'], {
      env,
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    children.push(child);
    return child;
  };

  void test('restarted, it indexes every event exactly once', async () => {
    const total = 3000;
    const producer = await stack.kafka.producer();
    const lines = serviceLines(total);
    for (let i = 0; i < total; i += 500)
      await producer.send({
        topic: stack.topics.services,
        acks: -1,
        messages: lines.slice(i, i + 500).map((value) => ({ value })),
      });

    const first = spawnIngest();
    await waitFor(
      'the first documents',
      async () => {
        await stack.es.client.indices.refresh({
          index: stack.eventsPattern,
          allow_no_indices: true,
        });
        const { count } = await stack.es.client.count({
          index: stack.eventsPattern,
          allow_no_indices: true,
        });
        return count > 0 ? true : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 20 },
    );
    first.kill('SIGKILL');
    await once(first, 'exit');
    assert.ok((await stack.lag()) > 0, 'killed before it finished');

    const second = spawnIngest();
    await stack.waitUntilCaughtUp(120_000);
    await stack.es.waitForCount(stack.eventsPattern, total);
    second.kill('SIGTERM');
    const [code] = (await once(second, 'exit')) as [number | null];
    assert.equal(code, 0, 'SIGTERM exits cleanly');
  });
});
