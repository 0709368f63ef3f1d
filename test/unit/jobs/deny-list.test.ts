import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { anonymiseEvent } from '../../../core/src/anonymisation/anonymise-event.js';
import {
  buildDenyList,
  selectorDigest,
  selectorDigester,
  type DenyListEntry,
} from '../../../core/src/anonymisation/deny-list-store.js';
import type { SelectorType } from '../../../core/src/anonymisation/selector.js';
import { personalEvent } from '../../helpers/jobs.js';

const KEY = 'test-deny-list-key-0123456789abcdef';
const entry = (
  type: SelectorType,
  value: string,
  extra: Partial<DenyListEntry> = {},
): DenyListEntry => ({
  operation_id: `op-${type}`,
  tenant: 'tenant-a',
  selector_type: type,
  digest: selectorDigest(KEY, type, value),
  expires_at: '2099-01-01T00:00:00.000Z',
  ...extra,
});

describe('deny list', () => {
  const cases: [SelectorType, string][] = [
    ['session_id', 'sess-0f9c2a7e'],
    ['request_id', 'req-41aa7d2b'],
    ['client_ip', '203.0.113.77'],
    ['client_ip', '198.51.100.9'],
    ['user_id', 'user-8812'],
    ['client_id', 'client-app-42'],
  ];
  for (const [type, value] of cases)
    test(`matches an event by ${type}`, () => {
      const list = buildDenyList([entry(type, value)], selectorDigester(KEY));
      assert.equal(list.match(personalEvent()), `op-${type}`);
    });

  test('stores no clear value', () => {
    const stored = JSON.stringify(cases.map(([type, value]) => entry(type, value)));
    for (const [, value] of cases) assert.ok(!stored.includes(value));
  });

  test('compares IPs canonically', () => {
    assert.equal(
      selectorDigest(KEY, 'client_ip', '::FFFF:203.0.113.77'),
      selectorDigest(KEY, 'client_ip', '203.0.113.77'),
    );
  });

  test('only matches its tenant, its selector type and its time range', () => {
    const event = personalEvent();
    assert.equal(
      buildDenyList(
        [entry('user_id', 'user-8812', { tenant: 'tenant-b' })],
        selectorDigester(KEY),
      ).match(event),
      undefined,
    );
    assert.equal(
      buildDenyList(
        [{ ...entry('user_id', 'user-8812'), selector_type: 'session_id' }],
        selectorDigester(KEY),
      ).match(event),
      undefined,
    );
    const before = { to: '2024-03-10T09:59:59.999Z' };
    const after = { from: '2024-03-10T10:00:00.001Z' };
    const around = { from: '2024-03-10T00:00:00.000Z', to: '2024-03-10T10:00:00.000Z' };
    assert.equal(
      buildDenyList([entry('user_id', 'user-8812', before)], selectorDigester(KEY)).match(event),
      undefined,
    );
    assert.equal(
      buildDenyList([entry('user_id', 'user-8812', after)], selectorDigester(KEY)).match(event),
      undefined,
    );
    assert.equal(
      buildDenyList([entry('user_id', 'user-8812', around)], selectorDigester(KEY)).match(event),
      'op-user_id',
    );
  });

  test('a different key matches nothing', () => {
    assert.equal(
      buildDenyList([entry('user_id', 'user-8812')], selectorDigester('another-key')).match(
        personalEvent(),
      ),
      undefined,
    );
  });

  test('a late event that matches is anonymised with the operation id, then no longer matches', () => {
    const list = buildDenyList([entry('session_id', 'sess-0f9c2a7e')], selectorDigester(KEY));
    const operationId = list.match(personalEvent());
    assert.ok(operationId);
    const out = anonymiseEvent(personalEvent(), operationId);
    assert.equal(out.ariane.anonymisation_id, 'op-session_id');
    assert.equal(list.match(out), undefined);
  });

  test('matches after many other values have been hashed, and for each type it holds', () => {
    const list = buildDenyList(
      [
        entry('user_id', 'user-8812'),
        { ...entry('session_id', 'sess-0f9c2a7e'), operation_id: 'op-s' },
      ],
      selectorDigester(KEY),
    );
    for (let i = 0; i < 60_000; i += 1) {
      const other = personalEvent();
      assert.equal(
        list.match({
          ...other,
          user: { id: `someone-${i}` },
          ariane: { ...other.ariane, session_id: `s-${i}` },
        }),
        undefined,
      );
    }
    const event = personalEvent();
    const userOnly = { ...event, ariane: { ...event.ariane, session_id: 'another-session' } };
    assert.equal(list.match(userOnly), 'op-user_id');
    assert.equal(list.match({ ...event, user: { id: 'someone-else' } }), 'op-s');
  });
});
