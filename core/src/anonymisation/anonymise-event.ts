import { randomUUID } from 'node:crypto';
import type { TraceEvent } from '../schemas/trace-event.js';
import { PLACEHOLDER, scrubDeep, scrubHeaderBlock, scrubText, scrubUrl } from './scrub.js';

/**
 * Fresh random stand-ins for correlation ids, so that the hops of one request (and, if asked,
 * the requests of one session) stay grouped after anonymisation without any link to the original
 * value. The table lives in memory for one run and is never stored: once it is dropped, nobody,
 * us included, can map a stand-in back. A new table per run means a request whose events are
 * rewritten by two runs (a crash in between) ends up split under two stand-ins; that is the price
 * of keeping nothing.
 */
export class FreshIds {
  readonly #table = new Map<string, string>();
  constructor(private readonly generate: () => string = randomUUID) {}

  for(original: string): string {
    let fresh = this.#table.get(original);
    if (fresh === undefined) {
      fresh = this.generate();
      this.#table.set(original, fresh);
    }
    return fresh;
  }
}

export interface AnonymiseOptions {
  /** Stand-ins shared across the events of one run; a fresh table per call by default. */
  readonly freshIds?: FreshIds;
  /** Keep a session's requests linkable under a stand-in session id (off: the id is removed). */
  readonly keepSessionLinkage?: boolean;
  /** A new `event.id`; random by default so the `_id` is no pseudonym of the raw line. */
  readonly newEventId?: string;
}

/** The identifiers an event carries, which free text may repeat verbatim. */
export function identifiersOf(event: TraceEvent): string[] {
  return [
    event.event.id,
    event.http?.request?.id,
    event.transaction?.id,
    event.trace?.id,
    event.span?.id,
    event.parent?.id,
    event.client?.ip,
    ...(event.network?.forwarded_ip ?? []),
    event.user?.id,
    event.user_agent?.original,
    event.ariane.session_id,
    event.ariane.client_id,
    event.ariane.app_name,
    ...(event.ariane.correlation_ids ?? []),
    event.ariane.source.offset,
  ].filter((value): value is string => typeof value === 'string' && value.length > 0);
}

/**
 * Rewrites one event so that nothing in it identifies a person or links it to the original.
 * Pure apart from the random stand-ins. The output is built field by field from a whitelist:
 * a field this function does not know about (a future schema field, junk kept in `_source`) is
 * dropped rather than copied through.
 *
 * Kept: tenant, service, route, method, status, sizes, durations, timestamps, dataset, outcome,
 * log level, gateway verdict, API name and operation, destination (a backend, not a person).
 * Removed: client address and port, forwarded IPs, user id, user agent, query string, OAuth
 * client id and application (they single out a partner), the session id unless linkage is
 * configured, the Kafka offset (a pointer to the clear record while Kafka still holds it).
 * Replaced by stand-ins: request id, transaction id, trace, span and parent ids, correlation ids.
 * Kept as infrastructure, not people: host, container, pod and namespace, file path, shipper.
 * Scrubbed: message, error message, URL path, header blocks (names kept, values dropped), policy
 * path.
 */
export function anonymiseEvent(
  event: TraceEvent,
  operationId: string,
  options: AnonymiseOptions = {},
): TraceEvent {
  const fresh = options.freshIds ?? new FreshIds();
  const known = identifiersOf(event);
  const { ariane } = event;
  const out: TraceEvent = {
    '@timestamp': event['@timestamp'],
    event: { ...event.event, id: options.newEventId ?? randomUUID() },
    service: { ...event.service },
    ariane: {
      raw_timestamp: ariane.raw_timestamp,
      source: {
        topic: ariane.source.topic,
        partition: ariane.source.partition,
        offset: PLACEHOLDER,
      },
      anonymisation_id: operationId,
    },
  };
  if (event.http) {
    const request = event.http.request;
    out.http = {};
    if (request)
      out.http.request = {
        ...(request.id !== undefined && { id: fresh.for(request.id) }),
        ...(request.method !== undefined && { method: request.method }),
        ...(request.bytes !== undefined && { bytes: request.bytes }),
      };
    if (event.http.response) out.http.response = { ...event.http.response };
  }
  if (event.url) {
    out.url = {};
    if (event.url.path !== undefined) out.url.path = scrubText(event.url.path, known);
    if (event.url.original !== undefined) out.url.original = scrubUrl(event.url.original, known);
  }
  if (event.transaction) out.transaction = { id: fresh.for(event.transaction.id) };
  if (event.trace) out.trace = { id: fresh.for(event.trace.id) };
  if (event.span) out.span = { id: fresh.for(event.span.id) };
  if (event.parent) out.parent = { id: fresh.for(event.parent.id) };
  if (event.destination) out.destination = { ...event.destination };
  if (event.network?.direction !== undefined || event.network?.protocol !== undefined)
    out.network = {
      ...(event.network.direction !== undefined && { direction: event.network.direction }),
      ...(event.network.protocol !== undefined && { protocol: event.network.protocol }),
    };
  if (event.organization) out.organization = { ...event.organization };
  if (event.observer) out.observer = { ...event.observer };
  if (event.log) out.log = { ...event.log };
  if (event.host) out.host = { ...event.host };
  if (event.container) out.container = { ...event.container };
  if (event.orchestrator) out.orchestrator = { ...event.orchestrator };
  if (event.agent) out.agent = { ...event.agent };
  if (event.message !== undefined) out.message = scrubText(event.message, known);
  if (event.error) {
    out.error = { ...event.error };
    if (event.error.message !== undefined)
      out.error.message = scrubText(event.error.message, known);
  }
  const keep = out.ariane;
  if (options.keepSessionLinkage && ariane.session_id !== undefined)
    keep.session_id = fresh.for(ariane.session_id);
  if (ariane.api_name !== undefined) keep.api_name = ariane.api_name;
  if (ariane.api_operation !== undefined) keep.api_operation = ariane.api_operation;
  if (ariane.leg !== undefined) keep.leg = ariane.leg;
  if (ariane.gateway_status !== undefined) keep.gateway_status = ariane.gateway_status;
  if (ariane.envelopes) keep.envelopes = [...ariane.envelopes];
  if (ariane.gateway_group !== undefined) keep.gateway_group = ariane.gateway_group;
  if (ariane.gateway_instance !== undefined) keep.gateway_instance = ariane.gateway_instance;
  if (ariane.correlation_ids)
    keep.correlation_ids = ariane.correlation_ids.map((id) => fresh.for(id));
  if (ariane.flags) keep.flags = [...ariane.flags];
  if (ariane.request_headers !== undefined)
    keep.request_headers = scrubHeaderBlock(ariane.request_headers);
  if (ariane.response_headers !== undefined)
    keep.response_headers = scrubHeaderBlock(ariane.response_headers);
  if (ariane.circuit_path !== undefined) keep.circuit_path = scrubDeep(ariane.circuit_path, known);
  return out;
}
