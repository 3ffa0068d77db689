/**
 * Opens a thread from a resolved configuration: provider client, API key, sandbox policy, tools
 * and identity (originator, user agent). Shared by `exec`, the interactive session and the
 * library.
 *
 * Sub-agents: when `agents.max_depth` allows, the root thread gets an {@linkcode AgentControl}
 * whose factory (here) builds each sub-agent as its own {@linkcode Thread}: own history, own
 * exec sessions and tools, the same config, sandbox policy and model client. Sub-agent requests
 * carry `x-openai-subagent: collab_spawn` and their lineage (parent thread and turn). With
 * `subagents` (a persisted root, see `lib/session/subagent.ts`) each sub-agent thread is
 * recorded to a rollout of its own, and `resume_agent` can reopen a sub-agent stored by an
 * earlier process.
 *
 * @module
 */

import type { ResolvedConfig } from "../config/load.ts";
import { resolveApiKey } from "../config/providers.ts";
import { ResponsesClient } from "../model/client.ts";
import { modelInfo } from "../model/catalog.ts";
import type { SubagentLineage } from "../model/request.ts";
import { userAgent } from "../model/user_agent.ts";
import { makePolicy, type SandboxPolicy } from "../sandbox/policy.ts";
import type { AnyItem } from "../protocol/items.ts";
import type { SubagentRecording, SubagentStore } from "../session/subagent.ts";
import { uuidv7 } from "../protocol/ids.ts";
import type { Tool, UserInterface } from "../../tools/tool.ts";
import type { ToolRegistry } from "../../tools/registry.ts";
import { AGENT_CONTROL_SERVICE, MULTI_AGENT_NAMESPACE } from "../../tools/agents/namespace.ts";
import { AgentControl, type ChildSpec } from "./agent_control.ts";
import { type GitProbe, primeGit, probeGit } from "./git.ts";
import { ThreadInbox } from "./inbox.ts";
import { installationId as loadInstallationId } from "./installation.ts";
import { buildInitialContext } from "../context/initial.ts";
import {
  additionalToolsItem,
  buildToolset,
  type CodeModeBinding,
  ToolsetRegistry,
} from "./toolset.ts";
import { createThreadTools } from "./thread_tools.ts";
import { Thread, type ThreadOptions } from "./thread.ts";

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
  /** Passed to the thread (compaction, see `ThreadOptions`). */
  beforeSample?: ThreadOptions["beforeSample"];
  /** Passed to the thread (`/compact`, see `ThreadOptions`). */
  compact?: ThreadOptions["compact"];
  /** Passed to the thread (kept across resume and fork, see `ThreadOptions`). */
  contextWindowId?: string;
  /** Records each sub-agent thread to its own rollout (persisted roots only). */
  subagents?: SubagentStore;
  fetch?: typeof fetch;
}

/** The sub-agent control of each thread that has one (root threads and their sub-agents). */
const CONTROLS = new WeakMap<Thread, AgentControl>();

/** The {@linkcode AgentControl} of `thread`'s tree, when sub-agents are enabled. */
export function agentControlOf(thread: Thread): AgentControl | undefined {
  return CONTROLS.get(thread);
}

/** The `ctx.services` key of a thread's {@linkcode ThreadInbox}. */
export const INBOX_SERVICE = "inbox";

/** What every thread of one tree shares. */
interface TreeShared {
  opts: OpenThreadOptions;
  config: ResolvedConfig;
  apiKey?: string;
  originator: string;
  client: ResponsesClient;
  sandbox: SandboxPolicy;
  control?: AgentControl;
  installationId: string;
  /** The latest git probe of the workspace, shared by sub-agents spawned close together. */
  git?: { at: number; probe: Promise<GitProbe> };
}

/** How long sub-agents reuse a git probe of the workspace (ms). */
const GIT_PROBE_REUSE_MS = 2_000;

/** One thread to make (the root, or a sub-agent). */
interface ThreadPlan {
  depth: number;
  model: string;
  reasoningEffort?: string;
  threadId?: string;
  history?: AnyItem[];
  historyInitialization?: ThreadOptions["historyInitialization"];
  lineage?: SubagentLineage;
  /** Collaboration v2 agents: the task path (`agent_name` on the wire). */
  agentPath?: string;
  nickname?: string;
  root: boolean;
}

/** The developer message a forked sub-agent gets when it may not spawn agents itself. */
function removedNamespacesItem(): AnyItem {
  const text =
    `<tools>\nRemoved deferred tool namespaces:\n- ${MULTI_AGENT_NAMESPACE.name}: ${MULTI_AGENT_NAMESPACE.description}\nNo deferred tool namespaces remain.\n</tools>`;
  return {
    type: "message",
    id: `msg_${uuidv7()}`,
    role: "developer",
    content: [{ type: "input_text", text }],
  };
}

async function makeThread(tree: TreeShared, plan: ThreadPlan): Promise<Thread> {
  const { config, opts, control } = tree;
  const model = modelInfo(plan.model);
  const canSpawn = control !== undefined && control.canSpawnAt(plan.depth) &&
    model.toolFamily === "classic";
  const inbox = new ThreadInbox();
  const shutdown: (() => Promise<void> | void)[] = [];
  if (plan.root && control) shutdown.push(() => control.shutdownAll());
  let tools = plan.root ? opts.tools : undefined;
  let codeMode: CodeModeBinding | undefined;
  if (!tools && model.toolFamily === "code_mode") {
    // Loaded only for code-mode models: classic threads start faster without it.
    const { CodeModeHost, codeModeSurface, createExecTool, createWaitTool } = await import(
      "../../tools/code_mode/mod.ts"
    );
    let nested: () => Tool[] = () => [];
    const host = new CodeModeHost({ nestedTools: () => nested(), post: (i) => inbox.post(i) });
    codeMode = {
      host,
      setNestedTools: (f) => (nested = f),
      execTool: (tools) => createExecTool(host, tools),
      waitTool: () => createWaitTool(host),
      surface: codeModeSurface({ root: plan.root, collaboration: control !== undefined }),
    };
    shutdown.push(() => host.shutdown());
    host.prewarm();
  }
  if (!tools) {
    const made = createThreadTools(config.table.tools?.extra ?? []);
    shutdown.push(made.shutdown);
    tools = buildToolset({
      model,
      updatePlan: config.updatePlanTool,
      webSearch: config.webSearchTool,
      extra: config.table.tools?.extra,
      execTools: made.execTools,
      applyPatch: made.applyPatch,
      localTools: made.localTools,
      subagents: canSpawn,
      codeMode,
    });
  }
  if (plan.root) { for (const t of opts.extraTools ?? []) tools.register(t); }
  let history = plan.history;
  if (
    history && plan.historyInitialization === "warm_fork" && !canSpawn &&
    model.toolFamily === "classic"
  ) {
    history = [...history, removedNamespacesItem()];
  }
  // A sub-agent gets its own context window id and, when the tree is persisted, its own rollout.
  const contextWindowId = plan.root ? opts.contextWindowId : uuidv7();
  let recording: SubagentRecording | null = null;
  if (!plan.root && plan.lineage && opts.subagents && plan.threadId) {
    recording = await opts.subagents.record({
      threadId: plan.threadId,
      rootThreadId: plan.lineage.sessionId,
      parentThreadId: plan.lineage.parentThreadId,
      depth: plan.depth,
      agentPath: plan.agentPath,
      nickname: plan.nickname,
      model: plan.model,
      reasoningEffort: plan.reasoningEffort,
      contextWindowId: contextWindowId!,
      rootTurnId: plan.lineage.rootTurnId,
      historyInitialization: plan.historyInitialization === "resumed"
        ? "resumed"
        : history
        ? "warm_fork"
        : "new",
      history,
    });
  }
  const onHistoryItem = plan.root ? opts.onHistoryItem : recording?.onHistoryItem;
  const context = {
    baseInstructions: config.baseInstructions,
    developerInstructions: config.developerInstructions,
    projectDocMaxBytes: config.projectDocMaxBytes,
    collaborationMode: plan.root && opts.announceCollaborationMode
      ? opts.collaborationMode ?? "default"
      : undefined,
    deferredTools: canSpawn ? [MULTI_AGENT_NAMESPACE] : undefined,
  };
  let historyInitialization = plan.historyInitialization;
  if (!history && codeMode && tools instanceof ToolsetRegistry) {
    // Code mode: the `additional_tools` item comes first, then the usual initial context.
    history = [
      additionalToolsItem(tools),
      ...await buildInitialContext({
        cwd: opts.cwd,
        codexHome: config.codexHome,
        env: config.env,
        policy: tree.sandbox,
        approvalPolicy: config.approvalPolicy,
        ...context,
        codeMode: true,
        team: control ? { root: plan.root, slots: control.collabSlots } : undefined,
      }),
    ];
    for (const item of history) onHistoryItem?.(item);
    historyInitialization ??= "new";
  }
  const drainInbox = inbox.hook(onHistoryItem);
  const outerBeforeSample = plan.root ? opts.beforeSample : undefined;
  const mode = plan.root ? opts.collaborationMode ?? "default" : "default";
  const thread = await Thread.create({
    cwd: opts.cwd,
    codexHome: config.codexHome,
    env: config.env,
    client: tree.client,
    tools,
    model: plan.model,
    provider: config.provider,
    apiKey: tree.apiKey,
    reasoningEffort: plan.reasoningEffort,
    reasoningSummary: config.reasoningSummary,
    verbosity: config.verbosity,
    sandbox: tree.sandbox,
    approvalPolicy: config.approvalPolicy,
    originator: tree.originator,
    userAgent: userAgent(tree.originator, config.env),
    turnTrigger: opts.turnTrigger,
    threadId: plan.threadId,
    history,
    historyInitialization,
    collaborationMode: mode,
    context,
    ui: plan.root ? opts.ui : undefined,
    services: { [AGENT_CONTROL_SERVICE]: control, [INBOX_SERVICE]: inbox },
    installationId: tree.installationId,
    agentName: plan.agentPath,
    subagent: plan.lineage ? "collab_spawn" : undefined,
    lineage: plan.lineage,
    onHistoryItem,
    beforeSample: async (h, signal) => {
      await drainInbox(h);
      await outerBeforeSample?.(h, signal);
    },
    compact: plan.root ? opts.compact : undefined,
    contextWindowId,
    onShutdown: shutdown,
  }).catch(async (err) => {
    await recording?.close();
    throw err;
  });
  if (recording) {
    const rec = recording;
    const detach = rec.attach(thread);
    // Last hook: the thread's final records are written before the file is closed.
    shutdown.push(async () => {
      detach();
      await rec.close();
    });
  }
  if (control) CONTROLS.set(thread, control);
  control?.attach(thread.id, {
    depth: plan.depth,
    deliver: (item) => inbox.post(item),
    history: () => thread.history,
  });
  return thread;
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
  const tree: TreeShared = {
    opts,
    config,
    apiKey,
    originator,
    client,
    sandbox,
    installationId: await loadInstallationId(config.codexHome),
  };
  const { maxThreads, maxDepth } = config.agents;
  if (!opts.tools && maxDepth >= 1 && maxThreads >= 1) {
    const store = opts.subagents;
    tree.control = new AgentControl({
      maxThreads,
      maxDepth,
      restore: store ? (id) => store.load(id) : undefined,
      factory: (spec: ChildSpec) => {
        // The probe runs while the child's context is built; children spawned together share it.
        const now = performance.now();
        if (!tree.git || now - tree.git.at > GIT_PROBE_REUSE_MS) {
          tree.git = { at: now, probe: probeGit(opts.cwd) };
        }
        primeGit(opts.cwd, tree.git.probe);
        return makeThread(tree, {
          depth: spec.depth,
          model: spec.model ?? config.model,
          reasoningEffort: spec.reasoningEffort ?? config.reasoningEffort,
          threadId: spec.agentId,
          history: spec.history,
          historyInitialization: spec.historyInitialization,
          lineage: spec.lineage,
          agentPath: spec.agentPath,
          nickname: spec.nickname,
          root: false,
        });
      },
    });
  }
  return await makeThread(tree, {
    depth: 0,
    model: config.model,
    reasoningEffort: config.reasoningEffort,
    threadId: opts.threadId,
    history: opts.history,
    historyInitialization: opts.historyInitialization,
    root: true,
  });
}
