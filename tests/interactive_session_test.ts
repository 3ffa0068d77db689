import assert from "node:assert/strict";
import { join } from "node:path";
import { CTRL_C, CTRL_D } from "../lib/cli/interactive/pty_driver.ts";
import { VirtualTerminal } from "../lib/cli/interactive/vt.ts";
import { startFakeResponses } from "./fakes/responses_server.ts";
import { cleanup, makeHome, makeWorkspace, runProgram, testEnv } from "./helpers.ts";
import {
  inputOf,
  openSession,
  READY,
  textOf,
  typedUserTexts,
  until,
} from "./interactive_harness.ts";

const answer = (text: string, extra: Record<string, unknown> = {}) => ({
  output: [{ type: "message" as const, text, chunks: 3 }],
  usage: { input_tokens: 1200, output_tokens: 40 },
  ...extra,
});

Deno.test("interactive: a two-turn session on a terminal, saved to history.jsonl", async () => {
  const s = await openSession({
    turns: [
      answer("# Plan\nThe **first** answer:\n\n- one\n- two\n"),
      answer("The second answer."),
    ],
  });
  try {
    const { d, server } = s;
    await d.type("first question\r");
    let at = await d.waitFor(/The \*\*first\*\* answer:[^]*Answered in/);
    await d.type("second question\r");
    at = await d.waitFor(/The second answer\.[^]*Answered in/, { from: at });
    await d.type(CTRL_D);
    assert.equal(await d.exit(), 0);

    const reqs = server.responsesRequests();
    assert.equal(reqs.length, 2);
    for (const r of reqs) {
      assert.equal(r.headers.originator, "codex-tui");
      const meta = JSON.parse(r.headers["x-codex-turn-metadata"]);
      assert.equal(meta.turn_trigger, "user");
    }
    const dev = inputOf(reqs[0].body).filter((i) => i.role === "developer").map(textOf).join("\n");
    assert.match(dev, /<collaboration_mode>/);
    assert.deepEqual(typedUserTexts(reqs[1].body), ["first question", "second question"]);
    const second = inputOf(reqs[1].body);
    const assistant = second.find((i) => i.role === "assistant");
    assert.ok(assistant, "the first answer is part of the second request");

    // The transcript as a person sees it, after the terminal replays every byte.
    const vt = new VirtualTerminal(100, 30);
    vt.write(d.raw);
    const screen = vt.all().join("\n");
    assert.ok(screen.includes("› first question\n\n• # Plan\n  The **first** answer:\n"), screen);
    assert.ok(screen.includes("\n  - one\n  - two\n"), "list rows, indented under the bullet");
    assert.match(screen, /Token usage: total=2,480 input=2,400 output=80/);
    assert.equal((screen.match(/The second answer\./g) ?? []).length, 1, "no duplicated rows");
    const sgr = new RegExp(String.fromCharCode(27) + "\\[[0-9;]*m");
    assert.ok(!sgr.test(d.raw), "NO_COLOR: no styles reach the terminal");

    const history = (await Deno.readTextFile(join(s.home, "history.jsonl"))).trim().split("\n")
      .map((l) => JSON.parse(l));
    assert.deepEqual(history.map((h) => Object.keys(h)), [
      ["session_id", "ts", "text"],
      ["session_id", "ts", "text"],
    ]);
    assert.deepEqual(history.map((h) => h.text), ["first question", "second question"]);
    assert.equal(history[0].session_id, reqs[0].body!.prompt_cache_key);
    assert.equal(typeof history[0].ts, "number");
    assert.equal((await Deno.stat(join(s.home, "history.jsonl"))).mode! & 0o777, 0o600);

    // A new session recalls the prompts with Up; Ctrl-C clears the composer, Ctrl-D leaves.
    const d2 = await s.restart();
    const mark = d2.mark;
    await d2.type("\x1b[A");
    await d2.waitFor(/› second question/, { from: mark });
    await d2.type("\x1b[A");
    await d2.waitFor(/› first question/, { from: mark });
    const beforeClear = d2.mark;
    await d2.type(CTRL_C);
    await d2.waitFor(READY, { from: beforeClear });
    await d2.type(CTRL_D);
    assert.equal(await d2.exit(), 0);
    assert.equal(server.responsesRequests().length, 2, "nothing was sent");
  } finally {
    await s.close();
  }
});

Deno.test("interactive: typing during a running turn steers it into the next request", async () => {
  const s = await openSession({
    turns: [
      {
        delay_ms: 1500,
        output: [{
          type: "function_call",
          name: "request_user_input",
          call_id: "call_q",
          arguments: { questions: [] },
        }],
        usage: { input_tokens: 100, output_tokens: 5 },
      },
      answer("Done, README mentioned."),
    ],
  });
  try {
    const { d, server } = s;
    await d.type("start the work\r");
    await until(() => server.responsesRequests().length === 1, "the first request arrived");
    await d.type("also mention the README\r");
    let at = await d.waitFor(/\[steer\] queued: also mention the README/);
    at = await d.waitFor(/\[steer\] inserted: also mention the README/, { from: at });
    await d.waitFor(/Done, README mentioned\.[^]*Worked in/, { from: at });
    await d.type(CTRL_D);
    assert.equal(await d.exit(), 0);

    const reqs = server.responsesRequests();
    assert.equal(reqs.length, 2);
    const input = inputOf(reqs[1].body);
    const outputIndex = input.findIndex((i) =>
      i.type === "function_call_output" && i.call_id === "call_q"
    );
    assert.ok(outputIndex > 0);
    const steer = input[outputIndex + 1];
    assert.equal(steer.role, "user");
    assert.equal(textOf(steer), "also mention the README");
    assert.deepEqual(typedUserTexts(reqs[0].body), ["start the work"]);
  } finally {
    await s.close();
  }
});

Deno.test("interactive: /model switches the model of the next request; the picker cancels", async () => {
  const s = await openSession({ turns: [answer("one"), answer("two")] });
  try {
    const { d, server } = s;
    await d.type("hello\r");
    let at = await d.waitFor(/one[^]*Answered in/);
    await d.type("/model\r");
    at = await d.waitFor(/Select a model[^]*gpt-5\.5 \(current\)/, { from: at });
    await d.type("\x1b");
    at = await d.waitFor(/Current model: gpt-5\.5/, { from: at });
    await d.type("/model gpt-5.4\r");
    at = await d.waitFor(/Model changed to gpt-5\.4\./, { from: at });
    await d.type("again\r");
    await d.waitFor(/two[^]*Answered in/, { from: at });
    await d.type(CTRL_D);
    assert.equal(await d.exit(), 0);
    const reqs = server.responsesRequests();
    assert.deepEqual(reqs.map((r) => r.body!.model), ["gpt-5.5", "gpt-5.4"]);
    assert.equal(JSON.parse(reqs[1].headers["x-codex-turn-metadata"]).model, "gpt-5.4");
  } finally {
    await s.close();
  }
});

Deno.test("interactive: slash commands /status, /history, /title, /diff, /help and unknown ones", async () => {
  const s = await openSession({ turns: [answer("The answer.")] }, {
    files: { "a.txt": "alpha\n" },
  });
  try {
    const { d } = s;
    await d.type("question one\r");
    let at = await d.waitFor(/The answer\.[^]*Answered in/);
    await Deno.writeTextFile(join(s.ws, "a.txt"), "alpha\nbeta\n");
    await Deno.writeTextFile(join(s.ws, "new.txt"), "fresh\n");
    await d.type("/diff\r");
    at = await d.waitFor(/\+beta[^]*\+fresh/, { from: at });
    await d.type("/status\r");
    at = await d.waitFor(
      /model:\s+gpt-5\.5[^]*provider:\s+fake[^]*sandbox:\s+read-only[^]*approvals:\s+on-request[^]*tokens:\s+1,200 in · 40 out/,
      {
        from: at,
      },
    );
    await d.type("/history\r");
    at = await d.waitFor(/\[1\] user> question one\s+assistant> The answer\./, { from: at });
    await d.type("/title My work\r");
    at = await d.waitFor(/Session title set to: My work/, { from: at });
    await d.type("/title\r");
    at = await d.waitFor(/Session: My work/, { from: at });
    await d.type("/frobnicate\r");
    at = await d.waitFor(/Unrecognized command '\/frobnicate'/, { from: at });
    await d.type("/help\r");
    at = await d.waitFor(/\/queue <text>[^]*Ctrl-D/, { from: at });
    await d.type("/exit\r");
    assert.equal(await d.exit(), 0);
    assert.equal(s.server.responsesRequests().length, 1, "commands never reach the model");
  } finally {
    await s.close();
  }
});

Deno.test("interactive: piped stdin runs one turn as the interactive client and exits", async () => {
  const server = startFakeResponses({ turns: [answer("piped answer")] });
  const ws = await makeWorkspace();
  const home = await makeHome(server.url);
  try {
    const r = await runProgram([], { cwd: ws, env: testEnv(home), stdin: "from a pipe\n" });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, "piped answer\n");
    const [req] = server.responsesRequests();
    assert.equal(req.headers.originator, "codex-tui");
    assert.deepEqual(typedUserTexts(req.body), ["from a pipe"]);
  } finally {
    await server.close();
    await cleanup(ws, home);
  }
});

Deno.test("interactive: a prompt argument is the first turn; bad flags are one-line errors", async () => {
  const s = await openSession({ turns: [answer("first turn from argv")] }, {
    args: ["explain", "the repo"],
  });
  try {
    await s.d.waitFor(/› explain the repo[^]*first turn from argv/);
    await s.d.type(CTRL_D);
    assert.equal(await s.d.exit(), 0);
    assert.deepEqual(typedUserTexts(s.server.responsesRequests()[0].body), ["explain the repo"]);
    const bad = await runProgram(["--sandbox", "wide-open"], {
      cwd: s.ws,
      env: testEnv(s.home),
      stdin: "x",
    });
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /^Error: invalid --sandbox 'wide-open'; use one of: /);
  } finally {
    await s.close();
  }
});

Deno.test("interactive: colours when allowed, and a narrow terminal wraps words under the bullet", async () => {
  const long = "alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi omicron";
  const s = await openSession({ turns: [answer(`**Greek** letters: ${long}`)] }, {
    cols: 32,
    env: { NO_COLOR: "" },
  });
  try {
    const { d } = s;
    await d.type("letters\r");
    await d.waitFor(/omicron[^]*Answered in/);
    await d.type(CTRL_D);
    assert.equal(await d.exit(), 0);
    assert.ok(d.raw.includes("\x1b[1mGreek\x1b[22m"), "bold markdown becomes a style");
    const vt = new VirtualTerminal(32, 30);
    vt.write(d.raw);
    const rows = vt.all();
    const start = rows.findIndex((r) => r.startsWith("• Greek letters:"));
    assert.ok(start >= 0, rows.join("\n"));
    const body = rows.slice(start, start + 4);
    assert.deepEqual(body, [
      "• Greek letters: alpha beta",
      "  gamma delta epsilon zeta eta",
      "  theta iota kappa lambda mu nu",
      "  xi omicron",
    ]);
  } finally {
    await s.close();
  }
});
