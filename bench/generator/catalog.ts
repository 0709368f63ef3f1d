import type { Random } from './prng.js';

/**
 * The API operations the simulated clients call, after Vitam's REST conventions: URLs are
 * `<service>/v1/<resource>`, long tasks answer 202 with the operation id in X-Request-Id and are
 * then polled with `GET <service>/v1/operations/{id}`.
 */
export interface Operation {
  /** API name as published in API Manager (`serviceContexts[].service`). */
  readonly api: string;
  /** Operation name (`serviceContexts[].method`, `transactionElement.operation`). */
  readonly name: string;
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** The backend service the gateway routes to. */
  readonly service: string;
  readonly resource: (random: Random) => string;
  readonly okStatus: 200 | 201 | 202;
  /** Internal services the backend calls in turn, in order. */
  readonly downstream: readonly string[];
  /** Where the client polls an asynchronous operation started by this one. */
  readonly pollService?: string;
  readonly requestBytes: readonly [number, number];
  readonly responseBytes: readonly [number, number];
  readonly weight: number;
}

const guid = (random: Random) => `aeaqaaaaa${random.base32(27)}`;

export const OPERATIONS: readonly Operation[] = [
  {
    api: 'Vitam Access',
    name: 'searchUnits',
    method: 'GET',
    service: 'access-external',
    resource: () => 'units',
    okStatus: 200,
    downstream: ['access-internal', 'metadata'],
    requestBytes: [200, 2_000],
    responseBytes: [500, 60_000],
    weight: 30,
  },
  {
    api: 'Vitam Access',
    name: 'getUnitById',
    method: 'GET',
    service: 'access-external',
    resource: (random) => `units/${guid(random)}`,
    okStatus: 200,
    downstream: ['access-internal', 'metadata'],
    requestBytes: [0, 0],
    responseBytes: [800, 8_000],
    weight: 20,
  },
  {
    api: 'Vitam Access',
    name: 'getObjectById',
    method: 'GET',
    service: 'access-external',
    resource: (random) => `objects/${guid(random)}`,
    okStatus: 200,
    downstream: ['access-internal', 'metadata'],
    requestBytes: [0, 0],
    responseBytes: [10_000, 4_000_000],
    weight: 8,
  },
  {
    api: 'Vitam Access',
    name: 'exportDip',
    method: 'POST',
    service: 'access-external',
    resource: () => 'dipexport',
    okStatus: 202,
    downstream: ['access-internal', 'processing'],
    pollService: 'admin-external',
    requestBytes: [300, 3_000],
    responseBytes: [100, 400],
    weight: 3,
  },
  {
    api: 'Vitam Access',
    name: 'getLogbookOperation',
    method: 'GET',
    service: 'access-external',
    resource: (random) => `logbookoperations/${guid(random)}`,
    okStatus: 200,
    downstream: ['access-internal', 'logbook'],
    requestBytes: [0, 0],
    responseBytes: [1_000, 20_000],
    weight: 8,
  },
  {
    api: 'Vitam Ingest',
    name: 'uploadSip',
    method: 'POST',
    service: 'ingest-external',
    resource: () => 'ingests',
    okStatus: 202,
    downstream: ['ingest-internal', 'processing'],
    pollService: 'ingest-external',
    requestBytes: [50_000, 20_000_000],
    responseBytes: [100, 400],
    weight: 5,
  },
  {
    api: 'Vitam Admin',
    name: 'listAccessionRegisters',
    method: 'GET',
    service: 'admin-external',
    resource: () => 'accessionregisters',
    okStatus: 200,
    downstream: ['logbook'],
    requestBytes: [100, 800],
    responseBytes: [1_000, 30_000],
    weight: 6,
  },
  {
    api: 'Vitam Admin',
    name: 'updateAccessContract',
    method: 'PUT',
    service: 'admin-external',
    resource: (random) => `accesscontracts/AC-${String(random.int(1, 40)).padStart(6, '0')}`,
    okStatus: 200,
    downstream: [],
    requestBytes: [200, 1_500],
    responseBytes: [100, 600],
    weight: 2,
  },
  {
    api: 'Referentiel',
    name: 'getAgency',
    method: 'GET',
    service: 'referential',
    resource: (random) => `agencies/AG-${String(random.int(1, 500)).padStart(6, '0')}`,
    okStatus: 200,
    downstream: [],
    requestBytes: [0, 0],
    responseBytes: [200, 1_200],
    weight: 6,
  },
];

/** Polling an asynchronous operation: 202 while it runs, 200 once done. */
export function pollOperation(service: string, operationId: string): Operation {
  return {
    api: service === 'ingest-external' ? 'Vitam Ingest' : 'Vitam Admin',
    name: 'getOperationStatus',
    method: 'GET',
    service,
    resource: () => `operations/${operationId}`,
    okStatus: 200,
    downstream: ['processing'],
    requestBytes: [0, 0],
    responseBytes: [200, 2_000],
    weight: 0,
  };
}

/**
 * The gateway's own call-out before routing some calls: it checks the caller's access contract
 * against the referential, which adds a leg ahead of the backend call.
 */
export const CONTRACT_CHECK: Operation = {
  api: 'Vitam Access',
  name: 'checkAccessContract',
  method: 'GET',
  service: 'referential',
  resource: (random) => `accesscontracts/AC-${String(random.int(1, 40)).padStart(6, '0')}`,
  okStatus: 200,
  downstream: [],
  requestBytes: [0, 0],
  responseBytes: [150, 500],
  weight: 0,
};

export const STATUS_TEXT: Readonly<Record<number, string>> = {
  200: 'OK',
  201: 'Created',
  202: 'Accepted',
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  412: 'Precondition Failed',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
};
