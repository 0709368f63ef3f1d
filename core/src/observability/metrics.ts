import { collectDefaultMetrics, Registry } from 'prom-client';

/**
 * A Prometheus registry per service, with the process metrics (RSS, event-loop lag, GC).
 * Labels never hold personal data: only topics, partitions, datasets, index names and codes.
 */
export function createMetricsRegistry(service: string): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: registry, prefix: 'ariane_' });
  return registry;
}
