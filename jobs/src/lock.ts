import { randomUUID } from 'node:crypto';
import type { Client } from '@elastic/elasticsearch';
import { errors } from '@elastic/elasticsearch';

/**
 * A lease held in Elasticsearch so that two job instances never run the same job at once. The
 * document id is the job name; `op_type: create` makes acquisition atomic. A lease carries its
 * expiry: a crashed holder's lease is taken over once expired (with a seq_no check, so two
 * takers cannot both win). Release deletes the lease only if it is still ours.
 */
export interface Lease {
  readonly job: string;
  readonly owner: string;
  release(): Promise<void>;
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
  let acquired = false;
  try {
    await es.index({ index, id: job, op_type: 'create', document: document(), refresh: true });
    acquired = true;
  } catch (error) {
    if (!isStatus(error, 409)) throw error;
  }
  if (!acquired) {
    const held = await es.get<{ expiresAt: string }>({ index, id: job }, { ignore: [404] });
    const expired =
      !held.found || !held._source || Date.parse(held._source.expiresAt) <= now().getTime();
    if (!expired) return undefined;
    try {
      if (held.found)
        await es.index({
          index,
          id: job,
          document: document(),
          if_seq_no: held._seq_no as number,
          if_primary_term: held._primary_term as number,
          refresh: true,
        });
      else
        await es.index({ index, id: job, op_type: 'create', document: document(), refresh: true });
    } catch (error) {
      if (isStatus(error, 409)) return undefined;
      throw error;
    }
  }
  return {
    job,
    owner,
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

/** Runs `task` under the lease, or returns `undefined` without running it if another holds it. */
export async function withLease<T>(
  es: Client,
  index: string,
  job: string,
  ttlMs: number,
  task: () => Promise<T>,
): Promise<{ ran: true; value: T } | { ran: false }> {
  const lease = await acquireLease(es, index, job, ttlMs);
  if (!lease) return { ran: false };
  try {
    return { ran: true, value: await task() };
  } finally {
    await lease.release();
  }
}
