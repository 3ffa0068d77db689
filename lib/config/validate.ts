/**
 * Checks a parsed `config.toml` against its schema. The zod schema (`schema.ts`) is the source
 * of truth, but loading zod costs more than the rest of start-up together, so a configuration is
 * first checked against the JSON Schema generated from it (`config_schema.json`, checked against
 * zod by a test) with the small `@cfworker/json-schema` validator. Only a configuration that
 * check rejects loads zod, which then words the error (and has the last word).
 *
 * @module
 */

import { Validator } from "npm:@cfworker/json-schema@^4.1.1";
import jsonSchema from "./config_schema.json" with { type: "json" };
import type { ConfigToml } from "./schema.ts";

let validator: Validator | undefined;

/** Top-level keys this version understands (for `--strict-config` and warnings). */
export const KNOWN_TOP_LEVEL_KEYS: ReadonlySet<string> = new Set(
  Object.keys(jsonSchema.properties),
);

/** True when `value` holds a `Date` (a TOML date or time) anywhere. */
function containsDate(value: unknown): boolean {
  if (value instanceof Date) return true;
  if (value === null || typeof value !== "object") return false;
  return Object.values(value).some(containsDate);
}

/**
 * True when `raw` satisfies the JSON Schema of `config.toml`. A TOML date has no JSON type, so a
 * configuration holding one is never passed here: it goes to zod (see {@linkcode checkConfig}).
 */
export function matchesJsonSchema(raw: unknown): boolean {
  validator ??= new Validator(jsonSchema as never, "2020-12", true);
  return validator.validate(raw).valid;
}

/** The outcome of {@linkcode checkConfig}. */
export type ConfigCheck =
  | { ok: true; config: ConfigToml }
  | { ok: false; path: string; message: string };

/** Checks `raw`; the failure names the first offending key path and zod's message for it. */
export async function checkConfig(raw: Record<string, unknown>): Promise<ConfigCheck> {
  if (!containsDate(raw) && matchesJsonSchema(raw)) return { ok: true, config: raw as ConfigToml };
  const { configSchema } = await import("./schema.ts");
  const parsed = configSchema.safeParse(raw);
  if (parsed.success) return { ok: true, config: parsed.data };
  const issue = parsed.error.issues[0];
  return { ok: false, path: issue.path.map(String).join("."), message: issue.message };
}
