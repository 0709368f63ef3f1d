import { z } from 'zod';
import type { ShipperFacts } from '../../envelopes/envelope.js';
import { readJsonSetting } from '../json-setting.js';

/**
 * Which service wrote a line. Structured loggers do not always name it (pino's canonical line
 * has no `name`; ecs-logging leaves `service.name` to configuration), but the line's envelope
 * or the deployment usually does. The first of these wins:
 *
 * 1. the line's own field (the field mapping's `service` paths);
 * 2. the OpenTelemetry resource's `service.name`;
 * 3. the Kubernetes labels `app.kubernetes.io/name`, then `app`, then the container name;
 * 4. the shipper's own setting (Filebeat `fields.service` / `service.name`), then the syslog
 *    APP-NAME (the tag an rsyslog imfile input gives the file);
 * 5. INGEST_SERVICE_NAMES: a file-path pattern, then the topic;
 * 6. `unknown`, flagged `unknown_service`. A line is never dead-lettered for want of a name.
 */

export const UNKNOWN_SERVICE = 'unknown';

const serviceName = z.string().trim().min(1).max(256);

/** INGEST_SERVICE_NAMES, e.g. `{"paths":[{"pattern":"/var/log/vitam/metadata/**","service":"vitam-metadata"}],"topics":{"legacy.services":"vitam-legacy"}}`. */
export const ServiceNameSettingSchema = z.strictObject({
  paths: z
    .array(
      z.strictObject({
        /** `*` matches within a path segment, `**` across segments. */
        pattern: z.string().min(1).max(1024),
        service: serviceName,
      }),
    )
    .max(256)
    .default([]),
  topics: z.record(z.string().min(1), serviceName).default({}),
});

export interface ServiceNameRules {
  readonly byPath: readonly { readonly pattern: RegExp; readonly service: string }[];
  readonly byTopic: ReadonlyMap<string, string>;
}

export const NO_SERVICE_NAME_RULES: ServiceNameRules = { byPath: [], byTopic: new Map() };

function globToRegExp(glob: string): RegExp {
  let source = '';
  for (let i = 0; i < glob.length; i += 1) {
    const c = glob[i]!;
    if (c === '*' && glob[i + 1] === '*') {
      source += '.*';
      i += 1;
    } else if (c === '*') source += '[^/]*';
    else if (c === '?') source += '[^/]';
    else source += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`);
}

/** Reads INGEST_SERVICE_NAMES (see `readJsonSetting`). */
export function loadServiceNameRules(setting: string | undefined): ServiceNameRules {
  if (setting === undefined) return NO_SERVICE_NAME_RULES;
  const rules = readJsonSetting('INGEST_SERVICE_NAMES', setting, ServiceNameSettingSchema);
  return {
    byPath: rules.paths.map((rule) => ({
      pattern: globToRegExp(rule.pattern),
      service: rule.service,
    })),
    byTopic: new Map(Object.entries(rules.topics)),
  };
}

const label = (labels: Readonly<Record<string, string>> | undefined, ...keys: string[]) => {
  for (const key of keys) {
    const value = labels?.[key];
    if (value) return value;
  }
  return undefined;
};

/** The service name by the order above; `undefined` means `unknown`. */
export function serviceNameFor(
  own: string | undefined,
  facts: ShipperFacts,
  topic: string,
  rules: ServiceNameRules,
): string | undefined {
  const { kubernetes } = facts;
  return (
    own ??
    facts.resourceServiceName ??
    label(kubernetes?.labels, 'app.kubernetes.io/name', 'app_kubernetes_io/name', 'app') ??
    kubernetes?.containerName ??
    facts.containerName ??
    facts.shipperServiceName ??
    facts.appName ??
    (facts.filePath === undefined
      ? undefined
      : rules.byPath.find((rule) => rule.pattern.test(facts.filePath!))?.service) ??
    rules.byTopic.get(topic)
  );
}
