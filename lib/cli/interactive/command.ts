/**
 * `denocodex [OPTIONS] [PROMPT]`: the interactive session when stdin is a terminal (with the
 * prompt as its first turn), one turn when stdin is piped. Both follow upstream's interactive
 * path: originator `codex-tui`, `turn_trigger` `user`, and the `<collaboration_mode>` section
 * in the initial developer message.
 *
 * The composer is drawn first; everything heavy (argument checks against the shared options,
 * the configuration, the thread) loads behind it.
 *
 * @module
 */

import type { ResolvedConfig } from "../../config/load.ts";
import type { ContentPart } from "../../protocol/items.ts";
import type { ApprovalPolicy, UserInterface } from "../../../tools/define.ts";
import type { SessionTarget } from "../resume_cmd.ts";
import type { SandboxMode } from "../../sandbox/policy.ts";
import { colorEnabled } from "../color.ts";
import type { CliIo } from "../io.ts";
import { PromptHistory } from "./history_file.ts";
import { type OpenedThread, Session, type SessionBoot } from "./session.ts";
import { makeStyle } from "./style.ts";
import { processTerminal, type Terminal } from "./terminal.ts";
import { runGit } from "../../agent/git.ts";

/** Upstream's originator for the interactive client. */
export const INTERACTIVE_ORIGINATOR = "codex-tui";

/** `turn_trigger` of turns a person starts. */
export const INTERACTIVE_TURN_TRIGGER = "user";

/** `denocodex --help` for the session's options. */
export const INTERACTIVE_HELP = `Start an interactive session (one turn when stdin is piped).

Usage: denocodex [OPTIONS] [PROMPT]

  PROMPT                      The first turn of the session
  -m, --model MODEL           Model slug
  -p, --profile NAME          Use [profiles.NAME] from config.toml
  -c, --config KEY=VALUE      Override a config value; repeatable
  -C, --cd DIR                Working directory
  -s, --sandbox MODE          read-only | workspace-write | danger-full-access
  -a, --ask-for-approval P    untrusted | on-request | never (on-failure: deprecated)
  -i, --image FILE            Attach an image to the first prompt; repeatable
      --add-dir DIR           Another writable folder under workspace-write; repeatable
      --full-auto             --sandbox workspace-write with --ask-for-approval on-request
      --dangerously-bypass-approvals-and-sandbox  No sandbox and no approvals
      --enable/--disable FEATURE, --strict-config, --color always|never|auto

In the session: /help lists the commands and keys.
`;

/** The `--color` value, read without loading the argument parser. */
function colorFlag(args: string[]): string | undefined {
  for (let i = 0; i < args.length; i++) {
    if (args[i] === "--") break;
    if (args[i] === "--color") return args[i + 1];
    if (args[i].startsWith("--color=")) return args[i].slice(8);
  }
  return undefined;
}

/** What the shared argument parsing produced. */
interface ParsedRun {
  config: ResolvedConfig;
  cwd: string;
  prompt: string | undefined;
  images: string[];
  addDirs: string[];
  skipGitCheck: boolean;
}

async function parseRun(
  args: string[],
  io: CliIo,
  defaults: { approvalPolicy?: ApprovalPolicy },
): Promise<ParsedRun> {
  const [
    { parseArgs },
    { resolve },
    { INTERACTIVE_OPTIONS: options },
    exec,
    { UserError },
    { parseApprovalPolicy },
    git,
  ] = await Promise.all([
    import("../args.ts"),
    import("../../path.ts"),
    import("../options.ts"),
    import("../exec.ts"),
    import("../../config/errors.ts"),
    import("../../agent/approval.ts"),
    import("../../agent/git.ts"),
  ]);
  let parsed;
  try {
    parsed = parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (err) {
    throw new UserError(`${(err as Error).message}; see 'denocodex --help'`, 2);
  }
  const v = parsed.values;
  const cwd = await exec.workingDirectory(io, v.cd);
  git.prefetchGit(cwd);
  let sandboxMode: SandboxMode | undefined = exec.parseSandbox(v.sandbox);
  let approvalPolicy: ApprovalPolicy | undefined = defaults.approvalPolicy;
  const asked = v["ask-for-approval"];
  if (asked !== undefined) {
    approvalPolicy = parseApprovalPolicy(asked);
    if (!approvalPolicy) {
      throw new UserError(
        `invalid --ask-for-approval '${asked}'; use one of: untrusted, on-request, never`,
        2,
      );
    }
  }
  if (v["full-auto"]) {
    sandboxMode ??= "workspace-write";
    approvalPolicy ??= "on-request";
  }
  if (v["dangerously-bypass-approvals-and-sandbox"]) {
    sandboxMode = "danger-full-access";
    approvalPolicy = "never";
  }
  const config = await exec.loadConfigFromFlags(v, io, cwd, { sandboxMode, approvalPolicy });
  return {
    config,
    cwd,
    prompt: parsed.positionals.join(" ") || undefined,
    images: (v.image ?? []).map((p) => resolve(io.cwd, p)),
    addDirs: (v["add-dir"] ?? []).map((d) => resolve(io.cwd, d)),
    skipGitCheck: v["skip-git-repo-check"] ?? false,
  };
}

async function promptContent(text: string, images: string[]): Promise<string | ContentPart[]> {
  if (images.length === 0) return text;
  const { imageDataUrl } = await import("../images.ts");
  const parts: ContentPart[] = [{ type: "input_text", text }];
  for (const img of images) parts.push({ type: "input_image", image_url: await imageDataUrl(img) });
  return parts;
}

/** A stored session to open instead of a new thread (`denocodex resume|fork ID`). */
export interface ResumeChoice {
  kind: "resume" | "fork";
  id?: string;
  last?: boolean;
  all?: boolean;
}

/** Loads configuration and prepares the thread of an interactive session. */
export async function bootSession(
  args: string[],
  io: CliIo,
  resume?: ResumeChoice,
): Promise<SessionBoot> {
  const run = await parseRun(args, io, {});
  const [sessions, catalog, prompts, ids, git, compact] = await Promise.all([
    import("../resume_cmd.ts"),
    import("../../model/catalog.ts"),
    import("../../context/prompts.ts"),
    import("../../protocol/ids.ts"),
    import("../../agent/git.ts"),
    import("../../agent/compact.ts"),
  ]);
  const { config, cwd } = run;
  const notes: string[] = [];
  if (!run.skipGitCheck && !(await git.isGitRepo(cwd))) {
    notes.push(`${cwd} is not a git repository: review changes carefully (/diff needs git).`);
  }
  const firstInput = run.prompt !== undefined
    ? await promptContent(run.prompt, run.images)
    : undefined;
  const initial: SessionTarget = resume
    ? {
      mode: resume.kind,
      session: await sessions.targetSession({
        codexHome: config.codexHome,
        cwd,
        id: resume.id,
        last: resume.last,
        all: resume.all,
      }),
    }
    : { mode: "new" };
  const historyTable = config.table.history as { max_bytes?: number } | undefined;
  let warn: (message: string) => void = () => {};
  const open = async (
    ui: UserInterface,
    target: SessionTarget,
  ): Promise<OpenedThread> => {
    const opened = await sessions.openSessionThread({
      config,
      cwd,
      originator: INTERACTIVE_ORIGINATOR,
      turnTrigger: INTERACTIVE_TURN_TRIGGER,
      addDirs: run.addDirs,
      ui,
      announceCollaborationMode: true,
      target,
      source: "cli",
      onWarning: (m) => warn(m),
    });
    return {
      thread: opened.thread,
      close: () => opened.close(),
      saved: opened.recorder !== null,
      append(item) {
        // Between turns only: the thread has no API for context updates yet.
        opened.thread.history.push(item);
        opened.recorder?.onHistoryItem(item);
      },
    };
  };
  return {
    settings: {
      cwd,
      model: config.model,
      provider: config.provider.name ?? config.provider.id,
      sandboxMode: config.sandboxMode,
      approvalPolicy: config.approvalPolicy,
      codexHome: config.codexHome,
      contextWindow: config.modelContextWindow,
      reasoningEffort: config.reasoningEffort ??
        catalog.modelInfo(config.model).defaultReasoningEffort ??
        undefined,
    },
    history: new PromptHistory({
      codexHome: config.codexHome,
      persist: config.persistHistory,
      maxBytes: historyTable?.max_bytes,
    }),
    openThread: (ui) => open(ui, initial),
    onWarning(fn) {
      warn = fn;
    },
    sessions: config.persistHistory
      ? {
        list: async () =>
          (await sessions.listSessions({ codexHome: config.codexHome, cwd, limit: 20 })).map((
            x,
          ) => ({
            id: x.id,
            title: x.title,
            updatedAt: x.updatedAt,
          })),
        resume: async (id, ui) =>
          open(ui, {
            mode: "resume",
            session: await sessions.targetSession({
              codexHome: config.codexHome,
              cwd,
              id,
              all: true,
            }),
          }),
        hidden: compact.isSummaryMessage,
      }
      : undefined,
    firstInput,
    notes,
    models: () =>
      catalog.listModels().map((m) => ({
        slug: m.slug,
        displayName: m.displayName,
        contextWindow: m.contextWindow,
      })),
    modeUpdateItem: (mode) => ({
      type: "message",
      id: `msg_${ids.uuidv7()}`,
      role: "developer",
      content: [{
        type: "input_text",
        text: `<collaboration_mode>${
          prompts.COLLABORATION_TEXT[mode] ?? prompts.COLLABORATION_TEXT.default
        }\n</collaboration_mode>`,
      }],
    }),
    git: (gitArgs) => runGit(cwd, gitArgs),
  };
}

/** One turn with piped stdin: the answer on stdout, activity on stderr; exits like `exec`. */
async function pipedTurn(args: string[], io: CliIo): Promise<number> {
  const stdin = await io.readStdin();
  const run = await parseRun(args, io, { approvalPolicy: "never" });
  const [{ composePrompt }, sessions, { HumanRenderer }] = await Promise.all([
    import("../exec.ts"),
    import("../resume_cmd.ts"),
    import("../exec_human.ts"),
  ]);
  const prompt = composePrompt(run.prompt, stdin);
  const opened = await sessions.openSessionThread({
    config: run.config,
    cwd: run.cwd,
    originator: INTERACTIVE_ORIGINATOR,
    turnTrigger: INTERACTIVE_TURN_TRIGGER,
    addDirs: run.addDirs,
    announceCollaborationMode: true,
    target: { mode: "new" },
    source: "cli",
    onWarning: (m) => io.stderr(`warning: ${m}\n`),
  });
  const thread = opened.thread;
  const human = new HumanRenderer({
    stdout: io.stdout,
    stderr: io.stderr,
    stdoutIsTty: io.stdoutIsTty,
    color: colorEnabled(colorFlag(args), io.stderrIsTty, io.env),
    cwd: run.cwd,
  });
  const unsubscribe = thread.subscribe((e) => human.handle(e));
  const removeSignal = io.onInterrupt(() => thread.interrupt());
  try {
    const result = await thread.run(await promptContent(prompt, run.images));
    return result.status === "completed" ? 0 : result.status === "aborted" ? 130 : 1;
  } finally {
    removeSignal();
    unsubscribe();
    await opened.close();
  }
}

/**
 * Runs `denocodex [OPTIONS] [PROMPT]`: the interactive session on a terminal, else one turn.
 * Returns the exit code; user errors are thrown as `UserError` (printed by `runCli`).
 */
export async function interactiveCommand(
  args: string[],
  io: CliIo,
  term?: Terminal,
  resume?: ResumeChoice,
): Promise<number> {
  const dashDash = args.indexOf("--");
  const flags = dashDash < 0 ? args : args.slice(0, dashDash);
  if (flags.includes("--help") || flags.includes("-h")) {
    io.stdout(INTERACTIVE_HELP);
    return 0;
  }
  if (!io.stdinIsTty) return await pipedTurn(args, io);
  const terminal = term ?? processTerminal();
  const style = makeStyle(colorEnabled(colorFlag(args), io.stdoutIsTty, io.env));
  const boot = bootSession(args, io, resume);
  boot.catch(() => {}); // reported by the session
  const session = new Session({
    term: terminal,
    style,
    cwd: io.cwd,
    home: io.env.HOME,
    boot,
    onInterrupt: io.onInterrupt,
    live: io.stdoutIsTty,
  });
  return await session.run();
}
