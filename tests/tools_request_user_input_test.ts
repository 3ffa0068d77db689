import assert from "node:assert/strict";
import { sharedToolShapes, withoutDescriptions } from "./helpers.ts";
import {
  CANCELLED_MESSAGE,
  createRequestUserInputTool,
  EMPTY_OPTIONS_MESSAGE,
  modeDisplayName,
  unavailableMessage,
} from "../tools/request_user_input.ts";
import {
  type ToolContext,
  toolSpec,
  type UserInterface,
  type UserQuestion,
} from "../tools/define.ts";
import { makePolicy } from "../lib/sandbox/policy.ts";

function context(
  mode: string,
  ui?: UserInterface,
  signal = new AbortController().signal,
): ToolContext {
  return {
    cwd: "/",
    signal,
    callId: "call_1",
    turnId: "turn_1",
    threadId: "thread_1",
    sandbox: makePolicy("read-only", "/"),
    approvalPolicy: "never",
    collaborationMode: mode,
    env: {},
    emit: () => {},
    ...(ui === undefined ? {} : { ui }),
    services: {},
  };
}

/** A UI that records the questions and answers with `reply`. */
function scriptedUi(
  reply: Record<string, { answers: string[] }> | null,
  asked: UserQuestion[][],
): UserInterface {
  return {
    requestApproval: () => Promise.reject(new Error("not expected")),
    askUser: (questions) => {
      asked.push(questions);
      return Promise.resolve(reply);
    },
  };
}

/** upstream-codex-0.169/tool-shapes/gpt-5.5.json, entry `request_user_input`. */
const FIXTURE = {
  type: "function",
  name: "request_user_input",
  strict: false,
  parameters: {
    type: "object",
    properties: {
      questions: {
        type: "array",
        items: {
          type: "object",
          properties: {
            header: { type: "string" },
            id: { type: "string" },
            options: {
              type: "array",
              items: {
                type: "object",
                properties: { description: { type: "string" }, label: { type: "string" } },
                required: ["label", "description"],
                additionalProperties: false,
              },
            },
            question: { type: "string" },
          },
          required: ["id", "header", "question", "options"],
          additionalProperties: false,
        },
      },
    },
    required: ["questions"],
    additionalProperties: false,
  },
};

const QUESTION = {
  id: "db",
  header: "Database",
  question: "Which database should the service use?",
  options: [
    { label: "Postgres", description: "Relational, already deployed" },
    { label: "SQLite", description: "Embedded, no server" },
  ],
};

Deno.test("request_user_input: schema equals upstream's shape (descriptions excluded)", () => {
  const spec = withoutDescriptions(toolSpec(createRequestUserInputTool()));
  assert.equal(JSON.stringify(spec), JSON.stringify(FIXTURE));
});

const shared = sharedToolShapes();

Deno.test({
  name: "request_user_input: embedded fixture matches the shared upstream capture",
  ignore: shared === undefined,
  fn: () => {
    const entry = shared!.find((t) => t.name === "request_user_input");
    assert.equal(JSON.stringify(entry), JSON.stringify(FIXTURE));
  },
});

Deno.test("request_user_input: Default mode answers upstream's unavailable error, even with a UI", async () => {
  const asked: UserQuestion[][] = [];
  const tool = createRequestUserInputTool();
  const args = JSON.stringify({ questions: [QUESTION] });
  const res = await tool.run(args, context("default", scriptedUi({}, asked)));
  assert.equal(res.output, "request_user_input is unavailable in Default mode");
  assert.equal(res.success, false);
  const headless = await tool.run(args, context("default"));
  assert.equal(headless.output, "request_user_input is unavailable in Default mode");
  assert.deepEqual(asked, []);
});

Deno.test("request_user_input: Plan mode without a UI is unavailable too", async () => {
  const res = await createRequestUserInputTool().run(
    JSON.stringify({ questions: [QUESTION] }),
    context("plan"),
  );
  assert.equal(res.output, "request_user_input is unavailable in Plan mode");
  assert.equal(res.success, false);
});

Deno.test("request_user_input: mode display names", () => {
  assert.equal(modeDisplayName("default"), "Default");
  assert.equal(modeDisplayName("plan"), "Plan");
  assert.equal(modeDisplayName("pair_programming"), "Pair Programming");
  assert.equal(unavailableMessage("execute"), "request_user_input is unavailable in Execute mode");
});

Deno.test("request_user_input: Plan mode asks through the UI and answers compact JSON", async () => {
  const asked: UserQuestion[][] = [];
  const ui = scriptedUi({ db: { answers: ["Postgres"] } }, asked);
  const res = await createRequestUserInputTool().run(
    JSON.stringify({ questions: [QUESTION] }),
    context("plan", ui),
  );
  assert.equal(res.output, '{"answers":{"db":{"answers":["Postgres"]}}}');
  assert.equal(res.success, true);
  assert.deepEqual(asked, [[QUESTION]]);
});

Deno.test("request_user_input: empty options, no questions and cancellation are errors", async () => {
  const asked: UserQuestion[][] = [];
  const tool = createRequestUserInputTool();
  const noOptions = await tool.run(
    JSON.stringify({ questions: [{ ...QUESTION, options: [] }] }),
    context("plan", scriptedUi({}, asked)),
  );
  assert.equal(noOptions.output, EMPTY_OPTIONS_MESSAGE);
  assert.equal(noOptions.success, false);

  const none = await tool.run(
    JSON.stringify({ questions: [] }),
    context("plan", scriptedUi({}, asked)),
  );
  assert.equal(none.success, false);
  assert.match(String(none.output), /at least one question/);
  assert.deepEqual(asked, []);

  const cancelled = await tool.run(
    JSON.stringify({ questions: [QUESTION] }),
    context("plan", scriptedUi(null, asked)),
  );
  assert.equal(cancelled.output, CANCELLED_MESSAGE);
  assert.equal(cancelled.success, false);

  const badShape = await tool.run(
    JSON.stringify({
      questions: [{ id: "x", header: "h", question: "q", options: [{ label: "a" }] }],
    }),
    context("plan", scriptedUi({}, asked)),
  );
  assert.equal(badShape.success, false);
  assert.match(String(badShape.output), /questions\.0\.options\.0\.description/);
});
