import { z } from 'zod';
import { OperationSchema, type Operation } from '../../core/src/anonymisation/operations.js';
import type { AnonymisationSelector } from '../../core/src/anonymisation/selector.js';
import { EventsPageSchema } from '../../query-api/src/contract/events.js';
import { RequestSearchPageSchema } from '../../query-api/src/contract/request-search.js';
import { RequestTimelineSchema } from '../../query-api/src/contract/request-timeline.js';
import { SessionTimelineSchema } from '../../query-api/src/contract/session-timeline.js';
import { exitCodeForStatus, type ExitCode } from './exit-codes.js';

export interface ApiConnection {
  readonly apiUrl: string;
  readonly token?: string;
  readonly tenant?: string;
}

/** An error answer of the API (its `{code, message, details, requestId}` body) or a transport failure. */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number | undefined,
    readonly code: string | undefined,
    readonly requestId: string | undefined,
  ) {
    super(message);
  }

  get exitCode(): ExitCode {
    return this.status === undefined ? 1 : exitCodeForStatus(this.status);
  }
}

const ErrorBodySchema = z.object({
  code: z.string(),
  message: z.string(),
  requestId: z.string().nullable().optional(),
});

const OperationPageSchema = z.object({
  $hits: z.object({ total: z.number() }).loose(),
  $results: z.array(OperationSchema),
});
export type OperationPage = z.infer<typeof OperationPageSchema>;

export type EventsFilters = Readonly<Record<string, string | number | undefined>>;

function queryOf(filters: EventsFilters): string {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(filters))
    if (value !== undefined) query.set(name, String(value));
  return query.toString();
}

/**
 * The query API as the CLI uses it. Every answer is parsed with the API's own zod schemas, so a
 * contract change fails loudly here instead of printing garbage.
 */
export class ArianeApi {
  constructor(
    private readonly connection: ApiConnection,
    private readonly fetchImpl: typeof fetch = fetch,
  ) {}

  private async call(
    method: 'GET' | 'POST',
    path: string,
    body?: unknown,
  ): Promise<{ status: number; json: unknown; headers: Headers }> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (this.connection.token) headers.authorization = `Bearer ${this.connection.token}`;
    if (this.connection.tenant) headers['x-tenant-id'] = this.connection.tenant;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const url = new URL(path, this.connection.apiUrl.replace(/\/?$/, '/'));
    let response: Response;
    try {
      response = await this.fetchImpl(url, {
        method,
        headers,
        ...(body !== undefined && { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(30_000),
      });
    } catch (error) {
      throw new ApiError(
        `cannot reach the API at ${this.connection.apiUrl}: ${(error as Error).message}`,
        undefined,
        undefined,
        undefined,
      );
    }
    const text = await response.text();
    let json: unknown = undefined;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      // A non-JSON answer (a proxy's HTML error page) is reported by status below.
    }
    if (response.status >= 400) {
      const parsed = ErrorBodySchema.safeParse(json);
      throw new ApiError(
        parsed.success ? parsed.data.message : `HTTP ${response.status}`,
        response.status,
        parsed.success ? parsed.data.code : undefined,
        (parsed.success ? parsed.data.requestId : undefined) ??
          response.headers.get('x-request-id') ??
          undefined,
      );
    }
    return { status: response.status, json, headers: response.headers };
  }

  async requestTimeline(requestId: string) {
    const { json } = await this.call('GET', `trace/v1/requests/${encodeURIComponent(requestId)}`);
    return RequestTimelineSchema.parse(json);
  }

  async sessionTimeline(applicationId: string, page: { limit: number; offset: number }) {
    const query = new URLSearchParams({ $limit: String(page.limit), $offset: String(page.offset) });
    const { json } = await this.call(
      'GET',
      `trace/v1/sessions/${encodeURIComponent(applicationId)}?${query.toString()}`,
    );
    return SessionTimelineSchema.parse(json);
  }

  async searchEvents(filters: EventsFilters) {
    const { json } = await this.call('GET', `trace/v1/events?${queryOf(filters)}`);
    return EventsPageSchema.parse(json);
  }

  /** The same filters, grouped by request: one row and a diagnosis per request. */
  async searchRequests(filters: EventsFilters) {
    const { json } = await this.call('GET', `trace/v1/requests?${queryOf(filters)}`);
    return RequestSearchPageSchema.parse(json);
  }

  /** Queues an anonymisation; resolves with the operation id from the 202 answer. */
  async anonymise(selector: AnonymisationSelector, reason: string): Promise<string> {
    const { json, headers } = await this.call('POST', 'trace/v1/anonymisations', {
      selector,
      reason,
    });
    const fromBody = z.object({ operationId: z.string() }).safeParse(json);
    if (fromBody.success) return fromBody.data.operationId;
    const location = headers.get('location') ?? headers.get('content-location');
    const id = location?.split('/').filter(Boolean).pop();
    if (!id)
      throw new ApiError('the API did not return an operation id', 202, undefined, undefined);
    return id;
  }

  async operation(operationId: string): Promise<Operation> {
    const { json } = await this.call(
      'GET',
      `trace/v1/operations/${encodeURIComponent(operationId)}`,
    );
    return OperationSchema.parse(json);
  }

  async operations(page: { limit: number; offset: number }): Promise<OperationPage> {
    const query = new URLSearchParams({ $limit: String(page.limit), $offset: String(page.offset) });
    const { json } = await this.call('GET', `trace/v1/operations?${query.toString()}`);
    return OperationPageSchema.parse(json);
  }
}
