import { z } from 'zod';

/** The conventions' limits: `$limit` defaults to 1000, at most 100000; `$offset` at most 100000. */
export const MAX_LIMIT = 100_000;
export const MAX_OFFSET = 100_000;
export const DEFAULT_LIMIT = 1_000;
/** Elasticsearch's `index.max_result_window` in the events template: from + size beyond it fails. */
export const MAX_RESULT_WINDOW = 100_000;

export const PaginationQuerySchema = z.object({
  $limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(MAX_LIMIT)
    .default(DEFAULT_LIMIT)
    .describe('Maximum number of items returned (default 1000, at most 100000; more is 413)'),
  $offset: z.coerce
    .number()
    .int()
    .min(0)
    .max(MAX_OFFSET)
    .default(0)
    .describe('Position of the first item returned (default 0, at most 100000; more is 413)'),
});
export type PaginationQuery = z.infer<typeof PaginationQuerySchema>;

/** The `$hits` block of a paginated answer, as in the conventions' DSL responses. */
export const HitsSchema = z.object({
  total: z.number().int(),
  offset: z.number().int(),
  limit: z.number().int(),
  size: z.number().int(),
});
