// `npm run build`: compiles the services (tsconfig.build.json) into `dist/`, or `--out-dir <d>`,
// and copies beside them the files they read at run time (index template, Kibana saved objects,
// the timeline page's assets). The Docker image, `npm start` and the benchmarks run this output.
import { spawn } from 'node:child_process';
import { cpSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Files read at run time through `new URL(..., import.meta.url)`, copied as they are. */
const ASSETS = ['core/src/es/templates', 'dashboards/saved-objects', 'query-api/src/ui/assets'];

export async function buildServices(outDir = path.join(ROOT, 'dist')): Promise<void> {
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  const code = await new Promise<number | null>((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [tsc, '-p', path.join(ROOT, 'tsconfig.build.json'), '--outDir', outDir],
      { cwd: ROOT, stdio: 'inherit' },
    );
    child.once('error', reject);
    child.once('exit', resolve);
  });
  if (code !== 0) throw new Error(`tsc -p tsconfig.build.json exited with ${code}`);
  for (const asset of ASSETS)
    if (existsSync(path.join(ROOT, asset)))
      cpSync(path.join(ROOT, asset), path.join(outDir, asset), { recursive: true });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { values } = parseArgs({ options: { 'out-dir': { type: 'string' } } });
  buildServices(values['out-dir'] && path.resolve(values['out-dir'])).catch((error: unknown) => {
    console.error('build failed:', error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
