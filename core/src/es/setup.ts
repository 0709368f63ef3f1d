import { readFileSync } from 'node:fs';
import type { Client } from '@elastic/elasticsearch';
import type { IndexNames } from './index-names.js';

const EVENTS_TEMPLATE_FILE = new URL('./templates/events.json', import.meta.url);

interface EventsTemplate {
  template: { settings: { index: Record<string, unknown> } };
  [key: string]: unknown;
}

/**
 * The committed events index template with Ariane's prefix filled in and, when given, the
 * replica count (ES_NUMBER_OF_REPLICAS) in place of the committed 0.
 */
export function eventsIndexTemplate(prefix: string, replicas?: number): Record<string, unknown> {
  const text = readFileSync(EVENTS_TEMPLATE_FILE, 'utf8').replaceAll('{{prefix}}', prefix);
  const template = JSON.parse(text) as EventsTemplate;
  if (replicas !== undefined) template.template.settings.index.number_of_replicas = replicas;
  return template;
}

/**
 * Installs the events index template, with `replicas` replicas. Idempotent: running it again
 * replaces the template with the same content; indices already created keep their mapping until
 * their day rolls over, and get the replica count too (a dynamic setting).
 */
export async function installEventsTemplate(
  es: Client,
  names: IndexNames,
  prefix: string,
  replicas: number,
): Promise<void> {
  await es.indices.putIndexTemplate({
    name: names.eventsTemplate,
    ...eventsIndexTemplate(prefix, replicas),
  });
  const current = await es.indices.getSettings({
    index: names.eventsPattern,
    name: 'index.number_of_replicas',
    flat_settings: true,
    allow_no_indices: true,
    expand_wildcards: 'open',
  });
  const differing = Object.entries(current)
    .filter(([, state]) => Number(state.settings?.['index.number_of_replicas']) !== replicas)
    .map(([index]) => index);
  if (differing.length > 0)
    await es.indices.putSettings({
      index: differing.join(','),
      settings: { number_of_replicas: replicas },
    });
}
