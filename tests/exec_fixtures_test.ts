/**
 * Replays the upstream fixture scripts (exec-tools, exec-json-events) against denocodex and
 * compares the `--json` stream, every request's conversation items and the workspace diff with
 * what upstream Codex 0.169.0 produced.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { type Script, startFakeResponses } from "./fakes/responses_server.ts";
import {
  cleanup,
  fixture,
  FIXTURES,
  git,
  jsonl,
  makeHome,
  runProgram,
  testEnv,
} from "./helpers.ts";

const AGENTS = "# Oracle workspace\n\nORACLE-AGENTS-MARKER: keep answers short.\n";

type Event = Record<string, unknown> & { item?: Record<string, unknown> };

/** Parallel commands finish in either order: sort each run of adjacent command items. */
function canonical(events: Event[]): Event[] {
  const out = events.map((e) => structuredClone(e));
  let i = 0;
  while (i < out.length) {
    const isCmd = (e: Event | undefined) => e?.item?.type === "command_execution";
    if (!isCmd(out[i])) {
      i++;
      continue;
    }
    let j = i;
    while (isCmd(out[j])) j++;
    const pairs: Event[][] = [];
    for (let k = i; k < j; k += 2) pairs.push(out.slice(k, k + 2));
    const ids = pairs.map((p) => p[0].item!.id);
    pairs.sort((a, b) => String(a[0].item!.command).localeCompare(String(b[0].item!.command)));
    pairs.forEach((p, n) => p.forEach((e) => (e.item!.id = ids[n])));
    out.splice(i, j - i, ...pairs.flat());
    i = j;
  }
  return out;
}

function normalizeText(s: string, ws: string): string {
  return s.replaceAll(ws, "<WORKSPACE>")
    .replace(/Chunk ID: [0-9a-f]{6}/g, "Chunk ID: <chunk_id>")
    .replace(/Wall time: \d+(\.\d+)? seconds/g, "Wall time: <secs> seconds");
}

/** Conversation items after the initial context, with volatile ids and texts normalized. */
function conversation(input: unknown[], ws: string): string[] {
  return input.slice(4).map((item) => {
    const copy = structuredClone(item) as Record<string, unknown>;
    if (typeof copy.id === "string") copy.id = copy.id.replace(/^(fco|ctco|msg)_.*$/, "$1_<id>");
    if (typeof copy.output === "string") copy.output = normalizeText(copy.output, ws);
    return JSON.stringify(copy);
  });
}

function fixtureConversation(input: unknown[]): string[] {
  return input.slice(4).map((item) => {
    const copy = structuredClone(item) as Record<string, unknown>;
    if (typeof copy.id === "string") copy.id = copy.id.replace(/^(fco|ctco|msg)_.*$/, "$1_<id>");
    return JSON.stringify(copy);
  });
}

async function replay(name: string, extraToml = "") {
  const script = await fixture<Script>(`${name}/model-script.json`);
  const server = startFakeResponses(script);
  const ws = await Deno.realPath(await Deno.makeTempDir({ prefix: "dcx-ws-" }));
  await Deno.writeTextFile(join(ws, "AGENTS.md"), AGENTS);
  await Deno.writeTextFile(join(ws, "hello.txt"), "hello\nworld\n");
  await git(ws, "init", "-q", "-b", "main");
  await git(ws, "add", "-A");
  await git(ws, "commit", "-q", "-m", "init");
  await Deno.writeTextFile(join(ws, "obsolete.txt"), "to be deleted\n");
  const home = await makeHome(server.url, extraToml);
  const run = await runProgram(
    ["exec", "--json", "-s", "danger-full-access", "Edit the workspace as scripted."],
    { cwd: ws, env: testEnv(home) },
  );
  return { server, ws, home, run, script };
}

for (
  const [name, toml] of [["exec-tools", ""], [
    "exec-json-events",
    "[tools.update_plan]\nenabled = true",
  ]]
) {
  Deno.test(`fixture ${name}: events, requests and workspace match upstream`, async () => {
    const { server, ws, home, run, script } = await replay(name, toml);
    try {
      assert.equal(run.code, 0, run.stderr);
      const ours = jsonl(normalizeText(run.stdout, ws)) as Event[];
      const want = jsonl(
        await Deno.readTextFile(join(FIXTURES, name, "exec-json.stdout.jsonl")),
      ) as Event[];
      assert.equal(ours[0].type, "thread.started");
      assert.deepEqual(canonical(ours.slice(1)), canonical(want.slice(1)));

      // Same number of requests; each request's conversation equals upstream's.
      assert.equal(server.requests.length, script.turns.length);
      for (let i = 0; i < script.turns.length; i++) {
        const wantReq = await fixture<{ body: { input: unknown[] } }>(
          `${name}/requests/${String(i + 1).padStart(4, "0")}.json`,
        ).catch(() => null);
        if (!wantReq) continue; // upstream's recording skips some request files
        const body = server.requests[i].body!;
        const got = conversation(body.input as unknown[], ws);
        const exp = fixtureConversation(wantReq.body.input);
        // Outputs of parallel calls are in call order, as upstream; compare as sequences.
        assert.deepEqual(got, exp, `request ${i + 1}`);
        // Each request's input extends the previous one (prompt caching).
        if (i > 0) {
          const prev = JSON.stringify(server.requests[i - 1].body!.input);
          assert.ok(JSON.stringify(body.input).startsWith(prev.slice(0, -1)));
        }
      }

      // The workspace ends as upstream's did.
      await git(ws, "add", "-A");
      const diff = await git(ws, "diff", "--cached", "--", ".", ":!obsolete.txt");
      assert.equal(diff, await Deno.readTextFile(join(FIXTURES, name, "workspace.diff")));
    } finally {
      await server.close();
      await cleanup(ws, home);
    }
  });
}
