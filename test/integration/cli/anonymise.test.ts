import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Operation } from '../../../core/src/anonymisation/operations.js';
import { createLogger } from '../../../core/src/observability/logger.js';
import {
  runQueuedOperations,
  type AnonymisationDeps,
} from '../../../jobs/src/anonymisation/run-operation.js';
import { waitFor } from '../../helpers/wait.js';
import { ariane } from '../../helpers/cli.js';
import { startQueryApi, TIMELINE_FIXTURES, type RunningApi } from '../../helpers/timelines.js';

/**
 * `ariane anonymise` and `ariane operations`, the real binary against a real query API that
 * queues operations in real Elasticsearch; the jobs' anonymisation run, in-process, executes them.
 */

void describe('ariane anonymise and operations against the real API', () => {
  let api: RunningApi;
  let env: Record<string, string>;
  let deps: AnonymisationDeps;

  before(async () => {
    api = await startQueryApi('cli-anon', TIMELINE_FIXTURES, { operations: true });
    env = { ARIANE_API_URL: api.url, ARIANE_TOKEN: api.token, ARIANE_TENANT: 'tenant-a' };
    deps = {
      es: api.es.client,
      names: api.names,
      logger: createLogger('cli-anonymise-test', 'silent'),
      denyListKey: 'cli-test-deny-list-key-0123456789abcdef',
      denyListTtlMs: 20 * 86_400_000,
      keepSessionLinkage: false,
    };
  });
  after(() => api?.close());

  const anonymise = (type: string, value: string, ...more: string[]) =>
    ariane(
      [
        '--json',
        'anonymise',
        '--type',
        type,
        '--value',
        value,
        '--reason',
        'DPO ticket 42',
        ...more,
      ],
      env,
    );

  void test('--no-wait prints the operation id; the job runs it; operations show and list it', async () => {
    const queued = await anonymise('request_id', 'req-ok', '--no-wait');
    assert.equal(queued.code, 0, queued.stderr);
    const { operationId } = JSON.parse(queued.stdout) as { operationId: string };
    assert.ok(operationId);

    const pending = await ariane(['--json', 'operations', 'show', operationId], env);
    assert.equal(pending.code, 0, pending.stderr);
    assert.equal((JSON.parse(pending.stdout) as Operation).status, 'pending');

    const [ran] = await runQueuedOperations(deps, new Date());
    assert.equal(ran?.operationId, operationId);

    const shown = await ariane(['--json', 'operations', 'show', operationId], env);
    assert.equal(shown.code, 0, shown.stderr);
    const operation = JSON.parse(shown.stdout) as Operation;
    assert.equal(operation.status, 'done', shown.stdout);
    assert.equal(operation.result?.eventsAnonymised, 3);
    assert.ok(!shown.stdout.includes('req-ok'), 'the operation holds no clear value');

    const listed = await ariane(['--json', 'operations', 'list'], env);
    assert.equal(listed.code, 0, listed.stderr);
    assert.ok(listed.stdout.includes(operationId));
  });

  void test('without --no-wait it follows the operation and exits 0 once the job has done it', async () => {
    const following = anonymise('request_id', 'req-missing');
    // The command queues first; the job then picks the operation up while the CLI polls.
    const ran = await waitFor(
      'the CLI to queue its operation and the job to run it',
      async () => {
        const done = await runQueuedOperations(deps, new Date());
        return done.length > 0 ? done : undefined;
      },
      { timeoutMs: 120_000, intervalMs: 200 },
    );
    const result = await following;
    assert.equal(result.code, 0, result.stderr);
    const final = JSON.parse(result.stdout) as Operation;
    assert.equal(final.operationId, ran[0]?.operationId);
    assert.equal(final.status, 'done');
    assert.equal(final.result?.eventsAnonymised, 2);
  });
});
