import type { ShipperFacts } from './envelope.js';
import { factsOf } from './facts.js';
import type { InnerItem, Opened } from './opened.js';
import { finiteNumber, isObject, text, type JsonObject } from './read.js';
import { isoOf, unixNanoMs } from './time.js';

/**
 * An OTLP logs export in its JSON encoding (LogsData, as the OpenTelemetry Collector's kafka
 * exporter writes it with `encoding: otlp_json`): `resourceLogs[].scopeLogs[].logRecords[]`.
 * In OTLP JSON, 64-bit integers (`timeUnixNano`, `intValue`) are decimal strings and `traceId` /
 * `spanId` are hex strings, not base64 as protobuf's generic JSON mapping would have them.
 */
export function isOtlp(record: JsonObject): boolean {
  return Array.isArray(record.resourceLogs);
}

type Scalar = string | number | boolean;

/** Nesting of kvlist values followed before giving up: attributes are shallow in practice. */
const MAX_KVLIST_DEPTH = 8;

/** One item per log record, in export order; an export without records holds no line. */
export function openOtlp(record: JsonObject): Opened {
  const items: InnerItem[] = [];
  for (const resourceLogs of record.resourceLogs as unknown[]) {
    if (!isObject(resourceLogs)) continue;
    const resource = isObject(resourceLogs.resource) ? resourceLogs.resource : {};
    const resourceAttributes = attributesOf(resource.attributes);
    // `instrumentationLibraryLogs` is the name before OTLP 0.15; old agents still send it.
    const scopes = resourceLogs.scopeLogs ?? resourceLogs.instrumentationLibraryLogs;
    if (!Array.isArray(scopes)) continue;
    for (const scopeLogs of scopes) {
      if (!isObject(scopeLogs) || !Array.isArray(scopeLogs.logRecords)) continue;
      for (const logRecord of scopeLogs.logRecords) {
        if (isObject(logRecord)) items.push(itemOf(logRecord, resourceAttributes));
      }
    }
  }
  return { kind: 'items', items };
}

function itemOf(logRecord: JsonObject, resource: Record<string, Scalar>): InnerItem {
  const attributes = attributesOf(logRecord.attributes);
  const body = logRecord.body;
  const bodyText = isObject(body) && typeof body.stringValue === 'string' ? body.stringValue : '';
  return {
    text: bodyText,
    facts: recordFacts(logRecord, resource, attributes),
    plainText: { line: lineOf(logRecord, body, bodyText, attributes) },
    identityText: JSON.stringify(logRecord),
  };
}

function recordFacts(
  logRecord: JsonObject,
  resource: Record<string, Scalar>,
  attributes: Record<string, Scalar>,
): ShipperFacts {
  const str = (value: Scalar | undefined): string | undefined =>
    typeof value === 'string' && value !== '' ? value : undefined;
  return factsOf({
    shippedAtMs: unixNanoMs(logRecord.observedTimeUnixNano) ?? unixNanoMs(logRecord.timeUnixNano),
    resourceServiceName: str(resource['service.name']),
    hostName: str(resource['host.name']),
    filePath: str(attributes['log.file.path']) ?? str(resource['log.file.path']),
    containerName: str(resource['container.name']),
    containerId: str(resource['container.id']),
    stream: str(attributes['log.iostream']),
    traceId: traceContextId(logRecord.traceId, 16),
    spanId: traceContextId(logRecord.spanId, 8),
    kubernetes: {
      namespace: str(resource['k8s.namespace.name']),
      podName: str(resource['k8s.pod.name']),
      containerName: str(resource['k8s.container.name']),
    },
  });
}

/**
 * The line for a record whose body is not a JSON object text: the record's own fields under
 * the names Ariane's field mapping reads (`@timestamp`, `message`, `log.level`), and its
 * attributes as flat dotted keys, so HTTP semantic-convention attributes keep their names.
 */
function lineOf(
  logRecord: JsonObject,
  body: unknown,
  bodyText: string,
  attributes: Record<string, Scalar>,
): JsonObject {
  const line: JsonObject = { ...attributes };
  if (isObject(body) && isObject(body.kvlistValue)) flattenInto(line, '', body, 0);
  else if (isObject(body) && typeof body.stringValue === 'string') line.message = bodyText;
  else if (isObject(body)) {
    const value = scalarOf(body);
    if (value !== undefined) line.message = String(value);
  }
  const at = isoOf(
    unixNanoMs(logRecord.timeUnixNano) ?? unixNanoMs(logRecord.observedTimeUnixNano),
  );
  if (at !== undefined) line['@timestamp'] = at;
  const level = levelOf(logRecord);
  if (level !== undefined) line['log.level'] = level;
  return line;
}

function levelOf(logRecord: JsonObject): string | undefined {
  const severityText = text(logRecord.severityText);
  if (severityText !== undefined) return severityText.toLowerCase();
  const n = finiteNumber(logRecord.severityNumber);
  // SeverityNumber ranges: 1-4 TRACE, 5-8 DEBUG, 9-12 INFO, 13-16 WARN, 17-20 ERROR, 21-24 FATAL.
  if (n === undefined || n < 1 || n > 24) return undefined;
  return (['trace', 'debug', 'info', 'warn', 'error', 'fatal'] as const)[Math.floor((n - 1) / 4)];
}

/** `[{key, value: AnyValue}]` as flat dotted keys with scalar values. */
function attributesOf(list: unknown): Record<string, Scalar> {
  const out: Record<string, Scalar> = {};
  if (!Array.isArray(list)) return out;
  for (const kv of list) {
    if (isObject(kv) && typeof kv.key === 'string' && kv.key !== '')
      flattenInto(out, kv.key, kv.value, 0);
  }
  return out;
}

function flattenInto(out: JsonObject, name: string, value: unknown, depth: number): void {
  if (!isObject(value)) return;
  const kvlist = value.kvlistValue;
  if (isObject(kvlist)) {
    if (depth >= MAX_KVLIST_DEPTH || !Array.isArray(kvlist.values)) return;
    for (const kv of kvlist.values) {
      if (isObject(kv) && typeof kv.key === 'string' && kv.key !== '')
        flattenInto(out, name === '' ? kv.key : `${name}.${kv.key}`, kv.value, depth + 1);
    }
    return;
  }
  const scalar = scalarOf(value);
  if (scalar !== undefined && name !== '') out[name] = scalar;
}

/** An AnyValue as a scalar; an array gives its first scalar element (a header's first value). */
function scalarOf(value: JsonObject): Scalar | undefined {
  if (typeof value.stringValue === 'string') return value.stringValue;
  if (typeof value.boolValue === 'boolean') return value.boolValue;
  const int = value.intValue;
  if (typeof int === 'number' && Number.isFinite(int)) return int;
  if (typeof int === 'string' && int !== '') {
    const n = Number(int);
    return Number.isSafeInteger(n) ? n : int;
  }
  const double = value.doubleValue;
  if (typeof double === 'number' && Number.isFinite(double)) return double;
  if (typeof value.bytesValue === 'string') return value.bytesValue;
  const array = value.arrayValue;
  if (isObject(array) && Array.isArray(array.values)) {
    for (const element of array.values) {
      if (isObject(element)) {
        const first = scalarOf(element);
        if (first !== undefined) return first;
      }
    }
  }
  return undefined;
}

/**
 * A trace or span id as lowercase hex, from OTLP JSON's hex or, from exporters that used
 * protobuf's generic JSON mapping, base64; empty and all-zero ids mean "no trace context".
 */
function traceContextId(value: unknown, bytes: number): string | undefined {
  if (typeof value !== 'string' || value === '') return undefined;
  let hex: string | undefined;
  if (value.length === bytes * 2 && isHex(value)) hex = value.toLowerCase();
  else if (value.length === Math.ceil(bytes / 3) * 4) {
    const decoded = Buffer.from(value, 'base64');
    if (decoded.length === bytes && decoded.toString('base64') === value)
      hex = decoded.toString('hex');
  }
  if (hex === undefined) return undefined;
  for (let i = 0; i < hex.length; i++) if (hex[i] !== '0') return hex;
  return undefined;
}

function isHex(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const lower = c | 0x20;
    if (!((c >= 0x30 && c <= 0x39) || (lower >= 0x61 && lower <= 0x66))) return false;
  }
  return true;
}
