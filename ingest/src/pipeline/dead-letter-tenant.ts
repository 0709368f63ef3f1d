import { TENANT_ID_PATTERN } from '../../../core/src/schemas/dead-letter.js';

/** Keys that hold X-Tenant-Id in the formats ingest reads (see formats/field-mapping.ts). */
const TENANT_KEY = /^(?:x-tenant-id|tenant_id|tenantid)$/i;
/** The header as a line of a raw header block, or as a key in text that is not JSON. */
const TENANT_IN_TEXT = /(?:x-tenant-id|tenant_?id)"?\s*[:=]\s*"?([A-Za-z0-9._:-]{1,64})/gi;
const MAX_NODES = 10_000;
const MAX_DEPTH = 12;

/**
 * The tenant a rejected record names, read without trusting its shape: keys that hold
 * X-Tenant-Id (and `organization.id`) anywhere in a JSON payload, `X-Tenant-Id:` lines in its
 * strings, or the same keys in text that is not JSON. Undefined unless exactly one valid tenant
 * id is found: a dead letter naming none, or several, is shown to no tenant (only to admins
 * granted every tenant), rather than to one it might not belong to.
 */
export function tenantOfPayload(text: string): string | undefined {
  const found = new Set<string>();
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  if (parsed !== null && typeof parsed === 'object') collect(parsed, found);
  else for (const match of text.matchAll(TENANT_IN_TEXT)) found.add(String(match[1]));
  const valid = [...found].filter((tenant) => TENANT_ID_PATTERN.test(tenant));
  return valid.length === 1 ? valid[0] : undefined;
}

function collect(root: object, found: Set<string>): void {
  const stack: { node: unknown; depth: number; key?: string; parent?: string }[] = [
    { node: root, depth: 0 },
  ];
  for (let visited = 0; stack.length > 0 && visited < MAX_NODES; visited += 1) {
    const { node, depth, key, parent } = stack.pop()!;
    const named =
      key !== undefined && (TENANT_KEY.test(key) || (key === 'id' && parent === 'organization'));
    if (typeof node === 'string') {
      if (named) found.add(node.trim());
      else if (/x-tenant-id/i.test(node))
        for (const match of node.matchAll(TENANT_IN_TEXT)) found.add(String(match[1]));
    } else if (typeof node === 'number' && named && Number.isInteger(node)) found.add(String(node));
    else if (node !== null && typeof node === 'object' && depth < MAX_DEPTH)
      for (const [childKey, child] of Object.entries(node))
        stack.push({
          node: child,
          depth: depth + 1,
          ...(!Array.isArray(node) && { key: childKey }),
          ...(key !== undefined && { parent: key }),
        });
  }
}
