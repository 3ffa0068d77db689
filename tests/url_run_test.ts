/**
 * `deno run -A <url>/main.ts` works: the source is served over HTTP from 127.0.0.1 and run from
 * a folder with no deno.json, so nothing may depend on the local import map or on files next to
 * the current directory (prompts and the catalog load through the module graph).
 */
import assert from "node:assert/strict";
import { extname, join, normalize } from "node:path";
import { startFakeResponses } from "./fakes/responses_server.ts";
import { cleanup, makeHome, makeWorkspace, ROOT, runProgram, testEnv } from "./helpers.ts";

const TYPES: Record<string, string> = {
  ".ts": "application/typescript",
  ".json": "application/json",
  ".md": "text/markdown",
  ".txt": "text/plain",
  ".wasm": "application/wasm",
};

Deno.test("url run: deno run -A http://.../main.ts runs an exec turn", async () => {
  const ctl = new AbortController();
  const files = Deno.serve(
    { hostname: "127.0.0.1", port: 0, signal: ctl.signal, onListen: () => {} },
    async (req) => {
      const path = normalize(decodeURIComponent(new URL(req.url).pathname));
      if (path.includes("..")) return new Response("no", { status: 400 });
      try {
        const body = await Deno.readFile(join(ROOT, path));
        return new Response(body, {
          headers: { "content-type": TYPES[extname(path)] ?? "application/octet-stream" },
        });
      } catch {
        return new Response("not found", { status: 404 });
      }
    },
  );
  const base = `http://127.0.0.1:${files.addr.port}`;
  const model = startFakeResponses({
    turns: [{
      output: [{ type: "message", text: "from a URL" }],
      usage: { input_tokens: 1, output_tokens: 1 },
    }],
  });
  const ws = await makeWorkspace({ "README.md": "# not a deno project\n" });
  const home = await makeHome(model.url);
  try {
    const run = await runProgram(["exec", "--json", "hi"], {
      cwd: ws,
      env: testEnv(home),
      script: `${base}/main.ts`,
    });
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /"text":"from a URL"/);
    const input = model.requests[0].body!.input as { content: { text: string }[] }[];
    assert.ok(input[0].content[0].text.length > 1000, "base instructions came over HTTP");
  } finally {
    ctl.abort();
    await files.finished;
    await model.close();
    await cleanup(ws, home);
  }
});
