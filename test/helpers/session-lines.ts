/**
 * One request of a session as the gateway and a backend service log it, the raw lines the Kafka
 * erasure tests send: every identifier in them is a personal value to find on disk afterwards.
 */
export interface SessionRequest {
  readonly tenant: string;
  readonly requestId: string;
  readonly session: string;
}

/** A generic access-log line (gateway topic), with the user. */
export const gatewayLine = ({ tenant, requestId, session }: SessionRequest, user: string) =>
  JSON.stringify({
    timestamp: new Date().toISOString(),
    request_id: requestId,
    application_id: session,
    tenant_id: tenant,
    method: 'GET',
    path: '/access-external/v1/units',
    status: 200,
    duration_ms: 12,
    client_ip: '198.51.100.23',
    user_id: user,
    service: 'access-external',
  });

/** A logback JSON line of a Vitam service (services topic), ids in the MDC. */
export const serviceLine = ({ tenant, requestId, session }: SessionRequest) =>
  JSON.stringify({
    '@timestamp': new Date().toISOString(),
    level: 'INFO',
    logger_name: 'fr.gouv.vitam.metadata.MetaDataImpl',
    message: 'units query executed',
    app: 'vitam-metadata',
    mdc: { 'X-Request-Id': requestId, 'X-Application-Id': session, 'X-Tenant-Id': tenant },
  });
