import { z } from 'zod';

/**
 * What a compliance officer can ask to anonymise, and the document fields each kind of
 * selector is matched against. The selector's value is personal data itself: it is never
 * logged, never stored in clear in the operations or audit index, and never sent to
 * Elasticsearch as anything but a query term.
 */
export const SELECTOR_TYPES = [
  'session_id',
  'request_id',
  'client_ip',
  'user_id',
  'client_id',
] as const;
export const SelectorTypeSchema = z.enum(SELECTOR_TYPES);
export type SelectorType = z.infer<typeof SelectorTypeSchema>;

export const SELECTOR_FIELDS: Readonly<Record<SelectorType, readonly string[]>> = {
  session_id: ['ariane.session_id'],
  request_id: ['http.request.id'],
  client_ip: ['client.ip', 'network.forwarded_ip'],
  user_id: ['user.id'],
  client_id: ['ariane.client_id'],
};

export const AnonymisationSelectorSchema = z
  .object({
    type: SelectorTypeSchema,
    value: z.string().min(1).max(512),
    from: z.iso.datetime({ offset: true }).optional(),
    to: z.iso.datetime({ offset: true }).optional(),
  })
  .refine((s) => !s.from || !s.to || Date.parse(s.from) <= Date.parse(s.to), {
    message: '"from" must not be after "to"',
    path: ['from'],
  });
export type AnonymisationSelector = z.infer<typeof AnonymisationSelectorSchema>;

/** The event field holding the tenant (X-Tenant-Id): an operation only touches its own tenant. */
export const TENANT_FIELD = 'organization.id';
