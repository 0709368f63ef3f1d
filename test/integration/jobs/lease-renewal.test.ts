import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { indexNames } from '../../../core/src/es/index-names.js';
import { acquireLease, LeaseLostError, withLease } from '../../../jobs/src/lock.js';
import { EsTestContext } from '../../helpers/elasticsearch.js';
import { waitFor } from '../../helpers/wait.js';

/** A TTL far shorter than any real one, so that a run outlives it within the test. */
const TTL_MS = 1_500;

describe('job lease renewal', () => {
  const ctx = new EsTestContext();
  const names = indexNames(ctx.prefix('jobs-lease'));
  const es = ctx.client;
  after(() => ctx.close());

  const heldLease = async (job: string) => {
    const held = await es.get<{ owner: string; expiresAt: string }>({
      index: names.locks,
      id: job,
    });
    assert.ok(held._source);
    return held._source;
  };

  test('a run longer than the TTL keeps its lease: nobody else can take it', async () => {
    const outcome = await withLease(es, names.locks, 'long-run', TTL_MS, async (signal) => {
      const first = Date.parse((await heldLease('long-run')).expiresAt);
      // Wait past the first expiry, then until the lease has been renewed beyond it.
      await waitFor('the first expiry to pass', () =>
        Promise.resolve(Date.now() > first ? true : undefined),
      );
      await waitFor('a renewal beyond the first expiry', async () =>
        Date.parse((await heldLease('long-run')).expiresAt) > Date.now() ? true : undefined,
      );
      assert.equal(await acquireLease(es, names.locks, 'long-run', TTL_MS), undefined);
      assert.equal(signal.aborted, false);
      return 'finished';
    });
    assert.deepEqual(outcome, { ran: true, value: 'finished' });
    const released = await es.get({ index: names.locks, id: 'long-run' }, { ignore: [404] });
    assert.equal(released.found, false);
  });

  test('a lease taken over during the run aborts it, and the new holder keeps it', async () => {
    let aborted = false;
    const run = withLease(es, names.locks, 'lost-run', TTL_MS, async (signal) => {
      // Another instance overwrites the lease, as a takeover after a missed renewal would.
      await es.index({
        index: names.locks,
        id: 'lost-run',
        document: {
          owner: 'other-instance',
          expiresAt: new Date(Date.now() + 60_000).toISOString(),
        },
        refresh: true,
      });
      await waitFor('the run to be told its lease is lost', () =>
        Promise.resolve(signal.aborted ? true : undefined),
      );
      aborted = true;
      signal.throwIfAborted();
      return 'should not finish';
    });
    await assert.rejects(run, LeaseLostError);
    assert.equal(aborted, true);
    assert.equal((await heldLease('lost-run')).owner, 'other-instance');
  });
});
