import { Random } from './prng.js';
import type { TrafficRecord } from './records.js';
import type { GatewayInstance } from './world.js';

/**
 * Finished log lines as a shipper hands them to Kafka: wrapped in the shipper's envelope, the
 * way ingest receives real traffic (ingest/src/envelopes/). Gateway lines are tailed from the
 * Axway files on the gateway hosts (Filebeat, Logstash's file input, rsyslog imfile); service
 * lines are container output on Kubernetes (Fluent Bit, Vector, Filebeat, the OpenTelemetry
 * Collector, or the raw Docker json-file and CRI log lines), one shape nested in another.
 *
 * Works on the finished record only, never on the simulated request, so traffic rendering and
 * shipping stay independent; what the envelope says about where the line came from (gateway
 * instance, pod, service name) is read back from the line itself.
 */

interface ShapeSpec {
  readonly topic: 'gateway' | 'services';
  /** What ingest must report having opened, outermost first (`EnvelopeKind`s). */
  readonly envelopes: readonly string[];
  readonly weight: number;
  /** The envelope carries the service name (pod label, OTel resource): the line may omit it. */
  readonly namesService: boolean;
}

export const SHIPPER_SHAPES = {
  'filebeat-axway': { topic: 'gateway', envelopes: ['filebeat'], weight: 3, namesService: false },
  'logstash-axway': { topic: 'gateway', envelopes: ['logstash'], weight: 1, namesService: false },
  'rsyslog-axway': { topic: 'gateway', envelopes: ['syslog'], weight: 1, namesService: false },
  'fluent-bit-kubernetes': {
    topic: 'services',
    envelopes: ['fluent-bit'],
    weight: 3,
    namesService: true,
  },
  'vector-kubernetes-logs': {
    topic: 'services',
    envelopes: ['vector'],
    weight: 2,
    namesService: true,
  },
  'filebeat-kubernetes': {
    topic: 'services',
    envelopes: ['filebeat'],
    weight: 2,
    namesService: true,
  },
  'otlp-json': { topic: 'services', envelopes: ['otlp'], weight: 2, namesService: true },
  'docker-json-file': { topic: 'services', envelopes: ['docker'], weight: 1, namesService: false },
  cri: { topic: 'services', envelopes: ['cri'], weight: 1, namesService: false },
  'fluent-bit-in-vector': {
    topic: 'services',
    envelopes: ['vector', 'fluent-bit'],
    weight: 1,
    namesService: true,
  },
} as const satisfies Record<string, ShapeSpec>;

export type ShipperShape = keyof typeof SHIPPER_SHAPES;
export const SHIPPER_SHAPE_NAMES = Object.keys(SHIPPER_SHAPES) as ShipperShape[];
type GatewayShape = {
  [K in ShipperShape]: (typeof SHIPPER_SHAPES)[K]['topic'] extends 'gateway' ? K : never;
}[ShipperShape];
type ServiceShape = Exclude<ShipperShape, GatewayShape>;

function isGatewayShape(shape: ShipperShape): shape is GatewayShape {
  return SHIPPER_SHAPES[shape].topic === 'gateway';
}

/** How a line was shipped: the ground truth tests compare ingest's reading against. */
export interface Shipping {
  readonly shape: ShipperShape;
  /**
   * The line's own service name field was left out, as when a logger is not told its name and
   * the deployment names it instead: ingest must take it from the envelope.
   */
  readonly ownNameDropped: boolean;
}

export interface FinishedLine {
  readonly topic: 'gateway' | 'services';
  readonly value: string;
  /** When the line was written; the shipper reads it a little later. */
  readonly dueMs: number;
}

export interface WrapOptions {
  /** Forces a shape (any shape on any line, for fuzzing); by default one fitting the topic. */
  readonly shape?: ShipperShape;
  /** Gateway instances by IP: an event-log line names no instance, its file name does. */
  readonly gateways?: readonly GatewayInstance[];
}

/** Share of lines, among shapes that name the service, that omit their own name field. */
const OWN_NAME_DROP_SHARE = 0.4;
const NAMESPACE = 'vitam';
const FILEBEAT_VERSION = '8.15.3';

type Json = Record<string, unknown>;

function weightedShapes(topic: FinishedLine['topic']): [ShipperShape, number][] {
  return SHIPPER_SHAPE_NAMES.filter((shape) => SHIPPER_SHAPES[shape].topic === topic).map(
    (shape) => [shape, SHIPPER_SHAPES[shape].weight],
  );
}
const SHAPES_BY_TOPIC = {
  gateway: weightedShapes('gateway'),
  services: weightedShapes('services'),
};

/**
 * The record value a shipper would send for `line`. Pure: the output depends only on the
 * arguments and the draws from `random`. Total: any line text is wrapped, JSON or not, so the
 * fuzz test can wrap hostile input.
 */
export function wrapLine(
  line: FinishedLine,
  random: Random,
  options: WrapOptions = {},
): { readonly value: string; readonly shipping: Shipping } {
  const shape = options.shape ?? random.weighted(SHAPES_BY_TOPIC[line.topic]);
  const readAtMs = line.dueMs + random.int(15, 900);
  const parsed = objectOf(line.value);
  if (isGatewayShape(shape)) {
    const source = axwaySource(parsed, options.gateways ?? []);
    const value = GATEWAY_RENDERERS[shape](line.value, source, readAtMs, random);
    return { value, shipping: { shape, ownNameDropped: false } };
  }
  const workload = workloadOf(parsed, random);
  let text = line.value;
  let ownNameDropped = false;
  if (
    SHIPPER_SHAPES[shape].namesService &&
    parsed !== undefined &&
    ownServiceName(parsed) !== undefined &&
    random.chance(OWN_NAME_DROP_SHARE)
  ) {
    text = JSON.stringify(withoutOwnServiceName(parsed));
    ownNameDropped = true;
  }
  const written = { text, writtenAtMs: line.dueMs, readAtMs };
  const value = SERVICE_RENDERERS[shape](written, workload, random);
  return { value, shipping: { shape, ownNameDropped } };
}

/**
 * What `generateRecords` does to each finished record: a `share` of them shipped in an
 * envelope, the rest left bare. Topic, key and due time stay; duplicates and late deliveries
 * are decided after, so a duplicate resends the very same envelope, as a shipper's retry does.
 */
export function shipRecord(
  record: TrafficRecord,
  share: number,
  random: Random,
  gateways: readonly GatewayInstance[],
): TrafficRecord {
  if (share <= 0 || !random.chance(share)) return record;
  const { value, shipping } = wrapLine(record, random, { gateways });
  return { ...record, value, shipping };
}

// ---------------------------------------------------------------------------------------------
// Reading the line back

function objectOf(value: string): Json | undefined {
  try {
    const parsed = JSON.parse(value) as unknown;
    return isObject(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/**
 * The fields the generated log styles name their service in (service-logs.ts), in the order
 * ingest's default field mapping tries them: ECS `service.name`, logback's `app`, pino's `name`.
 */
function ownServiceName(line: Json): string | undefined {
  const service = line.service;
  return (
    text(line['service.name']) ??
    (isObject(service) ? text(service.name) : undefined) ??
    text(line.app) ??
    text(line.name)
  );
}

function withoutOwnServiceName(line: Json): Json {
  const out: Json = { ...line };
  delete out['service.name'];
  delete out.app;
  delete out.name;
  if (isObject(out.service)) {
    const service: Json = { ...out.service };
    delete service.name;
    out.service = service;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Gateway lines: Axway files on the gateway hosts

interface AxwaySource {
  readonly hostname: string;
  readonly filePath: string;
  /** imfile's Tag for the file, which rsyslog sends as APP-NAME. */
  readonly tag: string;
}

/**
 * Which file of which gateway instance a line was read from. Open-traffic lines name their
 * instance (`processInfo`); an event-log line does not, so its leg 0's local address finds it.
 */
function axwaySource(line: Json | undefined, gateways: readonly GatewayInstance[]): AxwaySource {
  const info = isObject(line?.processInfo) ? line.processInfo : undefined;
  const legs = Array.isArray(line?.legs) ? (line.legs as unknown[]) : [];
  const firstLeg = isObject(legs[0]) ? legs[0] : undefined;
  const gateway = gateways.find((g) => g.ip === firstLeg?.localAddr) ?? gateways[0];
  const hostname = text(info?.hostname) ?? gateway?.hostname ?? 'apigateway';
  const group = text(info?.groupId) ?? gateway?.groupId ?? 'group-2';
  const instance = text(info?.serviceId) ?? gateway?.serviceId ?? 'instance-1';
  const openTraffic =
    info !== undefined ||
    (line !== undefined &&
      ('transactionElement' in line || 'transactionSummary' in line || 'circuitPath' in line));
  return openTraffic
    ? {
        hostname,
        filePath: `/opt/Axway/apigateway/logs/opentraffic/${group}_${instance}_traffic.log`,
        tag: 'axway-opentraffic',
      }
    : {
        hostname,
        filePath: `/opt/Axway/apigateway/events/${group}_${instance}.log`,
        tag: 'axway-events',
      };
}

type GatewayRenderer = (
  line: string,
  source: AxwaySource,
  readAtMs: number,
  random: Random,
) => string;

/** Filebeat's filestream input, Kafka output with the json codec. */
const filebeatAxway: GatewayRenderer = (line, source, readAtMs, random) =>
  JSON.stringify({
    '@timestamp': new Date(readAtMs).toISOString(),
    '@metadata': { beat: 'filebeat', type: '_doc', version: FILEBEAT_VERSION },
    log: { offset: random.int(0, 500_000_000), file: { path: source.filePath } },
    message: line,
    input: { type: 'filestream' },
    fields: { service: 'axway-gateway' },
    ecs: { version: '8.0.0' },
    host: { name: source.hostname },
    agent: {
      type: 'filebeat',
      version: FILEBEAT_VERSION,
      name: source.hostname,
      id: stable(source.hostname, 'agent').uuid(),
      ephemeral_id: stable(source.hostname, 'ephemeral').uuid(),
    },
  });

/**
 * Logstash's file input to a Kafka output with the json codec: with ECS compatibility (the
 * default since 8.0) `host.name`, `log.file.path` and the line again in `event.original`;
 * without it, the legacy `host` and `path` strings.
 */
const logstashAxway: GatewayRenderer = (line, source, readAtMs, random) =>
  JSON.stringify(
    random.chance(0.7)
      ? {
          '@timestamp': new Date(readAtMs).toISOString(),
          '@version': '1',
          message: line,
          host: { name: source.hostname },
          log: { file: { path: source.filePath } },
          event: { original: line },
        }
      : {
          '@timestamp': new Date(readAtMs).toISOString(),
          '@version': '1',
          message: line,
          host: source.hostname,
          path: source.filePath,
          type: 'axway',
        },
  );

/**
 * rsyslog imfile → omkafka with RSYSLOG_SyslogProtocol23Format (RFC 5424), local0.info, the
 * file's path in structured data as the imfile metadata template puts it.
 */
const rsyslogAxway: GatewayRenderer = (line, source, readAtMs, random) => {
  const time = `${new Date(readAtMs).toISOString().slice(0, -1)}${digits(random, 3)}+00:00`;
  const sd = `[file@32473 path="${sdValue(source.filePath)}" offset="${random.int(0, 500_000_000)}"]`;
  return `<134>1 ${time} ${syslogToken(source.hostname, 255)} ${syslogToken(source.tag, 48)} - - ${sd} ${line}`;
};

const GATEWAY_RENDERERS: Record<GatewayShape, GatewayRenderer> = {
  'filebeat-axway': filebeatAxway,
  'logstash-axway': logstashAxway,
  'rsyslog-axway': rsyslogAxway,
};

// ---------------------------------------------------------------------------------------------
// Service lines: container output on Kubernetes

/** The pod a service line came from, drawn stable from what the line says. */
interface Workload {
  readonly service: string;
  readonly pod: string;
  readonly podUid: string;
  readonly container: string;
  readonly containerId: string;
  readonly image: string;
  readonly node: string;
  readonly nodeIp: string;
}

/**
 * The service's pod: named after the host the line names (pino `hostname`, ECS
 * `service.node.name`), which is what a pod's hostname is; a line naming none (logback) is
 * given one of two replicas. Ids are derived from the pod name so every line of a pod agrees.
 */
function workloadOf(line: Json | undefined, random: Random): Workload {
  const service = (line && ownServiceName(line)) ?? 'vitam-service';
  const node = isObject(line?.service) ? line.service.node : undefined;
  const hostHint =
    text(line?.hostname) ??
    (isObject(node) ? text(node.name) : undefined) ??
    `${service}-${random.int(1, 2)}`;
  const pod = kubernetesName(hostHint);
  const ids = stable(pod, 'pod');
  const nodeIndex = ids.int(1, 4);
  return {
    service,
    pod,
    podUid: ids.uuid(),
    container: kubernetesName(service),
    containerId: ids.hex(64),
    image: `registry.example.test/vitam/${kubernetesName(service)}:7.1.2`,
    node: `worker-${nodeIndex}`,
    nodeIp: `10.42.${nodeIndex}.9`,
  };
}

interface WrittenLine {
  readonly text: string;
  readonly writtenAtMs: number;
  readonly readAtMs: number;
}

type ServiceRenderer = (line: WrittenLine, workload: Workload, random: Random) => string;

const containerLogFile = (w: Workload) =>
  `/var/log/containers/${w.pod}_${NAMESPACE}_${w.container}-${w.containerId}.log`;
const podLogFile = (w: Workload) =>
  `/var/log/pods/${NAMESPACE}_${w.pod}_${w.podUid}/${w.container}/0.log`;

/** Fluent Bit's record after the cri parser and the kubernetes filter. */
function fluentBitRecord(line: WrittenLine, w: Workload, random: Random): Json {
  return {
    time: nanoIso(line.writtenAtMs, random),
    stream: 'stdout',
    _p: 'F',
    log: line.text,
    kubernetes: {
      pod_name: w.pod,
      namespace_name: NAMESPACE,
      pod_id: w.podUid,
      labels: { 'app.kubernetes.io/name': w.service, 'app.kubernetes.io/part-of': 'vitam' },
      host: w.node,
      container_name: w.container,
      docker_id: w.containerId,
      container_image: w.image,
    },
  };
}

/**
 * Fluent Bit's kafka output adds the record time as `@timestamp`, its http output as `date`;
 * both epoch seconds with a fraction.
 */
const fluentBitKubernetes: ServiceRenderer = (line, w, random) =>
  JSON.stringify({
    [random.chance(0.5) ? '@timestamp' : 'date']: epochSeconds(line.readAtMs, random),
    ...fluentBitRecord(line, w, random),
  });

const vectorKubernetesLogs: ServiceRenderer = (line, w, random) =>
  JSON.stringify({
    file: podLogFile(w),
    kubernetes: {
      container_id: `containerd://${w.containerId}`,
      container_image: w.image,
      container_name: w.container,
      namespace_labels: { 'kubernetes.io/metadata.name': NAMESPACE },
      pod_labels: { 'app.kubernetes.io/name': w.service, 'app.kubernetes.io/part-of': 'vitam' },
      pod_name: w.pod,
      pod_namespace: NAMESPACE,
      pod_node_name: w.node,
      pod_uid: w.podUid,
    },
    message: line.text,
    source_type: 'kubernetes_logs',
    stream: 'stdout',
    timestamp: nanoIso(line.writtenAtMs, random),
  });

/** Filebeat's container input with add_kubernetes_metadata, label keys de-dotted (its default). */
const filebeatKubernetes: ServiceRenderer = (line, w, random) =>
  JSON.stringify({
    '@timestamp': new Date(line.readAtMs).toISOString(),
    '@metadata': { beat: 'filebeat', type: '_doc', version: FILEBEAT_VERSION },
    log: { offset: random.int(0, 50_000_000), file: { path: containerLogFile(w) } },
    stream: 'stdout',
    message: line.text,
    input: { type: 'container' },
    container: { id: w.containerId, runtime: 'containerd', image: { name: w.image } },
    kubernetes: {
      pod: { name: w.pod, uid: w.podUid },
      namespace: NAMESPACE,
      node: { name: w.node },
      labels: { 'app_kubernetes_io/name': w.service, 'app_kubernetes_io/part-of': 'vitam' },
      container: { name: w.container },
    },
    host: { name: w.node },
    ecs: { version: '8.0.0' },
    agent: { type: 'filebeat', version: FILEBEAT_VERSION, name: w.node },
  });

/**
 * The OpenTelemetry Collector's filelog receiver (container operator) and k8sattributes
 * processor, exported with the kafka exporter's `otlp_json` encoding: one log record per
 * export, so a duplicated record stays a duplicate of one line.
 */
const otlpJson: ServiceRenderer = (line, w, random) => {
  const attribute = (key: string, value: string) => ({ key, value: { stringValue: value } });
  return JSON.stringify({
    resourceLogs: [
      {
        resource: {
          attributes: [
            attribute('service.name', w.service),
            attribute('k8s.namespace.name', NAMESPACE),
            attribute('k8s.pod.name', w.pod),
            attribute('k8s.pod.uid', w.podUid),
            attribute('k8s.container.name', w.container),
            attribute('k8s.node.name', w.node),
          ],
        },
        scopeLogs: [
          {
            scope: {},
            logRecords: [
              {
                timeUnixNano: `${line.writtenAtMs}${digits(random, 6)}`,
                observedTimeUnixNano: `${line.readAtMs}${digits(random, 6)}`,
                body: { stringValue: line.text },
                attributes: [
                  attribute('log.file.path', podLogFile(w)),
                  attribute('log.iostream', 'stdout'),
                ],
                traceId: '',
                spanId: '',
              },
            ],
          },
        ],
      },
    ],
  });
};

/** Docker's json-file driver keeps the line's newline. */
const dockerJsonFile: ServiceRenderer = (line, _w, random) =>
  JSON.stringify({
    log: `${line.text}\n`,
    stream: 'stdout',
    time: nanoIso(line.writtenAtMs, random),
  });

/** The kubelet's CRI log line, shipped as text. */
const criLine: ServiceRenderer = (line, _w, random) =>
  `${nanoIso(line.writtenAtMs, random)} stdout F ${line.text}`;

/** A node's Fluent Bit forwarding to a central Vector (fluent source), which ships to Kafka. */
const fluentBitInVector: ServiceRenderer = (line, w, random) =>
  JSON.stringify({
    message: JSON.stringify(fluentBitRecord(line, w, random)),
    source_type: 'fluent',
    host: w.nodeIp,
    timestamp: new Date(line.readAtMs + random.int(5, 200)).toISOString(),
    tag: `kube.var.log.containers.${w.pod}_${NAMESPACE}_${w.container}-${w.containerId}.log`,
  });

const SERVICE_RENDERERS: Record<ServiceShape, ServiceRenderer> = {
  'fluent-bit-kubernetes': fluentBitKubernetes,
  'vector-kubernetes-logs': vectorKubernetesLogs,
  'filebeat-kubernetes': filebeatKubernetes,
  'otlp-json': otlpJson,
  'docker-json-file': dockerJsonFile,
  cri: criLine,
  'fluent-bit-in-vector': fluentBitInVector,
};

// ---------------------------------------------------------------------------------------------
// Small formats

/** A stream of its own per name, so what is derived from a pod or a host never changes. */
function stable(name: string, label: string): Random {
  return new Random(`${label}:${name}`);
}

function digits(random: Random, count: number): string {
  let out = '';
  for (let i = 0; i < count; i += 1) out += String(random.int(0, 9));
  return out;
}

/** RFC 3339 with nanoseconds, as container runtimes write it. */
function nanoIso(ms: number, random: Random): string {
  return `${new Date(ms).toISOString().slice(0, -1)}${digits(random, 6)}Z`;
}

/** Epoch seconds with a microsecond fraction, Fluent Bit's double timestamp. */
function epochSeconds(ms: number, random: Random): number {
  return (ms * 1000 + random.int(0, 999)) / 1e6;
}

/** A DNS-1123 label: what Kubernetes allows in pod and container names. */
function kubernetesName(name: string): string {
  const cleaned = name
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 63);
  return cleaned === '' ? 'app' : cleaned;
}

/** A syslog header field: printable ASCII without spaces, bounded, `-` when empty (RFC 5424). */
function syslogToken(value: string, max: number): string {
  const cleaned = value.replace(/[^\x21-\x7e]/g, '').slice(0, max);
  return cleaned === '' ? '-' : cleaned;
}

/**
 * An SD-PARAM value: `"`, `\` and `]` escaped (RFC 5424 §6.3.3), control characters written
 * `#ooo` in octal as rsyslog does on receipt, so a record stays one line.
 */
function sdValue(value: string): string {
  return value
    .replace(/["\\\]]/g, (c) => `\\${c}`)
    .replace(/[\x00-\x1f\x7f]/g, (c) => `#${c.charCodeAt(0).toString(8).padStart(3, '0')}`);
}
