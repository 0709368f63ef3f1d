import type { EnvelopeKind, ShipperFacts } from '../envelopes/envelope.js';
import type { FieldMapping } from '../formats/field-mapping.js';
import type { ServiceNameRules } from '../formats/service-log/service-identity.js';
import type { TimePolicy } from './event-time.js';

/** Where a record came from; copied into `ariane.source`, never part of an `_id`. */
export interface RecordOrigin {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
}

/** What normalising one record needs besides its bytes: settings and the ingest clock. */
export interface NormaliseContext {
  readonly origin: RecordOrigin;
  /** The record value as received. */
  readonly raw: Buffer;
  readonly nowMs: number;
  readonly time: TimePolicy;
  readonly mapping: FieldMapping;
  /** Configured service names by topic and file path; none by default. */
  readonly serviceNames?: ServiceNameRules;
}

/** One line out of the record, with what its envelopes knew (`envelopes/envelope.ts`). */
export interface LineContext extends NormaliseContext {
  readonly facts: ShipperFacts;
  readonly envelopes: readonly EnvelopeKind[];
  /** The bytes content-derived `_id`s hash: the line plus where it was read, never offsets. */
  readonly identity: Buffer;
}
