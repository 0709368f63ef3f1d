import type { LineContext } from '../pipeline/normalise-context.js';
import type { Normalised } from '../pipeline/normalised.js';

/** What a topic carries: `gateway` topics hold Axway lines or generic access logs, told apart by shape. */
export type TopicKind = 'gateway' | 'services';

export const FORMAT_NAMES = [
  'axway-event-log',
  'axway-open-traffic',
  'generic-access-log',
  'service-log',
] as const;
export type FormatName = (typeof FORMAT_NAMES)[number];

/**
 * One input format: the lines a gateway or a service writes, once any shipper envelope is
 * opened. Each format lives in its own folder (its zod schema and its normaliser); the table in
 * `formats.ts` lists them in the order they are tried.
 */
export interface InputFormat {
  readonly name: FormatName;
  readonly topic: TopicKind;
  /**
   * A cheap shape test, no validation: the first format of the topic that claims a line reads
   * it, and a line it claims but cannot validate is dead-lettered with that format's issues.
   */
  claims(line: Record<string, unknown>): boolean;
  /** Validates and normalises. Total: never throws. */
  normalise(line: Record<string, unknown>, ctx: LineContext): Normalised;
}
