import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { TreeLink } from '../../../query-api/src/contract/request-timeline.js';
import { buildCallTree, type TreeNode } from '../../../query-api/src/timeline/call-tree.js';

/** A hop from a one-line spec: kind, start and end in ms, and what it logged. */
function node(
  kind: TreeNode['kind'],
  startMs: number,
  endMs: number,
  extra: Partial<TreeNode> = {},
): TreeNode {
  return {
    kind,
    transactionId: kind === 'service' ? null : 'tx',
    leg: null,
    startMs,
    endMs,
    spanIds: [],
    parentSpanIds: [],
    ...extra,
  };
}
const leg0 = node('gateway_leg', 0, 200, { leg: 0 });
const leg1 = node('gateway_leg', 10, 190, { leg: 1, spanIds: ['tx-1'] });

interface TreeCase {
  readonly name: string;
  readonly nodes: readonly TreeNode[];
  /** Per hop: [parent, link]. */
  readonly expected: readonly (readonly [number | null, TreeLink])[];
  readonly order?: readonly number[];
}

const CASES: readonly TreeCase[] = [
  {
    name: 'explicit: trace context links each service to the span that called it',
    nodes: [
      leg0,
      leg1,
      // Times that would suggest another tree: the logged parent ids win.
      node('service', 12, 188, { spanIds: ['a'], parentSpanIds: ['tx-1'] }),
      node('service', 20, 60, { spanIds: ['b'], parentSpanIds: ['a'] }),
      node('service', 70, 180, { spanIds: ['c'], parentSpanIds: ['b'] }),
    ],
    expected: [
      [null, 'root'],
      [0, 'gateway'],
      [1, 'trace_context'],
      [2, 'trace_context'],
      [3, 'trace_context'],
    ],
    order: [0, 1, 2, 3, 4],
  },
  {
    name: 'explicit: a service that logged the X-CorrelationID is under a leg of that transaction',
    nodes: [
      leg0,
      leg1,
      node('gateway_leg', 195, 199, { leg: 2 }),
      node('service', 196, 198, { transactionId: 'tx' }),
      node('service', 11, 189, { transactionId: 'tx' }),
    ],
    expected: [
      [null, 'root'],
      [0, 'gateway'],
      [0, 'gateway'],
      [2, 'correlation'],
      [1, 'correlation'],
    ],
    order: [0, 1, 4, 2, 3],
  },
  {
    name: 'inferred: the nesting of access-external → access-internal → metadata by containment',
    nodes: [
      leg0,
      leg1,
      node('service', 11, 189),
      node('service', 15, 150),
      node('service', 20, 100),
    ],
    expected: [
      [null, 'root'],
      [0, 'gateway'],
      [1, 'inferred'],
      [2, 'inferred'],
      [3, 'inferred'],
    ],
  },
  {
    name: 'inferred: a millisecond of rounding on another host still nests',
    nodes: [leg0, leg1, node('service', 9, 191), node('service', 189, 192)],
    expected: [
      [null, 'root'],
      [0, 'gateway'],
      [1, 'inferred'],
      [2, 'inferred'],
    ],
  },
  {
    name: 'skewed: a service outside every possible caller is unresolved, not attached',
    nodes: [leg0, leg1, node('service', 11, 189), node('service', -4_980, -4_900)],
    expected: [
      [null, 'root'],
      [0, 'gateway'],
      [1, 'inferred'],
      [null, 'unresolved'],
    ],
    order: [0, 1, 2, 3],
  },
  {
    name: 'skewed: a callee whose clock runs late crosses a sibling: ambiguous, under the sure caller',
    nodes: [
      leg0,
      leg1,
      node('service', 11, 189),
      node('service', 20, 100),
      // Would sit inside 3, but ends 30 ms after it: 2 surely contains it, 3 may have called it.
      node('service', 80, 130),
    ],
    expected: [
      [null, 'root'],
      [0, 'gateway'],
      [1, 'inferred'],
      [2, 'inferred'],
      [2, 'ambiguous'],
    ],
  },
  {
    name: 'skewed: a correlated service outside both legs of its transaction: the leg is a guess',
    nodes: [
      leg0,
      node('gateway_leg', 10, 60, { leg: 1 }),
      node('gateway_leg', 70, 190, { leg: 2 }),
      node('service', 5_011, 5_059, { transactionId: 'tx' }),
    ],
    expected: [
      [null, 'root'],
      [0, 'gateway'],
      [0, 'gateway'],
      [2, 'ambiguous'],
    ],
  },
  {
    name: 'a leg calls one backend: a second service in its window goes under the first',
    nodes: [leg0, leg1, node('service', 11, 189), node('service', 12, 180)],
    expected: [
      [null, 'root'],
      [0, 'gateway'],
      [1, 'inferred'],
      [2, 'inferred'],
    ],
  },
  {
    name: 'no gateway: the outermost service is the root',
    nodes: [node('service', 0, 100), node('service', 10, 50)],
    expected: [
      [null, 'root'],
      [0, 'inferred'],
    ],
  },
  {
    name: 'a generic gateway access line calls the services it contains',
    nodes: [node('gateway_access', 0, 100), node('service', 5, 95)],
    expected: [
      [null, 'root'],
      [0, 'inferred'],
    ],
  },
  {
    name: 'trace context forming a cycle is ignored',
    nodes: [
      leg0,
      leg1,
      node('service', 11, 189, { spanIds: ['a'], parentSpanIds: ['b'] }),
      node('service', 20, 100, { spanIds: ['b'], parentSpanIds: ['a'] }),
    ],
    expected: [
      [null, 'root'],
      [0, 'gateway'],
      [3, 'trace_context'],
      [1, 'inferred'],
    ],
  },
];

void describe('buildCallTree', () => {
  for (const { name, nodes, expected, order } of CASES)
    void test(name, () => {
      const tree = buildCallTree(nodes);
      assert.deepEqual(
        nodes.map((_node, index) => [tree.parent[index], tree.link[index]]),
        expected,
      );
      if (order) assert.deepEqual(tree.order, order);
      assert.equal(new Set(tree.order).size, nodes.length, 'every hop once in the order');
    });

  void test('depth counts the callers above each hop', () => {
    const tree = buildCallTree(CASES[2]?.nodes ?? []);
    assert.deepEqual(tree.depth, [0, 1, 2, 3, 4]);
  });
});
