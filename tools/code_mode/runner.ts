/**
 * The code-mode runner: one process per `exec` cell. It reads the cell's `init` from stdin,
 * gives up every permission it has, runs the script as an async function with the helpers
 * (`text`, `image`, `store`, `load`, `exit`, `notify`, `yield_control`, `ALL_TOOLS`, `tools`),
 * and reports through stdout (see `protocol.ts`). `tools.<name>(args)` asks the host, which runs
 * the real tool (sandbox, approvals and events apply there). `console`, `Deno` and `process`
 * are not available to the script.
 *
 * Started as `denocodex __code-mode-runner` (bundled or compiled) or as this module directly
 * (from source). It imports nothing, so it starts fast.
 *
 * @module
 */

import type { HostMessage, NestedToolInfo, RunnerMessage } from "./protocol.ts";

const encoder = new TextEncoder();

function send(msg: RunnerMessage): void {
  const data = encoder.encode(JSON.stringify(msg) + "\n");
  let off = 0;
  while (off < data.length) off += Deno.stdout.writeSync(data.subarray(off));
}

/** Reads JSON lines from stdin, calling `onMessage` for each. */
async function readMessages(onMessage: (msg: HostMessage) => void): Promise<void> {
  const decoder = new TextDecoder();
  let buf = "";
  for await (const chunk of Deno.stdin.readable) {
    buf += decoder.decode(chunk, { stream: true });
    let nl: number;
    while ((nl = buf.indexOf("\n")) >= 0) {
      const line = buf.slice(0, nl);
      buf = buf.slice(nl + 1);
      if (line.trim()) onMessage(JSON.parse(line) as HostMessage);
    }
  }
}

/** Drops every permission the process may hold (compiled binaries carry theirs). */
function revokeAll(): void {
  const names = ["read", "write", "net", "env", "run", "ffi", "sys", "import"] as const;
  for (const name of names) {
    try {
      Deno.permissions.revokeSync({ name } as Deno.PermissionDescriptor);
    } catch { /* not a permission on this Deno */ }
  }
}

/** `text(...)`'s stringification. */
function stringify(value: unknown): string {
  if (typeof value === "string") return value;
  if (value === undefined) return "undefined";
  try {
    const json = JSON.stringify(value);
    return json === undefined ? String(value) : json;
  } catch {
    return String(value);
  }
}

class ExitSignal {}

/** Keeps the frames of the script in a stack, as `exec_main.mjs:<line>:<col>`. */
function describeError(err: unknown): string {
  if (err instanceof Error) {
    if (err instanceof SyntaxError) return `SyntaxError: ${err.message}`;
    const frames = (err.stack ?? "").split("\n").slice(1)
      .map((l) => l.match(/exec_main\.mjs(?:, <anonymous>)?:(\d+):(\d+)/))
      .filter((m): m is RegExpMatchArray => m !== null)
      .map((m) => `    at exec_main.mjs:${Math.max(1, Number(m[1]) - 2)}:${m[2]}`);
    return [`${err.name}: ${err.message}`, ...frames].join("\n");
  }
  return String(err);
}

const IMPORT = /^\s*import\s+(?:[\w*{}\s,$]+\s+from\s+)?["']([^"']+)["']/m;

/** Runs one cell; returns the process exit code. */
export async function runCodeModeRunner(): Promise<number> {
  const pending = new Map<string, { resolve(v: unknown): void; reject(e: unknown): void }>();
  let init: Extract<HostMessage, { type: "init" }> | null = null;
  let started: (() => void) | null = null;
  const ready = new Promise<void>((r) => (started = r));
  const reading = readMessages((msg) => {
    if (msg.type === "init") {
      init = msg;
      started?.();
    } else if (msg.type === "tool_result") {
      const p = pending.get(msg.id);
      pending.delete(msg.id);
      if (msg.ok) p?.resolve(msg.value);
      else p?.reject(msg.error);
    }
  }).catch(() => {});
  send({ type: "ready" });
  await Promise.race([ready, reading]);
  if (!init) return 1;
  const cell = init as Extract<HostMessage, { type: "init" }>;
  revokeAll();

  const stored: Record<string, unknown> = { ...cell.stored };
  let calls = 0;
  const tools: Record<string, (input?: unknown) => Promise<unknown>> = {};
  for (const t of cell.tools as NestedToolInfo[]) {
    tools[t.js_name] = (input?: unknown) =>
      new Promise((resolve, reject) => {
        const id = `${t.name}_${++calls}`;
        pending.set(id, { resolve, reject });
        send({ type: "tool_call", id, name: t.name, input: input ?? {} });
      });
  }
  const helpers = {
    tools: Object.freeze(tools),
    text: (value: unknown) => send({ type: "text", text: stringify(value) }),
    image: (value: unknown) => {
      if (typeof value === "string") return send({ type: "image", image_url: value });
      const v = value as {
        image_url?: unknown;
        detail?: unknown;
        type?: unknown;
        data?: unknown;
        mimeType?: unknown;
      };
      if (v && typeof v.image_url === "string") {
        return send({
          type: "image",
          image_url: v.image_url,
          ...(typeof v.detail === "string" ? { detail: v.detail } : {}),
        });
      }
      if (v && v.type === "image" && typeof v.data === "string") {
        const mime = typeof v.mimeType === "string" ? v.mimeType : "image/png";
        return send({ type: "image", image_url: `data:${mime};base64,${v.data}` });
      }
      throw new TypeError("image(...) expects an image URL string or { image_url, detail? }");
    },
    store: (key: unknown, value: unknown) => {
      if (typeof key !== "string") throw new TypeError("store(key, value) expects a string key");
      const json = JSON.stringify(value);
      const copy = json === undefined ? undefined : JSON.parse(json);
      stored[key] = copy;
      send({ type: "store", key, value: copy });
    },
    load: (key: unknown) => {
      const v = stored[String(key)];
      return v === undefined ? undefined : JSON.parse(JSON.stringify(v));
    },
    exit: () => {
      throw new ExitSignal();
    },
    notify: (value: unknown) => send({ type: "notify", text: stringify(value) }),
    yield_control: () => send({ type: "yield" }),
    ALL_TOOLS: Object.freeze(
      (cell.tools as NestedToolInfo[]).map((t) =>
        Object.freeze({ name: t.name, description: t.description })
      ),
    ),
    console: undefined,
    Deno: undefined,
    process: undefined,
  };
  const imported = cell.source.match(IMPORT);
  if (imported) {
    send({ type: "done", ok: false, error: `Unsupported import in exec: ${imported[1]}` });
    return 0;
  }
  try {
    const AsyncFunction = Object.getPrototypeOf(async function () {}).constructor as new (
      ...args: string[]
    ) => (...values: unknown[]) => Promise<unknown>;
    const names = Object.keys(helpers);
    const fn = new AsyncFunction(...names, `${cell.source}\n//# sourceURL=exec_main.mjs`);
    await fn(...names.map((n) => helpers[n as keyof typeof helpers]));
    send({ type: "done", ok: true });
  } catch (err) {
    if (err instanceof ExitSignal) send({ type: "done", ok: true });
    else send({ type: "done", ok: false, error: describeError(err) });
  }
  return 0;
}

if (import.meta.main) {
  Deno.exit(await runCodeModeRunner());
}
