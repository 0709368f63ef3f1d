import type { ShipperFacts } from './envelope.js';
import type { JsonObject } from './read.js';

/** One thing an object envelope holds: its inner text and what the envelope knows about it. */
export interface InnerItem {
  readonly text: string;
  readonly facts: ShipperFacts;
  /**
   * What plain text inside (neither a JSON object, a CRI line nor a syslog line) means:
   * - `message`: the record is this envelope all the same; the text becomes a line's message;
   * - `not-this-envelope`: the markers were a coincidence, the record is a bare line (an ECS line
   *   has `@timestamp` and `message` too);
   * - a line: the envelope built one from what else it holds (an OTLP log record).
   */
  readonly plainText: 'message' | 'not-this-envelope' | { readonly line: JsonObject };
  /** What names the item in its identity when not `text` (an OTLP log record's own JSON). */
  readonly identityText?: string;
}

export type Opened =
  | { readonly kind: 'items'; readonly items: readonly InnerItem[] }
  /** The shipper split a long line and did not join the parts again. */
  | { readonly kind: 'partial_line' };

/** What a text envelope read from one line of text. */
export interface TextLine {
  readonly content: string;
  readonly facts: ShipperFacts;
  /** A fragment whose continuation follows on a later line of the same stream (CRI `P`). */
  readonly partial: boolean;
}

export function openedItem(
  text: string,
  facts: ShipperFacts,
  plainText: InnerItem['plainText'],
): Opened {
  return { kind: 'items', items: [{ text, facts, plainText }] };
}
