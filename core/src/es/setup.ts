import { readFileSync } from 'node:fs';
import type { Client } from '@elastic/elasticsearch';
import type { IndexNames } from './index-names.js';

const EVENTS_TEMPLATE_FILE = new URL('./templates/events.json', import.meta.url);

/** The committed events index template with Ariane's prefix filled in. */
export function eventsIndexTemplate(prefix: string): Record<string, unknown> {
  const text = readFileSync(EVENTS_TEMPLATE_FILE, 'utf8').replaceAll('{{prefix}}', prefix);
  return JSON.parse(text) as Record<string, unknown>;
}

/**
 * Installs the events index template. Idempotent: running it again replaces the template with
 * the same content; indices already created keep their mapping until their day rolls over.
 */
export async function installEventsTemplate(
  es: Client,
  names: IndexNames,
  prefix: string,
): Promise<void> {
  await es.indices.putIndexTemplate({
    name: names.eventsTemplate,
    ...eventsIndexTemplate(prefix),
  });
}
