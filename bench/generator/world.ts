import type { GeneratorOptions } from './options.js';
import { Random } from './prng.js';

/**
 * The static population the traffic runs over, drawn once from the seed: gateway instances,
 * tenants, API-Manager applications (OAuth clients), backend services and their hosts. Requests
 * are then drawn against it, so the same application or host recurs across a run like in
 * production.
 */

/** How a backend writes its JSON log lines. */
export type LogStyle = 'pino' | 'ecs' | 'logback';

export interface BackendHost {
  readonly name: string;
  readonly ip: string;
  readonly port: number;
  /** Added to every timestamp this host writes; non-zero for hosts with a drifting clock. */
  readonly clockSkewMs: number;
  /** Offset of the local time zone logback writes, in minutes east of UTC. */
  readonly utcOffsetMinutes: number;
}

export interface BackendService {
  readonly name: string;
  readonly style: LogStyle;
  /** A legacy service that logs only the `X-CorrelationID` the gateway sent, not X-Request-Id. */
  readonly logsCorrelationOnly: boolean;
  /** Java logger or module name that writes the access lines. */
  readonly logger: string;
  readonly hosts: readonly BackendHost[];
}

export interface GatewayInstance {
  readonly hostname: string;
  readonly ip: string;
  readonly domainId: string;
  readonly groupId: string;
  readonly groupName: string;
  readonly serviceId: string;
  readonly serviceName: string;
  readonly version: string;
}

export interface Application {
  /** API-Manager application id, what Axway records as `authentication.subject.id`. */
  readonly id: string;
  readonly name: string;
  readonly org: string;
  /** OAuth client id. */
  readonly clientId: string;
  readonly tenants: readonly string[];
  readonly userAgent: string;
  /** Some clients send header names in lower case (HTTP/2 stacks); Axway keeps them as received. */
  readonly lowerCaseHeaders: boolean;
  /** Browser front-ends send cookies; machine clients do not. */
  readonly sendsCookies: boolean;
}

export interface World {
  readonly gateways: readonly GatewayInstance[];
  readonly tenants: readonly string[];
  readonly applications: readonly Application[];
  readonly services: ReadonlyMap<string, BackendService>;
}

interface ServiceSpec {
  readonly name: string;
  readonly style: LogStyle;
  readonly logger: string;
  readonly logsCorrelationOnly?: boolean;
}

/** Vitam's external and internal services, with the log library each would plausibly use. */
const SERVICE_SPECS: readonly ServiceSpec[] = [
  { name: 'access-external', style: 'logback', logger: 'fr.gouv.vitam.access.external.rest' },
  { name: 'access-internal', style: 'logback', logger: 'fr.gouv.vitam.access.internal.rest' },
  { name: 'ingest-external', style: 'pino', logger: 'ingest-external' },
  { name: 'ingest-internal', style: 'pino', logger: 'ingest-internal' },
  {
    name: 'admin-external',
    style: 'logback',
    logger: 'fr.gouv.vitam.functional.administration.rest',
    logsCorrelationOnly: true,
  },
  { name: 'referential', style: 'pino', logger: 'referential', logsCorrelationOnly: true },
  { name: 'metadata', style: 'ecs', logger: 'metadata' },
  { name: 'logbook', style: 'ecs', logger: 'logbook' },
  { name: 'processing', style: 'ecs', logger: 'processing' },
];

const ORGS = ['DGFiP', 'DINUM', 'Archives nationales', 'MinArm', 'DILA', 'INSEE', 'CNAF'];
const APP_KINDS = ['Portail', 'Batch', 'Archivage', 'Consultation', 'Versement', 'Statistiques'];
const USER_AGENTS = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36',
  'Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0',
  'Apache-HttpClient/4.5.14 (Java/17.0.10)',
  'okhttp/4.12.0',
  'python-requests/2.31.0',
  'vitam-java-client/7.0.1',
];

export function buildWorld(options: GeneratorOptions): World {
  const random = Random.derive(options.seed, 'world');
  const domainId = random.uuid();
  const gateways: GatewayInstance[] = [1, 2].map((instance) => ({
    hostname: `piste-gw-${instance}.piste.internal`,
    ip: `10.20.0.${10 + instance}`,
    domainId,
    groupId: 'group-2',
    groupName: 'PISTE Production',
    serviceId: `instance-${instance}`,
    serviceName: `piste-gw-${instance}`,
    version: '7.7.20240830',
  }));
  const tenants = Array.from({ length: options.tenants }, (_, index) => String(index));
  const applications: Application[] = Array.from({ length: options.applications }, () => {
    const org = random.pick(ORGS);
    const browser = random.chance(0.4);
    return {
      id: random.uuid(),
      name: `${random.pick(APP_KINDS)} ${org} ${random.int(1, 9)}`,
      org,
      clientId: random.uuid(),
      tenants: random.shuffle([...tenants]).slice(0, random.int(1, Math.min(3, tenants.length))),
      userAgent: browser ? random.pick(USER_AGENTS.slice(0, 2)) : random.pick(USER_AGENTS.slice(2)),
      lowerCaseHeaders: random.chance(0.3),
      sendsCookies: browser,
    };
  });
  const services = new Map<string, BackendService>();
  SERVICE_SPECS.forEach((spec, serviceIndex) => {
    const hosts: BackendHost[] = [1, 2].map((instance) => ({
      name: `${spec.name}-${instance}`,
      ip: `10.30.${serviceIndex}.${10 + instance}`,
      port: 8000 + serviceIndex * 10 + 4,
      clockSkewMs: random.chance(options.faults.skewedHost)
        ? (random.chance(0.5) ? -1 : 1) * random.int(1_000, 15_000)
        : 0,
      utcOffsetMinutes: random.pick([0, 60, 120]),
    }));
    services.set(spec.name, {
      name: spec.name,
      style: spec.style,
      logger: spec.logger,
      logsCorrelationOnly: spec.logsCorrelationOnly ?? false,
      hosts,
    });
  });
  return { gateways, tenants, applications, services };
}

export function serviceNamed(world: World, name: string): BackendService {
  const service = world.services.get(name);
  if (!service) throw new Error(`unknown backend service ${name}`);
  return service;
}
