/**
 * Shared test helpers: temp workspaces and Codex homes, running the real program as a
 * subprocess, and comparing requests with the upstream fixtures' shapes.
 *
 * @module
 */

import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { ToolContext } from "../tools/define.ts";
import { makePolicy } from "../lib/sandbox/policy.ts";

/** The repository root. */
export const ROOT: string = fileURLToPath(new URL("..", import.meta.url));
/** The upstream fixtures (read-only, beside the repository). */
export const FIXTURES: string = join(ROOT, "..", "shared", "fixtures", "upstream-codex-0.169");

/** Runs git quietly in `cwd`. */
export async function git(cwd: string, ...args: string[]): Promise<string> {
  const out = await new Deno.Command("git", {
    args: ["-c", "user.email=test@example.com", "-c", "user.name=test", ...args],
    cwd,
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!out.success) {
    throw new Error(`git ${args.join(" ")}: ${new TextDecoder().decode(out.stderr)}`);
  }
  return new TextDecoder().decode(out.stdout);
}

/** A temp git workspace with `files`, committed. */
export async function makeWorkspace(files: Record<string, string> = {}): Promise<string> {
  const dir = await Deno.realPath(await Deno.makeTempDir({ prefix: "dcx-ws-" }));
  for (const [name, text] of Object.entries(files)) {
    await Deno.mkdir(join(dir, name, ".."), { recursive: true });
    await Deno.writeTextFile(join(dir, name), text);
  }
  await git(dir, "init", "-q", "-b", "main");
  await git(dir, "add", "-A");
  await git(dir, "commit", "-q", "--allow-empty", "-m", "init");
  return dir;
}

/** A temp CODEX_HOME whose config points at `baseUrl` as provider `fake` (key in FAKE_API_KEY). */
export async function makeHome(
  baseUrl: string,
  extraToml = "",
  model = "gpt-5.5",
): Promise<string> {
  const dir = await Deno.realPath(await Deno.makeTempDir({ prefix: "dcx-home-" }));
  await Deno.writeTextFile(
    join(dir, "config.toml"),
    `model = "${model}"
model_provider = "fake"
${extraToml}

[model_providers.fake]
name = "fake"
base_url = "${baseUrl}"
env_key = "FAKE_API_KEY"
wire_api = "responses"
request_max_retries = 4
stream_max_retries = 5
`,
  );
  return dir;
}

/** Deno's cache folder of this process (subprocesses get a temp HOME). */
const DENO_DIR: string = Deno.env.get("DENO_DIR") ??
  join(Deno.env.get("XDG_CACHE_HOME") ?? join(Deno.env.get("HOME") ?? "/root", ".cache"), "deno");

/** The result of a subprocess run. */
export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Environment for running denocodex in tests: no inherited provider keys or CODEX_HOME. */
export function testEnv(home: string, extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {
    PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin",
    HOME: home,
    CODEX_HOME: home,
    FAKE_API_KEY: "sk-test-fake-key",
    TERM: "xterm",
    SHELL: "/bin/bash",
    NO_COLOR: "1",
    DENO_NO_UPDATE_CHECK: "1",
  };
  for (const k of ["DENO_DIR", "DENO_TLS_CA_STORE", "TZ"]) {
    const v = Deno.env.get(k);
    if (v) env[k] = v;
  }
  // HOME points at the temp home: keep Deno's module cache where it really is.
  env.DENO_DIR ??= DENO_DIR;
  return { ...env, ...extra };
}

/** Runs `deno run -A main.ts ...args` (or a given script) and collects its output. */
export async function runProgram(
  args: string[],
  opts: { cwd: string; env: Record<string, string>; stdin?: string; script?: string },
): Promise<RunResult> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--quiet", opts.script ?? join(ROOT, "main.ts"), ...args],
    cwd: opts.cwd,
    env: opts.env,
    clearEnv: true,
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode(opts.stdin ?? "")).catch(() => {});
  await writer.close().catch(() => {});
  const out = await child.output();
  return {
    code: out.code,
    stdout: new TextDecoder().decode(out.stdout),
    stderr: new TextDecoder().decode(out.stderr),
  };
}

/** Parses JSONL text. */
export function jsonl(text: string): Record<string, unknown>[] {
  return text.split("\n").filter((l) => l.trim()).map((l) => JSON.parse(l));
}

/**
 * The shape of a JSON value: keys in order with the shapes of their values; strings, numbers
 * become type tags. Used to compare our requests with the fixtures, prose excluded.
 */
export function shapeOf(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(shapeOf);
  if (v === null) return null;
  if (typeof v === "object") {
    return Object.fromEntries(Object.entries(v as object).map(([k, x]) => [k, shapeOf(x)]));
  }
  if (typeof v === "string") return "<string>";
  if (typeof v === "number") return "<number>";
  return v;
}

/** Reads a fixture file as JSON. */
export async function fixture<T = unknown>(path: string): Promise<T> {
  return JSON.parse(await Deno.readTextFile(join(FIXTURES, path))) as T;
}

/** Removes temp dirs, ignoring errors. */
export async function cleanup(...dirs: string[]): Promise<void> {
  for (const d of dirs) await Deno.remove(d, { recursive: true }).catch(() => {});
}

/** A tool context for calling a tool directly: read-only sandbox at `cwd`, no UI, no events. */
export function toolContext(cwd: string, overrides: Partial<ToolContext> = {}): ToolContext {
  return {
    cwd,
    signal: new AbortController().signal,
    callId: "call_1",
    turnId: "turn_1",
    threadId: "thread_1",
    sandbox: makePolicy("read-only", cwd),
    approvalPolicy: "never",
    collaborationMode: "default",
    env: {},
    emit: () => {},
    services: {},
    ...overrides,
  };
}

/** `node` without `description` strings (the fixtures' tool shapes carry none). */
export function withoutDescriptions(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(withoutDescriptions);
  if (node === null || typeof node !== "object") return node;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node)) {
    if (k === "description" && typeof v === "string") continue;
    out[k] = withoutDescriptions(v);
  }
  return out;
}

/**
 * The upstream tool shapes of `file` (under `tool-shapes/`), or `undefined` when the shared
 * fixtures are not beside the repository (tests comparing against them are then ignored).
 */
export function sharedToolShapes(
  file = "gpt-5.5.json",
): Record<string, unknown>[] | undefined {
  try {
    return JSON.parse(Deno.readTextFileSync(join(FIXTURES, "tool-shapes", file)));
  } catch {
    return undefined;
  }
}

/** A small deterministic PRNG (mulberry32) for generated corpora, so a failure reproduces. */
export function seededRandom(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Every rollout file under `home`'s `sessions` folder, sorted. */
export async function rolloutFiles(home: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (dir: string) => {
    for await (const e of Deno.readDir(dir)) {
      const p = join(dir, e.name);
      if (e.isDirectory) await walk(p);
      else if (e.name.endsWith(".jsonl")) out.push(p);
    }
  };
  await walk(join(home, "sessions")).catch(() => {});
  return out.sort();
}
