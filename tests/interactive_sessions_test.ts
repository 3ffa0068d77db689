import assert from "node:assert/strict";
import { CTRL_D } from "../lib/cli/interactive/pty_driver.ts";
import { inputOf, openSession, textOf, typedUserTexts } from "./interactive_harness.ts";

const answer = (text: string) => ({
  output: [{ type: "message" as const, text }],
  usage: { input_tokens: 500, output_tokens: 10 },
});

Deno.test("interactive: /compact summarizes, /new starts over, /resume continues a saved session", async () => {
  const s = await openSession({
    turns: [
      answer("First answer."),
      answer("SUMMARY: the user asked about one thing."),
      answer("After compaction."),
      answer("Fresh session."),
      answer("Resumed and answering."),
    ],
  });
  try {
    const { d, server } = s;
    await d.type("the first thing\r");
    let at = await d.waitFor(/First answer\.[^]*Answered in/);
    await d.type("/compact\r");
    at = await d.waitFor(/Compacted the conversation/, { from: at });
    await d.type("after that\r");
    at = await d.waitFor(/After compaction\.[^]*Answered in/, { from: at });
    await d.type("/new\r");
    at = await d.waitFor(/Started a new session\./, { from: at });
    await d.type("unrelated\r");
    at = await d.waitFor(/Fresh session\.[^]*Answered in/, { from: at });
    await d.type(CTRL_D);
    assert.equal(await d.exit(), 0);
    const exitText = d.text.slice(at);
    const resumeHint = exitText.match(/To continue this session, run denocodex resume (\S+)/);
    assert.ok(resumeHint, exitText);

    const reqs = server.responsesRequests();
    const first = reqs[0].body!.prompt_cache_key;
    assert.match(JSON.stringify(reqs[2].body!.input), /SUMMARY: the user asked about one thing\./);
    assert.equal(reqs[2].body!.prompt_cache_key, first, "compaction keeps the thread");
    assert.notEqual(reqs[3].body!.prompt_cache_key, first, "/new opens another thread");
    assert.equal(resumeHint[1], reqs[3].body!.prompt_cache_key);
    assert.deepEqual(typedUserTexts(reqs[3].body), ["unrelated"]);

    // A new program run picks the first session from the /resume list.
    const d2 = await s.restart();
    await d2.type("/resume\r");
    let at2 = await d2.waitFor(/Resume a session[^]*1\. /);
    const listed = d2.text.slice(at2 - 400);
    assert.ok(listed.includes("the first thing"), listed);
    const line = listed.split("\n").find((l) => l.includes("the first thing"))!;
    const number = line.match(/(\d)\. /)![1];
    await d2.type(number);
    at2 = await d2.waitFor(/Resumed session/, { from: at2 });
    const replay = d2.text.slice(at2 - 600, at2);
    assert.match(replay, /› after that[^]*After compaction\./);
    await d2.type("one more\r");
    await d2.waitFor(/Resumed and answering\./, { from: at2 });
    await d2.type(CTRL_D);
    assert.equal(await d2.exit(), 0);
    const last = server.responsesRequests()[4];
    assert.equal(last.body!.prompt_cache_key, first, "the resumed thread keeps its id");
    assert.equal(
      JSON.parse(last.headers["x-codex-turn-metadata"]).history_initialization,
      "cold_resume",
    );
    const items = inputOf(last.body);
    assert.equal(textOf(items[items.length - 1]), "one more");
  } finally {
    await s.close();
  }
});

Deno.test("interactive: `denocodex resume ID` at a terminal opens the session on the stored thread", async () => {
  const s = await openSession({ turns: [answer("Stored answer."), answer("Continued.")] });
  try {
    const { d, server } = s;
    await d.type("remember the plan\r");
    const at = await d.waitFor(/Stored answer\.[^]*Answered in/);
    await d.type(CTRL_D);
    assert.equal(await d.exit(), 0);
    const id = d.text.slice(at).match(/denocodex resume (\S+)/)![1];

    const d2 = await s.restart(["resume", id]);
    await d2.type("and now?\r");
    await d2.waitFor(/Continued\./);
    await d2.type(CTRL_D);
    assert.equal(await d2.exit(), 0);
    const reqs = server.responsesRequests();
    assert.equal(reqs[1].body!.prompt_cache_key, id, "the same thread continues");
    const before = JSON.stringify(reqs[0].body!.input).slice(0, -1);
    assert.ok(JSON.stringify(reqs[1].body!.input).startsWith(before), "stored history first");
    assert.deepEqual(typedUserTexts(reqs[1].body).slice(-1), ["and now?"]);
    const meta = JSON.parse(reqs[1].headers["x-codex-turn-metadata"]);
    assert.equal(meta.history_initialization, "cold_resume");
  } finally {
    await s.close();
  }
});
