/**
 * Portable mode end to end with the real program: `--put` a Codex home to a storage server on
 * 127.0.0.1, then on an empty HOME `--call TOKEN exec ...` runs a turn that uses the bundled
 * config, `.env` key and AGENTS.md.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { startStorageServer } from "../lib/portable/server.ts";
import { startFakeResponses } from "./fakes/responses_server.ts";
import { cleanup, makeWorkspace, runProgram, testEnv } from "./helpers.ts";

Deno.test("portable: --put then --call TOKEN exec uses the bundled config, .env key and AGENTS.md", async () => {
  const model = startFakeResponses({
    turns: [{
      output: [{ type: "message", text: "called OK" }],
      usage: { input_tokens: 1, output_tokens: 1 },
    }],
  });
  const root = await Deno.makeTempDir({ prefix: "dcx-store-" });
  const ctl = new AbortController();
  const storage = await startStorageServer({
    root,
    port: 0,
    maxBytes: 1 << 20,
    ttlMs: 60_000,
    signal: ctl.signal,
  });
  const source = await Deno.makeTempDir({ prefix: "dcx-src-home-" });
  const fresh = await Deno.makeTempDir({ prefix: "dcx-fresh-home-" });
  const ws = await makeWorkspace();
  const KEY = "sk-bundled-secret-4242";
  try {
    await Deno.writeTextFile(
      join(source, "config.toml"),
      `model = "gpt-5.5"\nmodel_provider = "far"\n[model_providers.far]\nbase_url = "${model.url}"\n` +
        `env_key = "FAR_KEY"\nwire_api = "responses"\n`,
    );
    await Deno.writeTextFile(join(source, ".env"), `FAR_KEY=${KEY}\n`);
    await Deno.writeTextFile(join(source, "AGENTS.md"), "PORTABLE-AGENTS-MARKER\n");

    const put = await runProgram(["--put", `${source}/@127.0.0.1:${storage.port}`], {
      cwd: ws,
      env: testEnv(source),
    });
    assert.equal(put.code, 0, put.stderr);
    assert.doesNotMatch(put.stdout + put.stderr, new RegExp(KEY));
    const last = put.stdout.trim().split("\n").pop()!;
    const m = last.match(/^denocodex --call (\S+)$/);
    assert.ok(m, `last line: ${last}`);

    // The machine that calls has nothing: an empty HOME, no CODEX_HOME, no key.
    const env = testEnv(fresh);
    delete env.CODEX_HOME;
    delete env.FAKE_API_KEY;
    const run = await runProgram(["--call", m[1], "exec", "--json", "hi"], { cwd: ws, env });
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /"text":"called OK"/);
    const req = model.requests[0];
    assert.equal(req.headers.authorization, `Bearer ${KEY}`);
    const input = JSON.stringify(req.body!.input);
    assert.match(input, /PORTABLE-AGENTS-MARKER/);

    // A tampered token fails with one line and runs nothing.
    const bad = m[1].replace(/^(.)/, (c) => (c === "a" ? "b" : "a"));
    const r2 = await runProgram(["--call", bad, "exec", "hi"], { cwd: ws, env });
    assert.equal(r2.code, 1);
    assert.equal(r2.stderr.trim().split("\n").filter((l) => l.startsWith("Error:")).length, 1);
    assert.equal(model.requests.length, 1);
  } finally {
    ctl.abort();
    await storage.finished;
    await model.close();
    await cleanup(root, source, fresh, ws);
  }
});
