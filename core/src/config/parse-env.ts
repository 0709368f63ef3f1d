import type { z } from 'zod';

/**
 * Thrown when environment variables fail validation. `problems` holds one line per bad
 * variable, `NAME: reason`, so an operator can fix every value in one go.
 */
export class ConfigError extends Error {
  readonly code = 'ARIANE_CONFIG_INVALID';
  constructor(readonly problems: readonly string[]) {
    super(`invalid configuration:\n  ${problems.join('\n  ')}`);
    this.name = 'ConfigError';
  }
}

/**
 * Parses the environment with a zod object schema whose keys are the variable names.
 * Empty strings count as unset, so `FOO=` falls back to the schema default like a missing FOO.
 * The result is frozen: configuration is read once at start-up and never changes.
 */
export function parseEnv<S extends z.ZodObject>(
  schema: S,
  env: NodeJS.ProcessEnv,
): Readonly<z.output<S>> {
  const relevant: Record<string, string> = {};
  for (const key of Object.keys(schema.shape)) {
    const value = env[key];
    if (value !== undefined && value !== '') relevant[key] = value;
  }
  const result = schema.safeParse(relevant);
  if (!result.success) {
    throw new ConfigError(
      result.error.issues.map((issue) => {
        const name = issue.path.join('.') || '(environment)';
        const shown = typeof issue.path[0] === 'string' ? relevant[issue.path[0]] : undefined;
        // Secrets never appear in the message: only the variable name and what was wrong.
        const hint =
          shown === undefined || /PASSWORD|SECRET|KEY|TOKEN/.test(name) ? '' : ` (got "${shown}")`;
        return `${name}: ${issue.message}${hint}`;
      }),
    );
  }
  return Object.freeze(result.data);
}

/**
 * parseEnv for a composition root: on bad configuration, prints every problem to stderr and
 * exits with status 2, before anything has started.
 */
export function parseEnvOrExit<S extends z.ZodObject>(
  schema: S,
  env: NodeJS.ProcessEnv,
): Readonly<z.output<S>> {
  try {
    return parseEnv(schema, env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(error.message);
    return process.exit(2);
  }
}
