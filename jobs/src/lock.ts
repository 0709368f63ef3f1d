import { randomUUID } from 'node:crypto';
import type { Client } from '@elastic/elasticsearch';
import { errors } from '@elastic/elasticsearch';

/**
 * A lease held in Elasticsearch so that two job instances never run the same job at once. The
 * document id is the job name; `op_type: create` makes acquisition atomic. A lease carries its
 * expiry: a crashed holder's lease is taken over once expired (with a seq_no check, so two
 * takers cannot both win). The holder renews it while it works, each renewal conditional on the
 * `_seq_no`/`_primary_term` of its own last write, so only the owner can renew and a renewal
 * after a takeover fails instead of stealing the lease back. Release deletes the lease only if
 * it is still ours.
 */
export interface Lease {
  readonly job: string;
  readonly owner: string;
  /** Pushes the expiry one TTL ahead; false when the lease is no longer ours. */
  renew(): Promise<boolean>;
  release(): Promise<void>;
}

/** The lease was taken over while the job ran: the run stopped, the next run resumes it. */
export class LeaseLostError extends Error {
  constructor(readonly job: string) {
    super(`the lease of job ${job} was lost during the run`);
    this.name = 'LeaseLostError';
  }
}

function isStatus(error: unknown, status: number): boolean {
  return error instanceof errors.ResponseError && error.statusCode === status;
}

export async function acquireLease(
  es: Client,
  index: string,
  job: string,
  ttlMs: number,
  now: () => Date = () => new Date(),
): Promise<Lease | undefined> {
  const owner = randomUUID();
  const document = () => ({ owner, expiresAt: new Date(now().getTime() + ttlMs).toISOString() });
  let written: { _seq_no?: number; _primary_term?: number } | undefined;
  try {
    written = await es.index({
      index,
      id: job,
      op_type: 'create',
      document: document(),
      refresh: true,
    });
  } catch (error) {
    if (!isStatus(error, 409)) throw error;
  }
  if (!written) {
    const held = await es.get<{ expiresAt: string }>({ index, id: job }, { ignore: [404] });
    const expired =
      !held.found || !held._source || Date.parse(held._source.expiresAt) <= now().getTime();
    if (!expired) return undefined;
    try {
      written = held.found
        ? await es.index({
            index,
            id: job,
            document: document(),
            if_seq_no: held._seq_no as number,
            if_primary_term: held._primary_term as number,
            refresh: true,
          })
        : await es.index({
            index,
            id: job,
            op_type: 'create',
            document: document(),
            refresh: true,
          });
    } catch (error) {
      if (isStatus(error, 409)) return undefined;
      throw error;
    }
  }
  let version = { seqNo: written._seq_no as number, primaryTerm: written._primary_term as number };
  return {
    job,
    owner,
    async renew() {
      for (let attempt = 1; ; attempt += 1) {
        try {
          const renewed = await es.index({
            index,
            id: job,
            document: document(),
            if_seq_no: version.seqNo,
            if_primary_term: version.primaryTerm,
            refresh: true,
          });
          version = {
            seqNo: renewed._seq_no as number,
            primaryTerm: renewed._primary_term as number,
          };
          return true;
        } catch (error) {
          if (!isStatus(error, 409)) throw error;
        }
        // Our previous renewal may have been applied although its answer was lost: the lease is
        // still ours if it carries our owner id, and we retry once on its current version.
        const held = await es.get<{ owner: string }>({ index, id: job }, { ignore: [404] });
        if (attempt > 1 || !held.found || held._source?.owner !== owner) return false;
        version = { seqNo: held._seq_no as number, primaryTerm: held._primary_term as number };
      }
    },
    async release() {
      const held = await es.get<{ owner: string }>({ index, id: job }, { ignore: [404] });
      if (!held.found || held._source?.owner !== owner) return;
      await es.delete(
        {
          index,
          id: job,
          if_seq_no: held._seq_no as number,
          if_primary_term: held._primary_term as number,
          refresh: true,
        },
        { ignore: [404, 409] },
      );
    },
  };
}

/**
 * Runs `task` under the lease, or returns `{ ran: false }` without running it if another holds
 * it. The lease is renewed every third of its TTL until the task settles, so a run longer than
 * the TTL is not taken over. If a renewal finds the lease gone, `signal` aborts: the task stops
 * at its next check and `withLease` rejects with `LeaseLostError` (a task that still completes
 * keeps its result: the work is done). A renewal that fails on an Elasticsearch error is retried
 * at the next tick; the lease expires only if they all fail.
 */
export async function withLease<T>(
  es: Client,
  index: string,
  job: string,
  ttlMs: number,
  task: (signal: AbortSignal) => Promise<T>,
): Promise<{ ran: true; value: T } | { ran: false }> {
  const lease = await acquireLease(es, index, job, ttlMs);
  if (!lease) return { ran: false };
  const lost = new AbortController();
  let renewing: Promise<void> = Promise.resolve();
  const timer = setInterval(
    () => {
      renewing = renewing.then(async () => {
        if (lost.signal.aborted) return;
        const renewed = await lease.renew().catch(() => true);
        if (!renewed) lost.abort(new LeaseLostError(job));
      });
    },
    Math.floor(ttlMs / 3),
  );
  try {
    return { ran: true, value: await task(lost.signal) };
  } catch (error) {
    if (lost.signal.aborted) throw lost.signal.reason;
    throw error;
  } finally {
    clearInterval(timer);
    await renewing;
    await lease.release();
  }
}
