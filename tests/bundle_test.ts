/**
 * One program, three ways to run: `deno run main.ts` is covered everywhere else; here the same
 * code is bundled with `deno bundle` into one file and that file runs a real turn.
 * (`deno compile` needs a runtime download this machine cannot make; the task stays for users.)
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { startFakeResponses } from "./fakes/responses_server.ts";
import { cleanup, makeHome, makeWorkspace, ROOT, runProgram, testEnv } from "./helpers.ts";

Deno.test("bundle: the single-file bundle prints its version and runs an exec turn", async () => {
  const out = await Deno.makeTempDir({ prefix: "dcx-bundle-" });
  const file = join(out, "denocodex.js");
  const build = await new Deno.Command(Deno.execPath(), {
    args: ["bundle", "--quiet", "--platform", "deno", "-o", file, join(ROOT, "main.ts")],
    cwd: ROOT,
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(build.code, 0, new TextDecoder().decode(build.stderr));

  const server = startFakeResponses({
    turns: [{
      output: [{ type: "message", text: "bundled OK" }],
      usage: { input_tokens: 1, output_tokens: 1 },
    }],
  });
  const ws = await makeWorkspace();
  const home = await makeHome(server.url);
  try {
    // Run from another folder: prompts and the catalog must come from the bundle itself.
    const v = await runProgram(["--version"], { cwd: ws, env: testEnv(home), script: file });
    assert.match(v.stdout, /^denocodex \d+\.\d+\.\d+\n$/);
    const r = await runProgram(["exec", "--json", "hi"], {
      cwd: ws,
      env: testEnv(home),
      script: file,
    });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /"text":"bundled OK"/);
    const input = server.requests[0].body!.input as { content: { text: string }[] }[];
    assert.ok(input[0].content[0].text.length > 1000, "base instructions travel in the bundle");
  } finally {
    await server.close();
    await cleanup(out, ws, home);
  }
});

Deno.test("version: lib/version.ts equals deno.json's version", async () => {
  const { VERSION } = await import("../lib/version.ts");
  const cfg = JSON.parse(await Deno.readTextFile(join(ROOT, "deno.json")));
  assert.equal(VERSION, cfg.version);
});
