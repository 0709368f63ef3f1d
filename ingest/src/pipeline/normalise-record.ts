import type { EnvelopeKind, UnwrappedLine } from '../envelopes/envelope.js';
import { unwrapRecord } from '../envelopes/unwrap.js';
import { formatFor } from '../formats/formats.js';
import type { FormatName, InputFormat, TopicKind } from '../formats/input-format.js';
import type { LineContext, NormaliseContext } from './normalise-context.js';
import { reject, type IndexableEvent, type Normalised, type Rejection } from './normalised.js';
import { applyShipperFacts } from './shipper-facts.js';

/** What a record was read as, for the metrics and the dead letter. */
export interface RecordReading {
  /** The format of each line that reached one, in order. */
  readonly formats: readonly FormatName[];
  /** Envelopes opened around the (first) line, outermost first. */
  readonly envelopes: readonly EnvelopeKind[];
}

export type RecordResult = Normalised & RecordReading;

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });
const NOTHING: RecordReading = { formats: [], envelopes: [] };

/**
 * Decodes, unwraps, validates and normalises one record value. Pure and total: whatever the
 * bytes, it returns events, a skip, an expiry or a rejection with a reason, and never throws.
 *
 * The stages, in order:
 * 1. decode: size limit, UTF-8 (a byte-order mark is dropped);
 * 2. unwrap: shipper envelopes opened, down to the line(s) the gateway or service wrote, with
 *    what the envelopes knew (`envelopes/`);
 * 3. format: the first format of the topic that claims the line (`formats/formats.ts`);
 * 4. normalise: the format validates the line and builds documents, time policy applied;
 * 5. shipper facts: host, pod, container, file and shipper time from the envelope.
 * Then, in the batch (`process-batch.ts`): the deny list, the bulk write, the dead letters and
 * the commit.
 */
export function normaliseRecord(
  value: Buffer | null,
  kind: TopicKind,
  maxRecordBytes: number,
  ctx: NormaliseContext,
): RecordResult {
  if (value === null || value.length === 0)
    return withReading(reject('invalid_json', [{ path: '(root)', message: 'empty record' }]));
  if (value.length > maxRecordBytes)
    return withReading(
      reject('too_large', [{ path: '(root)', message: `record exceeds ${maxRecordBytes} bytes` }]),
    );
  let text: string;
  try {
    text = utf8.decode(value);
  } catch {
    return withReading(reject('invalid_utf8', [{ path: '(root)', message: 'not valid UTF-8' }]));
  }
  const unwrapped = unwrapRecord(text, ctx.raw);
  if (unwrapped.kind === 'rejected')
    return {
      kind: 'rejected',
      reason: unwrapped.reason,
      issues: unwrapped.issues,
      formats: [],
      envelopes: unwrapped.envelopes,
    };
  const formats: FormatName[] = [];
  const results = unwrapped.lines.map((line) => {
    const lineCtx: LineContext = {
      ...ctx,
      facts: line.facts,
      envelopes: line.envelopes,
      identity: line.identity,
    };
    const format = formatFor(kind, line.line);
    formats.push(format.name);
    return withShipperFacts(normaliseLine(format, line, lineCtx), lineCtx);
  });
  return { ...combine(results), formats, envelopes: unwrapped.lines[0]?.envelopes ?? [] };
}

function withReading(result: Normalised): RecordResult {
  return { ...result, ...NOTHING };
}

function normaliseLine(format: InputFormat, line: UnwrappedLine, ctx: LineContext): Normalised {
  try {
    return format.normalise(line.line, ctx);
  } catch {
    // Unreachable by design (the property test feeds arbitrary input); kept so one unforeseen
    // shape dead-letters a record instead of stopping a partition.
    return reject('schema_mismatch', [{ path: '(root)', message: 'could not be normalised' }]);
  }
}

function withShipperFacts(result: Normalised, ctx: LineContext): Normalised {
  if (result.kind !== 'events' || ctx.envelopes.length === 0) return result;
  return {
    ...result,
    events: result.events.map((event) => ({ ...event, doc: applyShipperFacts(event.doc, ctx) })),
  };
}

/**
 * One record's lines into one result: events if any line gave events (with the first failing
 * line's rejection beside them, see `Normalised`), else the first rejection, else a skip or an
 * expiry.
 */
function combine(results: readonly Normalised[]): Normalised {
  if (results.length === 1) return results[0]!;
  const events: IndexableEvent[] = [];
  let expired = 0;
  let rejected: Rejection | undefined;
  let skipped: Normalised | undefined;
  for (const result of results) {
    if (result.kind === 'events') {
      events.push(...result.events);
      expired += result.expired;
      rejected ??= result.rejected;
    } else if (result.kind === 'expired') expired += result.count;
    else if (result.kind === 'rejected')
      rejected ??= { reason: result.reason, issues: result.issues };
    else skipped ??= result;
  }
  if (events.length > 0)
    return { kind: 'events', events, expired, ...(rejected !== undefined && { rejected }) };
  if (rejected !== undefined) return { kind: 'rejected', ...rejected };
  if (expired > 0) return { kind: 'expired', count: expired };
  return (
    skipped ?? reject('invalid_json', [{ path: '(root)', message: 'no log line in the record' }])
  );
}
