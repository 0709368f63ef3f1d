/**
 * Every error Ariane reports to a caller or an operator has a stable code from this registry.
 * Codes never change meaning once released; messages may be reworded. The HTTP status is what
 * the query API answers with. docs/errors.md documents each code and
 * test/unit/core/errors.test.ts fails when one is undocumented.
 */
export const ERROR_CODES = {
  ARIANE_BAD_REQUEST: { status: 400, message: 'The request is malformed' },
  ARIANE_INVALID_PARAMETER: { status: 400, message: 'A parameter is invalid' },
  ARIANE_INVALID_HEADER: { status: 400, message: 'A header is missing or invalid' },
  ARIANE_TENANT_REQUIRED: { status: 400, message: 'X-Tenant-Id is required on this endpoint' },
  ARIANE_UNAUTHENTICATED: { status: 401, message: 'Authentication is required' },
  ARIANE_TOKEN_INVALID: { status: 401, message: 'The bearer token or API key is not valid' },
  ARIANE_FORBIDDEN: { status: 401, message: 'The caller may not perform this operation' },
  ARIANE_TENANT_FORBIDDEN: { status: 401, message: 'The caller may not read this tenant' },
  ARIANE_NOT_FOUND: { status: 404, message: 'The resource does not exist' },
  ARIANE_ROUTE_NOT_FOUND: { status: 404, message: 'No such route' },
  ARIANE_METHOD_NOT_ALLOWED: { status: 405, message: 'The method is not allowed on this resource' },
  ARIANE_CONFLICT: { status: 409, message: 'The request conflicts with the current state' },
  ARIANE_PRECONDITION_FAILED: { status: 412, message: 'A precondition is not met' },
  ARIANE_CURSOR_EXPIRED: { status: 412, message: 'The cursor is unknown or has expired' },
  ARIANE_PAYLOAD_TOO_LARGE: {
    status: 413,
    message: 'The request exceeds what the service accepts',
  },
  ARIANE_RESULT_TOO_LARGE: {
    status: 413,
    message: 'The result window exceeds what the service accepts',
  },
  ARIANE_UNSUPPORTED_MEDIA_TYPE: { status: 415, message: 'The media type is not supported' },
  ARIANE_RATE_LIMITED: { status: 429, message: 'Too many requests' },
  ARIANE_INTERNAL: { status: 500, message: 'An internal error occurred' },
  ARIANE_NOT_IMPLEMENTED: { status: 501, message: 'The operation is not implemented' },
  ARIANE_STORE_UNAVAILABLE: { status: 503, message: 'The event store is unavailable' },
  ARIANE_CONFIG_INVALID: { status: 500, message: 'The configuration is invalid' },
  ARIANE_EVENT_INVALID: { status: 422, message: 'The event failed validation' },
  ARIANE_EVENT_TOO_OLD: { status: 422, message: 'The event is older than the retention window' },
  ARIANE_EVENT_REJECTED: { status: 422, message: 'Elasticsearch rejected the event permanently' },
  ARIANE_ANONYMISATION_INCOMPLETE: {
    status: 500,
    message: 'Matching events or deleted documents remain after the anonymisation passes',
  },
  ARIANE_ANONYMISATION_DEFERRED: {
    status: 503,
    message: 'The erasure of a busy index was deferred; the operation resumes on the next run',
  },
  ARIANE_ANONYMISATION_UNVERIFIED: {
    status: 500,
    message: 'Verification still finds the original values after anonymisation',
  },
  ARIANE_ANONYMISATION_VALUE_LOST: {
    status: 500,
    message: 'The selector value is no longer held, so the operation cannot complete',
  },
} as const satisfies Record<string, { status: number; message: string }>;

export type ErrorCode = keyof typeof ERROR_CODES;

/**
 * An error that is safe to show: its message and details never contain personal data or
 * internals. Anything that is not an ArianeError is reported as ARIANE_INTERNAL with no detail.
 */
export class ArianeError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    message: string = ERROR_CODES[code].message,
    readonly details: readonly ErrorDetail[] = [],
  ) {
    super(message);
    this.name = 'ArianeError';
    this.status = ERROR_CODES[code].status;
  }
}

export interface ErrorDetail {
  readonly field?: string;
  readonly issue: string;
}

export function isArianeError(error: unknown): error is ArianeError {
  return error instanceof ArianeError;
}
