/**
 * The `X-CorrelationID` header Axway stamps on the calls it makes: `Id-<24 hex> <leg>`. Behind
 * several Axway hops the values are chained with `;` (`Id-a… 0; Id-b… 0`). Older and chained
 * gateways also write ids that are not 24 hex digits, so any `Id-` token of 8 to 64 letters and
 * digits counts; values without the `Id-` prefix are ignored: other products use the same
 * header name for ids of their own.
 */
export interface AxwayCorrelationRef {
  readonly correlationId: string;
  readonly leg: number | undefined;
}

const REFERENCE = /^Id-([0-9A-Za-z]{8,64})(?:\s+(\d{1,4}))?$/;

/** Axway writes hex ids in lower case; a hex id in another case is the same id. */
export const canonicalCorrelationId = (id: string) =>
  /^[0-9A-Fa-f]+$/.test(id) ? id.toLowerCase() : id;

export function parseCorrelationHeader(value: string): AxwayCorrelationRef[] {
  const refs: AxwayCorrelationRef[] = [];
  for (const part of value.split(/[;,]/)) {
    const match = REFERENCE.exec(part.trim());
    if (!match) continue;
    refs.push({
      correlationId: canonicalCorrelationId(match[1]!),
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
