import type { TraceEvent } from '../../../core/src/schemas/trace-event.js';

/**
 * A TraceEvent under construction: any field may still be undefined. `finishEvent` drops the
 * undefined fields and empty objects, so the result satisfies `exactOptionalPropertyTypes` and
 * the stored document carries no nulls. Output conformance to TraceEventSchema is checked in
 * tests, not per event in production.
 */
export type Draft<T> = T extends readonly unknown[]
  ? T | undefined
  : T extends object
    ? { [K in keyof T]?: Draft<T[K]> | undefined }
    : T | undefined;

export function finishEvent(draft: Draft<TraceEvent>): TraceEvent {
  return prune(draft) as TraceEvent;
}

function prune(value: unknown): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  const source = value as Record<string, unknown>;
  let out: Record<string, unknown> | undefined;
  // for...in without Object.entries: this runs for every field of every event.
  for (const key in source) {
    const child = source[key];
    const pruned = key === 'circuit_path' || typeof child !== 'object' ? child : prune(child);
    if (pruned === undefined) continue;
    (out ??= {})[key] = pruned;
  }
  return out;
}
