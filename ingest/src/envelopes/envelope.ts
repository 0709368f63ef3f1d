import type { DeadLetterIssue, DeadLetterReason } from '../../../core/src/schemas/dead-letter.js';

/**
 * Shippers wrap the line a gateway or a service wrote in an envelope of their own before it
 * reaches Kafka. The envelope stage recognises the envelope, takes the inner line out of it, and
 * keeps what the envelope knows about where the line came from (`ShipperFacts`): the envelope is
 * evidence, not noise. A record with no envelope is its own inner line.
 *
 * Contract of the stage (`unwrapRecord`):
 * - pure and total: whatever the input, it returns lines or a rejection, and never throws;
 * - an envelope inside an envelope is opened too, up to MAX_ENVELOPE_DEPTH; `envelopes` lists
 *   them outermost first;
 * - one record may hold several lines (an OTLP export holds many log records), in their order;
 * - a line is a JSON object; a plain-text line from an envelope that carries one is given as
 *   a JSON object built from what the envelope knows (see each envelope's file);
 * - facts of an outer envelope hold unless an inner one knows better (inner wins).
 */

export const ENVELOPE_KINDS = [
  'filebeat',
  'logstash',
  'fluent-bit',
  'vector',
  'docker',
  'cri',
  'syslog',
  'otlp',
] as const;
export type EnvelopeKind = (typeof ENVELOPE_KINDS)[number];

export const MAX_ENVELOPE_DEPTH = 3;

/** What an envelope knows about a line. Every field is optional: shippers differ. */
export interface ShipperFacts {
  /** The shipper's own timestamp: when it read the line (epoch ms). */
  readonly shippedAtMs?: number;
  readonly hostName?: string;
  /** The file the shipper tailed (Filebeat `log.file.path`, rsyslog imfile, OTel `log.file.path`). */
  readonly filePath?: string;
  readonly containerName?: string;
  readonly containerId?: string;
  /** stdout or stderr, for container runtimes. */
  readonly stream?: string;
  readonly kubernetes?: {
    readonly namespace?: string;
    readonly podName?: string;
    readonly containerName?: string;
    readonly labels?: Readonly<Record<string, string>>;
  };
  /** OTel resource `service.name`. */
  readonly resourceServiceName?: string;
  /** A service name the shipper's configuration attached (Filebeat `fields.service`, `service.name`). */
  readonly shipperServiceName?: string;
  /** Syslog APP-NAME / tag: a last hint of what wrote the line. */
  readonly appName?: string;
  /** Trace context an envelope carries beside the line (OTLP `traceId` / `spanId`). */
  readonly traceId?: string;
  readonly spanId?: string;
}

/** One line out of a record, with what the envelopes around it knew. */
export interface UnwrappedLine {
  readonly line: Record<string, unknown>;
  readonly facts: ShipperFacts;
  /** Envelopes opened to reach the line, outermost first; empty for a bare line. */
  readonly envelopes: readonly EnvelopeKind[];
  /**
   * Stable bytes that identify the line for content-derived `_id`s: the inner line's text plus
   * where it was read (host, file, pod, container), without the shipper's timestamp or offsets,
   * so the same line resent by an at-least-once shipper lands on the same document. For a bare
   * record of one line, the record bytes themselves; for several bare lines in one record, each
   * line's own bytes. A plain-text line (no JSON) also includes the shipper's time: without it a
   * service's repeated "health ok" would collapse into one document.
   */
  readonly identity: Buffer;
}

export type UnwrapResult =
  | { readonly kind: 'lines'; readonly lines: readonly UnwrappedLine[] }
  | {
      readonly kind: 'rejected';
      readonly reason: DeadLetterReason;
      readonly issues: readonly DeadLetterIssue[];
      /** Envelopes recognised before the record was found not to hold a log line. */
      readonly envelopes: readonly EnvelopeKind[];
    };
