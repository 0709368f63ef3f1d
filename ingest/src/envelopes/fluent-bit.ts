import type { ShipperFacts } from './envelope.js';
import { factsOf } from './facts.js';
import { podLabels } from './kubernetes-labels.js';
import { openedItem, type Opened } from './opened.js';
import { finiteNumber, isObject, onlyKeys, text, type JsonObject } from './read.js';
import { epochSecondsMs, rfc3339Ms } from './time.js';

/**
 * Fluent Bit records: the line under `log` (tail, docker and cri parsers) or `message`, beside the
 * kubernetes filter's `kubernetes` object, the record time the output adds (`date` for http and
 * stdout json, `@timestamp` for kafka; epoch seconds with a fraction by default), or the
 * container runtime's `stream` and `time`.
 */
export function isFluentBit(record: JsonObject): boolean {
  if (typeof record.log !== 'string' && typeof record.message !== 'string') return false;
  return (
    isObject(record.kubernetes) ||
    typeof record.date === 'number' ||
    typeof record['@timestamp'] === 'number' ||
    record.stream === 'stdout' ||
    record.stream === 'stderr' ||
    typeof record.time === 'string'
  );
}

const FLUENT_BIT_KEYS = new Set([
  'log',
  'message',
  'stream',
  'time',
  'date',
  '@timestamp',
  'kubernetes',
  '_p',
  'logtag',
]);

export function openFluentBit(record: JsonObject): Opened {
  // The cri parser keeps the CRI tag; `P` means the multiline cri parser did not join the parts.
  if (record._p === 'P' || record.logtag === 'P') return { kind: 'partial_line' };
  const inner = typeof record.log === 'string' ? record.log : (record.message as string);
  return openedItem(
    inner,
    fluentBitFacts(record),
    onlyKeys(record, FLUENT_BIT_KEYS) ? 'message' : 'not-this-envelope',
  );
}

function fluentBitFacts(record: JsonObject): ShipperFacts {
  const k8s = isObject(record.kubernetes) ? record.kubernetes : {};
  const date = finiteNumber(record.date) ?? finiteNumber(record['@timestamp']);
  const time = text(record.time) ?? text(record['@timestamp']);
  return factsOf({
    shippedAtMs:
      date !== undefined ? epochSecondsMs(date) : time !== undefined ? rfc3339Ms(time) : undefined,
    hostName: text(k8s.host),
    containerId: text(k8s.docker_id),
    stream: text(record.stream),
    kubernetes: {
      namespace: text(k8s.namespace_name),
      podName: text(k8s.pod_name),
      containerName: text(k8s.container_name),
      labels: podLabels(k8s.labels),
    },
  });
}
