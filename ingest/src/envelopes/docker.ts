import { factsOf } from './facts.js';
import { openedItem, type Opened } from './opened.js';
import { isObject, type JsonObject } from './read.js';
import { rfc3339Ms } from './time.js';

/**
 * Docker's json-file driver: exactly `log` (the line with its `\n`), `stream` and `time`
 * (RFC 3339 with nanoseconds), plus `attrs` when `--log-opt labels/env` is set. The shape is
 * exact, so plain text inside is the container's output.
 *
 * Docker splits lines over 16 KiB into entries without the `\n`; such a fragment cannot be told
 * from a last line written without one, so it is taken as complete (and, not being JSON, as text).
 */
export function isDocker(record: JsonObject): boolean {
  let keys = 0;
  for (const key in record) {
    if (key === 'log' || key === 'stream' || key === 'time') keys++;
    else if (key !== 'attrs' || !isObject(record.attrs)) return false;
  }
  return (
    keys === 3 &&
    typeof record.log === 'string' &&
    typeof record.stream === 'string' &&
    typeof record.time === 'string'
  );
}

export function openDocker(record: JsonObject): Opened {
  return openedItem(
    record.log as string,
    factsOf({ shippedAtMs: rfc3339Ms(record.time as string), stream: record.stream as string }),
    'message',
  );
}
