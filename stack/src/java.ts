import { existsSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { onPath, runCommand } from './command.js';

/** Kafka 4.x (and 3.9) and Elasticsearch 8.19 all run on 17; older JDKs fail in confusing ways. */
export const MIN_JAVA_MAJOR = 17;
const DEBIAN_JAVA_17 = '/usr/lib/jvm/java-17-openjdk-amd64';

export interface Java {
  /** The JDK directory: Elasticsearch wants it as ES_JAVA_HOME. */
  readonly home: string;
  readonly bin: string;
  readonly major: number;
}

/**
 * Reads the major version from `java -version` output: `"17.0.15"` → 17, `"21"` → 21,
 * and the pre-9 scheme `"1.8.0_292"` → 8.
 */
export function parseJavaMajor(versionOutput: string): number | undefined {
  const match = /version "(\d+)(?:\.(\d+))?[^"]*"/.exec(versionOutput);
  if (!match?.[1]) return undefined;
  const first = Number(match[1]);
  return first === 1 && match[2] ? Number(match[2]) : first;
}

/**
 * Finds a JDK: JAVA_HOME when given, else Debian's OpenJDK 17, else `java` on PATH.
 * Throws when none is found or the one found is older than {@link MIN_JAVA_MAJOR}.
 */
export async function findJava(javaHome: string | undefined): Promise<Java> {
  let home: string;
  if (javaHome) home = javaHome;
  else if (existsSync(path.join(DEBIAN_JAVA_17, 'bin', 'java'))) home = DEBIAN_JAVA_17;
  else if (await onPath('java')) {
    const { stdout } = await runCommand('sh', ['-c', 'command -v java']);
    // /usr/bin/java is usually a chain of symlinks into the JDK's bin/.
    home = path.dirname(path.dirname(realpathSync(stdout.trim())));
  } else {
    throw new Error(
      `no Java found: set JAVA_HOME or install a JDK >= ${MIN_JAVA_MAJOR} (apt-get install openjdk-17-jre-headless)`,
    );
  }
  const bin = path.join(home, 'bin', 'java');
  if (!existsSync(bin)) throw new Error(`JAVA_HOME=${home} has no bin/java`);
  const { stdout, stderr } = await runCommand(bin, ['-version']);
  const major = parseJavaMajor(`${stderr}${stdout}`);
  if (major === undefined) throw new Error(`cannot read the version of ${bin}: ${stderr.trim()}`);
  if (major < MIN_JAVA_MAJOR) {
    throw new Error(`${bin} is Java ${major}; Kafka and Elasticsearch need ${MIN_JAVA_MAJOR}+`);
  }
  return { home, bin, major };
}
