/**
 * Benchmarks of sessions.
 *
 * - Resume to first request: a generated rollout of 5,000 history items (about 50 MB, written by
 *   the real recorder) is found by id, loaded, turned into a thread and sent; the clock stops when
 *   a server (in this parent process) has received the whole first request. Baseline: reading and
 *   JSON-parsing the same file. Each runs in a fresh child process (median of `BENCH_RUNS`, 3).
 * - Memory while resuming: the child's peak RSS growth (VmHWM after resetting it) over the
 *   rollout's size, up to the thread being ready (the load) and up to the first request sent
 *   (which adds the client's serialized body), against the same for reading + parsing the file.
 * - Appending an item: `SessionRecorder.onHistoryItem` of a 10 KB tool output (one line, written
 *   before the call returns), against a raw `writeSync` of the same serialized line.
 *
 * Run: `deno run -A bench/session_bench.ts`
 *
 * @module
 */

import { join } from "node:path";
import type { AnyItem } from "../lib/protocol/items.ts";
import { emptyUsage } from "../lib/protocol/events.ts";
import { rolloutPath } from "../lib/session/paths.ts";
import { RolloutWriter } from "../lib/session/writer.ts";
import { SessionRecorder } from "../lib/session/recorder.ts";
import { loadConfig } from "../lib/config/load.ts";
import { openSessionThread, targetSession } from "../lib/cli/resume_cmd.ts";

const ITEMS = 5000;
const TARGET_BYTES = 50 * 1024 * 1024;
const THREAD_ID = "01a21040-dade-7e00-a2ac-71a531f740ab";
const RUNS = Number(Deno.env.get("BENCH_RUNS") ?? 3);

const WORDS = "the quick brown fox jumps over lazy dogs while compilers emit warnings about unused \
variables and tests pass or fail depending on the weather in the data center"
  .split(" ");

function text(bytes: number, seed: number): string {
  const parts: string[] = [];
  let n = 0;
  let x = seed;
  while (n < bytes) {
    x = (x * 1103515245 + 12345) & 0x7fffffff;
    const w = WORDS[x % WORDS.length];
    parts.push(w);
    n += w.length + 1;
    if (x % 11 === 0) {
      parts.push("\n");
      n++;
    }
  }
  return parts.join(" ").slice(0, bytes);
}

function meta(home: string) {
  return {
    id: THREAD_ID,
    timestamp: new Date().toISOString(),
    cwd: home,
    originator: "codex_exec",
    cliVersion: "0.1.0",
    source: "exec",
    modelProvider: "bench",
    contextWindowId: "01a21040-daf3-7843-82f7-83d7da2b2874",
  };
}

const settings = () => ({
  cwd: "/bench",
  approvalPolicy: "never",
  sandboxMode: "danger-full-access",
  model: "gpt-5.5",
});

/** Writes the 5,000-item rollout with the real recorder; returns its path and size. */
async function generate(home: string): Promise<{ path: string; bytes: number }> {
  const path = rolloutPath(home, THREAD_ID, new Date());
  const writer = await RolloutWriter.open(path, { mode: "create" });
  const rec = new SessionRecorder({
    writer,
    meta: meta(home),
    baseFromFirstItem: true,
    turnSettings: settings,
    contextWindow: () => 258400,
  });
  const msg = (role: "developer" | "user", t: string, id: string): AnyItem => ({
    type: "message",
    id,
    role,
    content: [{ type: "input_text", text: t }],
  });
  rec.onHistoryItem(msg("developer", text(3000, 1), "msg_base"));
  rec.onHistoryItem(msg("developer", text(600, 2), "msg_dev"));
  rec.onHistoryItem(
    msg("user", `<environment_context>${text(400, 3)}</environment_context>`, "msg_env"),
  );
  const turns = Math.floor((ITEMS - 3) / 4);
  const outputBytes = Math.floor(TARGET_BYTES / turns) - 3200;
  for (let t = 0; t < turns; t++) {
    const turnId = `turn-${t}`;
    rec.handleEvent({ type: "turn_started", turn_id: turnId, input: [] });
    rec.onHistoryItem(msg("user", text(200, t + 10), `msg_u${t}`));
    const usage = { ...emptyUsage(), input_tokens: 100_000, output_tokens: 50 };
    rec.handleEvent({ type: "token_count", last: usage, total: usage });
    rec.onHistoryItem({
      type: "function_call",
      status: "completed",
      id: `fc_${t}`,
      name: "exec_command",
      arguments: JSON.stringify({ cmd: `grep -rn pattern src/${t}`, yield_time_ms: 1000 }),
      call_id: `call_${t}`,
    });
    rec.onHistoryItem({
      type: "function_call_output",
      id: `fco_${t}`,
      call_id: `call_${t}`,
      output: text(outputBytes, t + 20),
    });
    rec.handleEvent({ type: "token_count", last: usage, total: usage });
    rec.onHistoryItem({
      type: "message",
      status: "completed",
      id: `msg_a${t}`,
      role: "assistant",
      content: [{ type: "output_text", text: text(1200, t + 30), annotations: [], logprobs: [] }],
    });
    rec.handleEvent({ type: "turn_completed", turn_id: turnId, usage, last_message: "" });
  }
  // Pad to exactly ITEMS history items.
  for (let i = 3 + turns * 4; i < ITEMS; i++) {
    rec.onHistoryItem(msg("user", text(200, i), `msg_p${i}`));
  }
  await rec.close();
  return { path, bytes: (await Deno.stat(path)).size };
}

function procStatus(key: "VmHWM" | "VmRSS"): number {
  const status = Deno.readTextFileSync("/proc/self/status");
  return Number(new RegExp(`${key}:\\s+(\\d+) kB`).exec(status)?.[1] ?? NaN) * 1024;
}

/** Resets the peak RSS to the current RSS (Linux); returns the RSS to measure growth from. */
function resetPeak(): number {
  try {
    Deno.writeTextFileSync("/proc/self/clear_refs", "5");
  } catch { /* older kernels: growth is then measured from the current RSS anyway */ }
  return procStatus("VmRSS");
}

/** A server that reads and discards request bodies and answers with a minimal stream. */
function startSink(onBody: (bytes: number) => void): Deno.HttpServer & { port: number } {
  const sse = [
    {
      type: "response.output_item.done",
      item: { type: "message", role: "assistant", content: [{ type: "output_text", text: "ok" }] },
    },
    {
      type: "response.completed",
      response: { id: "r1", usage: { input_tokens: 1, output_tokens: 1 } },
    },
  ].map((e) => `data: ${JSON.stringify(e)}\n\n`).join("");
  const server = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen() {} }, async (req) => {
    let bytes = 0;
    if (req.body) { for await (const chunk of req.body) bytes += chunk.length; }
    onBody(bytes);
    return new Response(sse, { headers: { "content-type": "text/event-stream" } });
  });
  return Object.assign(server, { port: (server.addr as Deno.NetAddr).port });
}

/**
 * Child: resumes the session (the sink runs in the parent, so its buffers are not counted here).
 * Prints the epoch ms at the start, the load phase's duration and RSS growth, and the growth up
 * to the end of the first request.
 */
async function childResume(home: string): Promise<void> {
  const env = { CODEX_HOME: home, HOME: home, BENCH_KEY: "k", PATH: Deno.env.get("PATH") ?? "" };
  const base = resetPeak();
  const start = performance.timeOrigin + performance.now();
  const t0 = performance.now();
  const config = await loadConfig({ env, cwd: home, cli: { approvalPolicy: "never" } });
  const target = await targetSession({ codexHome: config.codexHome, cwd: home, id: THREAD_ID });
  const session = await openSessionThread({
    config,
    cwd: home,
    originator: "codex_exec",
    turnTrigger: "exec",
    target: { mode: "resume", session: target },
    source: "exec",
    ephemeral: true,
  });
  const loadMs = performance.now() - t0;
  const loadGrowth = procStatus("VmHWM") - base;
  await session.thread.run("continue");
  const growth = procStatus("VmHWM") - base;
  await session.close();
  console.log(JSON.stringify({
    start,
    loadMs,
    loadGrowth,
    growth,
    history: session.thread.history.length,
  }));
}

/** Child: read + parse the file (the baseline); prints {ms, growth}. */
async function childParse(path: string): Promise<void> {
  const base = resetPeak();
  const t0 = performance.now();
  const textAll = await Deno.readTextFile(path);
  const records = textAll.split("\n").filter((l) => l).map((l) => JSON.parse(l));
  const ms = performance.now() - t0;
  const growth = procStatus("VmHWM") - base;
  console.log(JSON.stringify({ ms, growth, records: records.length }));
}

async function runChild(args: string[]): Promise<Record<string, number>> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--quiet", new URL(import.meta.url).pathname, "--child", ...args],
    stdout: "piped",
    stderr: "inherit",
  }).output();
  if (!out.success) throw new Error(`child ${args[0]} failed`);
  const lines = new TextDecoder().decode(out.stdout).trim().split("\n");
  return JSON.parse(lines[lines.length - 1]);
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function line(
  name: string,
  value: number,
  unit: string,
  what: string,
  base: number,
  target: string,
) {
  const ratio = base > 0 ? value / base : NaN;
  console.log(
    `${name}: ${value.toFixed(unit === "x" ? 2 : 3)} ${unit} (baseline ${what}: ${
      base.toFixed(unit === "x" ? 2 : 3)
    } ${unit}, ratio ${ratio.toFixed(2)}, target ${target})`,
  );
}

async function benchAppend(dir: string): Promise<void> {
  const N = 2000;
  const item = (i: number): AnyItem => ({
    type: "function_call_output",
    id: `fco_${i}`,
    call_id: `call_${i}`,
    output: text(10 * 1024, i),
  });
  const items = Array.from({ length: N }, (_, i) => item(i));
  const writer = await RolloutWriter.open(join(dir, "append.jsonl"), { mode: "create" });
  const rec = new SessionRecorder({
    writer,
    meta: { ...meta(dir), id: "01a21040-0000-7000-8000-000000000001" },
    turnSettings: settings,
    contextWindow: () => 258400,
  });
  const times: number[] = [];
  for (const it of items) {
    const t = performance.now();
    rec.onHistoryItem(it);
    times.push(performance.now() - t);
  }
  await rec.close();
  const lines = items.map((it) =>
    new TextEncoder().encode(
      JSON.stringify({ timestamp: new Date().toISOString(), type: "response_item", payload: it }) +
        "\n",
    )
  );
  const raw = await Deno.open(join(dir, "raw.jsonl"), { create: true, append: true });
  const rawTimes: number[] = [];
  for (const l of lines) {
    const t = performance.now();
    raw.writeSync(l);
    rawTimes.push(performance.now() - t);
  }
  raw.close();
  const p99 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * 0.99)];
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  line(
    "append_item_10kb_mean",
    mean(times),
    "ms",
    "raw writeSync of the serialized line",
    mean(rawTimes),
    "<= 1 ms",
  );
  line("append_item_10kb_p99", p99(times), "ms", "raw writeSync p99", p99(rawTimes), "<= 1 ms");
}

async function main(): Promise<void> {
  const home = await Deno.makeTempDir({ prefix: "dcx-session-bench-" });
  try {
    const { path, bytes } = await generate(home);
    const resumes: Record<string, number>[] = [];
    const parses: Record<string, number>[] = [];
    let done = 0;
    let received = 0;
    const sink = startSink((bytes) => {
      done = performance.timeOrigin + performance.now();
      received = bytes;
    });
    await Deno.writeTextFile(
      join(home, "config.toml"),
      `model = "gpt-5.5"\nmodel_provider = "bench"\n[model_providers.bench]\nname = "bench"\n` +
        `base_url = "http://127.0.0.1:${sink.port}/v1"\nenv_key = "BENCH_KEY"\n` +
        `wire_api = "responses"\n`,
    );
    try {
      for (let i = 0; i < RUNS; i++) {
        parses.push(await runChild(["parse", path]));
        done = 0;
        const r = await runChild(["resume", home]);
        resumes.push({ ...r, ms: done - r.start, received });
      }
    } finally {
      await sink.shutdown();
    }
    const r = resumes[0];
    if (Deno.env.get("BENCH_VERBOSE")) console.log(JSON.stringify({ resumes, parses }));
    if (r.history !== ITEMS + 2) {
      throw new Error(`resumed ${r.history} items, expected ${ITEMS + 2}`);
    }
    const mb = bytes / (1024 * 1024);
    console.log(
      `# rollout: ${ITEMS} items, ${mb.toFixed(1)} MB; first request ${
        (r.received / 1048576).toFixed(1)
      } MB`,
    );
    line(
      "resume_to_first_request",
      median(resumes.map((x) => x.ms)),
      "ms",
      "read + JSON.parse of the rollout",
      median(parses.map((x) => x.ms)),
      "<= 400 ms",
    );
    line(
      "resume_load_ms",
      median(resumes.map((x) => x.loadMs)),
      "ms",
      "read + JSON.parse of the rollout",
      median(parses.map((x) => x.ms)),
      "none (part of the above: find, load, open the thread)",
    );
    line(
      "resume_load_peak_rss_growth",
      median(resumes.map((x) => x.loadGrowth)) / bytes,
      "x",
      "read + JSON.parse growth",
      median(parses.map((x) => x.growth)) / bytes,
      "<= 2.00 x rollout size",
    );
    line(
      "resume_first_request_peak_rss_growth",
      median(resumes.map((x) => x.growth)) / bytes,
      "x",
      "read + JSON.parse growth",
      median(parses.map((x) => x.growth)) / bytes,
      "none (adds the client's JSON body and its encoded copy)",
    );
    await benchAppend(home);
  } finally {
    await Deno.remove(home, { recursive: true }).catch(() => {});
  }
}

if (import.meta.main) {
  const [flag, kind, arg] = Deno.args;
  if (flag === "--child" && kind === "resume") await childResume(arg);
  else if (flag === "--child" && kind === "parse") await childParse(arg);
  else await main();
}
