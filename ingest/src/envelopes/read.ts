/**
 * Reading fields out of parsed JSON whose shape nobody promised. Shippers write the same field
 * nested (`{"log":{"file":{"path":…}}}`) or flat with dots (`{"log.file.path":…}`) depending on
 * their codec and processors, so a path is looked up both ways.
 */

export type JsonObject = Record<string, unknown>;

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Paths are constants of the envelope readers, so their segments are split once. */
const SEGMENTS = new Map<string, readonly string[]>();

/** The value at a dotted path, each step taken either as a nested key or as a flat dotted key. */
export function get(record: JsonObject, path: string): unknown {
  let segments = SEGMENTS.get(path);
  if (segments === undefined) {
    segments = path.split('.');
    if (SEGMENTS.size < 1024) SEGMENTS.set(path, segments);
  }
  // Nested is what JSON codecs write; the flat forms are the exception.
  let node: unknown = record;
  for (const segment of segments) {
    if (!isObject(node)) {
      node = undefined;
      break;
    }
    node = node[segment];
  }
  return node !== undefined ? node : getFrom(record, segments, 0);
}

function getFrom(value: unknown, segments: readonly string[], from: number): unknown {
  if (from === segments.length) return value;
  if (!isObject(value)) return undefined;
  // Longest flat key first: `kubernetes.pod_name` written flat beats a nested `kubernetes` object
  // that lacks it.
  for (let to = segments.length; to > from; to--) {
    const key = to - from === 1 ? segments[from]! : segments.slice(from, to).join('.');
    if (Object.hasOwn(value, key)) {
      const found = getFrom(value[key], segments, to);
      if (found !== undefined) return found;
    }
  }
  return undefined;
}

/** A non-empty string, or undefined. */
export function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

export function stringAt(record: JsonObject, path: string): string | undefined {
  return text(get(record, path));
}

export function finiteNumber(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/**
 * Parses JSON only where it can be JSON: callers check the first character first, so a plain
 * text line never pays for a failed `JSON.parse` and its exception.
 */
export function parseJson(source: string): { readonly value: unknown } | undefined {
  try {
    return { value: JSON.parse(source) as unknown };
  } catch {
    return undefined;
  }
}

/** Index of the first character that is not JSON whitespace, or -1. */
export function firstNonSpace(source: string): number {
  for (let i = 0; i < source.length; i++) {
    const c = source.charCodeAt(i);
    if (c !== 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) return i;
  }
  return -1;
}

/** Whether a JSON text could start with this character (used after `{` was ruled out). */
export function mayStartJson(c: number): boolean {
  return (
    c === 0x5b /* [ */ ||
    c === 0x22 /* " */ ||
    c === 0x2d /* - */ ||
    (c >= 0x30 && c <= 0x39) ||
    c === 0x74 /* t */ ||
    c === 0x66 /* f */ ||
    c === 0x6e /* n */
  );
}

/** A string map from an object of labels, nested objects flattened to dotted keys. */
export function stringMap(value: unknown, limit = 256): Record<string, string> | undefined {
  if (!isObject(value)) return undefined;
  const out: Record<string, string> = {};
  let count = 0;
  const walk = (node: JsonObject, prefix: string, depth: number): void => {
    for (const [key, v] of Object.entries(node)) {
      if (count >= limit) return;
      const name = prefix === '' ? key : `${prefix}.${key}`;
      if (typeof v === 'string') out[name] = v;
      else if (typeof v === 'number' || typeof v === 'boolean') out[name] = String(v);
      else if (isObject(v) && depth < 4) {
        walk(v, name, depth + 1);
        continue;
      } else continue;
      count++;
    }
  };
  walk(value, '', 0);
  return count === 0 ? undefined : out;
}

/** Whether every top-level key of the record is one of the envelope's own. */
export function onlyKeys(record: JsonObject, own: ReadonlySet<string>): boolean {
  for (const key in record) if (!own.has(key)) return false;
  return true;
}
