/**
 * The `X-CorrelationID` header Axway stamps on the calls it makes: `Id-<24 hex> <leg>`. Behind
 * several Axway hops the values are chained with `;`. Values that do not look like an Axway id
 * are ignored: other products use the same header name for ids of their own.
 */
export interface AxwayCorrelationRef {
  readonly correlationId: string;
  readonly leg: number | undefined;
}

const REFERENCE = /^Id-([0-9a-fA-F]{24})(?:\s+(\d{1,4}))?$/;

export function parseCorrelationHeader(value: string): AxwayCorrelationRef[] {
  const refs: AxwayCorrelationRef[] = [];
  for (const part of value.split(/[;,]/)) {
    const match = REFERENCE.exec(part.trim());
    if (!match) continue;
    refs.push({
      correlationId: match[1]!.toLowerCase(),
      leg: match[2] === undefined ? undefined : Number(match[2]),
    });
  }
  return refs;
}

/** Distinct correlation ids referenced by any of `values`, in order of first appearance. */
export function correlationIdsIn(values: Iterable<string>): string[] {
  const ids = new Set<string>();
  for (const value of values)
    for (const ref of parseCorrelationHeader(value)) ids.add(ref.correlationId);
  return [...ids];
}
