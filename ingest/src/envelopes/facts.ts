import type { ShipperFacts } from './envelope.js';
import { isoOf } from './time.js';

type Loose<T> = { -readonly [K in keyof T]?: T[K] | undefined };
type KubernetesFacts = NonNullable<ShipperFacts['kubernetes']>;

function defined<T extends object>(fields: Loose<T>): T {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields)) if (value !== undefined) out[key] = value;
  return out as T;
}

/**
 * Facts from what an envelope read; absent values are left out rather than set to undefined
 * (exactOptionalPropertyTypes), and an empty `kubernetes` is no `kubernetes`.
 */
export function factsOf(
  fields: Loose<Omit<ShipperFacts, 'kubernetes'>> & { kubernetes?: Loose<KubernetesFacts> },
): ShipperFacts {
  const { kubernetes, ...rest } = fields;
  const facts = defined<Loose<ShipperFacts>>(rest);
  if (kubernetes !== undefined) {
    const k8s = defined<KubernetesFacts>(kubernetes);
    if (Object.keys(k8s).length > 0) facts.kubernetes = k8s;
  }
  return facts as ShipperFacts;
}

/** Facts of an outer envelope, overridden by those of the inner one where it knows them. */
export function mergeFacts(outer: ShipperFacts, inner: ShipperFacts): ShipperFacts {
  if (Object.keys(outer).length === 0) return inner;
  if (Object.keys(inner).length === 0) return outer;
  const merged = { ...outer, ...inner };
  if (outer.kubernetes !== undefined && inner.kubernetes !== undefined)
    merged.kubernetes = { ...outer.kubernetes, ...inner.kubernetes };
  return merged;
}

/**
 * Identity bytes of an enveloped line: its text and where it was read. Timestamps and offsets of
 * the shipper stay out, so an at-least-once resend of the same line gives the same bytes.
 */
export function identityOf(lineText: string, facts: ShipperFacts): Buffer {
  return Buffer.from(
    JSON.stringify([
      lineText,
      facts.hostName ?? null,
      facts.filePath ?? null,
      facts.kubernetes?.namespace ?? null,
      facts.kubernetes?.podName ?? null,
      facts.kubernetes?.containerName ?? null,
      facts.containerName ?? null,
      facts.containerId ?? null,
      facts.resourceServiceName ?? null,
    ]),
  );
}

/** Text without its line terminator: shippers keep the `\n` (Docker) or drop it (others). */
export function withoutNewline(line: string): string {
  let end = line.length;
  while (end > 0 && (line.charCodeAt(end - 1) === 0x0a || line.charCodeAt(end - 1) === 0x0d)) end--;
  return end === line.length ? line : line.slice(0, end);
}

/**
 * The line for plain text an envelope carries: a well-formed log record is never dead-lettered for
 * not being JSON, so the text becomes the message and the shipper's time its timestamp.
 */
export function plainTextLine(message: string, facts: ShipperFacts): Record<string, unknown> {
  const at = isoOf(facts.shippedAtMs);
  return at === undefined ? { message } : { '@timestamp': at, message };
}
