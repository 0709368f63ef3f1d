import { stringMap } from './read.js';

/**
 * Pod labels as Kubernetes names them. Filebeat's add_kubernetes_metadata may "dedot" label keys
 * (`app_kubernetes_io/name`); a label prefix is a DNS subdomain, which cannot hold `_`, so an
 * underscore before the `/` can only have been a dot and is turned back into one.
 */
export function podLabels(value: unknown): Record<string, string> | undefined {
  const labels = stringMap(value);
  if (labels === undefined) return undefined;
  const out: Record<string, string> = {};
  for (const [key, v] of Object.entries(labels)) {
    const slash = key.indexOf('/');
    const prefix = slash > 0 ? key.slice(0, slash) : '';
    out[prefix.includes('_') ? prefix.replaceAll('_', '.') + key.slice(slash) : key] = v;
  }
  return out;
}
