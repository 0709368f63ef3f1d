import { z } from 'zod';
import {
  DeadLetterReasonSchema,
  StoredDeadLetterSchema,
} from '../../../core/src/schemas/dead-letter.js';
import { HitsSchema } from './pagination.js';

/** A dead letter is up to a 256 KiB payload: pages are kept small. */
export const DEAD_LETTERS_MAX_LIMIT = 1_000;
export const DEAD_LETTERS_DEFAULT_LIMIT = 100;
const MAX_OFFSET = 100_000;

const isoDate = z.iso.datetime({ offset: true });

export const DeadLettersQuerySchema = z
  .object({
    $limit: z.coerce
      .number()
      .int()
      .min(1)
      .max(DEAD_LETTERS_MAX_LIMIT)
      .default(DEAD_LETTERS_DEFAULT_LIMIT)
      .describe(`Dead letters returned (default 100, at most ${DEAD_LETTERS_MAX_LIMIT})`),
    $offset: z.coerce
      .number()
      .int()
      .min(0)
      .max(MAX_OFFSET - DEAD_LETTERS_MAX_LIMIT)
      .default(0)
      .describe('Position of the first dead letter returned'),
    from: isoDate.optional().describe('Failed at or after this time (ISO 8601)'),
    to: isoDate.optional().describe('Failed before this time (ISO 8601)'),
    reason: DeadLetterReasonSchema.optional().describe('Why ingest refused the record'),
    topic: z
      .string()
      .regex(/^[A-Za-z0-9._-]{1,249}$/, 'a Kafka topic name')
      .optional()
      .describe('The input topic the record came from'),
    q: z
      .string()
      .min(1)
      .max(256)
      .optional()
      .describe('Words in the payload (simple query string: + | - "" ( ) only)'),
    unattributed: z
      .enum(['true', 'false'])
      .default('false')
      .transform((value) => value === 'true')
      .describe(
        'true lists the dead letters whose payload names no single tenant instead; ' +
          'only for callers granted every tenant',
      ),
  })
  .refine((query) => !query.from || !query.to || Date.parse(query.from) <= Date.parse(query.to), {
    message: '"from" must not be after "to"',
    path: ['from'],
  });
export type DeadLettersQuery = z.output<typeof DeadLettersQuerySchema>;

export const DeadLetterItemSchema = StoredDeadLetterSchema.extend({
  id: z.string().describe('<topic>:<partition>:<offset> of the source record'),
});

export const DeadLettersPageSchema = z.object({
  $hits: HitsSchema,
  $results: z.array(DeadLetterItemSchema),
});
