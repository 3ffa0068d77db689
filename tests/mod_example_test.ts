/**
 * The library example of mod.ts, run for real: a custom tool registered on a thread and used by
 * the (scripted) model in a turn.
 */
import assert from "node:assert/strict";
import { z } from "zod";
import { createThread, defineTool, loadConfig } from "../mod.ts";
import type { AgentEvent } from "../mod.ts";
import { startFakeResponses } from "./fakes/responses_server.ts";
import { cleanup, makeHome, makeWorkspace } from "./helpers.ts";

Deno.test("mod.ts: a custom tool is offered to the model, called, and its output sent back", async () => {
  const server = startFakeResponses({
    turns: [
      {
        output: [{
          type: "function_call",
          name: "roll_die",
          call_id: "call_roll",
          arguments: { sides: 20 },
        }],
        usage: { input_tokens: 50, output_tokens: 5 },
      },
      {
        output: [{ type: "message", text: "You rolled 17." }],
        usage: { input_tokens: 60, output_tokens: 5 },
      },
    ],
  });
  const ws = await makeWorkspace();
  const home = await makeHome(server.url);
  const seen: number[] = [];
  const roll = defineTool({
    name: "roll_die",
    description: "Rolls a die with the given number of sides and returns the result.",
    parameters: z.strictObject({ sides: z.number() }),
    handler: ({ sides }) => {
      seen.push(sides);
      return "17";
    },
  });
  try {
    const config = await loadConfig({
      env: { CODEX_HOME: home, FAKE_API_KEY: "sk-lib", PATH: Deno.env.get("PATH") ?? "" },
      cwd: ws,
    });
    const thread = await createThread({ config, cwd: ws, extraTools: [roll] });
    const events: AgentEvent["type"][] = [];
    thread.subscribe((e) => events.push(e.type));
    const result = await thread.run("Roll a d20 and tell me the number.");
    await thread.shutdown();

    assert.equal(result.status, "completed");
    assert.equal(result.lastMessage, "You rolled 17.");
    assert.deepEqual(seen, [20]);
    const tools = server.requests[0].body!.tools as { name?: string; parameters?: unknown }[];
    const spec = tools.find((t) => t.name === "roll_die");
    assert.deepEqual(spec?.parameters, {
      type: "object",
      properties: { sides: { type: "number" } },
      required: ["sides"],
      additionalProperties: false,
    });
    const input = server.requests[1].body!.input as Record<string, unknown>[];
    const out = input[input.length - 1];
    assert.equal(out.type, "function_call_output");
    assert.equal(out.call_id, "call_roll");
    assert.equal(out.output, "17");
    assert.ok(events.includes("tool_started") && events.includes("turn_completed"));
  } finally {
    await server.close();
    await cleanup(ws, home);
  }
});

Deno.test("mod.ts: bad arguments and unknown tools reach the model as outputs, not crashes", async () => {
  const server = startFakeResponses({
    turns: [
      {
        output: [
          { type: "function_call", name: "roll_die", call_id: "c1", arguments: { sides: "many" } },
          { type: "function_call", name: "no_such_tool", call_id: "c2", arguments: {} },
          { type: "function_call", name: "roll_die", call_id: "c3", arguments: "{not json" },
        ],
      },
      { output: [{ type: "message", text: "ok" }] },
    ],
  });
  const ws = await makeWorkspace();
  const home = await makeHome(server.url);
  const roll = defineTool({
    name: "roll_die",
    description: "Rolls a die with the given number of sides and returns the result.",
    parameters: z.strictObject({ sides: z.number() }),
    handler: () => "4",
  });
  try {
    const config = await loadConfig({ env: { CODEX_HOME: home, FAKE_API_KEY: "k" }, cwd: ws });
    const thread = await createThread({ config, cwd: ws, extraTools: [roll] });
    const result = await thread.run("go");
    await thread.shutdown();
    assert.equal(result.status, "completed");
    const input = server.requests[1].body!.input as { call_id?: string; output?: string }[];
    const outputs = Object.fromEntries(
      input.filter((i) => i.output !== undefined).map((i) => [i.call_id, i.output]),
    );
    assert.match(outputs.c1!, /failed to parse function arguments for roll_die: sides: /);
    assert.equal(outputs.c2, "unsupported call: no_such_tool");
    assert.match(outputs.c3!, /failed to parse function arguments for roll_die/);
  } finally {
    await server.close();
    await cleanup(ws, home);
  }
});
