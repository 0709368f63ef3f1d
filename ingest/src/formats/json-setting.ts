import { readFileSync } from 'node:fs';
import type { z } from 'zod';

/**
 * A setting given as inline JSON (when it starts with `{`) or as the path of a JSON file,
 * validated by `schema`. Throws with a message that names the variable and the problem, never
 * the content: a mapping file may hold internal names an operator would not want in a log.
 */
export function readJsonSetting<T extends z.ZodType>(
  variable: string,
  setting: string,
  schema: T,
): z.output<T> {
  const text = setting.trimStart().startsWith('{') ? setting : readFileSync(setting, 'utf8');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new Error(`${variable}: not valid JSON`);
  }
  const result = schema.safeParse(parsed);
  if (!result.success)
    throw new Error(
      `${variable}: ${result.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`,
    );
  return result.data;
}
