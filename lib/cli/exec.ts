/**
 * `denocodex exec [PROMPT|-]`: one non-interactive turn, with human output or upstream's
 * `--json` JSONL events.
 *
 * @module
 */

import { parseArgs } from "./args.ts";
import { resolve } from "../path.ts";
import { EXEC_OPTIONS } from "./options.ts";
import { loadConfig, type ResolvedConfig } from "../config/load.ts";
import type { ApprovalPolicy } from "../../tools/define.ts";
import { UserError } from "../config/errors.ts";
import { SANDBOX_MODES, type SandboxMode } from "../sandbox/policy.ts";
import type { ContentPart } from "../protocol/items.ts";
import { addUsage } from "../protocol/events.ts";
import { isGitRepo, prefetchGit } from "../agent/git.ts";
import { openSessionThread, pickSession, type SessionTarget } from "./resume_cmd.ts";
import { JsonlRenderer } from "./exec_json.ts";
import { HumanRenderer } from "./exec_human.ts";
import { colorEnabled } from "./color.ts";
import type { CliIo } from "./io.ts";
import { imageDataUrl } from "./images.ts";

/** Upstream's refusal outside a git repository. */
export const NOT_A_REPO_MESSAGE =
  "Not inside a trusted directory and --skip-git-repo-check was not specified.";

/** Options shared by `exec` and the interactive session (re-exported from `options.ts`). */
export { COMMON_OPTIONS } from "./options.ts";

/** `exec --help`. */
export const EXEC_HELP = `Run one non-interactive turn.

Usage: denocodex exec [OPTIONS] [PROMPT|-]
       denocodex exec [OPTIONS] resume <SESSION_ID|--last> [PROMPT|-]
       denocodex exec [OPTIONS] fork <SESSION_ID|--last> [PROMPT|-]

  PROMPT                      The task; '-' or nothing reads it from stdin
      --json                  Print upstream's JSONL events (alias --experimental-json)
  -m, --model MODEL           Model slug
  -p, --profile NAME          Use [profiles.NAME] from config.toml
  -c, --config KEY=VALUE      Override a config value (TOML value, else a string); repeatable
  -C, --cd DIR                Working directory
  -s, --sandbox MODE          read-only | workspace-write | danger-full-access
  -i, --image FILE            Attach an image to the prompt; repeatable
      --add-dir DIR           Another writable folder under workspace-write; repeatable
      --skip-git-repo-check   Allow running outside a git repository
  -o, --output-last-message FILE  Write the last assistant message to FILE
      --output-schema FILE    JSON schema the final message must follow
      --full-auto             Shortcut for --sandbox workspace-write
      --dangerously-bypass-approvals-and-sandbox  No sandbox at all
      --enable/--disable FEATURE  Switch a feature flag
      --strict-config         Unknown config keys are errors
      --ephemeral             Do not persist the session
      --last                  resume/fork: the most recent session of this directory
      --all                   resume/fork --last: any directory
      --color always|never|auto
`;

/** The config-related flags of {@linkcode COMMON_OPTIONS}, as `parseArgs` returns them. */
export interface ConfigFlags {
  model?: string;
  profile?: string;
  config?: string[];
  enable?: string[];
  disable?: string[];
  "strict-config"?: boolean;
}

/** `-C/--cd` resolved against the current directory; a one-line error when it is no folder. */
export async function workingDirectory(io: CliIo, cd: string | undefined): Promise<string> {
  const cwd = resolve(io.cwd, cd ?? ".");
  try {
    if (!(await Deno.stat(cwd)).isDirectory) throw new Error("not a directory");
  } catch {
    throw new UserError(`--cd ${cwd}: no such directory`);
  }
  return cwd;
}

/** Loads the configuration with the command line's profile, `-c`, features and model. */
export function loadConfigFromFlags(
  v: ConfigFlags,
  io: CliIo,
  cwd: string,
  cli: { sandboxMode?: SandboxMode; approvalPolicy?: ApprovalPolicy },
): Promise<ResolvedConfig> {
  return loadConfig({
    env: io.env,
    cwd,
    profile: v.profile,
    overrides: v.config,
    enable: v.enable,
    disable: v.disable,
    strict: v["strict-config"],
    cli: { model: v.model, ...cli },
  });
}

/** Validates `-s` values. */
export function parseSandbox(value: string | undefined): SandboxMode | undefined {
  if (value === undefined) return undefined;
  if ((SANDBOX_MODES as readonly string[]).includes(value)) return value as SandboxMode;
  throw new UserError(
    `invalid --sandbox '${value}'; use one of: ${SANDBOX_MODES.join(", ")}`,
    2,
  );
}

async function readSchema(path: string, cwd: string): Promise<unknown> {
  const file = resolve(cwd, path);
  let text: string;
  try {
    text = await Deno.readTextFile(file);
  } catch (err) {
    throw new UserError(`cannot read --output-schema ${file}: ${(err as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new UserError(`--output-schema ${file} is not valid JSON: ${(err as Error).message}`);
  }
}

/** Joins the prompt argument with piped stdin as upstream does. */
export function composePrompt(arg: string | undefined, stdin: string | undefined): string {
  const piped = stdin?.trim() ? stdin : undefined;
  if (arg === undefined || arg === "-") {
    if (!piped) {
      throw new UserError(
        "no prompt given: pass it as an argument or pipe it on stdin (e.g. echo 'task' | denocodex exec -)",
      );
    }
    return piped.trim();
  }
  if (!piped) return arg;
  return `${arg}\n\n<stdin>\n${piped.trimEnd()}\n</stdin>`;
}

/** Runs `denocodex exec`. Returns the exit code. */
export async function execCommand(args: string[], io: CliIo): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args, options: EXEC_OPTIONS, allowPositionals: true, strict: true });
  } catch (err) {
    throw new UserError(`${(err as Error).message}; see 'denocodex exec --help'`, 2);
  }
  const v = parsed.values;
  if (v.help) {
    io.stdout(EXEC_HELP);
    return 0;
  }
  const json = v.json || v["experimental-json"] || false;
  const cwd = await workingDirectory(io, v.cd);
  prefetchGit(cwd); // runs while stdin and the config are read
  let sandboxMode = parseSandbox(v.sandbox);
  if (v["full-auto"]) sandboxMode ??= "workspace-write";
  if (v["dangerously-bypass-approvals-and-sandbox"]) sandboxMode = "danger-full-access";

  // `exec resume <id|--last> [PROMPT]` and `exec fork ...` continue a saved session.
  let positionals = parsed.positionals;
  const mode = positionals[0] === "resume" || positionals[0] === "fork"
    ? positionals[0]
    : undefined;
  let sessionId: string | undefined;
  if (mode) {
    positionals = positionals.slice(1);
    if (!v.last) sessionId = positionals.shift();
    if (sessionId === undefined && !v.last) {
      throw new UserError(`exec ${mode} needs a session id or --last`, 2);
    }
  }
  const positional = positionals.join(" ") || undefined;
  let stdinText: string | undefined;
  if (!io.stdinIsTty) {
    io.stderr("Reading additional input from stdin...\n");
    stdinText = await io.readStdin();
  }
  const prompt = composePrompt(positional, stdinText);

  const config = await loadConfigFromFlags(v, io, cwd, { sandboxMode, approvalPolicy: "never" });
  if (!v["skip-git-repo-check"] && !(await isGitRepo(cwd))) {
    throw new UserError(NOT_A_REPO_MESSAGE);
  }
  const outputSchema = v["output-schema"] ? await readSchema(v["output-schema"], cwd) : undefined;
  const content: ContentPart[] = [{ type: "input_text", text: prompt }];
  for (const img of v.image ?? []) {
    content.push({ type: "input_image", image_url: await imageDataUrl(resolve(io.cwd, img)) });
  }

  let target: SessionTarget = { mode: "new" };
  if (mode) {
    // As upstream: `--last` with no session (or a name that is not an id) starts a new one.
    const found = await pickSession({
      codexHome: config.codexHome,
      cwd,
      id: sessionId,
      last: v.last,
      all: v.all,
      onWarning: (message) => io.stderr(`warning: ${message}\n`),
    });
    if (found) target = { mode, session: found };
  }
  const session = await openSessionThread({
    config,
    cwd,
    originator: "codex_exec",
    turnTrigger: "exec",
    addDirs: (v["add-dir"] ?? []).map((d) => resolve(io.cwd, d)),
    target,
    source: "exec",
    ephemeral: v.ephemeral,
    onWarning: (message) => io.stderr(`warning: ${message}\n`),
  });
  const thread = session.thread;
  const human = new HumanRenderer({
    stdout: io.stdout,
    stderr: io.stderr,
    stdoutIsTty: io.stdoutIsTty,
    color: colorEnabled(v.color, io.stderrIsTty, io.env),
    cwd,
  });
  const jsonl = new JsonlRenderer((line) => io.stdout(line + "\n"));
  // As upstream, a continued thread reports its usage so far (the stored total plus this turn).
  const prior = session.loaded?.totalUsage;
  const unsubscribe = thread.subscribe((e) => {
    const event = prior && e.type === "turn_completed"
      ? { ...e, usage: addUsage({ ...e.usage }, prior) }
      : e;
    if (json) jsonl.handle(event);
    else human.handle(event);
  });
  if (json) jsonl.threadStarted(thread.id);
  const onSignal = () => thread.interrupt();
  const removeSignal = io.onInterrupt(onSignal);
  try {
    const result = await thread.run(content, { outputSchema });
    if (v["output-last-message"] && result.lastMessage !== null) {
      await Deno.writeTextFile(resolve(io.cwd, v["output-last-message"]), result.lastMessage);
    }
    return result.status === "completed" ? 0 : result.status === "aborted" ? 130 : 1;
  } finally {
    removeSignal();
    unsubscribe();
    await session.close();
  }
}
