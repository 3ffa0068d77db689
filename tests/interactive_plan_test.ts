import assert from "node:assert/strict";
import { join } from "node:path";
import { COLLABORATION_TEXT } from "../lib/context/prompts.ts";
import { CTRL_D } from "../lib/cli/interactive/pty_driver.ts";
import { inputOf, openSession, textOf, typedUserTexts } from "./interactive_harness.ts";

const questions = {
  questions: [
    {
      id: "db",
      header: "Database",
      question: "Which database should the service use?",
      options: [
        { label: "Postgres", description: "a server" },
        { label: "SQLite", description: "one file" },
      ],
    },
    {
      id: "orm",
      header: "ORM",
      question: "Which ORM?",
      options: [{ label: "Drizzle", description: "typed SQL" }],
    },
  ],
};

Deno.test("interactive: Plan mode questions are answered with the keyboard (choice and Other)", async () => {
  const s = await openSession({
    turns: [
      {
        output: [{
          type: "function_call",
          name: "request_user_input",
          call_id: "call_ask",
          arguments: questions,
        }],
        usage: { input_tokens: 100, output_tokens: 5 },
      },
      {
        output: [{ type: "message", text: "Plan ready." }],
        usage: { input_tokens: 200, output_tokens: 5 },
      },
    ],
  });
  try {
    const { d, server } = s;
    await d.type("/plan\r");
    let at = await d.waitFor(/Plan mode: the agent plans first/);
    await d.type("plan the storage layer\r");
    at = await d.waitFor(/Which database should the service use\?[^]*2\. SQLite[^]*3\. Other/, {
      from: at,
    });
    await d.type("\x1b[B"); // down to SQLite
    await d.type("\r");
    at = await d.waitFor(/Which ORM\?[^]*2\. Other/, { from: at });
    await d.type("2");
    at = await d.waitFor(/Other ›/, { from: at });
    await d.type("Prisma\r");
    at = await d.waitFor(/Plan ready\.[^]*Worked in/, { from: at });
    await d.type(CTRL_D);
    assert.equal(await d.exit(), 0);

    const reqs = server.responsesRequests();
    assert.equal(reqs.length, 2);
    const first = inputOf(reqs[0].body);
    // The mode change is announced before the user's message, after the initial context.
    const userIndex = first.findIndex((i) =>
      i.role === "user" && textOf(i) === "plan the storage layer"
    );
    const update = first[userIndex - 1];
    assert.equal(update.role, "developer");
    assert.equal(
      textOf(update),
      `<collaboration_mode>${COLLABORATION_TEXT.plan}\n</collaboration_mode>`,
    );
    const output = inputOf(reqs[1].body).find((i) =>
      i.type === "function_call_output" && i.call_id === "call_ask"
    );
    assert.ok(output);
    assert.equal(
      output.output,
      JSON.stringify({ answers: { db: { answers: ["SQLite"] }, orm: { answers: ["Prisma"] } } }),
    );
    assert.deepEqual(typedUserTexts(reqs[1].body), ["plan the storage layer"]);
    // The announcement is recorded with the session (a resume rebuilds the same history).
    let rollout = "";
    for await (const f of walk(join(s.home, "sessions"))) rollout += await Deno.readTextFile(f);
    assert.ok(
      rollout.includes(JSON.stringify(textOf(update)).slice(1, -1)),
      "recorded in the rollout",
    );
  } finally {
    await s.close();
  }
});

Deno.test("interactive: Esc cancels Plan-mode questions; Default mode refuses them", async () => {
  const ask = {
    output: [{
      type: "function_call" as const,
      name: "request_user_input",
      call_id: "call_ask",
      arguments: questions,
    }],
    usage: { input_tokens: 100, output_tokens: 5 },
  };
  const s = await openSession({
    turns: [
      ask,
      { output: [{ type: "message", text: "Cancelled, fine." }] },
      { ...ask, output: [{ ...ask.output[0], call_id: "call_default" }] },
      { output: [{ type: "message", text: "No questions then." }] },
    ],
  }, { args: ["-c", 'approval_policy="untrusted"'] });
  try {
    const { d, server } = s;
    await d.type("/plan\r");
    let at = await d.waitFor(/Plan mode/);
    await d.type("go\r");
    at = await d.waitFor(/Which database should the service use\?/, { from: at });
    await d.type("\x1b");
    at = await d.waitFor(/Cancelled, fine\.[^]*Worked in/, { from: at });
    await d.type("/default\r");
    at = await d.waitFor(/Default mode\./, { from: at });
    await d.type("again\r");
    await d.waitFor(/No questions then\./, { from: at });
    await d.type(CTRL_D);
    assert.equal(await d.exit(), 0);
    const reqs = server.responsesRequests();
    const outputOf = (n: number, id: string) =>
      inputOf(reqs[n].body).find((i) => i.type === "function_call_output" && i.call_id === id)
        ?.output;
    assert.equal(
      outputOf(1, "call_ask"),
      "request_user_input was cancelled before receiving a response",
    );
    assert.equal(outputOf(3, "call_default"), "request_user_input is unavailable in Default mode");
    const update = inputOf(reqs[2].body).filter((i) =>
      i.role === "developer" && textOf(i).includes(COLLABORATION_TEXT.default)
    );
    assert.equal(update.length, 2, "initial Default section plus the switch back");
    assert.match(JSON.stringify(reqs[0].body), /untrusted/);
  } finally {
    await s.close();
  }
});

Deno.test("interactive: request_permissions asks the person (yes / always / no keys)", async () => {
  const ask = (callId: string) => ({
    output: [{
      type: "function_call" as const,
      name: "request_permissions",
      call_id: callId,
      arguments: { reason: "fetch the schema", permissions: { network: { enabled: true } } },
    }],
  });
  const s = await openSession({
    turns: [ask("call_a"), ask("call_n"), { output: [{ type: "message", text: "Thanks." }] }],
  }, { extraToml: '[tools]\nextra = ["request_permissions"]' });
  try {
    const { d, server } = s;
    await d.type("download it\r");
    let at = await d.waitFor(
      /Grant these permissions\?[^]*network access[^]*Reason: fetch the schema/,
    );
    await d.type("a");
    at = await d.waitFor(/Approved for this session: network access/, { from: at });
    at = await d.waitFor(/Grant these permissions\?/, { from: at });
    await d.type("n");
    at = await d.waitFor(/Denied: network access/, { from: at });
    await d.waitFor(/Thanks\./, { from: at });
    await d.type(CTRL_D);
    assert.equal(await d.exit(), 0);
    const last = inputOf(server.responsesRequests()[2].body);
    const out = (id: string) =>
      last.find((i) => i.type === "function_call_output" && i.call_id === id)?.output;
    assert.equal(
      out("call_a"),
      JSON.stringify({ permissions: { network: { enabled: true } }, scope: "session" }),
    );
    assert.equal(out("call_n"), JSON.stringify({ permissions: {}, scope: "turn" }));
  } finally {
    await s.close();
  }
});

async function* walk(dir: string): AsyncGenerator<string> {
  for await (const e of Deno.readDir(dir)) {
    const p = join(dir, e.name);
    if (e.isDirectory) yield* walk(p);
    else if (e.name.endsWith(".jsonl")) yield p;
  }
}
