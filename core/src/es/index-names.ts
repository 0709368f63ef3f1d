/**
 * Names of everything Ariane keeps in Elasticsearch, in one place. Event indices are daily,
 * named after the UTC day of the events' `@timestamp`, so retention can be decided from the name
 * alone and a lookup can be routed to the days it needs.
 */

export interface IndexNames {
  /** Pattern matching every daily event index; for reads only, never for deletes. */
  readonly eventsPattern: string;
  /** Name prefix shared by every daily event index, e.g. `ariane-events-`. */
  readonly eventsPrefix: string;
  readonly eventsTemplate: string;
  readonly operations: string;
  readonly audit: string;
  readonly locks: string;
  readonly denyList: string;
  /** The one place a selector's clear value lives, until its anonymisation operation ends. */
  readonly anonymisationRequests: string;
  /** Records ingest could not index, with their payload: searchable by support, erasable. */
  readonly deadLetters: string;
  eventsIndexFor(date: Date): string;
}

const DAY_SUFFIX = /^(\d{4})\.(\d{2})\.(\d{2})$/;

export function indexNames(prefix: string): IndexNames {
  const eventsPrefix = `${prefix}-events-`;
  return Object.freeze({
    eventsPattern: `${eventsPrefix}*`,
    eventsPrefix,
    eventsTemplate: `${prefix}-events`,
    operations: `${prefix}-operations`,
    audit: `${prefix}-audit`,
    locks: `${prefix}-locks`,
    denyList: `${prefix}-denylist`,
    anonymisationRequests: `${prefix}-anonymisation-requests`,
    deadLetters: `${prefix}-dead-letters`,
    eventsIndexFor: (date: Date) => `${eventsPrefix}${utcDaySuffix(date)}`,
  });
}

/** `YYYY.MM.DD` of the UTC day containing `date`. */
export function utcDaySuffix(date: Date): string {
  const iso = date.toISOString();
  return `${iso.slice(0, 4)}.${iso.slice(5, 7)}.${iso.slice(8, 10)}`;
}

/**
 * The UTC midnight that starts the day an event index holds, or undefined when `index` is not
 * exactly `<eventsPrefix>YYYY.MM.DD` with a real calendar date.
 */
export function dayOfEventsIndex(index: string, eventsPrefix: string): Date | undefined {
  if (!index.startsWith(eventsPrefix)) return undefined;
  const match = DAY_SUFFIX.exec(index.slice(eventsPrefix.length));
  if (!match) return undefined;
  const [, year, month, day] = match.map(Number) as [number, number, number, number];
  const start = new Date(Date.UTC(year, month - 1, day));
  const roundTrips =
    start.getUTCFullYear() === year &&
    start.getUTCMonth() === month - 1 &&
    start.getUTCDate() === day;
  return roundTrips ? start : undefined;
}

/** Every daily event index name from the day of `from` to the day of `to`, both included. */
export function eventsIndicesBetween(names: IndexNames, from: Date, to: Date): string[] {
  const result: string[] = [];
  const dayMs = 86_400_000;
  const first = Math.floor(from.getTime() / dayMs);
  const last = Math.floor(to.getTime() / dayMs);
  for (let day = first; day <= last; day += 1)
    result.push(names.eventsIndexFor(new Date(day * dayMs)));
  return result;
}
