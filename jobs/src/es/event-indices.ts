import type { Client } from '@elastic/elasticsearch';
import { dayOfEventsIndex, type IndexNames } from '../../../core/src/es/index-names.js';

/** One index under the events prefix, as the jobs see it. */
export interface EventIndex {
  readonly name: string;
  readonly closed: boolean;
  readonly docs: number;
  /** The UTC midnight its name stands for; undefined when the name is not `<prefix>YYYY.MM.DD`. */
  readonly day: Date | undefined;
}

/**
 * Every index under the events prefix, closed and hidden ones included, sorted by name: the one
 * listing the jobs decide from (retention, requested and age-based anonymisation). Which of them
 * a job touches is then a pure decision on names and days.
 */
export async function listEventIndices(es: Client, names: IndexNames): Promise<EventIndex[]> {
  const listed = await es.cat.indices({
    index: names.eventsPattern,
    expand_wildcards: 'all',
    format: 'json',
    h: ['index', 'status', 'docs.count'],
  });
  return listed
    .map((row) => {
      const name = String(row.index);
      return {
        name,
        closed: row.status === 'close',
        docs: Number(row['docs.count'] ?? 0),
        day: dayOfEventsIndex(name, names.eventsPrefix),
      };
    })
    .sort((a, b) => a.name.localeCompare(b.name));
}
