import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { DEFAULT_TIMELINE_ORIGIN, TIMELINE_PATH } from './saved-objects.js';

export interface KibanaTarget {
  readonly url: string;
  readonly username?: string;
  readonly password?: string;
}

export interface ImportResult {
  readonly file: string;
  readonly success: boolean;
  readonly successCount: number;
  readonly errors: readonly string[];
}

function authHeader(target: KibanaTarget): Record<string, string> {
  if (!target.username || !target.password) return {};
  const token = Buffer.from(`${target.username}:${target.password}`).toString('base64');
  return { authorization: `Basic ${token}` };
}

/** Waits until Kibana's status API answers, or throws after `timeoutMs`. */
export async function waitForKibana(target: KibanaTarget, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const response = await fetch(new URL('/api/status', target.url), {
        headers: authHeader(target),
        signal: AbortSignal.timeout(5000),
      });
      if (response.ok) return;
    } catch {
      // Not up yet: keep polling until the deadline.
    }
    if (Date.now() > deadline)
      throw new Error(`Kibana at ${target.url} not ready after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 2000));
  }
}

export interface ImportOptions {
  /** Origin of the query API as the browser sees it, for the links to the timeline page. */
  readonly timelineOrigin?: string;
}

/** Points the timeline links of committed saved objects at another query API origin. */
export function withTimelineOrigin(ndjson: string, origin: string): string {
  return ndjson.replaceAll(
    `${DEFAULT_TIMELINE_ORIGIN}${TIMELINE_PATH}`,
    `${origin.replace(/\/+$/, '')}${TIMELINE_PATH}`,
  );
}

/**
 * Imports every `*.ndjson` file of `directory` through Kibana's saved-objects API, overwriting
 * objects with the same ids, so running it twice gives the same result. Each file holds the data
 * views it needs, so files import independently.
 */
export async function importSavedObjects(
  target: KibanaTarget,
  directory: string,
  options: ImportOptions = {},
): Promise<ImportResult[]> {
  const files = (await readdir(directory)).filter((name) => name.endsWith('.ndjson')).sort();
  const results: ImportResult[] = [];
  for (const file of files) {
    const form = new FormData();
    const text = await readFile(path.join(directory, file), 'utf8');
    const content = options.timelineOrigin
      ? withTimelineOrigin(text, options.timelineOrigin)
      : text;
    form.append('file', new Blob([content], { type: 'application/ndjson' }), file);
    const response = await fetch(new URL('/api/saved_objects/_import?overwrite=true', target.url), {
      method: 'POST',
      headers: { 'kbn-xsrf': 'ariane', ...authHeader(target) },
      body: form,
    });
    const body = (await response.json()) as {
      success?: boolean;
      successCount?: number;
      errors?: { id: string; error: { type: string } }[];
    };
    results.push({
      file,
      success: response.ok && body.success === true,
      successCount: body.successCount ?? 0,
      errors: (body.errors ?? []).map((error) => `${error.id}: ${error.error.type}`),
    });
  }
  return results;
}
