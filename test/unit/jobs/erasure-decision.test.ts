import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  nextErasureStep,
  nextExpungeStep,
  valueProof,
  type ValueProof,
} from '../../../jobs/src/anonymisation/erase.js';

// The erasure's decisions, without a cluster: erase.ts only performs what these return.

describe('what a per-value check proves', () => {
  const cases: [string, number, string[], ValueProof][] = [
    ['nothing live, no dictionary lists it', 0, [], 'gone'],
    ['nothing live, a dictionary still lists it', 0, ['ariane.session_id'], 'in_segments'],
    ['another tenant’s live events hold it', 3, [], 'undecidable'],
    ['live holders and listed', 1, ['client.ip'], 'undecidable'],
  ];
  for (const [name, liveHolders, fieldsListing, expected] of cases)
    test(`${name}: ${expected}`, () => {
      assert.equal(valueProof({ liveHolders, fieldsListing }), expected);
    });
});

describe('the next step of a live index’s erasure (3 rounds)', () => {
  const cases: [ValueProof, number, ReturnType<typeof nextErasureStep>][] = [
    ['gone', 1, 'done'],
    ['gone', 3, 'done'],
    ['in_segments', 1, 'catch_up'],
    ['undecidable', 2, 'catch_up'],
    ['in_segments', 3, 'defer'],
    ['undecidable', 3, 'block'],
  ];
  for (const [outcome, round, expected] of cases)
    test(`${outcome} after round ${round}: ${expected}`, () => {
      assert.equal(nextErasureStep(outcome, round, 3), expected);
    });
});

describe('the next step of a whole-index erasure', () => {
  const at = { attempts: 10, now: 1_000, deadline: 2_000 };
  const cases: [string, number, number, number, ReturnType<typeof nextExpungeStep>][] = [
    ['no deleted document on any copy', 0, 1, 1_000, 'done'],
    ['no deleted document, even past the deadline', 0, 10, 5_000, 'done'],
    ['deleted documents left, time and attempts left', 4, 3, 1_000, 'retry'],
    ['the write block’s time is up', 4, 3, 2_000, 'defer'],
    ['the last attempt', 4, 10, 1_000, 'incomplete'],
  ];
  for (const [name, deleted, attempt, now, expected] of cases)
    test(`${name}: ${expected}`, () => {
      assert.equal(nextExpungeStep({ ...at, deleted, attempt, now }), expected);
    });
});
