import { z } from 'zod';

/**
 * Where a request failed, or where its time went, said outright. `kind` is the case; `origin`
 * is who the support engineer should talk to: the gateway team, a backend's team, or whoever
 * runs the network between them.
 */
export const DIAGNOSIS_KINDS = [
  /** Answered without an error and in its usual time. */
  'ok',
  /** The gateway answered on its own, before calling any backend (authentication, scope, quota...). */
  'rejected_by_gateway',
  /** The backend answered fine, the gateway still failed the call (a response policy). */
  'gateway_failed_after_backend',
  /** A backend failed with a server error: the deepest failing service of the call tree. */
  'backend_error',
  /** A gateway leg got 502/503/504 or no answer, and no service logged the call. */
  'backend_unreachable',
  /** A backend refused the request (4xx): the client's input, not an outage. */
  'backend_client_error',
  /** Did not fail, but took far longer than the route usually does. */
  'slow',
  /** Failed, but the hops do not say where. */
  'unknown',
] as const;
export const DiagnosisKindSchema = z.enum(DIAGNOSIS_KINDS);
export type DiagnosisKind = z.infer<typeof DiagnosisKindSchema>;

export const FailureOriginSchema = z.enum(['gateway', 'backend', 'network']);
export type FailureOrigin = z.infer<typeof FailureOriginSchema>;

export const DIAGNOSIS_REASONS = [
  'oauth',
  'scope',
  'quota',
  'size',
  'waf',
  'policy',
  'timeout',
  'unreachable',
] as const;

export const DiagnosisSchema = z
  .object({
    kind: DiagnosisKindSchema,
    origin: FailureOriginSchema.nullable().describe('Null when the request did not fail'),
    service: z
      .string()
      .nullable()
      .describe('The service at the origin: a backend, or the gateway; null when unknown'),
    reason: z
      .enum(DIAGNOSIS_REASONS)
      .nullable()
      .describe('What rejected the request at the gateway, or why a backend was not reached'),
    status: z.number().int().nullable().describe('The HTTP status at the origin'),
    error: z
      .object({
        code: z.string().nullable(),
        type: z.string().nullable(),
        message: z.string().nullable(),
      })
      .nullable()
      .describe("The origin's own error, as it logged it"),
    summary: z.string().describe('One line for a human'),
    hops: z.array(z.number().int()).describe('Evidence: the hops that show it, origin first'),
  })
  .describe('Where the request failed and why, or where its time went when it was slow');
export type Diagnosis = z.infer<typeof DiagnosisSchema>;
