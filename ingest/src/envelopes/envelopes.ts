import { parseCriLine } from './cri.js';
import { isDocker, openDocker } from './docker.js';
import type { EnvelopeKind } from './envelope.js';
import { isFilebeat, openFilebeat } from './filebeat.js';
import { isFluentBit, openFluentBit } from './fluent-bit.js';
import { isLogstash, openLogstash } from './logstash.js';
import type { Opened, TextLine } from './opened.js';
import { isOtlp, openOtlp } from './otlp.js';
import type { JsonObject } from './read.js';
import { parseSyslogLine } from './syslog.js';
import { isVector, openVector } from './vector.js';

/** An envelope that is a JSON object around the line. */
export interface ObjectEnvelope {
  readonly kind: EnvelopeKind;
  readonly wraps: 'object';
  /** The envelope's markers are there (cheap; the inner text is checked by the caller). */
  readonly recognise: (record: JsonObject) => boolean;
  readonly open: (record: JsonObject) => Opened;
}

/** An envelope that is a prefix of a text line. */
export interface TextEnvelope {
  readonly kind: EnvelopeKind;
  readonly wraps: 'text';
  /** The line read through this envelope, or undefined when it is not one. */
  readonly parse: (line: string) => TextLine | undefined;
}

export type Envelope = ObjectEnvelope | TextEnvelope;

/**
 * Every envelope, in detection order: the first whose markers match, and whose inner text fits
 * (see `InnerItem.plainText`), opens the record. Exact or unmistakable shapes come first (OTLP's
 * `resourceLogs`, Docker's three keys, Vector's `source_type`) so that a looser rule further
 * down (Fluent Bit's `log` + `time`) never claims them. Logstash precedes Filebeat: in ECS mode it
 * writes `log.file.path` too, and only Logstash adds `@version`. Adding a shipper is one row here.
 */
export const ENVELOPES: readonly Envelope[] = [
  { kind: 'otlp', wraps: 'object', recognise: isOtlp, open: openOtlp },
  { kind: 'docker', wraps: 'object', recognise: isDocker, open: openDocker },
  { kind: 'vector', wraps: 'object', recognise: isVector, open: openVector },
  { kind: 'logstash', wraps: 'object', recognise: isLogstash, open: openLogstash },
  { kind: 'filebeat', wraps: 'object', recognise: isFilebeat, open: openFilebeat },
  { kind: 'fluent-bit', wraps: 'object', recognise: isFluentBit, open: openFluentBit },
  { kind: 'cri', wraps: 'text', parse: parseCriLine },
  { kind: 'syslog', wraps: 'text', parse: parseSyslogLine },
];

export const OBJECT_ENVELOPES = ENVELOPES.filter((e): e is ObjectEnvelope => e.wraps === 'object');
export const TEXT_ENVELOPES = ENVELOPES.filter((e): e is TextEnvelope => e.wraps === 'text');
