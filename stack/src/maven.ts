import { existsSync, mkdirSync, readFileSync, renameSync } from 'node:fs';
import path from 'node:path';
import { onPath, runCommand } from './command.js';

/**
 * Maven is only a downloader here: it resolves artifacts from Maven Central into ~/.m2, which
 * is therefore the stack's download cache, shared by every checkout on the machine.
 */
const DEPENDENCY_PLUGIN = 'org.apache.maven.plugins:maven-dependency-plugin:3.6.1';

async function mvn(args: readonly string[], cwd: string): Promise<void> {
  if (!(await onPath('mvn'))) {
    throw new Error('mvn not found on PATH: install Maven (apt-get install maven)');
  }
  await runCommand('mvn', ['-B', '-q', ...args], { cwd });
}

/** Kafka 4 moved from log4j 1 (reload4j) to log4j2: binding, config format and property. */
export function kafkaLogsThroughLog4j2(kafkaVersion: string): boolean {
  return Number(kafkaVersion.split('.')[0]) >= 4;
}

/**
 * The Kafka broker's Java classpath, resolved from `stack/maven/pom.xml`. The result is cached
 * in `classpathFile` and reused while every jar it names is still in ~/.m2.
 */
export async function kafkaClasspath(options: {
  projectRoot: string;
  kafkaVersion: string;
  classpathFile: string;
}): Promise<string> {
  const { classpathFile } = options;
  if (existsSync(classpathFile)) {
    const cached = readFileSync(classpathFile, 'utf8').trim();
    if (cached && cached.split(path.delimiter).every((jar) => existsSync(jar))) return cached;
  }
  mkdirSync(path.dirname(classpathFile), { recursive: true });
  // Written beside the target and renamed, so an interrupted run never leaves half a file.
  const partial = `${classpathFile}.partial`;
  await mvn(
    [
      '-f',
      path.join(options.projectRoot, 'stack', 'maven', 'pom.xml'),
      `${DEPENDENCY_PLUGIN}:build-classpath`,
      `-Dkafka.version=${options.kafkaVersion}`,
      `-Dkafka.log4j=${kafkaLogsThroughLog4j2(options.kafkaVersion) ? 2 : 1}`,
      `-Dmdep.outputFile=${partial}`,
    ],
    options.projectRoot,
  );
  renameSync(partial, classpathFile);
  return readFileSync(classpathFile, 'utf8').trim();
}

/** Copies one artifact (`group:artifact:version:type`) from Maven Central into `outputDir`. */
export async function fetchArtifact(
  coordinates: string,
  outputDir: string,
  cwd: string,
): Promise<void> {
  mkdirSync(outputDir, { recursive: true });
  await mvn(
    [`${DEPENDENCY_PLUGIN}:copy`, `-Dartifact=${coordinates}`, `-DoutputDirectory=${outputDir}`],
    cwd,
  );
}
