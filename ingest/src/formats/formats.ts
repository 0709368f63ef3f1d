import { axwayEventLog } from './axway-event-log/normalise.js';
import { axwayOpenTraffic } from './axway-open-traffic/normalise.js';
import { genericAccessLog } from './generic-access-log/normalise.js';
import type { InputFormat, TopicKind } from './input-format.js';
import { serviceLog } from './service-log/normalise.js';

/**
 * Every input format, in the order a topic tries them: the first that claims a line reads it.
 * The last format of each topic claims everything, so each line has exactly one format. A new
 * format is one folder and one row here (and one row in the ingest README's table).
 */
export const INPUT_FORMATS: readonly InputFormat[] = [
  axwayEventLog,
  axwayOpenTraffic,
  genericAccessLog,
  serviceLog,
];

const byTopic = (kind: TopicKind) => INPUT_FORMATS.filter((format) => format.topic === kind);
const FORMATS_OF: Record<TopicKind, readonly InputFormat[]> = {
  gateway: byTopic('gateway'),
  services: byTopic('services'),
};

export function formatFor(kind: TopicKind, line: Record<string, unknown>): InputFormat {
  const formats = FORMATS_OF[kind];
  return formats.find((format) => format.claims(line)) ?? formats[formats.length - 1]!;
}
