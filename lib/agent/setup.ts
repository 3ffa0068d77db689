/**
 * Opens a thread from a resolved configuration: provider client, API key, sandbox policy, tools
 * and identity (originator, user agent). Shared by `exec`, the interactive session and the
 * library.
 *
 * @module
 */

import type { ResolvedConfig } from "../config/load.ts";
import { resolveApiKey } from "../config/providers.ts";
import { ResponsesClient } from "../model/client.ts";
import { modelInfo } from "../model/catalog.ts";
import { userAgent } from "../model/user_agent.ts";
import { makePolicy } from "../sandbox/policy.ts";
import type { AnyItem } from "../protocol/items.ts";
import type { Tool, UserInterface } from "../../tools/define.ts";
import type { ToolRegistry } from "../../tools/registry.ts";
import { buildToolset } from "./toolset.ts";
import { createThreadTools } from "./thread_tools.ts";
import { Thread } from "./thread.ts";

/** Options of {@linkcode openThread}. */
export interface OpenThreadOptions {
  config: ResolvedConfig;
  cwd: string;
  /** Default originator (overridden by `CODEX_INTERNAL_ORIGINATOR_OVERRIDE`). */
  originator: string;
  turnTrigger: string;
  /** `--add-dir` folders (writable under workspace-write). */
  addDirs?: string[];
  ui?: UserInterface;
  /** Replaces the default tool set. */
  tools?: ToolRegistry;
  /** Added to the default tool set. */
  extraTools?: Tool[];
  threadId?: string;
  history?: AnyItem[];
  historyInitialization?: "new" | "resumed" | "forked";
  collaborationMode?: string;
  /** Include the `<collaboration_mode>` section (interactive sessions). */
  announceCollaborationMode?: boolean;
  onHistoryItem?(item: AnyItem): void;
  fetch?: typeof fetch;
}

/** Creates the thread described by the config. Throws `ConfigError` for a missing API key. */
export async function openThread(opts: OpenThreadOptions): Promise<Thread> {
  const { config } = opts;
  const apiKey = resolveApiKey(config.provider, config.env);
  const originator = config.env.CODEX_INTERNAL_ORIGINATOR_OVERRIDE?.trim() || opts.originator;
  const client = new ResponsesClient({ provider: config.provider, fetch: opts.fetch });
  const sandbox = makePolicy(
    config.sandboxMode,
    opts.cwd,
    [...(opts.addDirs ?? []), ...config.writableRoots],
    config.networkAccess,
  );
  const model = modelInfo(config.model);
  const shutdown: (() => Promise<void> | void)[] = [];
  let tools = opts.tools;
  if (!tools) {
    const made = createThreadTools();
    shutdown.push(made.shutdown);
    tools = buildToolset({
      model,
      updatePlan: config.updatePlanTool,
      webSearch: config.webSearchTool,
      extra: config.table.tools?.extra,
      execTools: made.execTools,
      applyPatch: made.applyPatch,
      localTools: made.localTools,
    });
  }
  for (const t of opts.extraTools ?? []) tools.register(t);
  const mode = opts.collaborationMode ?? "default";
  return await Thread.create({
    cwd: opts.cwd,
    codexHome: config.codexHome,
    env: config.env,
    client,
    tools,
    model: config.model,
    provider: config.provider,
    apiKey,
    reasoningEffort: config.reasoningEffort,
    reasoningSummary: config.reasoningSummary,
    verbosity: config.verbosity,
    sandbox,
    approvalPolicy: config.approvalPolicy,
    originator,
    userAgent: userAgent(originator, config.env),
    turnTrigger: opts.turnTrigger,
    threadId: opts.threadId,
    history: opts.history,
    historyInitialization: opts.historyInitialization,
    collaborationMode: mode,
    context: {
      baseInstructions: config.baseInstructions,
      developerInstructions: config.developerInstructions,
      projectDocMaxBytes: config.projectDocMaxBytes,
      collaborationMode: opts.announceCollaborationMode ? mode : undefined,
    },
    ui: opts.ui,
    onHistoryItem: opts.onHistoryItem,
    onShutdown: shutdown,
  });
}
