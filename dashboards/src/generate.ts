import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { normaliseNdjson, SAVED_OBJECTS_DIR } from './normalise.js';
import { DASHBOARDS } from './panels.js';
import { dashboardFileObjects } from './saved-objects.js';

/**
 * The committed NDJSON files are generated from the panel specs. `npm run dashboards:generate`
 * rewrites them; `--check` only reports (exit 1) a file that differs, for CI.
 */
export function renderDashboardFiles(): Map<string, string> {
  return new Map(
    DASHBOARDS.map((spec) => [
      spec.file,
      normaliseNdjson(dashboardFileObjects(spec) as unknown as Record<string, unknown>[]),
    ]),
  );
}

async function main(check: boolean): Promise<number> {
  const stale: string[] = [];
  for (const [file, text] of renderDashboardFiles()) {
    const full = path.join(SAVED_OBJECTS_DIR, file);
    const current = await readFile(full, 'utf8').catch(() => '');
    if (current === text) continue;
    stale.push(file);
    if (!check) await writeFile(full, text);
  }
  if (stale.length === 0) console.log('saved objects up to date');
  else console.log(`${check ? 'out of date' : 'written'}: ${stale.join(', ')}`);
  return check && stale.length > 0 ? 1 : 0;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = await main(process.argv.includes('--check'));
}
