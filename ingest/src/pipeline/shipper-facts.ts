import type { TraceEvent } from '../../../core/src/schemas/trace-event.js';
import type { EnvelopeKind, ShipperFacts } from '../envelopes/envelope.js';
import { finishEvent } from './event-draft.js';
import { iso } from './field-values.js';
import type { LineContext } from './normalise-context.js';

/**
 * The envelope is evidence: where the line was written (host, pod, container, namespace, file)
 * and when the shipper read it go into their ECS fields. The line's own values always win; the
 * event time stays the line's own, the shipper's time is `event.created`.
 */

/** The agent an envelope names; container runtimes (docker, cri) are not shippers. */
const AGENT_OF: Partial<Record<EnvelopeKind, string>> = {
  filebeat: 'filebeat',
  logstash: 'logstash',
  'fluent-bit': 'fluent-bit',
  vector: 'vector',
  syslog: 'syslog',
  otlp: 'opentelemetry-collector',
};

/** Axway names its log files after the gateway group and instance: `group-2_instance-1…`. */
const AXWAY_INSTANCE_FILE = /(group-[A-Za-z0-9]+)_(instance-[A-Za-z0-9]+)[^/]*$/;

export function applyShipperFacts(doc: TraceEvent, ctx: LineContext): TraceEvent {
  if (ctx.envelopes.length === 0) return doc;
  const facts: ShipperFacts = ctx.facts;
  const k8s = facts.kubernetes;
  const axwayFile = facts.filePath ? AXWAY_INSTANCE_FILE.exec(facts.filePath) : null;
  const agent = ctx.envelopes.map((kind) => AGENT_OF[kind]).find((name) => name !== undefined);
  return finishEvent({
    ...doc,
    event: {
      ...doc.event,
      created:
        doc.event.created ?? (facts.shippedAtMs === undefined ? undefined : iso(facts.shippedAtMs)),
    },
    log: { ...doc.log, file: doc.log?.file ?? { path: facts.filePath } },
    host: doc.host ?? { name: facts.hostName },
    container: doc.container ?? {
      name: facts.containerName ?? k8s?.containerName,
      id: facts.containerId,
    },
    orchestrator:
      doc.orchestrator ??
      (k8s && {
        type: 'kubernetes',
        namespace: k8s.namespace,
        resource: k8s.podName === undefined ? undefined : { type: 'pod', name: k8s.podName },
      }),
    agent: doc.agent ?? { type: agent },
    trace: doc.trace ?? { id: facts.traceId },
    ariane: {
      ...doc.ariane,
      envelopes: [...ctx.envelopes],
      gateway_group: doc.ariane.gateway_group ?? axwayFile?.[1],
      gateway_instance: doc.ariane.gateway_instance ?? axwayFile?.[2],
    },
  });
}
