import { factsOf } from './facts.js';
import { podLabels } from './kubernetes-labels.js';
import { openedItem, type Opened } from './opened.js';
import { get, stringAt, text, type JsonObject } from './read.js';
import { rfc3339Ms } from './time.js';

/**
 * Vector log events (json codec): `message` and the `source_type` every Vector source sets,
 * with `host`, `timestamp`, `file` (file and kubernetes_logs sources) and the kubernetes_logs
 * source's `kubernetes.pod_name`, `pod_namespace`, `container_name`, `pod_labels`…
 */
export function isVector(record: JsonObject): boolean {
  return typeof record.message === 'string' && typeof record.source_type === 'string';
}

/** Top-level keys Vector sources write; flat `kubernetes.*` keys are Vector's too. */
const VECTOR_KEYS = new Set([
  'message',
  'source_type',
  'timestamp',
  'host',
  'file',
  'kubernetes',
  'stream',
  'offset',
  'container_id',
  'container_name',
  'container_created_at',
  'image',
  'label',
  'hostname',
  'appname',
  'procid',
  'facility',
  'severity',
  'source_ip',
  'port',
  'path',
  'tag',
]);

function vectorKeysOnly(record: JsonObject): boolean {
  for (const key in record)
    if (!VECTOR_KEYS.has(key) && !key.startsWith('kubernetes.')) return false;
  return true;
}

export function openVector(record: JsonObject): Opened {
  const timestamp = text(record.timestamp);
  return openedItem(
    record.message as string,
    factsOf({
      shippedAtMs: timestamp === undefined ? undefined : rfc3339Ms(timestamp),
      hostName: text(record.host) ?? stringAt(record, 'kubernetes.pod_node_name'),
      filePath: text(record.file),
      stream: text(record.stream),
      containerName: text(record.container_name),
      containerId: text(record.container_id) ?? stringAt(record, 'kubernetes.container_id'),
      appName: text(record.appname),
      kubernetes: {
        namespace: stringAt(record, 'kubernetes.pod_namespace'),
        podName: stringAt(record, 'kubernetes.pod_name'),
        containerName: stringAt(record, 'kubernetes.container_name'),
        labels: podLabels(get(record, 'kubernetes.pod_labels')),
      },
    }),
    vectorKeysOnly(record) ? 'message' : 'not-this-envelope',
  );
}
