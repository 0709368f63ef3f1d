import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AnonymisationRequestSchema } from '../../../core/src/anonymisation/operations.js';

const selector = { type: 'user_id', value: 'user-8812' };

test('accepts a ticket-like reason', () => {
  assert.equal(
    AnonymisationRequestSchema.safeParse({ selector, reason: 'GDPR art. 17, ticket DPO-1234' })
      .success,
    true,
  );
});

for (const [name, reason] of [
  ['an e-mail', 'asked by jean@example.fr'],
  ['an IP', 'user at 10.0.0.1'],
  ['the selector value itself', 'erase user-8812'],
  ['a very long text', 'x'.repeat(201)],
  ['nothing', ''],
] as const)
  test(`refuses a reason holding ${name}`, () => {
    assert.equal(AnonymisationRequestSchema.safeParse({ selector, reason }).success, false);
  });

test('refuses unknown fields and an inverted time range', () => {
  assert.equal(
    AnonymisationRequestSchema.safeParse({ selector, reason: 'ticket 1', extra: 1 }).success,
    false,
  );
  const inverted = { ...selector, from: '2024-03-02T00:00:00Z', to: '2024-03-01T00:00:00Z' };
  assert.equal(
    AnonymisationRequestSchema.safeParse({ selector: inverted, reason: 'ticket 1' }).success,
    false,
  );
});
