/**
 * W3C trace context: `traceparent: 00-<32 hex trace id>-<16 hex parent span id>-<2 hex flags>`.
 * Ids are stored lower-case, as the recommendation writes them; all-zero ids are invalid there
 * and ignored here. A trace id is a join key for a request's events when X-Request-Id is absent.
 */
export interface TraceParent {
  readonly traceId: string;
  /** The span of the caller that sent the header. */
  readonly spanId: string;
}

const TRACEPARENT = /^\s*([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})/i;

export function parseTraceParent(value: string | undefined): TraceParent | undefined {
  if (value === undefined) return undefined;
  const match = TRACEPARENT.exec(value);
  if (!match || match[1]!.toLowerCase() === 'ff') return undefined;
  const traceId = traceIdOrUndefined(match[2]);
  const spanId = spanIdOrUndefined(match[3]);
  return traceId && spanId ? { traceId, spanId } : undefined;
}

const isZero = (hex: string) => /^0+$/.test(hex);

/**
 * A trace id as loggers write it: 32 hex digits (W3C, OTel), or 16 (older B3 and Jaeger ids);
 * anything else is not a trace id Ariane can join on.
 */
export function traceIdOrUndefined(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const hex = value.trim().toLowerCase();
  return /^([0-9a-f]{32}|[0-9a-f]{16})$/.test(hex) && !isZero(hex) ? hex : undefined;
}

export function spanIdOrUndefined(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const hex = value.trim().toLowerCase();
  return /^[0-9a-f]{16}$/.test(hex) && !isZero(hex) ? hex : undefined;
}
