import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { token } from '../../helpers/query-api.js';
import {
  OWN_API_KEY,
  OWN_TENANT,
  startFixtureApi,
  type FixtureApi,
} from '../../helpers/security.js';

// Schema-driven fuzzing: schemathesis (installed by test/fuzz/install.sh) generates requests
// from the served OpenAPI document and sends them to a real query API over real Elasticsearch.
// No 5xx (501 for unsupported methods is the conventions' answer), and every answer conforms
// to the document: status, content type and body.

const FUZZ_DIR = fileURLToPath(new URL('../../fuzz/', import.meta.url));
const SCHEMATHESIS = `${FUZZ_DIR}.venv/bin/schemathesis`;
const RESULTS = fileURLToPath(new URL('../../../test-results/', import.meta.url));
/** Bounds the run on a shared 2-core machine; a seed keeps CI reproducible. */
const MAX_EXAMPLES = 12;
const SEED = 20_261_120;
const HARD_TIMEOUT_MS = 100_000;

const CHECKS = [
  'not_a_server_error',
  'status_code_conformance',
  'content_type_conformance',
  'response_schema_conformance',
];

let api: FixtureApi | undefined;
before(async () => {
  api = await startFixtureApi();
});
after(async () => {
  await api?.close();
});

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  output: string;
}

function runSchemathesis(args: string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(SCHEMATHESIS, args, {
      cwd: FUZZ_DIR,
      env: { ...process.env, NO_COLOR: '1', SCHEMATHESIS_TELEMETRY: 'false' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), HARD_TIMEOUT_MS);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, output });
    });
  });
}

void test(
  'schemathesis finds no server error and no answer outside the OpenAPI document',
  { timeout: HARD_TIMEOUT_MS + 15_000 },
  async (t) => {
    if (!existsSync(SCHEMATHESIS)) {
      assert.ok(
        !process.env.CI,
        'schemathesis is not installed: .ci/run must call test/fuzz/install.sh',
      );
      t.skip('schemathesis not installed: run test/fuzz/install.sh');
      return;
    }
    assert.ok(api);
    const bearer = await token({
      roles: ['support', 'compliance'],
      tenants: [OWN_TENANT],
      expiresIn: '1h',
    });
    const run = await runSchemathesis([
      '--config-file',
      'schemathesis.toml',
      'run',
      `${api.origin}/trace/v1/openapi.json`,
      '--header',
      `Authorization: Bearer ${bearer}`,
      // The document offers the API key as an alternative; a generated one would only ever
      // test the 401 path, so a valid key is sent too.
      '--header',
      `X-Api-Key: ${OWN_API_KEY}`,
      '--header',
      `X-Tenant-Id: ${OWN_TENANT}`,
      '--checks',
      CHECKS.join(','),
      '--max-examples',
      String(MAX_EXAMPLES),
      '--seed',
      String(SEED),
      '--workers',
      '1',
      '--request-timeout',
      '20',
      '--report',
      'junit',
      '--report-junit-path',
      `${RESULTS}schemathesis.xml`,
    ]);
    assert.equal(
      run.code,
      0,
      `schemathesis exited ${run.code ?? run.signal}:\n${run.output.slice(-6_000)}`,
    );
    assert.match(run.output, /\d+ generated, \d+ passed/);
  },
);
