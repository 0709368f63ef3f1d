import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { loadDenyList, selectorDigester } from '../../../core/src/anonymisation/deny-list-store.js';
import { type Operation } from '../../../core/src/anonymisation/operations.js';
import {
  findOperation,
  queueAnonymisation,
} from '../../../core/src/anonymisation/operation-log.js';
import { indexNames } from '../../../core/src/es/index-names.js';
import type { TraceEvent } from '../../../core/src/schemas/trace-event.js';
import {
  runQueuedOperations,
  type AnonymisationDeps,
} from '../../../jobs/src/anonymisation/run-operation.js';
import { deletedDocsOnDisk } from '../../../jobs/src/anonymisation/erase.js';
import { elasticsearchErasureStore } from '../../../jobs/src/anonymisation/erasure-store.js';
import { JobError } from '../../../jobs/src/errors.js';
import { EsTestContext } from '../../helpers/elasticsearch.js';
import {
  anonymisationTestDeps,
  prepareAnonymisationIndices,
  PERSONAL,
  personalEvent,
  sourcesOf,
  TEST_DENYLIST_KEY,
} from '../../helpers/jobs.js';

const DAY1 = '2024.03.10';
const DAY2 = '2024.03.11';

function other(overrides: Partial<TraceEvent> = {}): TraceEvent {
  return personalEvent({
    http: { request: { id: 'req-other-1', method: 'POST' }, response: { status_code: 201 } },
    client: { ip: '192.0.2.10' },
    user: { id: 'user-1111' },
    network: { direction: 'inbound' },
    message: 'user user-1111 logged in',
    ...overrides,
    ariane: {
      ...personalEvent().ariane,
      session_id: 'sess-other',
      client_id: 'client-other',
      correlation_ids: ['corr-other'],
    },
    transaction: { id: 'corr-other' },
  });
}

describe('anonymisation job', () => {
  const ctx = new EsTestContext();
  const prefix = ctx.prefix('jobs-anon');
  const names = indexNames(prefix);
  const es = ctx.client;
  const deps = anonymisationTestDeps(es, names);
  const untouched: Record<string, unknown>[] = [];

  before(async () => {
    await prepareAnonymisationIndices(es, names, prefix);
    const docs: [string, string, TraceEvent][] = [
      [DAY1, 'target-leg0', personalEvent({ '@timestamp': '2024-03-10T10:00:00.000Z' })],
      [DAY1, 'target-leg1', personalEvent({ '@timestamp': '2024-03-10T10:00:00.200Z' })],
      [
        DAY2,
        'target-next',
        personalEvent({
          '@timestamp': '2024-03-11T09:00:00.000Z',
          http: { request: { id: 'req-second', method: 'GET' } },
        }),
      ],
      [DAY1, 'other-user', other({ '@timestamp': '2024-03-10T11:00:00.000Z' })],
      [
        DAY2,
        'other-tenant',
        personalEvent({
          '@timestamp': '2024-03-11T10:00:00.000Z',
          organization: { id: 'tenant-b' },
        }),
      ],
    ];
    await es.bulk({
      refresh: true,
      operations: docs.flatMap(([day, id, doc]) => [
        { index: { _index: names.eventsPrefix + day, _id: id } },
        doc,
      ]),
    });
    for (const day of [DAY1, DAY2])
      untouched.push(
        ...(await sourcesOf(es, names.eventsPrefix + day)).filter((d) =>
          String(d._id).startsWith('other'),
        ),
      );
  });
  after(() => ctx.close());

  let operation: Operation;

  test('a queued operation holds no clear value and is pending', async () => {
    operation = await queueAnonymisation(es, names, {
      tenant: 'tenant-a',
      requestedBy: 'officer-1',
      request: { selector: { type: 'user_id', value: 'user-8812' }, reason: 'DPO ticket 77' },
    });
    assert.equal(operation.status, 'pending');
    const stored = await findOperation(es, names, operation.operationId, 'tenant-a');
    assert.ok(!JSON.stringify(stored).includes('user-8812'));
    assert.equal(await findOperation(es, names, operation.operationId, 'tenant-b'), undefined);
  });

  test('the job anonymises every matching event of the tenant and verifies it', async () => {
    const [done] = await runQueuedOperations(deps, new Date());
    assert.ok(done);
    assert.equal(done.status, 'done', JSON.stringify(done.result));
    assert.equal(done.result?.eventsMatched, 3);
    assert.equal(done.result?.eventsAnonymised, 3);
    assert.deepEqual(
      done.result?.indicesTouched,
      [DAY1, DAY2].map((d) => names.eventsPrefix + d),
    );
    assert.equal(done.result?.verification?.passed, true);
    assert.deepEqual(done.progress, { done: 3, total: 3 });
    const polled = await findOperation(es, names, operation.operationId, 'tenant-a');
    assert.equal(polled?.status, 'done');
  });

  test('zero occurrences of the original values remain in the tenant’s events', async () => {
    for (const day of [DAY1, DAY2]) {
      const index = names.eventsPrefix + day;
      const tenantA = (await sourcesOf(es, index)).filter(
        (d) =>
          (d.organization as { id: string }).id === 'tenant-a' &&
          !String(d._id).startsWith('other'),
      );
      const text = JSON.stringify(tenantA);
      for (const value of PERSONAL)
        assert.ok(!text.includes(value), `${index} still holds ${value}`);
      assert.ok(!text.includes('target-'), 'old _ids were replaced');
      const anywhere = await es.count({
        index,
        query: {
          bool: {
            filter: [
              { term: { 'organization.id': 'tenant-a' } },
              { multi_match: { query: 'user-8812', fields: ['*'], type: 'phrase', lenient: true } },
            ],
          },
        },
      });
      assert.equal(anywhere.count, 0);
      assert.equal(await deletedDocsOnDisk(elasticsearchErasureStore(es, names.locks), index), 0);
    }
    const lookup = await es.search({
      index: names.eventsPrefix + DAY1,
      size: 0,
      aggs: { users: { terms: { field: 'user.id', min_doc_count: 0, include: ['user-8812'] } } },
    });
    assert.deepEqual((lookup.aggregations?.users as { buckets: unknown[] }).buckets, []);
  });

  test('non-targeted events are unchanged, another tenant’s too', async () => {
    const now: Record<string, unknown>[] = [];
    for (const day of [DAY1, DAY2])
      now.push(
        ...(await sourcesOf(es, names.eventsPrefix + day)).filter((d) =>
          String(d._id).startsWith('other'),
        ),
      );
    assert.deepEqual(now, untouched);
  });

  test('the request timeline still rebuilds under a fresh id', async () => {
    const found = await es.search<TraceEvent>({
      index: names.eventsPrefix + DAY1,
      query: { term: { 'ariane.anonymisation_id': operation.operationId } },
      sort: [{ '@timestamp': 'asc' }],
    });
    const legs = found.hits.hits.map((hit) => hit._source as TraceEvent);
    assert.equal(legs.length, 2);
    const requestId = legs[0]?.http?.request?.id;
    assert.ok(requestId && requestId !== 'req-41aa7d2b');
    const timeline = await es.count({
      index: names.eventsPattern,
      query: { term: { 'http.request.id': requestId } },
    });
    assert.equal(timeline.count, 2);
    assert.equal(legs[0]?.service.name, 'referentiels');
    assert.equal(legs[0]?.http?.response?.status_code, 200);
  });

  test('audit, operations, requests and deny list hold no personal data', async () => {
    for (const index of [
      names.audit,
      names.operations,
      names.anonymisationRequests,
      names.denyList,
    ]) {
      const text = JSON.stringify(await sourcesOf(es, index));
      for (const value of PERSONAL) assert.ok(!text.includes(value), `${index} holds ${value}`);
      const hits = await es.count({
        index,
        query: { simple_query_string: { query: '"user-8812"', fields: ['*'], lenient: true } },
      });
      assert.equal(hits.count, 0);
    }
    assert.equal(
      await deletedDocsOnDisk(
        elasticsearchErasureStore(es, names.locks),
        names.anonymisationRequests,
      ),
      0,
    );
    const audit = await sourcesOf(es, names.audit);
    assert.equal(audit.length, 1);
    assert.equal((audit[0]?.details as { selectorType: string }).selectorType, 'user_id');
  });

  test('a late event for the selector matches the deny list', async () => {
    const list = await loadDenyList(es, names, selectorDigester(TEST_DENYLIST_KEY));
    assert.equal(list.match(personalEvent()), operation.operationId);
    assert.equal(list.match(personalEvent({ organization: { id: 'tenant-b' } })), undefined);
  });

  test('a crashed run stays running and the next run resumes it to done', async () => {
    const crashing = await queueAnonymisation(es, names, {
      tenant: 'tenant-a',
      requestedBy: 'officer-1',
      request: { selector: { type: 'client_ip', value: '192.0.2.10' }, reason: 'DPO ticket 78' },
    });
    const crash: AnonymisationDeps = {
      ...deps,
      // A transient failure mid-run: the operation stays running and the next run resumes it.
      afterBatch: () =>
        Promise.reject(new JobError('ARIANE_STORE_UNAVAILABLE', 'simulated crash', true)),
    };
    await assert.rejects(runQueuedOperations(crash, new Date()), /simulated crash/);
    const interrupted = await findOperation(es, names, crashing.operationId, 'tenant-a');
    assert.equal(interrupted?.status, 'running');
    assert.equal(interrupted?.attempts, 1);
    const [resumed] = await runQueuedOperations(deps, new Date());
    assert.equal(resumed?.status, 'done', JSON.stringify(resumed?.result));
    assert.equal(resumed?.attempts, 2);
    assert.equal(resumed?.result?.eventsAnonymised, 1);
    const left = await es.count({
      index: names.eventsPattern,
      query: { term: { 'client.ip': '192.0.2.10' } },
    });
    assert.equal(left.count, 0);
  });

  test('an unexpected error ends the operation failed instead of leaving it running', async () => {
    await es.index({
      index: names.eventsPrefix + DAY1,
      id: 'bug-target',
      refresh: true,
      document: other({ '@timestamp': '2024-03-10T12:00:00.000Z', user: { id: 'user-bug' } }),
    });
    const queued = await queueAnonymisation(es, names, {
      tenant: 'tenant-a',
      requestedBy: 'officer-1',
      request: { selector: { type: 'user_id', value: 'user-bug' }, reason: 'DPO ticket 79' },
    });
    const buggy: AnonymisationDeps = {
      ...deps,
      afterBatch: () => Promise.reject(new TypeError('a bug')),
    };
    const [ended] = await runQueuedOperations(buggy, new Date());
    assert.equal(ended?.operationId, queued.operationId);
    assert.equal(ended?.status, 'failed');
    assert.deepEqual(
      ended?.result?.errors.map((e) => e.code),
      ['ARIANE_INTERNAL'],
    );
    assert.equal((await runQueuedOperations(deps, new Date())).length, 0, 'not retried');
  });
});
