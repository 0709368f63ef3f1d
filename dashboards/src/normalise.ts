import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Saved objects are committed normalised, so a diff shows only real changes: fields Kibana
 * rewrites on every export are stripped, keys are sorted at every depth (embedded JSON strings
 * included), objects are ordered by type then id, and the export summary line is dropped.
 * Normalising twice gives the same text.
 */

/** Per-export or per-space values, meaningless in the repository. */
const VOLATILE_FIELDS = [
  'created_at',
  'created_by',
  'updated_at',
  'updated_by',
  'version',
  'namespaces',
  'originId',
] as const;

/** Attributes Kibana stores as JSON inside a string. */
const EMBEDDED_JSON =
  /JSON$|^(visState|fieldFormatMap|fieldAttrs|fields|runtimeFieldMap|sourceFilters|typeMeta)$/;

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== 'object') return value;
  const sorted: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort())
    sorted[key] = sortKeys((value as Record<string, unknown>)[key]);
  return sorted;
}

function normaliseEmbedded(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(normaliseEmbedded);
  if (value === null || typeof value !== 'object') return value;
  const result: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) {
    result[key] =
      typeof inner === 'string' && EMBEDDED_JSON.test(key)
        ? JSON.stringify(sortKeys(JSON.parse(inner)))
        : normaliseEmbedded(inner);
  }
  return result;
}

export function normaliseSavedObject(object: Record<string, unknown>): Record<string, unknown> {
  const copy: Record<string, unknown> = { ...object };
  for (const field of VOLATILE_FIELDS) delete copy[field];
  copy.attributes = normaliseEmbedded(copy.attributes);
  return sortKeys(copy) as Record<string, unknown>;
}

function isExportSummary(object: Record<string, unknown>): boolean {
  return 'exportedCount' in object && !('type' in object);
}

/** Parses NDJSON saved objects; throws with the line number on a line that is not JSON. */
export function parseNdjson(text: string): Record<string, unknown>[] {
  return text
    .split('\n')
    .map((line, index) => ({ line: line.trim(), number: index + 1 }))
    .filter(({ line }) => line.length > 0)
    .map(({ line, number }) => {
      try {
        return JSON.parse(line) as Record<string, unknown>;
      } catch (error) {
        throw new Error(`line ${number}: ${(error as Error).message}`);
      }
    });
}

export function normaliseNdjson(objects: readonly Record<string, unknown>[]): string {
  const kept = objects.filter((object) => !isExportSummary(object)).map(normaliseSavedObject);
  kept.sort((a, b) => {
    const byType = String(a.type).localeCompare(String(b.type));
    return byType !== 0 ? byType : String(a.id).localeCompare(String(b.id));
  });
  return kept.map((object) => JSON.stringify(object)).join('\n') + '\n';
}

export const SAVED_OBJECTS_DIR = fileURLToPath(new URL('../saved-objects/', import.meta.url));

/** Normalises every `*.ndjson` file of `directory` in place; returns the files it changed. */
export async function normaliseDirectory(directory: string): Promise<string[]> {
  const changed: string[] = [];
  for (const file of (await readdir(directory)).filter((name) => name.endsWith('.ndjson')).sort()) {
    const full = path.join(directory, file);
    const text = await readFile(full, 'utf8');
    const normalised = normaliseNdjson(parseNdjson(text));
    if (normalised !== text) {
      await writeFile(full, normalised);
      changed.push(file);
    }
  }
  return changed;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const directory = process.argv[2] ?? SAVED_OBJECTS_DIR;
  const changed = await normaliseDirectory(directory);
  console.log(changed.length === 0 ? 'already normalised' : `normalised: ${changed.join(', ')}`);
}
