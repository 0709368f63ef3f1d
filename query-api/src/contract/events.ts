import { z } from 'zod';
import { HitsSchema, PaginationQuerySchema } from './pagination.js';
import { StoredEventSchema } from './request-timeline.js';

export const EVENT_SORTS = [
  '@timestamp',
  '-@timestamp',
  'duration',
  '-duration',
  'status',
  '-status',
] as const;
export const STATUS_CLASSES = ['1xx', '2xx', '3xx', '4xx', '5xx'] as const;

const keywordValue = (max: number) => z.string().min(1).max(max);
const isoDate = z.iso.datetime({ offset: true });

export const EventsQuerySchema = PaginationQuerySchema.extend({
  from: isoDate.optional().describe('Events at or after this time (ISO 8601)'),
  to: isoDate.optional().describe('Events before this time (ISO 8601)'),
  clientId: keywordValue(256).optional().describe('OAuth client / API-Manager application id'),
  service: keywordValue(256).optional().describe('service.name, exact'),
  status: z.coerce.number().int().min(100).max(999).optional().describe('HTTP status, exact'),
  statusClass: z.enum(STATUS_CLASSES).optional(),
  method: z
    .string()
    .regex(/^[A-Za-z]{1,16}$/, 'an HTTP method')
    .transform((method) => method.toUpperCase())
    .optional(),
  path: z.string().min(1).max(2048).startsWith('/').optional().describe('url.path prefix'),
  minDurationMs: z.coerce.number().min(0).max(86_400_000).optional(),
  userId: keywordValue(512).optional(),
  q: z
    .string()
    .min(1)
    .max(256)
    .optional()
    .describe('Free text in message and error.message (simple query string: + | - "" ( ) only)'),
  sort: z.enum(EVENT_SORTS).default('-@timestamp').describe('Sort; event.id always breaks ties'),
});
export type EventsQuery = z.infer<typeof EventsQuerySchema>;

export const CursorHeadersSchema = z.object({
  'x-cursor': z.enum(['true', 'false']).optional().describe('true asks for a cursor (X-Cursor-Id)'),
  'x-cursor-id': z.string().min(1).max(8192).optional().describe('Next page of a cursor'),
});

export const EventsPageSchema = z.object({
  $hits: HitsSchema,
  $results: z.array(StoredEventSchema),
});
