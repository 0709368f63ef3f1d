import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  barColumns,
  renderRequestWaterfall,
  renderSessionWaterfall,
} from '../../../cli/src/waterfall.js';
import { colourWanted } from '../../../cli/src/style.js';
import { REQUEST_TIMELINE, SESSION_TIMELINE } from '../../fixtures/cli/timelines.js';

const ESC = '\u001b[';

void describe('barColumns', () => {
  void test('places a span proportionally on the axis', () => {
    assert.deepEqual(barColumns(20, 80, 0, 100, 50), [10, 40]);
    assert.deepEqual(barColumns(0, 100, 0, 100, 50), [0, 50]);
  });

  void test('keeps an instant visible and draws reversed times (clock skew) forward', () => {
    assert.deepEqual(barColumns(100, 100, 0, 100, 50), [49, 50]);
    assert.deepEqual(barColumns(80, 20, 0, 100, 50), [10, 40]);
    assert.deepEqual(barColumns(5, 5, 5, 0, 50), [0, 1]);
  });
});

void describe('renderRequestWaterfall', () => {
  const text = renderRequestWaterfall(REQUEST_TIMELINE, { width: 100, colour: false });
  const rows = text.split('\n');

  void test('summarises the request: method, path, final status, gateway against backend time', () => {
    assert.match(
      rows[0] ?? '',
      /Request req-1 {2}GET \/v1\/units → 502 {2}100\.0 ms {2}\(gateway 40\.0 ms, backends 60\.0 ms\)/,
    );
    assert.match(rows[1] ?? '', /tenant tenant-a · session sess-1 · client client-1/);
  });

  void test('draws one row per hop with bars on a shared axis, anomalous hops marked', () => {
    const hopRows = rows.filter((row) => row.includes('|'));
    assert.equal(hopRows.length, 4);
    const bars = hopRows.map((row) => row.slice(row.indexOf('|') + 1, row.lastIndexOf('|')));
    assert.ok(bars.every((bar) => bar.length === bars[0]?.length));
    assert.equal(bars[0]?.trim().length, bars[0]?.length, 'leg 0 spans the whole axis');
    const first = (bar: string | undefined) => bar?.search(/█/) ?? -1;
    assert.ok(
      first(bars[1]) > 0 && first(bars[2]) > first(bars[1]) && first(bars[3]) > first(bars[2]),
    );
    assert.match(hopRows[0] ?? '', /^ {2}leg 0 piste-gateway +502 +100\.0 ms \|/);
    // The call tree: each hop indented under its caller.
    assert.match(hopRows[1] ?? '', /^ {4}└ leg 1 piste-gateway +502/);
    assert.match(hopRows[2] ?? '', /^ {6}└ units-svc +502/);
    assert.match(hopRows[3] ?? '', /^! {3}└ leg 2/);
    assert.ok(!hopRows.slice(0, 3).some((row) => row.startsWith('!')));
  });

  void test('says where it failed and where the time went', () => {
    assert.match(
      text,
      /Diagnosis: Backend error in units-svc: 502 E_DB db down \(passed on: leg 1 502 → leg 0 502\)/,
    );
    assert.match(
      text,
      /Time: gateway 30\.0 ms · network 20\.0 ms · backends 40\.0 ms · 5× the route's median \(p50 20\.0 ms, p95 60\.0 ms\)/,
    );
  });

  void test('marks callers found from times only', () => {
    const inferred = structuredClone(REQUEST_TIMELINE);
    const service = inferred.hops[2];
    if (service) service.link = 'inferred';
    const rows = renderRequestWaterfall(inferred, { width: 100, colour: false });
    assert.match(rows, /└ units-svc ~ +502/);
    assert.match(rows, /~ caller inferred from times/);
  });

  void test('lists anomalies and errors, and has no escape codes without colour', () => {
    assert.match(text, /Anomalies\n! missing_hop: leg 2 reached no service that logged/);
    assert.match(text, /Errors\n {2}units-svc 502 E_DB db down/);
    assert.ok(!text.includes(ESC));
  });

  void test('colours statuses when asked', () => {
    const coloured = renderRequestWaterfall(REQUEST_TIMELINE, { width: 100, colour: true });
    assert.ok(coloured.includes(`${ESC}31m502`), '5xx in red');
    assert.ok(coloured.includes(`${ESC}32m200`), '2xx in green');
  });

  void test('fits the terminal width', () => {
    const narrow = renderRequestWaterfall(REQUEST_TIMELINE, { width: 80, colour: false });
    for (const row of narrow.split('\n').filter((line) => line.includes('|')))
      assert.ok(row.length <= 80, `${row.length}: ${row}`);
  });
});

void describe('renderSessionWaterfall', () => {
  const text = renderSessionWaterfall(SESSION_TIMELINE, { width: 120, colour: false });

  void test('shows the summary and the requests in time order on the session axis', () => {
    assert.match(text, /Session sess-1 {2}2 requests, 1 failed, over 1000\.0 ms/);
    const rows = text.split('\n').filter((row) => row.includes('|'));
    assert.equal(rows.length, 2);
    assert.match(rows[0] ?? '', /^! req-1 +GET +\/v1\/units +502/);
    assert.match(rows[1] ?? '', /^ {2}req-2 +POST +\/v1\/objects +201/);
    const start = (row: string | undefined) =>
      (row ?? '').slice((row ?? '').indexOf('|')).search(/█/);
    assert.ok(start(rows[1]) > start(rows[0]));
    assert.match(text, /missing_hop/);
    assert.match(text, /requests 1-2 of 2/);
    assert.match(text, /Failures by origin: backend units-svc 1/);
    // Each failed request says where in one line; a healthy one says nothing more.
    assert.match(text, /\n {4}error in units-svc: Backend error in units-svc: 502/);
    assert.equal(text.match(/Answered 201/), null);
  });
});

void describe('colourWanted', () => {
  void test('only on a TTY and when NO_COLOR is unset', () => {
    assert.equal(colourWanted({ isTTY: true }, {}), true);
    assert.equal(colourWanted({ isTTY: true }, { NO_COLOR: '' }), false);
    assert.equal(colourWanted({ isTTY: false }, {}), false);
    assert.equal(colourWanted({}, {}), false);
  });
});
