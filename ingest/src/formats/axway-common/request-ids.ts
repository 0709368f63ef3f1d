import type { ProcessInfo } from './schema.js';
import type { TraceEvent } from '../../../../core/src/schemas/trace-event.js';
import type { Draft } from '../../pipeline/event-draft.js';
import { idOrUndefined } from '../../pipeline/field-values.js';
import { correlationIdsIn } from '../../pipeline/correlation-header.js';
import { firstHeader, type RawHeaders } from '../../pipeline/raw-headers.js';
import { firstValue, indexFields, type FieldMapping } from '../field-mapping.js';

/**
 * What every Axway document shares: the ids a request carries, the gateway as the service, and
 * the `_id`s. Every line is normalised on its own, with no memory of other lines: a
 * transaction's legs, summary and policy path are separate documents with ids derived from the
 * correlation id, joined at query time through `transaction.id`. Both Axway log formats produce
 * the same leg and summary ids, so shipping both, or replaying, never duplicates a leg.
 */

export const AXWAY_SERVICE_NAME = 'axway-api-gateway';
export const AXWAY_OBSERVER = { vendor: 'Axway', product: 'API Gateway' } as const;

export const legEventId = (cid: string, leg: number) => `axway:${cid}:leg:${leg}`;
export const summaryEventId = (cid: string) => `axway:${cid}:summary`;
export const circuitEventId = (cid: string) => `axway:${cid}:circuit`;

/** The ids a request carries, read from headers first (what went over the wire), then attributes. */
export interface RequestIds {
  requestId: string | undefined;
  sessionId: string | undefined;
  tenantId: string | undefined;
  userId: string | undefined;
  correlationIds: string[];
}

/**
 * A `customMsgAtts` key as the gateway exported it. Policies usually export a named attribute
 * (`X-Request-Id`), but a transaction-event setting can also store the selector expression
 * itself as the key: `${http.headers['X-CorrelationID']}` then stands for the header.
 */
const SELECTOR_KEY = /^\$\{\s*http\.headers\s*\[\s*(['"])([^'"]+)\1\s*\]\s*\}$/;

function attributeFields(attributes: Record<string, unknown>) {
  const named: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(attributes)) {
    const header = SELECTOR_KEY.exec(key.trim())?.[2];
    named[header ?? key] ??= value;
  }
  return indexFields(named);
}

/** `cid` is the transaction's own correlation id, canonical (`canonicalCorrelationId`). */
export function requestIds(
  cid: string,
  blocks: readonly RawHeaders[],
  attributes: Record<string, unknown> | null | undefined,
  mapping: FieldMapping,
): RequestIds {
  const fields = attributes ? attributeFields(attributes) : undefined;
  const fromAttributes = (paths: readonly string[]) =>
    fields ? idOrUndefined(firstValue(fields, paths)) : undefined;
  const headerValues = blocks.flatMap((b) => [
    ...b.get('x-correlationid'),
    ...b.get('x-correlation-id'),
  ]);
  const attributeCorrelation = fromAttributes(mapping.correlationHeader);
  return {
    requestId: firstHeader(blocks, 'x-request-id') ?? fromAttributes(mapping.requestId),
    sessionId: firstHeader(blocks, 'x-application-id') ?? fromAttributes(mapping.sessionId),
    tenantId: firstHeader(blocks, 'x-tenant-id') ?? fromAttributes(mapping.tenantId),
    userId: fromAttributes(mapping.userId),
    correlationIds: [
      ...new Set([
        cid,
        ...correlationIdsIn([
          ...headerValues,
          ...(attributeCorrelation ? [attributeCorrelation] : []),
        ]),
      ]),
    ],
  };
}

export function gatewayService(processInfo: ProcessInfo | undefined): Draft<TraceEvent['service']> {
  return { name: AXWAY_SERVICE_NAME, type: 'gateway', node: { name: processInfo?.serviceName } };
}

/** A leg's or transaction's verdict, in either Axway vocabulary, case-insensitively. */
export function outcomeOfStatus(status: string | null | undefined) {
  switch (status?.toLowerCase()) {
    case 'pass':
    case 'success':
      return 'success' as const;
    case 'fail':
    case 'failure':
    case 'error':
    case 'exception':
      return 'failure' as const;
    default:
      return 'unknown' as const;
  }
}
