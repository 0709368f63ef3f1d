import { z } from 'zod';
import { RequestIdSchema } from './ids.js';
import { HitsSchema, PaginationQuerySchema } from './pagination.js';
import { DiagnosisSchema, FailureOriginSchema } from './diagnosis.js';
import { ANOMALY_TYPES } from './request-timeline.js';

export const SessionParamsSchema = z.object({
  applicationId: RequestIdSchema.describe('The X-Application-Id of the front-office session'),
});

export const SessionQuerySchema = PaginationQuerySchema;

export const RequestSummarySchema = z.object({
  requestId: z.string(),
  start: z.string().nullable(),
  method: z.string().nullable(),
  path: z.string().nullable(),
  status: z.number().int().nullable(),
  durationMs: z.number().nullable(),
  services: z.array(z.string()),
  errors: z.number().int(),
  anomalies: z.array(z.enum(ANOMALY_TYPES)),
  eventCount: z.number().int(),
  diagnosis: DiagnosisSchema,
});
export type RequestSummary = z.infer<typeof RequestSummarySchema>;

export const SessionSummarySchema = z.object({
  start: z.string().nullable(),
  end: z.string().nullable(),
  spanMs: z.number().nullable(),
  requests: z.number().int().describe('Distinct request ids (exact up to 40000)'),
  failedRequests: z.number().int(),
  services: z.array(z.string()).describe('Services that logged the session id'),
  failuresByOrigin: z
    .array(
      z.object({
        origin: FailureOriginSchema,
        service: z.string().nullable().describe('The backend, for origin `backend`'),
        requests: z.number().int(),
      }),
    )
    .describe("Failed requests of this page by where they failed, from each request's diagnosis"),
});
export type SessionSummary = z.infer<typeof SessionSummarySchema>;

export const SessionTimelineSchema = z.object({
  applicationId: z.string(),
  summary: SessionSummarySchema,
  $hits: HitsSchema,
  $results: z.array(RequestSummarySchema),
  truncated: z
    .boolean()
    .describe(
      'True when the page had more events than QUERY_MAX_TIMELINE_EVENTS: summaries are partial',
    ),
});
export type SessionTimeline = z.infer<typeof SessionTimelineSchema>;
