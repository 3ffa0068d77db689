/**
 * `denocodex doctor [--json] [--skip-live] [-p PROFILE] [-c key=value]...`: checks a setup and
 * says what to fix.
 *
 * Checks, in this order (ids are stable; a check that cannot run is left out):
 * `config`, `dotenv`, `provider`, `api_key`, `proxy` (only when a proxy applies), `dns`, `tcp`,
 * `tls` (https only), `live` (not with `--skip-live`, nor without an API key), `sandbox`, `git`,
 * `shell`, `deno`. Each is `ok`, `warn` or `fail`; the exit code is 1 when any check fails.
 *
 * `--json` prints `{"version": 1, "ok", "checks": [{"id", "status", "summary", "detail"?,
 * "fix"?}]}`. No output ever contains the API key or a `.env` value: every string is passed
 * through a redactor that knows them.
 *
 * @module
 */

import { join } from "../path.ts";
import { parseArgs } from "./args.ts";
import { createParser } from "npm:eventsource-parser@^4.1.3";
import { loadDotenv } from "../config/dotenv.ts";
import { UserError } from "../config/errors.ts";
import { codexHome } from "../config/home.ts";
import { loadConfig, type ResolvedConfig } from "../config/load.ts";
import { resolveApiKey } from "../config/providers.ts";
import { userAgent } from "../model/user_agent.ts";
import { DEFAULT_PATH, findExecutable } from "../pty/which.ts";
import { wrapCommand } from "../sandbox/bwrap.ts";
import { makePolicy, type SandboxMode } from "../sandbox/policy.ts";
import { VERSION } from "../version.ts";

/** The status of one check. */
export type CheckStatus = "ok" | "warn" | "fail";

/** One check result (the `--json` shape of an entry of `checks`). */
export interface DoctorCheck {
  id: string;
  status: CheckStatus;
  /** One line: what was found. */
  summary: string;
  /** More context (an error text, a list). */
  detail?: string;
  /** One line: what to do. Present on `warn` and `fail`. */
  fix?: string;
}

/** The `--json` document. */
export interface DoctorReport {
  version: 1;
  /** False when any check failed. */
  ok: boolean;
  checks: DoctorCheck[];
}

/** Hooks for tests and embedding. */
export interface DoctorOptions {
  /** Receives text with its trailing newline (default: process stdout). */
  stdout?: (text: string) => void;
  /** Receives text with its trailing newline (default: process stderr). */
  stderr?: (text: string) => void;
  fetch?: typeof fetch;
  /** Timeout of each DNS/TCP/TLS probe (default 5 s). */
  probeTimeoutMs?: number;
  /** Timeout of the live request (default 60 s). */
  liveTimeoutMs?: number;
  /** bwrap to probe (default: `bwrap` on `PATH`). */
  bwrapPath?: string;
}

const USAGE = "usage: denocodex doctor [--json] [--skip-live] [-p PROFILE] [-c key=value]";
const enc = new TextEncoder();

/** Replaces every known secret in `text` with `<redacted>`. */
export function makeRedactor(secrets: Iterable<string>): (text: string) => string {
  const list = [...new Set([...secrets].filter((s) => s.length >= 4))].sort((a, b) =>
    b.length - a.length
  );
  return (text) => {
    let out = text;
    for (const s of list) out = out.split(s).join("<redacted>");
    return out;
  };
}

function firstLine(err: unknown): string {
  const e = err as { message?: string; cause?: { message?: string } };
  let msg = typeof e?.message === "string" ? e.message : String(err);
  if (e?.cause?.message) msg += `: ${e.cause.message}`;
  return msg.split("\n")[0];
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(2)}s`;
}

/** Runs `f` with a deadline; `onLate` disposes of a result that arrives after it. */
async function withTimeout<T>(
  ms: number,
  what: string,
  f: () => Promise<T>,
  onLate?: (value: T) => void,
): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let timedOut = false;
  const work = f();
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      timedOut = true;
      reject(new Error(`${what} timed out after ${seconds(ms)}`));
    }, ms);
  });
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
    if (timedOut) work.then((v) => onLate?.(v), () => {});
  }
}

/** The proxy URL that applies to `url`, without credentials, if any. */
function proxyFor(url: URL, env: Record<string, string | undefined>): string | undefined {
  const pick = (...names: string[]) => names.map((n) => env[n]?.trim()).find((v) => v);
  const noProxy = (pick("NO_PROXY", "no_proxy") ?? "").split(",").map((s) => s.trim())
    .filter(Boolean);
  const host = url.hostname.replace(/^\[|\]$/g, "");
  if (
    noProxy.some((p) =>
      p === "*" || host === p.replace(/^\./, "") || host.endsWith(`.${p.replace(/^\./, "")}`)
    )
  ) {
    return undefined;
  }
  const raw = url.protocol === "https:"
    ? pick("HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy")
    : pick("HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy");
  if (!raw) return undefined;
  try {
    const p = new URL(raw.includes("://") ? raw : `http://${raw}`);
    return `${p.protocol}//${p.host}`;
  } catch {
    return "(unparsable proxy setting)";
  }
}

function defaultPort(url: URL): number {
  if (url.port) return Number(url.port);
  return url.protocol === "https:" ? 443 : 80;
}

/** The live request's SSE outcome. */
interface LiveOutcome {
  completed: boolean;
  text: string;
  error?: string;
}

async function readSse(body: ReadableStream<Uint8Array>): Promise<LiveOutcome> {
  const out: LiveOutcome = { completed: false, text: "" };
  let finalText = "";
  const parser = createParser({
    onEvent: (ev) => {
      let data: Record<string, unknown>;
      try {
        data = JSON.parse(ev.data);
      } catch {
        return;
      }
      switch (data.type) {
        case "response.output_text.delta":
          out.text += String(data.delta ?? "");
          break;
        case "response.output_item.done": {
          const item = data.item as { type?: string; content?: { text?: string }[] } | undefined;
          if (item?.type === "message") {
            finalText += (item.content ?? []).map((c) => c.text ?? "").join("");
          }
          break;
        }
        case "response.completed":
          out.completed = true;
          break;
        case "response.failed": {
          const r = data.response as { error?: { message?: string } } | undefined;
          out.error = r?.error?.message ?? "response.failed";
          break;
        }
        case "error":
          out.error = String((data as { message?: unknown }).message ?? "error event");
          break;
      }
    },
  });
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  try {
    while (!out.completed && !out.error) {
      const { value, done } = await reader.read();
      if (done) break;
      parser.feed(value);
    }
  } finally {
    await reader.cancel().catch(() => {});
  }
  if (finalText) out.text = finalText;
  return out;
}

/** Everything the config-dependent checks need. */
interface Context {
  env: Record<string, string | undefined>;
  cwd: string;
  profile?: string;
  overrides: string[];
  skipLive: boolean;
  opts: DoctorOptions;
  secrets: Set<string>;
}

/** Config, `.env`, provider, key, network and live checks; returns the config when it loaded. */
async function configChecks(
  ctx: Context,
  checks: DoctorCheck[],
): Promise<ResolvedConfig | undefined> {
  const home = codexHome(ctx.env);
  const configPath = join(home, "config.toml");
  const dotenvPath = join(home, ".env");

  // .env first: its values are secrets to redact from everything printed later.
  const dot = await loadDotenv(dotenvPath, ctx.env);
  let dotText: string | undefined;
  try {
    dotText = await Deno.readTextFile(dotenvPath);
  } catch { /* missing or unreadable: reported below */ }
  for (const k of [...dot.loaded]) ctx.secrets.add(dot.env[k]);
  if (dotText !== undefined) {
    for (const line of dotText.split("\n")) {
      const m = /^\s*(?:export\s+)?[^=#\s]+\s*=\s*(.*)$/.exec(line);
      if (m) ctx.secrets.add(m[1].trim().replace(/^(["'])(.*)\1$/, "$2"));
    }
  }

  let cfg: ResolvedConfig | undefined;
  try {
    cfg = await loadConfig({
      env: ctx.env,
      cwd: ctx.cwd,
      profile: ctx.profile,
      overrides: ctx.overrides,
    });
  } catch (err) {
    checks.push({
      id: "config",
      status: "fail",
      summary: `${configPath} cannot be used`,
      detail: err instanceof UserError ? err.message : firstLine(err),
      fix: "fix the file (the detail names the line or key), then run denocodex doctor again",
    });
  }
  if (cfg) {
    const profile = cfg.profile ? ` (profile '${cfg.profile}')` : "";
    if (!cfg.configExists) {
      checks.push({
        id: "config",
        status: "warn",
        summary: `no config.toml at ${configPath}; built-in defaults are used${profile}`,
        fix: `create ${configPath} to choose a model and provider`,
      });
    } else if (cfg.unknownKeys.length) {
      checks.push({
        id: "config",
        status: "warn",
        summary: `${configPath} is valid${profile} but has unknown keys: ${
          cfg.unknownKeys.join(", ")
        }`,
        fix: "remove or correct the unknown keys (they are ignored)",
      });
    } else {
      checks.push({ id: "config", status: "ok", summary: `${configPath} is valid${profile}` });
    }
  }

  if (dotText === undefined) {
    const exists = await Deno.lstat(dotenvPath).then(() => true, () => false);
    checks.push(
      exists
        ? {
          id: "dotenv",
          status: "warn",
          summary: `${dotenvPath} exists but cannot be read`,
          fix: `check the permissions of ${dotenvPath}`,
        }
        : { id: "dotenv", status: "ok", summary: `no .env at ${dotenvPath} (optional)` },
    );
  } else {
    const keys = dot.loaded.length
      ? dot.loaded.map((k) => `${k}=<redacted>`).join(", ")
      : "no keys";
    const skipped = dot.skipped.length
      ? `; skipped ${dot.skipped.join(", ")} (already set in the environment, or CODEX_*)`
      : "";
    const mode = (await Deno.stat(dotenvPath)).mode;
    const open = mode !== null && (mode & 0o077) !== 0;
    checks.push({
      id: "dotenv",
      status: open ? "warn" : "ok",
      summary: `loaded ${keys} from ${dotenvPath}${skipped}`,
      ...(open
        ? {
          detail: `mode ${(mode! & 0o777).toString(8)}: other users can read it`,
          fix: `chmod 600 ${dotenvPath}`,
        }
        : {}),
    });
  }
  if (!cfg) return undefined;

  const p = cfg.provider;
  checks.push({
    id: "provider",
    status: "ok",
    summary: `${p.id} (${p.name}) at ${p.baseUrl}, model ${cfg.model}, wire_api ${p.wireApi}`,
  });

  let apiKey: string | undefined;
  let keyMissing = false;
  try {
    apiKey = resolveApiKey(p, cfg.env);
    if (apiKey) {
      ctx.secrets.add(apiKey);
      const names = p.isOpenAi ? ["CODEX_API_KEY", "OPENAI_API_KEY"] : [p.envKey ?? ""];
      const name = names.find((n) => cfg.env[n]?.trim() === apiKey) ?? names[0];
      const from = cfg.dotenvKeys.includes(name) ? ".env" : "the environment";
      checks.push({
        id: "api_key",
        status: "ok",
        summary: `${name} is set (from ${from}, ${apiKey.length} characters)`,
      });
    } else {
      checks.push({ id: "api_key", status: "ok", summary: `provider '${p.id}' needs no API key` });
    }
  } catch (err) {
    keyMissing = true;
    checks.push({
      id: "api_key",
      status: "fail",
      summary: `no API key for provider '${p.id}'`,
      fix: err instanceof UserError ? err.message : firstLine(err),
    });
  }

  await networkChecks(ctx, cfg, apiKey, keyMissing, checks);
  return cfg;
}

async function networkChecks(
  ctx: Context,
  cfg: ResolvedConfig,
  apiKey: string | undefined,
  keyMissing: boolean,
  checks: DoctorCheck[],
): Promise<void> {
  const p = cfg.provider;
  const timeout = ctx.opts.probeTimeoutMs ?? 5_000;
  let url: URL;
  try {
    url = new URL(p.baseUrl);
    if (url.protocol !== "http:" && url.protocol !== "https:") throw new Error("not http(s)");
  } catch {
    checks.push({
      id: "dns",
      status: "fail",
      summary: `base_url '${p.baseUrl}' is not an http(s) URL`,
      fix: `set model_providers.${p.id}.base_url to an http:// or https:// URL`,
    });
    return;
  }
  const host = url.hostname.replace(/^\[|\]$/g, "");
  const port = defaultPort(url);
  const proxy = proxyFor(url, ctx.env);
  const soft: CheckStatus = proxy ? "warn" : "fail";
  if (proxy) {
    checks.push({
      id: "proxy",
      status: "ok",
      summary:
        `requests to ${host} go through ${proxy}; the direct probes below may not reflect that path`,
    });
  }

  // node:net and node:dns start Deno's Node compatibility layer (~16 ms): loaded only here.
  const [{ isIP }, { lookup }] = await Promise.all([
    import("node:net"),
    import("node:dns/promises"),
  ]);
  if (isIP(host)) {
    checks.push({
      id: "dns",
      status: "ok",
      summary: `${host} is an IP address (no lookup needed)`,
    });
  } else {
    try {
      const addrs = await withTimeout(timeout, "DNS lookup", () => lookup(host, { all: true }));
      checks.push({
        id: "dns",
        status: "ok",
        summary: `${host} -> ${addrs.map((a) => a.address).join(", ")}`,
      });
    } catch (err) {
      checks.push({
        id: "dns",
        status: soft,
        summary: `cannot resolve ${host}`,
        detail: firstLine(err),
        fix: "check the host in base_url and this machine's DNS/network settings",
      });
      if (!proxy) return;
    }
  }

  const t0 = performance.now();
  let tcpOk = false;
  try {
    const conn = await Deno.connect({ hostname: host, port, signal: AbortSignal.timeout(timeout) });
    conn.close();
    tcpOk = true;
    checks.push({
      id: "tcp",
      status: "ok",
      summary: `connected to ${host}:${port} in ${seconds(performance.now() - t0)}`,
    });
  } catch (err) {
    const msg = firstLine(err);
    const refused = /refused/i.test(msg);
    checks.push({
      id: "tcp",
      status: soft,
      summary: `cannot connect to ${host}:${port}${refused ? " (connection refused)" : ""}`,
      detail: msg,
      fix: refused
        ? `nothing listens at ${host}:${port}: start the provider or correct base_url`
        : "check the network path (firewall, proxy, VPN) to the provider",
    });
  }

  if (tcpOk && url.protocol === "https:") {
    const t1 = performance.now();
    try {
      const tls = await withTimeout(timeout, "TLS handshake", async () => {
        const conn = await Deno.connect({
          hostname: host,
          port,
          signal: AbortSignal.timeout(timeout),
        });
        const tlsConn = await Deno.startTls(conn, { hostname: host });
        try {
          await tlsConn.handshake();
        } catch (err) {
          tlsConn.close();
          throw err;
        }
        return tlsConn;
      }, (late) => late.close());
      const info = await tls.handshake();
      tls.close();
      checks.push({
        id: "tls",
        status: "ok",
        summary: `TLS handshake with ${host}:${port} in ${seconds(performance.now() - t1)}${
          info.alpnProtocol ? ` (ALPN ${info.alpnProtocol})` : ""
        }`,
      });
    } catch (err) {
      checks.push({
        id: "tls",
        status: soft,
        summary: `TLS handshake with ${host}:${port} failed`,
        detail: firstLine(err),
        fix: /certificate|issuer/i.test(firstLine(err))
          ? "the certificate is not trusted: set DENO_TLS_CA_STORE=system (and install the CA), or correct the host"
          : "check that base_url uses https only where the server speaks TLS",
      });
    }
  }

  if (ctx.skipLive || keyMissing) return;
  await liveCheck(ctx, cfg, apiKey, checks);
}

async function liveCheck(
  ctx: Context,
  cfg: ResolvedConfig,
  apiKey: string | undefined,
  checks: DoctorCheck[],
): Promise<void> {
  const p = cfg.provider;
  const fetchFn = ctx.opts.fetch ?? fetch;
  const query = new URLSearchParams(p.queryParams).toString();
  const endpoint = `${p.baseUrl}/responses${query ? `?${query}` : ""}`;
  const headers: Record<string, string> = {
    "content-type": "application/json",
    accept: "text/event-stream",
    originator: "denocodex_doctor",
    "user-agent": userAgent("denocodex_doctor", ctx.env),
    ...p.httpHeaders,
  };
  for (const [name, envName] of Object.entries(p.envHttpHeaders)) {
    const v = cfg.env[envName]?.trim();
    if (v) {
      headers[name] = v;
      ctx.secrets.add(v);
    }
  }
  if (apiKey) headers.authorization = `Bearer ${apiKey}`;
  const prompt = "This is a connectivity check. Answer with the single word OK.";
  const body = {
    model: cfg.model,
    instructions: prompt,
    input: [{ type: "message", role: "user", content: [{ type: "input_text", text: prompt }] }],
    tools: [],
    tool_choice: "auto",
    parallel_tool_calls: false,
    store: false,
    stream: true,
  };
  const t0 = performance.now();
  const signal = AbortSignal.timeout(ctx.opts.liveTimeoutMs ?? 60_000);
  try {
    const res = await fetchFn(endpoint, {
      method: "POST",
      headers,
      body: JSON.stringify(body),
      signal,
    });
    if (!res.ok) {
      const text = (await res.text().catch(() => "")).replace(/\s+/g, " ").trim().slice(0, 300);
      const fix = res.status === 401 || res.status === 403
        ? "the provider refused the key: check its value and that it belongs to this provider"
        : res.status === 404
        ? `check base_url (${p.baseUrl}) and the model name (${cfg.model})`
        : res.status === 429
        ? "rate limit or quota reached: check the account's usage, then try again"
        : res.status >= 500
        ? "the provider had an internal error: try again later"
        : "check the model name and the provider settings in config.toml";
      checks.push({
        id: "live",
        status: "fail",
        summary: `POST ${endpoint} answered HTTP ${res.status} after ${
          seconds(performance.now() - t0)
        }`,
        detail: text || undefined,
        fix,
      });
      return;
    }
    if (!res.body) throw new Error("empty response body");
    const outcome = await readSse(res.body);
    const took = seconds(performance.now() - t0);
    if (outcome.completed) {
      const reply = outcome.text.trim().replace(/\s+/g, " ").slice(0, 60);
      checks.push({
        id: "live",
        status: "ok",
        summary: `${cfg.model} answered in ${took}${reply ? `: ${JSON.stringify(reply)}` : ""}`,
      });
    } else {
      checks.push({
        id: "live",
        status: "fail",
        summary: outcome.error
          ? `the response failed after ${took}`
          : `the stream closed before response.completed (after ${took})`,
        detail: outcome.error,
        fix: "check that base_url points at a Responses API (POST /responses with stream: true)",
      });
    }
  } catch (err) {
    checks.push({
      id: "live",
      status: "fail",
      summary: `POST ${endpoint} failed after ${seconds(performance.now() - t0)}`,
      detail: firstLine(err),
      fix: "see the dns/tcp/tls checks above; run with --skip-live to check offline",
    });
  }
}

/** Probes bubblewrap with a workspace-write sandbox: a write inside must work, one outside must fail. */
async function sandboxCheck(
  ctx: Context,
  mode: SandboxMode | undefined,
  checks: DoctorCheck[],
): Promise<void> {
  // Without a sandbox, danger-full-access still works: then a broken sandbox is only a warning.
  const soft: CheckStatus = mode === "danger-full-access" ? "warn" : "fail";
  if (Deno.build.os !== "linux") {
    checks.push({
      id: "sandbox",
      status: "warn",
      summary: `no sandbox implementation for ${Deno.build.os}`,
      fix: "commands run unconfined here; use danger-full-access knowingly",
    });
    return;
  }
  const path = ctx.env.PATH ?? DEFAULT_PATH;
  const bwrap = findExecutable(ctx.opts.bwrapPath ?? "bwrap", path);
  const sh = findExecutable("sh", DEFAULT_PATH);
  if (!bwrap || !sh) {
    checks.push({
      id: "sandbox",
      status: soft,
      summary: `${ctx.opts.bwrapPath ?? "bwrap"} not found${bwrap ? " (no sh)" : " on PATH"}`,
      fix:
        "install bubblewrap (e.g. sudo apt-get install bubblewrap), or run with -s danger-full-access",
    });
    return;
  }
  const base = await Deno.makeTempDir({ prefix: "denocodex-doctor-" });
  try {
    const ws = join(base, "workspace");
    const outside = join(base, "outside");
    await Deno.mkdir(ws);
    await Deno.mkdir(outside);
    const script =
      'echo in > "$1/inside" || exit 3; if echo out > "$2/escaped" 2>/dev/null; then exit 4; fi';
    const argv = wrapCommand(
      [sh, "-c", script, "probe", ws, outside],
      makePolicy("workspace-write", ws),
      { cwd: ws, bwrapPath: bwrap, privateTmp: [] },
    );
    const out = await new Deno.Command(argv[0], {
      args: argv.slice(1),
      stdin: "null",
      stdout: "null",
      stderr: "piped",
    }).output();
    const inside = await Deno.lstat(join(ws, "inside")).then(() => true, () => false);
    const escaped = await Deno.lstat(join(outside, "escaped")).then(() => true, () => false);
    if (out.code === 0 && inside && !escaped) {
      checks.push({
        id: "sandbox",
        status: "ok",
        summary: `bubblewrap works (${bwrap}): writes inside the workspace succeed, outside fail`,
      });
    } else if (escaped || out.code === 4) {
      checks.push({
        id: "sandbox",
        status: "fail",
        summary: "bubblewrap ran but a write outside the workspace succeeded",
        fix:
          "the sandbox does not confine writes here; do not rely on it (report this with your bwrap version)",
      });
    } else {
      const err = new TextDecoder().decode(out.stderr).trim().split("\n")[0];
      checks.push({
        id: "sandbox",
        status: soft,
        summary: `bubblewrap cannot create a sandbox (exit code ${out.code})`,
        detail: err || undefined,
        fix:
          "enable unprivileged user namespaces (sysctl kernel.unprivileged_userns_clone=1) or run with -s danger-full-access",
      });
    }
  } catch (err) {
    checks.push({
      id: "sandbox",
      status: soft,
      summary: `bubblewrap could not run`,
      detail: firstLine(err),
      fix: "reinstall bubblewrap, or run with -s danger-full-access",
    });
  } finally {
    await Deno.remove(base, { recursive: true }).catch(() => {});
  }
}

async function toolChecks(ctx: Context, checks: DoctorCheck[]): Promise<void> {
  const path = ctx.env.PATH ?? DEFAULT_PATH;
  const git = findExecutable("git", path);
  if (!git) {
    checks.push({
      id: "git",
      status: "warn",
      summary: "git not found on PATH",
      fix: "install git (workspace metadata and reviews use it)",
    });
  } else {
    try {
      const out = await new Deno.Command(git, {
        args: ["--version"],
        stdin: "null",
        stderr: "null",
      })
        .output();
      const v = new TextDecoder().decode(out.stdout).trim();
      checks.push(
        out.success
          ? { id: "git", status: "ok", summary: `${v} (${git})` }
          : { id: "git", status: "warn", summary: `${git} --version failed`, fix: "reinstall git" },
      );
    } catch (err) {
      checks.push({
        id: "git",
        status: "warn",
        summary: `${git} cannot run`,
        detail: firstLine(err),
        fix: "reinstall git",
      });
    }
  }

  const shell = ctx.env.SHELL?.trim();
  const shellPath = shell ? (findExecutable(shell, path) ?? undefined) : undefined;
  if (shell && shellPath) {
    checks.push({ id: "shell", status: "ok", summary: `SHELL=${shell}` });
  } else {
    const fallback = findExecutable("bash", path) ?? findExecutable("sh", path);
    checks.push({
      id: "shell",
      status: fallback ? "warn" : "fail",
      summary: shell
        ? `SHELL=${shell} is not an executable`
        : `SHELL is not set${fallback ? `; commands use ${fallback}` : ""}`,
      fix: fallback
        ? "set SHELL to your login shell (e.g. export SHELL=/bin/bash)"
        : "install bash or sh: commands cannot run without a shell",
    });
  }

  const [major] = Deno.version.deno.split(".").map(Number);
  checks.push({
    id: "deno",
    status: major >= 2 ? "ok" : "warn",
    summary:
      `Deno ${Deno.version.deno} (V8 ${Deno.version.v8}, TypeScript ${Deno.version.typescript})`,
    ...(major >= 2 ? {} : { fix: "upgrade to Deno 2 (npm install -g deno)" }),
  });
}

/** Runs all checks and returns the report (nothing printed). */
export async function runDoctor(
  env: Record<string, string | undefined>,
  cwd: string,
  flags: { skipLive?: boolean; profile?: string; overrides?: string[] } = {},
  opts: DoctorOptions = {},
): Promise<{ report: DoctorReport; redact: (text: string) => string }> {
  const ctx: Context = {
    env,
    cwd,
    profile: flags.profile,
    overrides: flags.overrides ?? [],
    skipLive: flags.skipLive ?? false,
    opts,
    secrets: new Set(),
  };
  const checks: DoctorCheck[] = [];
  const cfg = await configChecks(ctx, checks);
  await sandboxCheck(ctx, cfg?.sandboxMode, checks);
  await toolChecks(ctx, checks);
  const redact = makeRedactor(ctx.secrets);
  const clean = checks.map((c) => {
    const out: DoctorCheck = { id: c.id, status: c.status, summary: redact(c.summary) };
    if (c.detail) out.detail = redact(c.detail);
    if (c.fix) out.fix = redact(c.fix);
    return out;
  });
  return {
    report: { version: 1, ok: !clean.some((c) => c.status === "fail"), checks: clean },
    redact,
  };
}

/** Renders the human-readable report. */
export function formatDoctorText(report: DoctorReport): string {
  const width = Math.max(...report.checks.map((c) => c.id.length));
  const lines = [`denocodex doctor (denocodex ${VERSION})`];
  for (const c of report.checks) {
    const tag = c.status === "ok" ? "ok  " : c.status === "warn" ? "warn" : "FAIL";
    lines.push(`  ${tag}  ${c.id.padEnd(width)}  ${c.summary}`);
    const pad = " ".repeat(width + 10);
    if (c.status !== "ok" && c.detail) lines.push(`${pad}${c.detail}`);
    if (c.fix) lines.push(`${pad}fix: ${c.fix}`);
  }
  const failed = report.checks.filter((c) => c.status === "fail").length;
  const warned = report.checks.filter((c) => c.status === "warn").length;
  const n = report.checks.length;
  lines.push(
    failed || warned
      ? `doctor: ${failed} failed, ${warned} warning${warned === 1 ? "" : "s"} (of ${n} checks)`
      : `doctor: all ${n} checks passed`,
  );
  return lines.join("\n") + "\n";
}

/** `denocodex doctor`'s options. */
export const DOCTOR_OPTIONS = {
  json: { type: "boolean" },
  "skip-live": { type: "boolean" },
  profile: { type: "string", short: "p" },
  config: { type: "string", short: "c", multiple: true },
  help: { type: "boolean", short: "h" },
} as const;

/**
 * Runs `denocodex doctor ARGS`; prints the text report (or `--json`) and returns 0 when no check
 * failed, 1 when one did, 2 for bad arguments.
 */
export async function doctorCommand(
  args: string[],
  env: Record<string, string | undefined>,
  cwd: string,
  opts: DoctorOptions = {},
): Promise<number> {
  const stdout = opts.stdout ?? ((t: string) => void Deno.stdout.writeSync(enc.encode(t)));
  const stderr = opts.stderr ?? ((t: string) => void Deno.stderr.writeSync(enc.encode(t)));
  let values;
  try {
    ({ values } = parseArgs({
      args,
      options: DOCTOR_OPTIONS,
      strict: true,
      allowPositionals: false,
    }));
  } catch (err) {
    stderr(`Error: ${firstLine(err)}\n${USAGE}\n`);
    return 2;
  }
  if (values.help) {
    stdout(`${USAGE}\n`);
    return 0;
  }
  const { report, redact } = await runDoctor(env, cwd, {
    skipLive: values["skip-live"],
    profile: values.profile,
    overrides: values.config,
  }, opts);
  stdout(redact(values.json ? `${JSON.stringify(report, null, 2)}\n` : formatDoctorText(report)));
  return report.ok ? 0 : 1;
}
