import assert from "node:assert/strict";
import { join } from "node:path";
import { parse } from "smol-toml";
import jsonSchema from "../lib/config/config_schema.json" with { type: "json" };
import { configJsonSchema, configSchemaText } from "../lib/config/config_schema_gen.ts";
import { configSchema } from "../lib/config/schema.ts";
import { checkConfig, KNOWN_TOP_LEVEL_KEYS, matchesJsonSchema } from "../lib/config/validate.ts";
import { ROOT } from "./helpers.ts";

Deno.test("config_schema.json is what the zod schema derives now (run `deno task gen`)", async () => {
  const text = await Deno.readTextFile(join(ROOT, "lib", "config", "config_schema.json"));
  assert.equal(text, configSchemaText(configJsonSchema()));
  assert.deepEqual(jsonSchema, configJsonSchema());
  assert.deepEqual([...KNOWN_TOP_LEVEL_KEYS].sort(), Object.keys(configSchema.shape).sort());
});

/** Values of every JSON type, and the edge cases TOML can produce. */
const PROBES: unknown[] = [
  "x",
  "",
  0,
  1,
  -1,
  1.5,
  2 ** 53,
  Infinity,
  -Infinity,
  NaN,
  true,
  [],
  ["a"],
  [1],
  {},
  { a: "b" },
  { a: 1 },
  { enabled: true },
  { enabled: "yes" },
];

/** Every path in the schema (objects, records and arrays walked a level in). */
function paths(schema: Record<string, unknown>, prefix: string[] = []): string[][] {
  const out: string[][] = [];
  const props = schema.properties as Record<string, Record<string, unknown>> | undefined;
  for (const [name, sub] of Object.entries(props ?? {})) {
    out.push([...prefix, name]);
    if (prefix.length < 3) out.push(...paths(sub, [...prefix, name]));
    const add = sub.additionalProperties as Record<string, unknown> | undefined;
    if (add && typeof add === "object" && add.properties) {
      out.push(...paths(add, [...prefix, name, "some_name"]));
    }
  }
  return out;
}

function withValue(path: string[], value: unknown): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  let node = root;
  for (const key of path.slice(0, -1)) {
    const next: Record<string, unknown> = {};
    node[key] = next;
    node = next;
  }
  node[path[path.length - 1]] = value;
  return root;
}

Deno.test("the JSON Schema check accepts exactly what zod accepts, value by value", () => {
  const all = paths(jsonSchema as Record<string, unknown>);
  assert.ok(all.length > 60, `walked ${all.length} paths`);
  let cases = 0;
  const enums = (jsonSchema as { properties: Record<string, { enum?: string[] }> }).properties;
  for (const path of all) {
    const extra = Object.values(enums).flatMap((p) => p.enum ?? []);
    for (const value of [...PROBES, ...extra]) {
      const config = withValue(path, value);
      const zodOk = configSchema.safeParse(config).success;
      assert.equal(
        matchesJsonSchema(config),
        zodOk,
        `${path.join(".")} = ${String(value)}: zod says ${zodOk ? "valid" : "invalid"}`,
      );
      cases++;
    }
  }
  assert.ok(cases > 1000, `${cases} cases`);
});

Deno.test("the JSON Schema check agrees with zod on whole configurations", async () => {
  const texts = [
    `model = "gpt-5.5"\nmodel_provider = "fake"\n[model_providers.fake]\nbase_url = "http://127.0.0.1:1/v1"\nenv_key = "K"\nwire_api = "responses"\nrequest_max_retries = 3\n`,
    `profile = "fast"\n[profiles.fast]\nmodel = "o3"\nmodel_reasoning_effort = "low"\n[profiles.fast.features]\nx = true\n`,
    `[profiles.bad]\nmodel_reasoning_effort = "turbo"\n`,
    `[model_providers.x]\nstream_idle_timeout_ms = 0\n`,
    `[model_providers.x]\nhttp_headers = { a = 1 }\n`,
    `[tools]\nweb_search = { enabled = true, mode = "live" }\nextra = ["read_file"]\n`,
    `[tools]\nweb_search = "on"\n`,
    `[history]\npersistence = "some"\n`,
    `notify = ["notify-send", 1]\n`,
    `future_key = { nested = [1, 2, { deep = true }] }\n[mcp_servers.docs]\ncommand = "npx"\n`,
    `[agents]\nmax_threads = 6\nmax_depth = 1.5\n`,
    `when = 1979-05-27T07:32:00Z\nmodel = 1979-05-27\n`,
  ];
  for (const text of texts) {
    const raw = parse(text) as Record<string, unknown>;
    const zod = configSchema.safeParse(raw);
    if (!text.includes("1979")) assert.equal(matchesJsonSchema(raw), zod.success, text);
    const checked = await checkConfig(raw);
    assert.equal(checked.ok, zod.success, text);
    if (!checked.ok && !zod.success) {
      assert.equal(checked.path, zod.error.issues[0].path.join("."));
      assert.equal(checked.message, zod.error.issues[0].message);
    }
  }
});
