/**
 * The default tool set of a thread, assembled here (not in the registry) so tools stay
 * independent of threads. Which tools the model sees follows the model's tool family and the
 * config, in upstream's order for the classic (gpt-5.5) family:
 * `exec_command`, `write_stdin`, [`update_plan`], `request_user_input`, `apply_patch`,
 * `view_image`, `get_goal`, `create_goal`, `update_goal`, [`tool_search`], `web_search`; then any
 * extra local tools from `[tools] extra`. `tool_search` is there when the thread may spawn
 * sub-agents: it finds the deferred `multi_agent_v1` namespace (`spawn_agent`, `send_input`,
 * `resume_agent`, `wait_agent`, `close_agent`), which the `<tools>` developer section announces.
 * The code-mode family (e.g. `gpt-6.1-sol`) sends no `tools`: an `additional_tools` item lists
 * `exec`, `wait`, `request_user_input` (and `request_user_input_async` for the root) in the
 * `functions` namespace, then the `clock` and `collaboration` namespaces; the other tools are
 * called from `exec` scripts.
 *
 * @module
 */

import type { AnyItem, ToolCallItem } from "../protocol/items.ts";
import { uuidv7 } from "../protocol/ids.ts";
import type { CodeModeHost, CodeModeSurface } from "../../tools/code_mode/mod.ts";
import type { FunctionTool, Tool, ToolContext, ToolResult } from "../../tools/tool.ts";
import { toolSpec } from "../../tools/tool.ts";
import { ToolRegistry } from "../../tools/registry.ts";
import { builtinTool, toolSearchDeclaration } from "../../tools/builtin.ts";
import { once } from "../../tools/lazy.ts";
import { MULTI_AGENT_NAMESPACE, MULTI_AGENT_TOOL_NAMES } from "../../tools/agents/namespace.ts";
import type { DeferredNamespace } from "../../tools/tool_search.ts";
import { createWebSearchTool } from "../../tools/web_search.ts";
import type { ModelInfo } from "../model/catalog.ts";

/**
 * A registry that also holds deferred namespaces (callable as `namespace` + `name`, found with
 * `tool_search`), hidden tools (callable, announced elsewhere, e.g. code mode's
 * `additional_tools` item) and tools whose request entry is not a function (`tool_search`).
 */
export class ToolsetRegistry extends ToolRegistry {
  #namespaces: DeferredNamespace[] = [];
  #hidden = new ToolRegistry();
  #specs = new Map<string, Record<string, unknown>>();

  /** Adds a tool whose `tools` entry is `spec` (dispatched like any other tool). */
  registerWithSpec(tool: Tool, spec: Record<string, unknown>): this {
    this.register(tool);
    this.#specs.set(tool.name, spec);
    return this;
  }

  /** Adds a deferred namespace. */
  addNamespace(ns: DeferredNamespace): this {
    this.#namespaces.push(ns);
    return this;
  }

  /** The deferred namespaces, in order. */
  namespaces(): DeferredNamespace[] {
    return [...this.#namespaces];
  }

  /** Adds a tool that can be called but is not sent in `tools`. */
  registerHidden(tool: Tool): this {
    this.#hidden.register(tool);
    return this;
  }

  /** The hidden tools, in registration order. */
  hidden(): Tool[] {
    return this.#hidden.list();
  }

  override specs(): Record<string, unknown>[] {
    return this.list().map((t) => this.#specs.get(t.name) ?? toolSpec(t));
  }

  override isParallel(name: string): boolean {
    return super.has(name) ? super.isParallel(name) : this.#hidden.isParallel(name);
  }

  override async dispatch(call: ToolCallItem, ctx: ToolContext): Promise<ToolResult> {
    const namespace = call.type === "function_call" ? call.namespace : undefined;
    if (namespace) {
      const ns = this.#namespaces.find((n) => n.name === namespace);
      const tool = ns?.tools.find((t) => t.name === call.name);
      if (tool) return await new ToolRegistry([tool]).dispatch(call, ctx);
      if (namespace === "functions" && this.#hidden.has(call.name)) {
        return await this.#hidden.dispatch(call, ctx);
      }
      return { output: `unsupported call: ${namespace}${call.name}`, success: false };
    }
    if (!super.has(call.name) && this.#hidden.has(call.name)) {
      return await this.#hidden.dispatch(call, ctx);
    }
    return await super.dispatch(call, ctx);
  }
}

/** What shapes the tool set. */
export interface ToolsetOptions {
  model: ModelInfo;
  /** `[tools.update_plan] enabled`. */
  updatePlan: boolean;
  /** Declare `web_search` (provider-run). */
  webSearch: boolean;
  /** Extra local tools by name (`read_file`, `list_dir`, `grep_files`, `shell`...). */
  extra?: string[];
  /** Exec and patch tools (created per thread so each has its own sessions). */
  execTools?: { execCommand: Tool; writeStdin: Tool; shell?: Tool; shellCommand?: Tool };
  applyPatch?: Tool;
  /** Local tools available for `extra`, by name. */
  localTools?: Record<string, Tool>;
  /** The thread may spawn sub-agents (adds `tool_search` and the `multi_agent_v1` namespace). */
  subagents?: boolean;
  /** The thread's code-mode host (used when the model's tool family is `code_mode`). */
  codeMode?: CodeModeBinding;
}

/**
 * A code-mode host, how to tell it which tools scripts may call, and its `exec`/`wait` tools
 * (made by the caller, which loads the code-mode module only for code-mode models).
 */
export interface CodeModeBinding {
  host: CodeModeHost;
  setNestedTools(tools: () => Tool[]): void;
  /** `exec` over the host, scripts calling `nested()` tools. */
  execTool(nested: () => Tool[]): Tool;
  waitTool(): Tool;
  /** The rest of the code-mode tools (`request_user_input_async`, `clock`, `collaboration`). */
  surface?: CodeModeSurface;
}

/** The tool `name` of the list `load` resolves to. */
async function pick(load: () => Promise<Tool[]>, name: string): Promise<Tool> {
  const tool = (await load()).find((t) => t.name === name);
  if (!tool) throw new Error(`no tool named ${name}`);
  return tool;
}

/**
 * Builds the registry for a thread. Built-in tools are declared from their recorded specs and
 * their modules load on their first call (see `tools/builtin.ts`); tools that share state
 * (the goal tools, the sub-agent tools) load together.
 */
export function buildToolset(opts: ToolsetOptions): ToolsetRegistry {
  const reg = new ToolsetRegistry();
  if (opts.execTools) {
    reg.register(opts.execTools.execCommand).register(opts.execTools.writeStdin);
  }
  if (opts.updatePlan) {
    reg.register(
      builtinTool(
        "update_plan",
        async () => (await import("../../tools/update_plan.ts")).createUpdatePlanTool(),
      ),
    );
  }
  reg.register(
    builtinTool(
      "request_user_input",
      async () => (await import("../../tools/request_user_input.ts")).createRequestUserInputTool(),
    ),
  );
  if (opts.applyPatch) reg.register(opts.applyPatch);
  reg.register(
    builtinTool(
      "view_image",
      async () => (await import("../../tools/view_image.ts")).createViewImageTool(),
    ),
  );
  const goals = once(async () => (await import("../../tools/goals.ts")).createGoalTools());
  for (const name of ["get_goal", "create_goal", "update_goal"]) {
    reg.register(builtinTool(name, () => pick(goals, name)));
  }
  if (opts.subagents) {
    const agents = once(async () => (await import("../../tools/agents/mod.ts")).createAgentTools());
    const tools = MULTI_AGENT_TOOL_NAMES.map((name) =>
      builtinTool(name, () => pick(agents, name)) as FunctionTool
    );
    reg.addNamespace({ ...MULTI_AGENT_NAMESPACE, tools });
    const search = builtinTool(
      "tool_search",
      async () =>
        (await import("../../tools/tool_search.ts")).createToolSearchTool(() => reg.namespaces()),
    );
    reg.registerWithSpec(search, toolSearchDeclaration());
  }
  if (opts.webSearch) reg.register(createWebSearchTool());
  const local: Record<string, Tool> = {
    request_permissions: builtinTool(
      "request_permissions",
      async () =>
        (await import("../../tools/request_permissions.ts")).createRequestPermissionsTool(),
    ),
    ...(opts.execTools?.shell ? { shell: opts.execTools.shell } : {}),
    ...(opts.execTools?.shellCommand ? { shell_command: opts.execTools.shellCommand } : {}),
    ...opts.localTools,
  };
  for (const name of opts.extra ?? []) {
    const tool = local[name];
    if (tool && !reg.has(name)) reg.register(tool);
  }
  if (opts.model.toolFamily === "code_mode" && opts.codeMode) return codeModeToolset(reg, opts);
  return reg;
}

/** Tools a code-mode script may not call through `tools` (they talk to the model or user). */
const NOT_NESTED = new Set(["request_user_input", "web_search", "tool_search"]);

/**
 * The code-mode family: nothing in `tools`; `exec`, `wait` and `request_user_input` are
 * announced by the `additional_tools` item (namespace `functions`) and every other tool is
 * reachable only from scripts, as `tools.<name>(args)`.
 */
function codeModeToolset(classic: ToolsetRegistry, opts: ToolsetOptions): ToolsetRegistry {
  const host = opts.codeMode!;
  const nested = [
    ...classic.list().filter((t) => !NOT_NESTED.has(t.name)),
    ...host.surface?.nested ?? [],
  ];
  host.setNestedTools(() => nested);
  const reg = new ToolsetRegistry();
  reg.registerHidden(host.execTool(() => nested));
  reg.registerHidden(host.waitTool());
  reg.registerHidden(classic.get("request_user_input")!);
  for (const tool of host.surface?.functions ?? []) reg.registerHidden(tool);
  for (const ns of host.surface?.namespaces ?? []) reg.addNamespace(ns);
  return reg;
}

/** The `additional_tools` item that announces a code-mode thread's tools (first in history). */
export function additionalToolsItem(reg: ToolsetRegistry): AnyItem {
  return {
    type: "additional_tools",
    id: `at_${uuidv7()}`,
    role: "developer",
    tools: [
      { type: "namespace", name: "functions", description: "", tools: reg.hidden().map(toolSpec) },
      ...reg.namespaces().map((ns) => ({
        type: "namespace",
        name: ns.name,
        description: ns.description,
        tools: ns.tools.map(toolSpec),
      })),
    ],
  };
}
