import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { runCommand } from './command.js';

/**
 * An OpenTelemetry Collector with only what `deploy/shippers/otelcol/config.yaml` uses, built
 * with the Collector Builder (ocb) from `deploy/shippers/otelcol/builder-config.yaml`, so the
 * real-shipper tests run the collector Ariane documents. Go modules come from the Go module
 * proxy; Go's own caches (~/go/pkg/mod, ~/.cache/go-build) make a rebuild cheap.
 *
 * The binary is cached outside the checkout, like Maven's ~/.m2, under
 * `$XDG_CACHE_HOME/ariane/otelcol/<version>-<manifest hash>/`: a new release or a changed
 * component list gives a new folder, and every checkout on the machine shares the build.
 */

export const OTELCOL_BUILDER_MODULE = 'go.opentelemetry.io/collector/cmd/builder';
/** A build took 3.3 min on 2 shared cores with an empty Go cache; this leaves room. */
const BUILD_TIMEOUT_MS = 20 * 60_000;

export interface OtelcolManifest {
  readonly file: string;
  /** `dist.version`: the collector release every module of the manifest is pinned to. */
  readonly version: string;
  /** `dist.name`: the binary's file name. */
  readonly name: string;
  /** First 12 hex digits of the manifest's SHA-256. */
  readonly hash: string;
}

export function otelcolManifest(projectRoot: string): OtelcolManifest {
  const file = path.join(projectRoot, 'deploy', 'shippers', 'otelcol', 'builder-config.yaml');
  const text = readFileSync(file, 'utf8');
  const dist = /^dist:\n((?:[ \t]+.*\n|\s*\n)+)/m.exec(text)?.[1] ?? '';
  const field = (key: string) =>
    new RegExp(`^[ \\t]+${key}:[ \\t]*['"]?([^'"\\s#]+)`, 'm').exec(dist)?.[1];
  const version = field('version');
  const name = field('name');
  if (!version || !name) throw new Error(`${file}: dist.name and dist.version are required`);
  const hash = createHash('sha256').update(text).digest('hex').slice(0, 12);
  return { file, version, name, hash };
}

function cacheRoot(env: NodeJS.ProcessEnv): string {
  const base = env.XDG_CACHE_HOME?.trim() || path.join(homedir(), '.cache');
  return path.join(base, 'ariane', 'otelcol');
}

/** Where the collector built from this checkout's manifest is, built or not. */
export function otelcolBinaryPath(projectRoot: string, env: NodeJS.ProcessEnv = process.env) {
  const manifest = otelcolManifest(projectRoot);
  // The builder writes to dist.output_path, relative to its working folder.
  const folder = path.join(cacheRoot(env), `${manifest.version}-${manifest.hash}`);
  return { manifest, folder, binary: path.join(folder, manifest.name, manifest.name) };
}

/** The Go toolchain: `go` on PATH, else the official tarball's /usr/local/go. */
export async function findGo(): Promise<string | undefined> {
  for (const candidate of ['go', '/usr/local/go/bin/go']) {
    try {
      await runCommand(candidate, ['version']);
      return candidate;
    } catch {
      // not this one
    }
  }
  return undefined;
}

export class GoMissingError extends Error {}

/**
 * Returns the collector binary, building it first when the cache does not hold it. Safe to
 * run concurrently: each build happens in a folder of its own, renamed into place when done.
 */
export async function ensureOtelcol(
  projectRoot: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<string> {
  const { manifest, folder, binary } = otelcolBinaryPath(projectRoot, env);
  if (existsSync(binary)) return binary;
  const go = await findGo();
  if (!go) throw new GoMissingError('Go not found (go on PATH or /usr/local/go/bin/go)');
  // The builder runs `go` from PATH.
  const goEnv =
    go === 'go' ? env : { ...env, PATH: `${path.dirname(go)}${path.delimiter}${env.PATH ?? ''}` };

  const builderDir = path.join(cacheRoot(env), `builder-v${manifest.version}`);
  const builder = path.join(builderDir, 'builder');
  if (!existsSync(builder)) {
    mkdirSync(builderDir, { recursive: true });
    await runCommand(go, ['install', `${OTELCOL_BUILDER_MODULE}@v${manifest.version}`], {
      env: { ...goEnv, GOBIN: builderDir },
      timeoutMs: BUILD_TIMEOUT_MS,
    });
  }

  const partial = `${folder}.partial-${process.pid}`;
  rmSync(partial, { recursive: true, force: true });
  mkdirSync(partial, { recursive: true });
  try {
    await runCommand(builder, ['--config', manifest.file], {
      cwd: partial,
      env: goEnv,
      timeoutMs: BUILD_TIMEOUT_MS,
    });
    try {
      renameSync(partial, folder);
    } catch (error) {
      // A concurrent build got there first: its binary is as good as ours.
      if (!existsSync(binary)) throw error;
    }
  } finally {
    rmSync(partial, { recursive: true, force: true });
  }
  if (!existsSync(binary)) throw new Error(`ocb finished but ${binary} is missing`);
  return binary;
}
