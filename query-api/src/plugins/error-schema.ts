import { z } from 'zod';
import { ERROR_CODES, type ErrorCode } from '../../../core/src/errors.js';

/** The error body, for the OpenAPI document: see plugins/errors.ts. */
export const ErrorBodySchema = z.object({
  code: z.enum(Object.keys(ERROR_CODES) as [ErrorCode, ...ErrorCode[]]),
  message: z.string(),
  details: z.array(z.object({ field: z.string().optional(), issue: z.string() })),
  requestId: z.string(),
});
