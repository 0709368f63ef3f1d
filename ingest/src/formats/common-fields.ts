import { z } from 'zod';

/** Input field schemas that more than one format shares. */

/** Epoch milliseconds between 2000 and 9999: outside that, the field is garbage, not history. */
export const EpochMsSchema = z
  .number()
  .int()
  .min(946_684_800_000, 'expected epoch milliseconds after 2000')
  .max(253_402_300_799_999, 'expected epoch milliseconds before 10000');

/** A week: longer is a broken clock, and the nanosecond value must stay a safe integer. */
export const MAX_DURATION_MS = 7 * 86_400_000;
export const DurationMsSchema = z.number().nonnegative().max(MAX_DURATION_MS);

export const nullableString = z.string().nullish();
