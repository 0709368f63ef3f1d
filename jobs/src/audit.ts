import type { Client } from '@elastic/elasticsearch';
import { z } from 'zod';
import type { IndexNames } from '../../core/src/es/index-names.js';

/**
 * One audit record per job run that changed (or, in dry-run, would have changed) something.
 * Records hold names, counts, codes and operation ids only: no selector value, no event content.
 * `details` is typed per kind by its writer; the audit index does not index it.
 */
export const AuditRecordSchema = z.object({
  kind: z.enum(['retention', 'anonymisation', 'auto_anonymisation', 'kafka_topics']),
  at: z.iso.datetime({ offset: true }),
  operationId: z.string().optional(),
  tenant: z.string().optional(),
  outcome: z.enum(['success', 'failure', 'dry_run']),
  details: z.record(z.string(), z.unknown()),
});
export type AuditRecord = z.infer<typeof AuditRecordSchema>;

export async function writeAudit(
  es: Client,
  names: IndexNames,
  record: AuditRecord,
): Promise<void> {
  await es.index({ index: names.audit, document: AuditRecordSchema.parse(record), refresh: true });
}
