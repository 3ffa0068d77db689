/**
 * Sessions from the command line: `denocodex resume [<id>|--last] [PROMPT]` and
 * `denocodex fork [<id>|--last] [PROMPT]` (for now one non-interactive turn on the stored thread),
 * and {@linkcode openSessionThread}, which `exec` and the interactive session use to open a
 * thread that is recorded to its rollout (new, resumed or forked) with compaction installed.
 *
 * @module
 */

import { UserError } from "../config/errors.ts";
import type { ResolvedConfig } from "../config/load.ts";
import { modelInfo } from "../model/catalog.ts";
import { isUuid, uuidv7 } from "../protocol/ids.ts";
import type { AnyItem } from "../protocol/items.ts";
import { baseInstructionsText } from "../context/initial.ts";
import { openThread, type OpenThreadOptions } from "../agent/setup.ts";
import type { Thread } from "../agent/thread.ts";
import { autoCompactLimit, Compactor } from "../agent/compact.ts";
import {
  listSessions,
  type ResolvedSession,
  resolveSession,
  type SessionSummary,
} from "../session/find.ts";
import { baseInstructionsItem, type LoadedSession, loadThreadHistory } from "../session/history.ts";
import { rolloutPath } from "../session/paths.ts";
import { isoTimestamp, type SessionMeta } from "../session/records.ts";
import { SessionRecorder } from "../session/recorder.ts";
import { SubagentRollouts } from "../session/subagent.ts";
import { RolloutWriter } from "../session/writer.ts";
import { VERSION } from "../version.ts";
import type { CliIo } from "./io.ts";

export { listSessions, loadThreadHistory, resolveSession };
export type { LoadedSession, ResolvedSession, SessionSummary };

/** Which thread to open. */
export type SessionTarget =
  | { mode: "new" }
  | { mode: "resume" | "fork"; session: ResolvedSession };

/** Options of {@linkcode openSessionThread}. */
export interface OpenSessionOptions extends
  Omit<
    OpenThreadOptions,
    | "threadId"
    | "history"
    | "historyInitialization"
    | "onHistoryItem"
    | "beforeSample"
    | "compact"
    | "contextWindowId"
  > {
  target: SessionTarget;
  /** `exec` or `cli` (the interactive session), written to `session_meta.source`. */
  source: "exec" | "cli";
  /** Write nothing (`--ephemeral`); `[history] persistence = "none"` does the same. */
  ephemeral?: boolean;
  /** Told about skipped rollout lines and write failures. */
  onWarning?(message: string): void;
  now?: () => number;
}

/** A thread with its persistence and compaction. */
export interface OpenedSession {
  thread: Thread;
  /** `null` when nothing is persisted. */
  recorder: SessionRecorder | null;
  compactor: Compactor;
  /** The stored session (resume and fork). */
  loaded?: LoadedSession;
  /** Shuts the thread down and closes the rollout. */
  close(): Promise<void>;
}

/** The base-instructions message a stored history lacks (very old rollouts). */
function withBase(loaded: LoadedSession, config: ResolvedConfig): AnyItem[] {
  if (loaded.meta.baseInstructions) return loaded.history;
  const text = baseInstructionsText(config.baseInstructions);
  const base = baseInstructionsItem({ ...loaded.meta, baseInstructions: { text } });
  return base ? [base, ...loaded.history] : loaded.history;
}

/**
 * Opens a thread for `target`: a new one, the stored thread (resume: same id, appended to its
 * rollout, `history_initialization: cold_resume`) or a copy of it (fork: new id and rollout,
 * `cold_fork`). Its history items and events are recorded unless persistence is off, and
 * compaction is installed (automatic at upstream's limit, `thread.compact()` for `/compact`).
 */
export async function openSessionThread(opts: OpenSessionOptions): Promise<OpenedSession> {
  const { config, target } = opts;
  const now = opts.now ?? Date.now;
  const warn = opts.onWarning ?? (() => {});
  let loaded: LoadedSession | undefined;
  if (target.mode !== "new") {
    try {
      loaded = await loadThreadHistory(target.session.path, { onWarning: warn });
    } catch (err) {
      throw new UserError(`cannot load session ${target.session.path}: ${(err as Error).message}`);
    }
  }
  const history = loaded ? withBase(loaded, config) : undefined;
  const threadId = target.mode === "resume" ? loaded!.meta.id : uuidv7();
  const contextWindowId = loaded?.meta.contextWindowId ?? uuidv7();
  let thread: Thread | undefined;
  const contextWindow = () =>
    config.modelContextWindow ?? (thread?.model ?? modelInfo(config.model)).contextWindow;
  const compactor = new Compactor({
    contextWindow: contextWindow(),
    limit: autoCompactLimit(contextWindow(), config.autoCompactTokenLimit),
    lastInputTokens: loaded?.lastUsage?.input_tokens,
    historyLengthAtUsage: loaded?.historyLengthAtUsage,
  });

  let recorder: SessionRecorder | null = null;
  let subagents: SubagentRollouts | undefined;
  let createdPath: string | undefined;
  if (config.persistHistory && !opts.ephemeral) {
    const originator = config.env.CODEX_INTERNAL_ORIGINATOR_OVERRIDE?.trim() || opts.originator;
    const meta: SessionMeta = {
      id: threadId,
      timestamp: isoTimestamp(now()),
      cwd: opts.cwd,
      originator,
      cliVersion: VERSION,
      source: opts.source,
      modelProvider: config.provider.id,
      contextWindowId,
    };
    const settings = () => ({
      cwd: opts.cwd,
      approvalPolicy: config.approvalPolicy,
      sandboxMode: config.sandboxMode,
      writableRoots: config.writableRoots,
      networkAccess: config.networkAccess,
      model: thread?.model.slug ?? config.model,
      effort: config.reasoningEffort ?? thread?.model.defaultReasoningEffort ?? undefined,
      summary: config.reasoningSummary ?? "none",
      collaborationMode: thread?.collaborationMode ?? "default",
    });
    const common = { turnSettings: settings, contextWindow, now };
    // Each sub-agent thread gets a rollout of its own (ephemeral roots record none).
    subagents = new SubagentRollouts({
      codexHome: config.codexHome,
      cwd: opts.cwd,
      originator,
      cliVersion: VERSION,
      modelProvider: config.provider.id,
      turnSettings: (child) => ({
        ...settings(),
        model: child.model,
        effort: child.reasoningEffort ?? modelInfo(child.model).defaultReasoningEffort ??
          undefined,
        collaborationMode: "default",
        rootTurnId: child.rootTurnId,
      }),
      contextWindow: (child) => config.modelContextWindow ?? modelInfo(child.model).contextWindow,
      onWarning: warn,
      now,
    });
    if (target.mode === "resume") {
      const writer = await RolloutWriter.open(loaded!.path, { mode: "append", onError: warn });
      recorder = new SessionRecorder({ ...common, writer, totalUsage: loaded!.totalUsage });
    } else {
      createdPath = rolloutPath(config.codexHome, threadId, new Date(now()));
      const writer = await RolloutWriter.open(createdPath, { mode: "create", onError: warn });
      if (target.mode === "fork") {
        const base = history?.[0] as { id?: string; content?: { text?: string }[] } | undefined;
        const baseText = loaded!.meta.baseInstructions?.text ?? base?.content?.[0]?.text;
        if (baseText !== undefined) meta.baseInstructions = { text: baseText, id: base?.id };
        meta.forkedFromId = loaded!.meta.id;
        recorder = new SessionRecorder({ ...common, writer, meta, seedItems: history });
      } else {
        recorder = new SessionRecorder({ ...common, writer, meta, baseFromFirstItem: true });
      }
    }
  }

  const onHistoryItem = (item: AnyItem): void => {
    compactor.clampItem(item);
    recorder?.onHistoryItem(item);
  };
  try {
    thread = await openThread({
      ...opts,
      threadId,
      history,
      historyInitialization: target.mode === "new"
        ? "new"
        : target.mode === "resume"
        ? "resumed"
        : "forked",
      contextWindowId,
      subagents,
      onHistoryItem,
      beforeSample: compactor.beforeSample,
      compact: compactor.compact,
    });
  } catch (err) {
    await recorder?.writer.close();
    if (createdPath) await Deno.remove(createdPath).catch(() => {});
    throw err;
  }
  const opened: Thread = thread;
  const detach = [compactor.attach(opened), recorder?.attach(opened)];
  return {
    thread: opened,
    recorder,
    compactor,
    loaded,
    async close() {
      await opened.shutdown();
      for (const d of detach) d?.();
      await recorder?.close();
    },
  };
}

/** Arguments naming a stored session. */
export interface SessionChoice {
  codexHome: string;
  /** The current directory (for `last`). */
  cwd: string;
  /** A thread id (UUID) or the path of a rollout file. */
  id?: string;
  /** The most recent session of `cwd`. */
  last?: boolean;
  /** With `last`: any directory. */
  all?: boolean;
}

/** The session named by `opts`; a one-line `UserError` when there is none. */
export async function targetSession(opts: SessionChoice): Promise<ResolvedSession> {
  let found: ResolvedSession | null;
  try {
    found = await resolveSession(opts);
  } catch (err) {
    throw new UserError(`${(err as Error).message}; see 'denocodex resume --help'`, 2);
  }
  if (found) return found;
  if (opts.id !== undefined) {
    throw new UserError(
      `no saved session for thread id ${opts.id} in ${opts.codexHome}/sessions; ` +
        `run 'denocodex resume' to list sessions`,
    );
  }
  throw new UserError(
    `no saved session${opts.all ? "" : ` for ${opts.cwd}`}; start one with 'denocodex exec'` +
      (opts.all ? "" : " or pass --all"),
  );
}

/**
 * `exec resume`'s choice, as upstream makes it: an unknown thread id (UUID) is an error; `--last`
 * without a session, or a name that is not an id (upstream looks up thread names, which
 * denocodex does not keep), gives `null`: the caller starts a new session.
 */
export async function pickSession(
  opts: SessionChoice & { onWarning?(message: string): void },
): Promise<ResolvedSession | null> {
  if (opts.id !== undefined && !isUuid(opts.id) && !opts.id.endsWith(".jsonl")) {
    opts.onWarning?.(`'${opts.id}' is not a session id (a UUID); starting a new session`);
    return null;
  }
  if (opts.id === undefined && !opts.last) return null;
  if (opts.id === undefined) return await resolveSession(opts);
  return await targetSession(opts);
}

/** `resume`/`fork --help`. */
export function resumeHelp(kind: "resume" | "fork"): string {
  const verb = kind === "resume" ? "Continue" : "Copy into a new session and continue";
  return `${verb} a saved session.

Usage: denocodex ${kind} [OPTIONS] [SESSION_ID|--last] [PROMPT|-]

  SESSION_ID          The thread id (UUID) of the session, or the path of its rollout file
      --last          The most recent session of the current directory
      --all           With --last or the listing: sessions of every directory
  PROMPT              The next user message ('-' or piped stdin reads it from stdin)

Without a session id or --last, lists the saved sessions of the current directory.
The options of 'denocodex exec' apply (-m, -c, -s, --json, --ephemeral, ...).
`;
}

function formatTime(d: Date): string {
  return d.toISOString().replace("T", " ").slice(0, 16);
}

/** Runs `denocodex resume ...` or `denocodex fork ...`. Returns the exit code. */
export async function resumeCommand(
  kind: "resume" | "fork",
  args: string[],
  io: CliIo,
): Promise<number> {
  if (args.includes("--help") || args.includes("-h")) {
    io.stdout(resumeHelp(kind));
    return 0;
  }
  const hasTarget = args.includes("--last") ||
    args.some((a, i) => !a.startsWith("-") && !isOptionValue(args, i));
  if (!hasTarget) {
    const { loadConfig } = await import("../config/load.ts");
    const config = await loadConfig({ env: io.env, cwd: io.cwd });
    const all = args.includes("--all");
    const sessions = await listSessions({
      codexHome: config.codexHome,
      cwd: all ? undefined : io.cwd,
      limit: 20,
    });
    if (!sessions.length) {
      io.stdout(`No saved sessions${all ? "" : ` for ${io.cwd}`}.\n`);
      return 0;
    }
    for (const s of sessions) io.stdout(`${s.id}  ${formatTime(s.updatedAt)}  ${s.title}\n`);
    io.stdout(`\nContinue one with: denocodex ${kind} <SESSION_ID> "<prompt>"\n`);
    return 0;
  }
  // At a terminal with no prompt: the interactive session, on the stored thread.
  const positional = args.filter((a, i) => !a.startsWith("-") && !isOptionValue(args, i));
  const last = args.includes("--last");
  const promptGiven = positional.length > (last ? 0 : 1);
  if (io.stdinIsTty && !promptGiven) {
    const { interactiveCommand } = await import("./interactive/command.ts");
    const id = last ? undefined : positional[0];
    const rest = args.filter((a) => a !== "--last" && a !== "--all" && a !== id);
    return await interactiveCommand(rest, io, undefined, {
      kind,
      id,
      last,
      all: args.includes("--all"),
    });
  }
  // Otherwise the stored thread runs one non-interactive turn, as `exec resume` does.
  const { execCommand } = await import("./exec.ts");
  return await execCommand(["--skip-git-repo-check", kind, ...args], io);
}

const VALUE_OPTIONS = new Set([
  "-m",
  "--model",
  "-p",
  "--profile",
  "-c",
  "--config",
  "-C",
  "--cd",
  "-s",
  "--sandbox",
  "-i",
  "--image",
  "--add-dir",
  "--enable",
  "--disable",
  "--color",
  "-o",
  "--output-last-message",
  "--output-schema",
]);

function isOptionValue(args: string[], i: number): boolean {
  return i > 0 && VALUE_OPTIONS.has(args[i - 1]);
}
