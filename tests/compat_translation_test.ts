import assert from "node:assert/strict";
import { normalizeBackendUrl } from "../compat/backend_url.ts";
import { customInputFromArguments } from "../compat/custom_tools.ts";
import { CompatHttpError } from "../compat/errors.ts";
import { JsonStringFieldDecoder } from "../compat/json_string_field_decoder.ts";
import type { ProviderName } from "../compat/providers.ts";
import { encodeReasoning } from "../compat/reasoning_carrier.ts";
import { type TranslatedRequest, translateRequest } from "../compat/request_translation.ts";
import { parseResponsesRequest } from "../compat/responses_request.ts";
import type { WebSearchMode } from "../compat/web_search_mock.ts";

function translate(
  body: Record<string, unknown>,
  provider: ProviderName = "vllm",
  webSearch: WebSearchMode = "mock",
): TranslatedRequest {
  const req = parseResponsesRequest({ model: "m", ...body });
  return translateRequest(req, req.input, { provider, webSearch });
}

/** A request shaped like upstream Codex's second/third request of a tool-using turn. */
const codexLike = {
  model: "gpt-5.5",
  stream: true,
  input: [
    {
      type: "message",
      id: "msg_1",
      role: "developer",
      content: [{ type: "input_text", text: "BASE PROMPT" }],
    },
    {
      type: "message",
      role: "developer",
      content: [
        { type: "input_text", text: "<permissions>p</permissions>" },
        { type: "input_text", text: "<tools>t</tools>" },
      ],
    },
    {
      type: "message",
      role: "user",
      content: [
        { type: "input_text", text: "# AGENTS.md" },
        { type: "input_text", text: "<environment_context/>" },
      ],
    },
    { type: "message", role: "user", content: [{ type: "input_text", text: "do it" }] },
    {
      type: "reasoning",
      id: "rs_1",
      summary: [],
      content: null,
      encrypted_content: encodeReasoning("I should look first"),
    },
    {
      type: "function_call",
      status: "completed",
      id: "fc_1",
      name: "exec_command",
      arguments: '{"cmd":"cat hello.txt"}',
      call_id: "call_exec",
    },
    { type: "function_call_output", id: "fco_1", call_id: "call_exec", output: "hello\nworld\n" },
    {
      type: "custom_tool_call",
      id: "ctc_1",
      status: "completed",
      call_id: "call_patch",
      name: "apply_patch",
      input: "*** Begin Patch\n*** End Patch\n",
    },
    {
      type: "custom_tool_call_output",
      id: "ctco_1",
      call_id: "call_patch",
      output: "Exit code: 0",
    },
  ],
  tools: [
    {
      type: "function",
      name: "exec_command",
      strict: false,
      parameters: {
        type: "object",
        properties: { cmd: { type: "string" } },
        required: ["cmd"],
        additionalProperties: false,
      },
    },
    {
      type: "custom",
      name: "apply_patch",
      description: "Edit files. This is a FREEFORM tool, so do not wrap the patch in JSON.",
      format: { type: "grammar", syntax: "lark", definition: "start: begin_patch hunk+ end_patch" },
    },
    { type: "tool_search", execution: "client", parameters: { type: "object" } },
    { type: "web_search", external_web_access: true },
  ],
  tool_choice: "auto",
  parallel_tool_calls: true,
  reasoning: { effort: "medium" },
  store: false,
  include: ["reasoning.encrypted_content"],
  prompt_cache_key: "thread-1",
  text: { verbosity: "low" },
  client_metadata: { x: "y" },
};

Deno.test("translateRequest() maps a Codex-style request for vLLM", () => {
  const { chat, customTools, toolNames, mockSearch } = translate(codexLike, "vllm");
  assert.deepEqual(chat.messages, [
    {
      role: "system",
      content: "BASE PROMPT\n\n<permissions>p</permissions>\n\n<tools>t</tools>",
    },
    { role: "user", content: "# AGENTS.md\n\n<environment_context/>\n\ndo it" },
    {
      role: "assistant",
      content: "",
      tool_calls: [
        {
          id: "call_exec",
          type: "function",
          function: { name: "exec_command", arguments: '{"cmd":"cat hello.txt"}' },
        },
      ],
      reasoning: "I should look first",
      reasoning_content: "I should look first",
    },
    { role: "tool", tool_call_id: "call_exec", content: "hello\nworld\n" },
    {
      role: "assistant",
      content: "",
      tool_calls: [
        {
          id: "call_patch",
          type: "function",
          function: {
            name: "apply_patch",
            arguments: '{"input":"*** Begin Patch\\n*** End Patch\\n"}',
          },
        },
      ],
    },
    { role: "tool", tool_call_id: "call_patch", content: "Exit code: 0" },
  ]);
  assert.deepEqual(toolNames, ["exec_command", "apply_patch", "web_search"]);
  assert.deepEqual([...customTools], ["apply_patch"]);
  assert.equal(mockSearch, true);
  const patchTool = chat.tools?.[1].function;
  assert.deepEqual(patchTool?.parameters, {
    type: "object",
    properties: {
      input: {
        type: "string",
        description: "The whole patch, from `*** Begin Patch` to `*** End Patch`.",
      },
    },
    required: ["input"],
    additionalProperties: false,
  });
  assert.ok(patchTool?.description?.includes("start: begin_patch hunk+ end_patch"));
  assert.ok(!patchTool?.description?.includes("do not wrap the patch in JSON"));
  assert.equal(chat.tools?.[0].function.strict, false);
  assert.equal(chat.tool_choice, "auto");
  assert.equal(chat.parallel_tool_calls, true);
  assert.equal(chat.reasoning_effort, "medium");
  assert.deepEqual(chat.stream_options, { include_usage: true });
  assert.equal(chat.stream, true);
  // OpenAI-only fields stay away from vLLM.
  assert.equal(chat.prompt_cache_key, undefined);
  assert.equal(chat.verbosity, undefined);
});

Deno.test("translateRequest() keeps developer roles and OpenAI fields for openai", () => {
  const { chat } = translate(
    { ...codexLike, max_output_tokens: 500, instructions: "INSTR", user: "u1" },
    "openai",
  );
  assert.deepEqual(chat.messages.slice(0, 3).map((m) => [m.role, m.content]), [
    ["developer", "INSTR"],
    ["developer", "BASE PROMPT"],
    ["developer", "<permissions>p</permissions>\n\n<tools>t</tools>"],
  ]);
  const assistant = chat.messages.find((m) => m.role === "assistant");
  assert.equal(assistant?.content, null);
  assert.equal(assistant?.reasoning, undefined);
  assert.equal(assistant?.reasoning_content, undefined);
  assert.equal(chat.max_completion_tokens, 500);
  assert.equal(chat.max_tokens, undefined);
  assert.equal(chat.prompt_cache_key, "thread-1");
  assert.equal(chat.verbosity, "low");
  assert.equal(chat.user, "u1");
});

Deno.test("translateRequest() follows the llama.cpp, Ollama and stepfun rules", () => {
  const body = { ...codexLike, tool_choice: { type: "function", name: "exec_command" } };
  const llama = translate(body, "llamacpp").chat;
  assert.deepEqual(llama.tools?.map((t) => t.function.name), ["exec_command"]);
  assert.equal(llama.tools?.[0].function.strict, undefined);
  assert.equal(llama.tool_choice, "required");
  const assistant = llama.messages.find((m) => m.role === "assistant");
  assert.equal(assistant?.reasoning_content, "I should look first");
  assert.equal(assistant?.reasoning, undefined);

  const ollama = translate(body, "ollama").chat;
  assert.deepEqual(ollama.tools?.map((t) => t.function.name), ["exec_command"]);
  assert.equal(ollama.tool_choice, undefined);
  assert.equal(ollama.parallel_tool_calls, undefined);
  assert.equal(ollama.reasoning_effort, undefined);
  assert.equal(
    ollama.messages.find((m) => m.role === "assistant")?.reasoning,
    "I should look first",
  );

  const stepfun = translate({ ...codexLike, instructions: "INSTR" }, "stepfun").chat;
  assert.equal(stepfun.messages[0].role, "system");
  assert.equal(
    stepfun.messages[0].content,
    "INSTR\n\nBASE PROMPT\n\n<permissions>p</permissions>\n\n<tools>t</tools>",
  );
  assert.ok(stepfun.messages.every((m) => m.role !== "developer"));
});

Deno.test("translateRequest() maps images in user messages and tool outputs", () => {
  const { chat } = translate({
    input: [
      {
        role: "user",
        content: [
          { type: "input_text", text: "look" },
          { type: "input_image", image_url: "data:image/png;base64,AAAA", detail: "high" },
        ],
      },
      { type: "function_call", name: "view_image", arguments: '{"path":"a.png"}', call_id: "c1" },
      {
        type: "function_call_output",
        call_id: "c1",
        output: [{ type: "input_image", image_url: "data:image/png;base64,BBBB" }],
      },
      { role: "user", content: "and now?" },
    ],
  }, "openai");
  assert.deepEqual(chat.messages, [
    {
      role: "user",
      content: [
        { type: "text", text: "look" },
        { type: "image_url", image_url: { url: "data:image/png;base64,AAAA", detail: "high" } },
      ],
    },
    {
      role: "assistant",
      content: null,
      tool_calls: [{
        id: "c1",
        type: "function",
        function: { name: "view_image", arguments: '{"path":"a.png"}' },
      }],
    },
    {
      role: "tool",
      tool_call_id: "c1",
      content: "[1 image(s) returned; they follow in the next user message]",
    },
    {
      role: "user",
      content: [
        { type: "text", text: "Images returned by the tool calls above:" },
        { type: "image_url", image_url: { url: "data:image/png;base64,BBBB" } },
      ],
    },
    { role: "user", content: "and now?" },
  ]);
});

Deno.test("translateRequest() pairs tool calls with outputs for strict backends", () => {
  const { chat } = translate({
    input: [
      { role: "user", content: "hi" },
      { type: "function_call", name: "f", arguments: "", call_id: "a" },
      { type: "function_call", name: "f", arguments: "{}", call_id: "b" },
      { type: "function_call_output", call_id: "b", output: "B" },
      { type: "function_call_output", call_id: "zzz", output: "orphan" },
      { type: "message", role: "assistant", content: [{ type: "output_text", text: "done" }] },
    ],
  }, "openai");
  assert.deepEqual(chat.messages.map((m) => [m.role, m.tool_call_id ?? "", m.content]), [
    ["user", "", "hi"],
    ["assistant", "", null],
    ["tool", "b", "B"],
    ["tool", "a", "(no output was recorded for this call)"],
    ["user", "", "Output of tool call zzz:\norphan"],
    ["assistant", "", "done"],
  ]);
  assert.equal(chat.messages[1].tool_calls?.[0].function.arguments, "{}");
});

Deno.test("translateRequest() maps tool_choice, text.format and sampling fields", () => {
  const tools = [
    { type: "function", name: "a", parameters: { type: "object" } },
    { type: "function", name: "b", parameters: { type: "object" } },
  ];
  const allowed = translate({
    tools,
    tool_choice: {
      type: "allowed_tools",
      mode: "required",
      tools: [{ type: "function", name: "b" }],
    },
  }, "openai").chat;
  assert.deepEqual(allowed.tools?.map((t) => t.function.name), ["b"]);
  assert.equal(allowed.tool_choice, "required");

  const none = translate(
    {
      tools: [...tools, { type: "web_search" }],
      tool_choice: { type: "allowed_tools", mode: "auto", tools: [{ type: "web_search" }] },
    },
    "openai",
    "omit",
  ).chat;
  assert.equal(none.tools, undefined);
  assert.equal(none.tool_choice, undefined);

  const named = translate({ tools, tool_choice: { type: "function", name: "a" } }, "vllm").chat;
  assert.deepEqual(named.tool_choice, { type: "function", function: { name: "a" } });

  const formatted = translate({
    text: {
      format: { type: "json_schema", name: "out", schema: { type: "object" }, strict: true },
    },
    temperature: 0.2,
    top_p: 0.9,
    max_output_tokens: 64,
    stream: false,
  }, "vllm").chat;
  assert.deepEqual(formatted.response_format, {
    type: "json_schema",
    json_schema: { name: "out", schema: { type: "object" }, strict: true },
  });
  assert.equal(formatted.temperature, 0.2);
  assert.equal(formatted.top_p, 0.9);
  assert.equal(formatted.max_tokens, 64);
  assert.equal(formatted.stream, false);
  assert.equal(formatted.stream_options, undefined);
  // No tools: no tool_choice either (backends reject it alone).
  assert.equal(formatted.tool_choice, undefined);
});

Deno.test("translateRequest() leaves web_search out in omit mode", () => {
  const t = translate({ tools: [{ type: "web_search" }], tool_choice: "auto" }, "vllm", "omit");
  assert.equal(t.chat.tools, undefined);
  assert.equal(t.chat.tool_choice, undefined);
  assert.equal(t.mockSearch, false);
});

Deno.test("parseResponsesRequest() and translateRequest() reject what they cannot map", () => {
  const cases: [Record<string, unknown>, RegExp][] = [
    [{ model: "" }, /`model` is required/],
    [{ input: 5 }, /`input` must be a string or a list/],
    [{ input: [{ role: "tool", content: "x" }] }, /role` "tool" is not supported/],
    [{ input: [{ type: "local_shell_call" }] }, /type "local_shell_call"/],
    [
      { input: [{ role: "user", content: [{ type: "input_file", file_id: "f" }] }] },
      /"input_file" is not supported/,
    ],
    [
      { input: [{ role: "system", content: [{ type: "input_image", image_url: "x" }] }] },
      /only supported in user messages/,
    ],
    [
      { input: [{ role: "user", content: [{ type: "input_image", file_id: "f" }] }] },
      /file ids are not supported/,
    ],
    [{ tools: [{ type: "function" }] }, /missing `name`/],
    [
      { tools: [{ type: "function", name: "a" }], tool_choice: { type: "function", name: "b" } },
      /not among the tools/,
    ],
    [{ text: { format: { type: "xml" } } }, /text.format type "xml"/],
    [{ temperature: 7 }, /`temperature` must be between 0 and 2/],
    [{ max_output_tokens: 1.5 }, /positive integer/],
    [{ stream: "yes" }, /`stream` must be true or false/],
  ];
  for (const [body, pattern] of cases) {
    assert.throws(
      () => translate(body),
      (err: unknown) =>
        err instanceof CompatHttpError && err.status === 400 && pattern.test(err.message),
      `expected ${pattern} for ${JSON.stringify(body)}`,
    );
  }
  assert.throws(() => parseResponsesRequest([1]), /must be a JSON object/);
});

Deno.test("customInputFromArguments() recovers the freeform input", () => {
  assert.equal(customInputFromArguments('{"input":"a\\nb"}'), "a\nb");
  assert.equal(customInputFromArguments('{"patch":"p"}'), "p");
  assert.equal(customInputFromArguments("*** Begin Patch"), "*** Begin Patch");
  assert.equal(customInputFromArguments('"just a string"'), "just a string");
  assert.equal(customInputFromArguments('{"a":"x","b":"y"}'), '{"a":"x","b":"y"}');
});

Deno.test("JsonStringFieldDecoder streams the input across arbitrary splits", () => {
  const value = 'line 1\n"quoted" \\ tab\t unicode é 😀 end';
  const json = JSON.stringify({ input: value }).replace("😀", "\\ud83d\\ude00");
  for (let size = 1; size <= 7; size++) {
    const decoder = new JsonStringFieldDecoder("input");
    let out = "";
    for (let i = 0; i < json.length; i += size) {
      const piece = decoder.push(json.slice(i, i + size));
      // No delta may end in half a surrogate pair.
      const last = piece.charCodeAt(piece.length - 1);
      assert.ok(!(last >= 0xd800 && last <= 0xdbff));
      out += piece;
    }
    assert.equal(out, value, `split size ${size}`);
  }
  const spaced = new JsonStringFieldDecoder("input");
  assert.equal(spaced.push('{ "input" : "ab'), "ab");
  const other = new JsonStringFieldDecoder("input");
  assert.equal(other.push('{"path":"x","input":"y"}'), "");
  assert.equal(other.active, false);
});

Deno.test("normalizeBackendUrl() completes bare addresses and rejects bad ones", () => {
  assert.equal(normalizeBackendUrl("127.0.0.1:8000"), "http://127.0.0.1:8000/v1");
  assert.equal(normalizeBackendUrl("http://localhost:11434/"), "http://localhost:11434/v1");
  assert.equal(normalizeBackendUrl("https://api.example.com/v1/"), "https://api.example.com/v1");
  assert.equal(normalizeBackendUrl("http://h:1/openai/v1"), "http://h:1/openai/v1");
  assert.throws(() => normalizeBackendUrl(""), /empty/);
  assert.throws(() => normalizeBackendUrl("ftp://x"), /http or https/);
  assert.throws(() => normalizeBackendUrl("http://u:p@h:1"), /credentials/);
});
