import { z } from 'zod';
import { EventsQuerySchema } from './events.js';
import { HitsSchema } from './pagination.js';
import { RequestSummarySchema } from './session-timeline.js';

/** Each row costs its request's timeline: pages are small. */
export const MAX_REQUESTS_PER_PAGE = 500;

export const RequestSearchQuerySchema = EventsQuerySchema.extend({
  $limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(MAX_REQUESTS_PER_PAGE)
    .default(50)
    .describe('Requests per page (default 50, at most 500; more is 413)'),
});
export type RequestSearchQuery = z.infer<typeof RequestSearchQuerySchema>;

export const RequestSearchPageSchema = z.object({
  $hits: HitsSchema.describe('`total` counts distinct requests (exact up to 40000)'),
  $results: z.array(RequestSummarySchema),
  truncated: z
    .boolean()
    .describe(
      'True when the page had more events than QUERY_MAX_TIMELINE_EVENTS: rows are partial',
    ),
});
export type RequestSearchPage = z.infer<typeof RequestSearchPageSchema>;
