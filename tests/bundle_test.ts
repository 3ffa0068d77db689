/**
 * One program, three ways to run: `deno run main.ts` is covered everywhere else; here the same
 * code is bundled with `deno bundle` into one file and that file runs a real turn.
 * (`deno compile` needs a runtime download this machine cannot make; the task stays for users.)
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { startFakeResponses } from "./fakes/responses_server.ts";
import { cleanup, makeHome, makeWorkspace, ROOT, runProgram, testEnv } from "./helpers.ts";

/** A code-mode cell that runs a command and a patch through `tools`. */
const CELL = [
  'const r = await tools.exec_command({ cmd: "cat notes.txt", login: false });',
  "text(r.output.trim());",
  'await tools.apply_patch("*** Begin Patch\\n*** Add File: made.txt\\n+made in a bundle\\n*** End Patch\\n");',
  'text("patched");',
].join("\n");

Deno.test("bundle: the single-file bundle runs turns, loads tools lazily and starts code-mode runners", async (t) => {
  const out = await Deno.makeTempDir({ prefix: "dcx-bundle-" });
  const file = join(out, "denocodex.js");
  const build = await new Deno.Command(Deno.execPath(), {
    args: ["bundle", "--quiet", "--platform", "deno", "-o", file, join(ROOT, "main.ts")],
    cwd: ROOT,
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(build.code, 0, new TextDecoder().decode(build.stderr));

  await t.step("--version and a plain exec turn", async () => {
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
      await cleanup(ws, home);
    }
  });

  await t.step(
    "lazily loaded tools: exec_command and apply_patch run from the bundle",
    async () => {
      const server = startFakeResponses({
        turns: [
          {
            output: [{
              type: "function_call",
              name: "exec_command",
              call_id: "call_cmd",
              arguments: JSON.stringify({ cmd: "cat notes.txt", login: false }),
            }],
          },
          {
            output: [{
              type: "custom_tool_call",
              name: "apply_patch",
              call_id: "call_patch",
              input: "*** Begin Patch\n*** Add File: made.txt\n+bundled patch\n*** End Patch\n",
            }],
          },
          { output: [{ type: "message", text: "done" }] },
        ],
      });
      const ws = await makeWorkspace({ "notes.txt": "from the workspace\n" });
      const home = await makeHome(server.url, 'sandbox_mode = "danger-full-access"');
      try {
        const r = await runProgram(["exec", "--json", "go"], {
          cwd: ws,
          env: testEnv(home),
          script: file,
        });
        assert.equal(r.code, 0, r.stderr);
        const outputs = server.requests.flatMap((q) =>
          (q.body?.input as Record<string, unknown>[] | undefined ?? []).filter((i) =>
            String(i.type).endsWith("_call_output")
          )
        );
        assert.match(JSON.stringify(outputs), /from the workspace/);
        assert.equal(await Deno.readTextFile(join(ws, "made.txt")), "bundled patch\n");
      } finally {
        await server.close();
        await cleanup(ws, home);
      }
    },
  );

  await t.step("code mode: the bundle starts itself as the cell runner", async () => {
    const server = startFakeResponses({
      turns: [
        { output: [{ type: "custom_tool_call", name: "exec", call_id: "call_exec", input: CELL }] },
        { output: [{ type: "message", text: "done" }] },
      ],
    });
    const ws = await makeWorkspace({ "notes.txt": "from the workspace\n" });
    const home = await makeHome(server.url, 'sandbox_mode = "workspace-write"', "gpt-6.1-sol");
    try {
      const r = await runProgram(["exec", "--json", "Use a script."], {
        cwd: ws,
        env: testEnv(home),
        script: file,
      });
      assert.equal(r.code, 0, r.stderr);
      const second = server.requests.filter((q) => q.path.startsWith("/v1/responses"))[1];
      const output = (second.body!.input as Record<string, unknown>[]).find((i) =>
        i.type === "custom_tool_call_output"
      )!;
      const parts = output.output as { text: string }[];
      assert.match(parts[0].text, /^Script completed\n/, JSON.stringify(parts));
      assert.deepEqual(parts.slice(1).map((p) => p.text), ["from the workspace", "patched"]);
      assert.equal(await Deno.readTextFile(join(ws, "made.txt")), "made in a bundle\n");
    } finally {
      await server.close();
      await cleanup(ws, home);
    }
  });

  await cleanup(out);
});

Deno.test("version: lib/version.ts equals deno.json's version", async () => {
  const { VERSION } = await import("../lib/version.ts");
  const cfg = JSON.parse(await Deno.readTextFile(join(ROOT, "deno.json")));
  assert.equal(VERSION, cfg.version);
});
