/**
 * Generates `config_schema.json`, the JSON Schema of `config.toml`, from the zod schema in
 * `schema.ts`. `loadConfig` checks configurations against the JSON Schema (fast to load) and
 * turns to zod only to word the error of an invalid one; editors can use the same file for
 * completion in `config.toml`. `tests/config_schema_test.ts` fails when the two disagree.
 *
 * Run after changing `schema.ts`: `deno task gen`.
 *
 * @module
 */

import { z } from "npm:zod@^4.6.7";
import { configSchema } from "./schema.ts";

/** The JSON Schema (draft 2020-12) of `config.toml`, as zod derives it. */
export function configJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(configSchema, { io: "input", target: "draft-2020-12" }) as Record<
    string,
    unknown
  >;
  return {
    $schema: schema.$schema,
    title: "denocodex config.toml",
    ...schema,
  };
}

/** The file's text: two-space JSON, as `deno fmt` leaves it. */
export function configSchemaText(schema: Record<string, unknown>): string {
  return JSON.stringify(schema, null, 2) + "\n";
}

if (import.meta.main) {
  const file = new URL("./config_schema.json", import.meta.url);
  await Deno.writeTextFile(file, configSchemaText(configJsonSchema()));
  console.log(`wrote ${file.pathname}`);
}
