import { factsOf } from './facts.js';
import { openedItem, type Opened } from './opened.js';
import { isObject, onlyKeys, stringAt, text, type JsonObject } from './read.js';
import { rfc3339Ms } from './time.js';

/**
 * Logstash events written by its json codec: `@version`, `@timestamp`, `message` and the `host`
 * the input set (a string, or `{name}` with ECS compatibility on). logstash-logback-encoder lines
 * have `@version` and `message` too, but no `host`.
 */
export function isLogstash(record: JsonObject): boolean {
  return (
    typeof record['@version'] === 'string' &&
    typeof record['@timestamp'] === 'string' &&
    typeof record.message === 'string' &&
    (typeof record.host === 'string' || isObject(record.host))
  );
}

const LOGSTASH_KEYS = new Set([
  '@timestamp',
  '@version',
  'message',
  'host',
  'path',
  'log',
  'event',
  'tags',
  'type',
]);

export function openLogstash(record: JsonObject): Opened {
  const host = record.host;
  return openedItem(
    record.message as string,
    factsOf({
      shippedAtMs: rfc3339Ms(record['@timestamp'] as string),
      hostName: isObject(host) ? (text(host.name) ?? text(host.hostname)) : text(host),
      filePath: text(record.path) ?? stringAt(record, 'log.file.path'),
    }),
    onlyKeys(record, LOGSTASH_KEYS) ? 'message' : 'not-this-envelope',
  );
}
