import { openTrafficLines, transactionEventLine } from './axway.js';
import { shipRecord, type Shipping } from './envelopes.js';
import { GeneratorOptionsSchema, type GeneratorOptionsInput } from './options.js';
import { Random } from './prng.js';
import { serviceLogLines } from './service-logs.js';
import { simulateRequests, type SimulatedRequest } from './traffic.js';
import { buildWorld } from './world.js';

/**
 * One Kafka-ready record: which of Ariane's topics it belongs to, an optional key and the log
 * line. `dueMs` is when a shipper would have sent it; the Kafka target paces on it, other users
 * may ignore it.
 */
export interface TrafficRecord {
  readonly topic: 'gateway' | 'services';
  readonly key?: string;
  readonly value: string;
  readonly dueMs: number;
  /** How a shipper wrapped the line, when one did (`envelopes.ts`): ground truth for tests. */
  readonly shipping?: Shipping;
}

/** What was injected, so tests and benches can check counts against the configured rates. */
export interface TrafficStats {
  requests: number;
  records: number;
  duplicates: number;
  delayed: number;
}

interface Pending {
  readonly record: TrafficRecord;
  readonly order: number;
}

/** A binary min-heap on (dueMs, insertion order): delivery order is total and reproducible. */
class DueQueue {
  private readonly items: Pending[] = [];
  private inserted = 0;

  get size(): number {
    return this.items.length;
  }

  push(record: TrafficRecord): void {
    this.items.push({ record, order: this.inserted++ });
    let index = this.items.length - 1;
    while (index > 0) {
      const parent = (index - 1) >> 1;
      if (!this.before(index, parent)) break;
      this.swap(index, parent);
      index = parent;
    }
  }

  peekDue(): number | undefined {
    return this.items[0]?.record.dueMs;
  }

  pop(): TrafficRecord | undefined {
    const top = this.items[0];
    const last = this.items.pop();
    if (!top || !last) return undefined;
    if (this.items.length > 0) {
      this.items[0] = last;
      let index = 0;
      for (;;) {
        const left = index * 2 + 1;
        const right = left + 1;
        let smallest = index;
        if (left < this.items.length && this.before(left, smallest)) smallest = left;
        if (right < this.items.length && this.before(right, smallest)) smallest = right;
        if (smallest === index) break;
        this.swap(index, smallest);
        index = smallest;
      }
    }
    return top.record;
  }

  private before(a: number, b: number): boolean {
    const left = this.items[a] as Pending;
    const right = this.items[b] as Pending;
    return (
      left.record.dueMs < right.record.dueMs ||
      (left.record.dueMs === right.record.dueMs && left.order < right.order)
    );
  }

  private swap(a: number, b: number): void {
    [this.items[a], this.items[b]] = [this.items[b] as Pending, this.items[a] as Pending];
  }
}

/**
 * Renders one request's records in the order its sources wrote them: service lines as they
 * happen, gateway lines once the transaction ends (Axway writes after completion), the gateway
 * lines of one transaction shuffled since they are separate records with no guaranteed order.
 */
export function requestRecords(request: SimulatedRequest, random: Random): TrafficRecord[] {
  const gatewayLines = request.asTransactionEvent
    ? [transactionEventLine(request, random)]
    : random.shuffle(openTrafficLines(request, random));
  const records: TrafficRecord[] = gatewayLines.map((line) => ({
    topic: 'gateway',
    key: request.correlationId,
    value: line.value,
    dueMs: line.writtenAtMs,
  }));
  for (const line of serviceLogLines(request, random))
    records.push({ topic: 'services', value: line.value, dueMs: line.writtenAtMs });
  return records;
}

/**
 * The generator's main entry: Kafka records for the simulated traffic, in delivery order, with
 * duplicates and late records injected at the configured rates. Pure and lazy: the same options
 * give the same sequence, and an unbounded run can be consumed for as long as needed.
 * `onRequest` sees each simulated request (the ground truth) as it is rendered.
 */
export function* generateRecords(
  input: GeneratorOptionsInput,
  stats: TrafficStats = { requests: 0, records: 0, duplicates: 0, delayed: 0 },
  onRequest?: (request: SimulatedRequest) => void,
): Generator<TrafficRecord> {
  const options = GeneratorOptionsSchema.parse(input);
  const random = Random.derive(options.seed, 'records');
  // A stream of its own: the share of enveloped records changes no other draw.
  const shipping = Random.derive(options.seed, 'envelopes');
  const world = buildWorld(options);
  const queue = new DueQueue();
  const release = function* (untilMs: number): Generator<TrafficRecord> {
    for (let due = queue.peekDue(); due !== undefined && due <= untilMs; due = queue.peekDue()) {
      const record = queue.pop() as TrafficRecord;
      stats.records += 1;
      yield record;
    }
  };
  for (const request of simulateRequests(options, world)) {
    // Every later record is due at or after this start, so whatever is due by now can go.
    yield* release(request.startMs);
    stats.requests += 1;
    onRequest?.(request);
    for (const rendered of requestRecords(request, random)) {
      const record = shipRecord(rendered, options.envelopeShare, shipping, world.gateways);
      const late = random.chance(options.faults.outOfOrder);
      if (late) stats.delayed += 1;
      const delivered = late
        ? { ...record, dueMs: record.dueMs + random.int(1_000, 30_000) }
        : record;
      queue.push(delivered);
      if (random.chance(options.faults.duplicate)) {
        stats.duplicates += 1;
        queue.push({ ...delivered, dueMs: delivered.dueMs + random.int(0, 5_000) });
      }
    }
  }
  yield* release(Number.POSITIVE_INFINITY);
}
