import type { ShipperFacts } from './envelope.js';
import { factsOf } from './facts.js';
import { podLabels } from './kubernetes-labels.js';
import { openedItem, type Opened } from './opened.js';
import { get, isObject, onlyKeys, stringAt, text, type JsonObject } from './read.js';
import { rfc3339Ms } from './time.js';

/**
 * Filebeat and Elastic Agent events (Kafka output, json codec): `@timestamp`, `message`, and the
 * fields Filebeat adds of its own accord. `ecs.version` alone is no marker: ECS logging libraries
 * write it on bare service lines too.
 */
export function isFilebeat(record: JsonObject): boolean {
  if (typeof record['@timestamp'] !== 'string' || typeof record.message !== 'string') return false;
  const agentType = get(record, 'agent.type');
  return (
    agentType === 'filebeat' ||
    agentType === 'elastic-agent' ||
    stringAt(record, '@metadata.beat') !== undefined ||
    stringAt(record, 'log.file.path') !== undefined ||
    stringAt(record, 'input.type') !== undefined
  );
}

/** Top-level keys Filebeat itself writes; any other key means the line was decoded into the event. */
const FILEBEAT_KEYS = new Set([
  '@timestamp',
  '@metadata',
  'message',
  'agent',
  'ecs',
  'host',
  'log',
  'input',
  'fields',
  'labels',
  'tags',
  'container',
  'kubernetes',
  'cloud',
  'event',
  'data_stream',
  'elastic_agent',
  'orchestrator',
  'stream',
  'service',
]);

export function openFilebeat(record: JsonObject): Opened {
  const message = record.message as string;
  return openedItem(
    message,
    filebeatFacts(record),
    onlyKeys(record, FILEBEAT_KEYS) ? 'message' : 'not-this-envelope',
  );
}

function filebeatFacts(record: JsonObject): ShipperFacts {
  const namespace = get(record, 'kubernetes.namespace');
  return factsOf({
    shippedAtMs: rfc3339Ms(record['@timestamp'] as string),
    hostName: stringAt(record, 'host.name') ?? stringAt(record, 'host.hostname'),
    filePath: stringAt(record, 'log.file.path'),
    containerName: stringAt(record, 'container.name'),
    containerId: stringAt(record, 'container.id'),
    stream: stringAt(record, 'stream'),
    shipperServiceName:
      text(get(record, 'fields.service')) ??
      stringAt(record, 'fields.service.name') ??
      stringAt(record, 'service.name') ??
      stringAt(record, 'labels.service.name') ??
      text(get(record, 'labels.service')),
    kubernetes: {
      namespace: isObject(namespace) ? text(namespace.name) : text(namespace),
      podName: stringAt(record, 'kubernetes.pod.name'),
      containerName: stringAt(record, 'kubernetes.container.name'),
      labels: podLabels(get(record, 'kubernetes.labels')),
    },
  });
}
