/**
 * The code-mode tools: `exec` (freeform JavaScript, optional `// @exec:` pragma) and `wait`
 * (poll or stop a running cell), both served by a thread's {@linkcode CodeModeHost}.
 *
 * @module
 */

import { z } from "npm:zod@^4.6.7";
import {
  defineFreeformTool,
  defineTool,
  type FreeformTool,
  type FunctionTool,
  type Tool,
  toolSpec,
} from "../define.ts";
import type { CodeModeHost } from "./host.ts";
import { parseExecInput } from "./pragma.ts";
import { CLOCK_DESCRIPTION } from "./clock.ts";

/** Descriptions of the namespaces whose tools scripts call as `tools.<namespace>__<name>`. */
const NESTED_NAMESPACES: Record<string, string> = { clock: CLOCK_DESCRIPTION };

/** The grammar of `exec` input (upstream's): an optional pragma line, then the source. */
export const EXEC_GRAMMAR = `
start: pragma_source | plain_source
pragma_source: PRAGMA_LINE NEWLINE SOURCE
plain_source: SOURCE

PRAGMA_LINE: /[ \\t]*\\/\\/ @exec:[^\\r\\n]*/
NEWLINE: /\\r?\\n/
SOURCE: /[\\s\\S]+/
`;

function declarationOf(tool: Tool): string {
  const spec = toolSpec(tool);
  if (tool.kind === "custom") {
    return `declare const tools: { ${tool.name}(input: string): Promise<unknown>; };`;
  }
  const params = (spec.parameters ?? {}) as {
    properties?: Record<string, { type?: string; description?: string }>;
    required?: string[];
  };
  const fields = Object.entries(params.properties ?? {}).map(([name, p]) => {
    const opt = params.required?.includes(name) ? "" : "?";
    const type = p.type === "integer"
      ? "number"
      : p.type === "array"
      ? "unknown[]"
      : p.type ?? "unknown";
    const doc = p.description ? `  // ${p.description}\n` : "";
    return `${doc}  ${name}${opt}: ${type === "object" ? "Record<string, unknown>" : type};`;
  });
  const args = fields.length ? `{\n${fields.join("\n")}\n}` : "{}";
  return `declare const tools: { ${tool.name}(args: ${args}): Promise<unknown>; };`;
}

/** Our description of `exec`, with a declaration of each nested tool. */
export function execDescription(nested: Tool[]): string {
  const intro = [
    "Run JavaScript that calls tools and combines their results.",
    "- The input is raw JavaScript (no JSON wrapper, no code fences), run as the body of an async function: top-level `await` works.",
    '- Every tool below is a function on the global `tools` object, e.g. `await tools.exec_command({ cmd: "ls" })`; it takes an object (or a string for freeform tools) and returns an object or a string.',
    "- The script has no console, file system, network or process access of its own: do that through `tools`.",
    '- An optional first line `// @exec: {"yield_time_ms": 10000, "max_output_tokens": 1000}` sets how long exec waits before returning while the script keeps running (default 30000 ms) and the output budget (default 10000 tokens).',
    "- Helpers: `text(value)` adds text to the output (non-strings as JSON); `image(urlOrItem)` adds an image (a data: URL or `{ image_url }`); `store(key, value)` / `load(key)` keep JSON values for later exec calls; `notify(value)` sends an extra output right away; `yield_control()` returns the output so far while the script keeps running; `exit()` ends the script successfully; `ALL_TOOLS` lists `{ name, description }` of the tools.",
    "- A script still running when exec returns reports `Script running with cell ID <id>`: use `wait` to get more output or to stop it.",
  ].join("\n");
  const decl = (t: Tool) =>
    `### \`${t.name}\`\n${
      t.kind === "hosted" ? "" : t.description.split("\n")[0]
    }\n\nexec tool declaration:\n\`\`\`ts\n${declarationOf(t)}\n\`\`\``;
  // Namespaced script tools (`clock__curr_time`) are listed under their namespace, as upstream.
  const plain = nested.filter((t) => !t.name.includes("__"));
  const sections = plain.length ? [`## Tools\n\n${plain.map(decl).join("\n\n")}`] : [];
  const groups = new Map<string, Tool[]>();
  for (const t of nested.filter((t) => t.name.includes("__"))) {
    const ns = t.name.slice(0, t.name.indexOf("__"));
    groups.set(ns, [...(groups.get(ns) ?? []), t]);
  }
  for (const [ns, tools] of groups) {
    const about = NESTED_NAMESPACES[ns] ? `${NESTED_NAMESPACES[ns]}\n\n` : "";
    sections.push(`## ${ns}\n${about}${tools.map(decl).join("\n\n")}`);
  }
  return sections.length ? `${intro}\n\n${sections.join("\n\n")}` : intro;
}

/** Creates `exec` for `host`; its description lists `nested()` at creation. */
export function createExecTool(host: CodeModeHost, nested: () => Tool[]): FreeformTool {
  return defineFreeformTool({
    name: "exec",
    description: execDescription(nested()),
    format: { type: "grammar", syntax: "lark", definition: EXEC_GRAMMAR },
    handler: async (input, ctx) => {
      const parsed = parseExecInput(input);
      if (!parsed.ok) return { output: parsed.error, success: false };
      return await host.exec(parsed.source, parsed.pragma, ctx);
    },
  });
}

const waitArgs = z.object({
  cell_id: z.string().describe(
    "The id of the running cell, from `Script running with cell ID <id>`.",
  ),
  max_tokens: z.number().optional().describe(
    "Output budget of this report, in tokens (default 10000).",
  ),
  terminate: z.boolean().optional().describe("Stop the cell instead of waiting for it."),
  yield_time_ms: z.number().optional().describe(
    "How long to wait for the cell, in ms (default 10000).",
  ),
});

/** Creates `wait` for `host`. */
export function createWaitTool(host: CodeModeHost): FunctionTool {
  return defineTool({
    name: "wait",
    description:
      "Get more output from an exec cell that is still running, or stop it. Returns when the " +
      "script finishes, yields again, or the wait time passes; use it only after exec reported " +
      "a running cell.",
    parameters: waitArgs,
    handler: (args, ctx) => host.wait(args, ctx),
  });
}
