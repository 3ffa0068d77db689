import assert from "node:assert/strict";
import { join } from "node:path";
import { loadConfig } from "../lib/config/load.ts";
import { ConfigError } from "../lib/config/errors.ts";
import { parseOverride } from "../lib/config/overrides.ts";
import { resolveApiKey } from "../lib/config/providers.ts";
import { cleanup } from "./helpers.ts";

async function home(toml: string, dotenv?: string): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "dcx-cfg-" });
  await Deno.writeTextFile(join(dir, "config.toml"), toml);
  if (dotenv !== undefined) await Deno.writeTextFile(join(dir, ".env"), dotenv);
  return dir;
}

const BASE = `
model = "gpt-5.5"
model_provider = "local"
approval_policy = "never"

[model_providers.local]
name = "Local"
base_url = "http://127.0.0.1:9/v1/"
env_key = "LOCAL_KEY"
http_headers = { "x-team" = "core" }
query_params = { "api-version" = "1" }
stream_idle_timeout_ms = 1500

[profiles.fast]
model = "gpt-5.4"
model_reasoning_effort = "low"

[profiles.other]
model_provider = "openai"
`;

Deno.test("config: defaults, providers and profiles", async () => {
  const dir = await home(BASE);
  try {
    const c = await loadConfig({ env: { CODEX_HOME: dir }, cwd: dir });
    assert.equal(c.model, "gpt-5.5");
    assert.equal(c.provider.id, "local");
    assert.equal(c.provider.baseUrl, "http://127.0.0.1:9/v1");
    assert.deepEqual(c.provider.httpHeaders, { "x-team": "core" });
    assert.equal(c.provider.streamIdleTimeoutMs, 1500);
    assert.equal(c.provider.requestMaxRetries, 4);
    assert.equal(c.provider.streamMaxRetries, 5);
    assert.equal(c.sandboxMode, "read-only");

    const fast = await loadConfig({ env: { CODEX_HOME: dir }, cwd: dir, profile: "fast" });
    assert.equal(fast.model, "gpt-5.4");
    assert.equal(fast.reasoningEffort, "low");
    assert.equal(fast.provider.id, "local");

    const other = await loadConfig({ env: { CODEX_HOME: dir }, cwd: dir, profile: "other" });
    assert.equal(other.provider.baseUrl, "https://api.openai.com/v1");
  } finally {
    await cleanup(dir);
  }
});

Deno.test("config: -c overrides parse TOML values, else strings, with dotted paths", async () => {
  assert.deepEqual(parseOverride("model=o3"), { path: ["model"], value: "o3" });
  assert.deepEqual(parseOverride('model="o3"'), { path: ["model"], value: "o3" });
  assert.deepEqual(parseOverride("a.b.c=42"), { path: ["a", "b", "c"], value: 42 });
  assert.deepEqual(parseOverride("x=[1, 2]"), { path: ["x"], value: [1, 2] });
  assert.deepEqual(parseOverride('p."a.b"=true'), { path: ["p", "a.b"], value: true });
  assert.throws(() => parseOverride("novalue"), ConfigError);
  const dir = await home(BASE);
  try {
    const c = await loadConfig({
      env: { CODEX_HOME: dir },
      cwd: dir,
      overrides: ["model=gpt-5.2", "model_providers.local.base_url=http://127.0.0.1:7/v1"],
      enable: ["fancy"],
      disable: ["plugins"],
    });
    assert.equal(c.model, "gpt-5.2");
    assert.equal(c.provider.baseUrl, "http://127.0.0.1:7/v1");
    assert.deepEqual(c.features, { fancy: true, plugins: false });
  } finally {
    await cleanup(dir);
  }
});

Deno.test("config: .env is loaded, CODEX_* keys ignored, the environment wins", async () => {
  const dir = await home(BASE, "LOCAL_KEY=from-file\nCODEX_HOME=/nope\nOTHER='x y'\n");
  try {
    const c = await loadConfig({ env: { CODEX_HOME: dir }, cwd: dir });
    assert.equal(c.env.LOCAL_KEY, "from-file");
    assert.equal(c.env.OTHER, "x y");
    assert.equal(c.env.CODEX_HOME, dir);
    assert.deepEqual(c.dotenvKeys.sort(), ["LOCAL_KEY", "OTHER"]);
    assert.equal(resolveApiKey(c.provider, c.env), "from-file");

    const c2 = await loadConfig({ env: { CODEX_HOME: dir, LOCAL_KEY: "from-env" }, cwd: dir });
    assert.equal(c2.env.LOCAL_KEY, "from-env");
  } finally {
    await cleanup(dir);
  }
});

Deno.test("config: one-line errors name the file, line and column or the fix", async () => {
  const bad = await home('model = "x"\nmodel_provider = [\n');
  try {
    await assert.rejects(
      () => loadConfig({ env: { CODEX_HOME: bad }, cwd: bad }),
      (e: unknown) =>
        e instanceof ConfigError &&
        e.message.startsWith(`${join(bad, "config.toml")}:3:1: invalid TOML`) &&
        !e.message.includes("\n"),
    );
  } finally {
    await cleanup(bad);
  }
  const dir = await home(
    BASE + '\n[model_providers.chatty]\nbase_url = "http://x/v1"\nwire_api = "chat"\n',
  );
  try {
    await assert.rejects(
      () => loadConfig({ env: { CODEX_HOME: dir }, cwd: dir, profile: "nope" }),
      /unknown profile 'nope'; known profiles: fast, other/,
    );
    await assert.rejects(
      () => loadConfig({ env: { CODEX_HOME: dir }, cwd: dir, overrides: ["model_provider=zzz"] }),
      /unknown model provider 'zzz'; known providers: openai, ollama, lmstudio, local, chatty/,
    );
    await assert.rejects(
      () =>
        loadConfig({ env: { CODEX_HOME: dir }, cwd: dir, overrides: ["model_provider=chatty"] }),
      /wire_api = "chat".*denocodex compat-server/,
    );
    await assert.rejects(
      () => loadConfig({ env: { CODEX_HOME: dir }, cwd: dir, overrides: ["sandbox_mode=open"] }),
      /invalid value for 'sandbox_mode'/,
    );
    const c = await loadConfig({ env: { CODEX_HOME: dir }, cwd: dir });
    assert.throws(() => resolveApiKey(c.provider, c.env), /set LOCAL_KEY/);
    const o = await loadConfig({ env: { CODEX_HOME: dir }, cwd: dir, profile: "other" });
    assert.throws(
      () => resolveApiKey(o.provider, o.env),
      /set OPENAI_API_KEY \(or CODEX_API_KEY\)/,
    );
    assert.equal(resolveApiKey(o.provider, { CODEX_API_KEY: "k1" }), "k1");
  } finally {
    await cleanup(dir);
  }
});

Deno.test("config: unknown keys are kept, and fatal only with --strict-config", async () => {
  const dir = await home("future_setting = 1\n" + BASE);
  try {
    const c = await loadConfig({ env: { CODEX_HOME: dir }, cwd: dir });
    assert.deepEqual(c.unknownKeys, ["future_setting"]);
    assert.equal((c.table as Record<string, unknown>).future_setting, 1);
    await assert.rejects(
      () => loadConfig({ env: { CODEX_HOME: dir }, cwd: dir, strict: true }),
      /unknown key future_setting/,
    );
  } finally {
    await cleanup(dir);
  }
});

Deno.test("config: model_instructions_file replaces the base instructions", async () => {
  const dir = await home('model_instructions_file = "mine.md"\n' + BASE);
  await Deno.writeTextFile(join(dir, "mine.md"), "  Be a pirate.\n");
  try {
    const c = await loadConfig({ env: { CODEX_HOME: dir }, cwd: dir });
    assert.equal(c.baseInstructions, "Be a pirate.");
  } finally {
    await cleanup(dir);
  }
});
