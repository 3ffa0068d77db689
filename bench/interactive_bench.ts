/**
 * Benchmarks of the interactive session, against the real program on a pseudo-terminal.
 *
 * - Start to a ready prompt (`deno run -A main.ts` until the composer shows), against `deno run`
 *   of an empty script (until it exits); medians of interleaved runs.
 * - First streamed token: from the moment the server writes a delta to the moment it shows on
 *   the terminal, against a minimal Deno program that fetches the same stream and writes each
 *   delta to stdout (the cost of getting bytes through Deno, TCP and the terminal at all).
 *   Also in-process: an event handed to the transcript until its text is written.
 * - Rendering 1 MB of streamed markdown (in-process, the session's own view and screen writing
 *   to /dev/null) in tokens per second, against writing the raw deltas; and, end to end, the
 *   lag of the last token after 100 KB streamed at 5,000 tokens/s.
 *
 * Run: `deno run -A bench/interactive_bench.ts`
 *
 * @module
 */

import { join } from "node:path";
import { PtyDriver } from "../lib/cli/interactive/pty_driver.ts";
import { Screen } from "../lib/cli/interactive/screen.ts";
import { makeStyle } from "../lib/cli/interactive/style.ts";
import { TranscriptView } from "../lib/cli/interactive/view.ts";
import { buildEvents } from "../tests/fakes/responses_server.ts";
import { cleanup, makeHome, makeWorkspace, ROOT, testEnv } from "../tests/helpers.ts";

const READY = /Ask denocodex to do anything/;
const STARTS = 7;
const TOKENS = 7;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

function line(
  name: string,
  value: number,
  unit: string,
  baseName: string,
  base: number,
  target: string,
) {
  const ratio = base > 0 ? (value / base).toFixed(2) : "n/a";
  console.log(
    `${name}: ${value.toFixed(value < 10 ? 2 : 0)} ${unit} (baseline ${baseName}: ${
      base.toFixed(base < 10 ? 2 : 0)
    } ${unit}, ratio ${ratio}, target ${target})`,
  );
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const enc = new TextEncoder();

/** A raw SSE server whose responses are written by `respond` (one request per connection). */
function sseServer(respond: (write: (s: string) => Promise<void>, n: number) => Promise<void>) {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  let n = 0;
  const conns = new Set<Deno.Conn>();
  const done = (async () => {
    for await (const conn of listener) {
      conns.add(conn);
      void (async () => {
        try {
          const buf = new Uint8Array(1 << 20);
          let head = "";
          while (!head.includes("\r\n\r\n")) {
            const r = await conn.read(buf);
            if (r === null) return;
            head += new TextDecoder().decode(buf.subarray(0, r));
          }
          const len = Number(/content-length: (\d+)/i.exec(head)?.[1] ?? 0);
          let body = head.length - head.indexOf("\r\n\r\n") - 4;
          while (body < len) {
            const r = await conn.read(buf);
            if (r === null) return;
            body += r;
          }
          const write = async (s: string) => {
            let data = enc.encode(s);
            while (data.length) data = data.subarray(await conn.write(data));
          };
          await write(
            "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\nconnection: close\r\n\r\n",
          );
          await respond(write, n++);
        } catch {
          // client went away
        } finally {
          conns.delete(conn);
          try {
            conn.close();
          } catch { /* closed */ }
        }
      })();
    }
  })();
  return {
    url: `http://127.0.0.1:${port}/v1`,
    async close() {
      listener.close();
      for (const c of conns) {
        try {
          c.close();
        } catch { /* closed */ }
      }
      await done.catch(() => {});
    },
  };
}

/** Start-up: the session until the composer shows vs an empty script until it exits. */
async function benchStartup(ws: string, home: string): Promise<void> {
  const dir = await Deno.makeTempDir();
  const empty = join(dir, "empty.ts");
  await Deno.writeTextFile(empty, "");
  const env = testEnv(home);
  const ours: number[] = [];
  const base: number[] = [];
  for (let i = 0; i < STARTS; i++) {
    let t0 = performance.now();
    const b = PtyDriver.start([Deno.execPath(), "run", "-A", "--quiet", empty], { cwd: ws, env });
    await b.exit();
    base.push(performance.now() - t0);
    t0 = performance.now();
    const d = PtyDriver.start([Deno.execPath(), "run", "-A", "--quiet", join(ROOT, "main.ts")], {
      cwd: ws,
      env,
    });
    await d.waitFor(READY);
    ours.push(performance.now() - t0);
    await d.waitFor(/>_ denocodex/);
    await d.type("\x04");
    await d.exit();
  }
  await cleanup(dir);
  line(
    "start to ready prompt",
    median(ours),
    "ms",
    "deno run empty script",
    median(base),
    "<= 150 ms median",
  );
}

/** A minimal Deno program: POST, read the SSE stream, print each text delta (`URL COUNT`). */
async function writeBareScript(dir: string): Promise<string> {
  const script = join(dir, "bare.ts");
  await Deno.writeTextFile(
    script,
    `const url = Deno.args[0];
const enc = new TextEncoder();
for (let i = 0; i < Number(Deno.args[1]); i++) {
  const res = await fetch(url + "/responses", { method: "POST", body: "{}", headers: { "content-type": "application/json" } });
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buf = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buf += value;
    let k;
    while ((k = buf.indexOf("\\n\\n")) >= 0) {
      const block = buf.slice(0, k); buf = buf.slice(k + 2);
      const data = block.split("\\n").find((l) => l.startsWith("data: "));
      if (!data) continue;
      const ev = JSON.parse(data.slice(6));
      if (ev.type === "response.output_text.delta") Deno.stdout.writeSync(enc.encode(ev.delta));
    }
  }
  Deno.stdout.writeSync(enc.encode("\\n"));
}
`,
  );
  return script;
}

/** First token: server write to terminal display, ours vs a bare fetch-and-print program. */
async function benchFirstToken(ws: string): Promise<void> {
  const sent: number[] = [];
  const server = sseServer(async (write, n) => {
    const ev = buildEvents(
      { output: [{ type: "message", text: `TOKEN${n}X and the rest of the answer.`, chunks: 4 }] },
      n + 1,
    );
    for (const e of ev.slice(0, 2)) await write(e);
    await sleep(150);
    sent[n] = performance.now();
    await write(ev[2]);
    await sleep(30);
    for (const e of ev.slice(3)) await write(e);
  });
  const home = await makeHome(server.url);
  const dir = await Deno.makeTempDir();
  const script = await writeBareScript(dir);
  const env = testEnv(home);
  // Bare program: requests 0..TOKENS-1.
  const bare = PtyDriver.start(
    [Deno.execPath(), "run", "-A", "--quiet", script, server.url, String(TOKENS)],
    { env },
  );
  const bareSeen: number[] = [];
  bare.onChunk((_t, at) => {
    for (let n = bareSeen.length; n < TOKENS && bare.text.includes(`TOKEN${n}X`); n++) {
      bareSeen[n] = at;
    }
  });
  await bare.exit();
  const baseLat = bareSeen.map((t, n) => t - sent[n]);
  // The session: requests TOKENS..2*TOKENS-1.
  const d = PtyDriver.start([Deno.execPath(), "run", "-A", "--quiet", join(ROOT, "main.ts")], {
    cwd: ws,
    env,
  });
  await d.waitFor(READY);
  await d.waitFor(/>_ denocodex/);
  const seen: number[] = [];
  const from = TOKENS;
  d.onChunk((_t, at) => {
    for (let n = from + seen.length; n < 2 * TOKENS && d.text.includes(`TOKEN${n}X`); n++) {
      seen[n - from] = at;
    }
  });
  for (let i = 0; i < TOKENS; i++) {
    const mark = d.mark;
    await d.type(`question ${i}\r`);
    await d.waitFor(/Answered in/, { from: mark });
  }
  await d.type("\x04");
  await d.exit();
  await server.close();
  await cleanup(dir, home);
  const ours = seen.map((t, i) => t - sent[from + i]);
  line(
    "first token displayed after its arrival",
    median(ours),
    "ms",
    "bare fetch+print",
    median(baseLat),
    "<= 5 ms over baseline",
  );

  // In-process: the event handed to the view until its text is written.
  const writes: number[] = [];
  let wanted = "";
  const screen = new Screen(
    {
      write: (t) => {
        if (wanted && t.includes(wanted)) writes.push(performance.now());
      },
      size: () => ({ columns: 100, rows: 30 }),
    },
    { compose: (w) => ({ rows: view.liveRows(w) }), live: true },
  );
  const view: TranscriptView = new TranscriptView({
    sink: { commit: (r) => screen.commit(r), changed: (u) => screen.schedule(u), width: () => 100 },
    style: makeStyle(true),
    cwd: () => "/",
    contextWindow: () => 200_000,
  });
  const handed: number[] = [];
  for (let i = 0; i < 50; i++) {
    await sleep(20);
    wanted = `tok${i}z`;
    handed.push(performance.now());
    view.handle({ type: "agent_message_delta", item_id: `m${i}`, delta: wanted });
  }
  const inproc = writes.map((t, i) => t - handed[i]);
  // Baseline: the same delta written straight to the same sink.
  const direct: number[] = [];
  const sink = (t: string) => {
    if (t.includes(wanted)) writes.push(performance.now());
  };
  writes.length = 0;
  for (let i = 0; i < 50; i++) {
    await sleep(2);
    wanted = `raw${i}z`;
    const t0 = performance.now();
    sink(wanted);
    direct.push(writes[writes.length - 1] - t0);
  }
  line(
    "first token, event to terminal write (in-process)",
    median(inproc),
    "ms",
    "direct write",
    median(direct),
    "<= 5 ms",
  );
}

/** ~1 MB of assorted markdown. */
function sampleMarkdown(bytes: number): string {
  const blocks = [
    "## Section heading\n",
    "This paragraph explains **what** changed and `why` it matters, with a [link](https://example.com) and some *emphasis* to render.\n",
    "- first point about the change\n- second point, a little longer so that it wraps across the terminal width at eighty columns\n  - a nested point\n",
    "```ts\nexport function add(a: number, b: number): number {\n  // add two numbers\n  return a + b;\n}\n```\n",
    "1. step one\n2. step two\n",
    "> a quoted remark\n",
    "| col | value |\n|---|---|\n| a | 1 |\n",
  ];
  let out = "";
  for (let i = 0; out.length < bytes; i++) out += blocks[i % blocks.length] + "\n";
  return out;
}

function tokens(text: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < text.length; i += 4) out.push(text.slice(i, i + 4));
  return out;
}

/** Rendering throughput in-process, and the end-to-end lag at 5,000 tokens/s. */
async function benchRendering(ws: string): Promise<void> {
  const text = sampleMarkdown(1024 * 1024);
  const toks = tokens(text);
  const devnull = Deno.openSync("/dev/null", { write: true });
  const write = (t: string) => void devnull.writeSync(enc.encode(t));
  // Baseline: the raw deltas written as they come.
  let t0 = performance.now();
  for (const t of toks) write(t);
  const baseSecs = (performance.now() - t0) / 1000;
  // The session's view and screen.
  const screen = new Screen(
    { write, size: () => ({ columns: 80, rows: 24 }) },
    { compose: (w) => ({ rows: view.liveRows(w) }), live: true },
  );
  const view: TranscriptView = new TranscriptView({
    sink: { commit: (r) => screen.commit(r), changed: (u) => screen.schedule(u), width: () => 80 },
    style: makeStyle(true),
    cwd: () => "/",
    contextWindow: () => 200_000,
  });
  view.handle({ type: "turn_started", turn_id: "t", input: ["go"] });
  t0 = performance.now();
  for (const t of toks) view.handle({ type: "agent_message_delta", item_id: "m", delta: t });
  view.handle({
    type: "turn_completed",
    turn_id: "t",
    usage: {
      input_tokens: 1,
      cached_input_tokens: 0,
      cache_write_input_tokens: 0,
      output_tokens: 1,
      reasoning_output_tokens: 0,
    },
    last_message: null,
  });
  screen.close();
  const secs = (performance.now() - t0) / 1000;
  devnull.close();
  line(
    "render 1 MB streamed markdown",
    toks.length / secs,
    "tokens/s",
    "raw delta writes",
    toks.length / baseSecs,
    ">= 5000 tokens/s",
  );

  // End to end: 100 KB at 5,000 tokens/s (4 characters a token), lag of the last token.
  const e2eText = sampleMarkdown(100 * 1024) + "LASTTOKENQ\n";
  const e2eToks = tokens(e2eText);
  const lastSent: number[] = [];
  const server = sseServer(async (writeSse, n) => {
    const id = "msg_bench";
    await writeSse(
      `data: ${
        JSON.stringify({
          type: "response.created",
          response: { id: "r", status: "in_progress", output: [] },
        })
      }\n\n`,
    );
    const start = performance.now();
    const perBatch = 50; // 50 tokens every 10 ms = 5,000 tokens/s
    for (let i = 0; i < e2eToks.length; i += perBatch) {
      const target = start + (i / 5000) * 1000;
      const wait = target - performance.now();
      if (wait > 1) await sleep(wait);
      let chunk = "";
      for (const t of e2eToks.slice(i, i + perBatch)) {
        chunk += `data: ${
          JSON.stringify({
            type: "response.output_text.delta",
            item_id: id,
            output_index: 0,
            content_index: 0,
            delta: t,
          })
        }\n\n`;
      }
      await writeSse(chunk);
      if (i + perBatch >= e2eToks.length) lastSent[n] = performance.now();
    }
    const item = {
      type: "message",
      id,
      status: "completed",
      role: "assistant",
      content: [{ type: "output_text", text: e2eText, annotations: [] }],
    };
    await writeSse(
      `data: ${JSON.stringify({ type: "response.output_item.done", output_index: 0, item })}\n\n`,
    );
    await writeSse(
      `data: ${
        JSON.stringify({
          type: "response.completed",
          response: {
            id: "r",
            status: "completed",
            output: [item],
            usage: { input_tokens: 1, output_tokens: 1 },
          },
        })
      }\n\n`,
    );
  });
  const home = await makeHome(server.url);
  const dir = await Deno.makeTempDir();
  const script = await writeBareScript(dir);
  // Request 0: the bare fetch-and-print program.
  const bare = PtyDriver.start([Deno.execPath(), "run", "-A", "--quiet", script, server.url, "1"], {
    env: testEnv(home),
  });
  let bareShown = 0;
  bare.onChunk((_t, at) => {
    if (!bareShown && bare.text.includes("LASTTOKENQ")) bareShown = at;
  });
  await bare.exit();
  // Request 1: the session, colours on.
  const d = PtyDriver.start([Deno.execPath(), "run", "-A", "--quiet", join(ROOT, "main.ts")], {
    cwd: ws,
    env: testEnv(home, { NO_COLOR: "" }),
    cols: 100,
    rows: 30,
  });
  await d.waitFor(READY);
  await d.waitFor(/>_ denocodex/);
  const mark = d.mark;
  let shown = 0;
  d.onChunk((_t, at) => {
    if (!shown && d.text.indexOf("LASTTOKENQ", mark) >= 0) shown = at;
  });
  await d.type("stream please\r");
  await d.waitFor(/LASTTOKENQ/, { from: mark, timeoutMs: 60_000 });
  await d.type("\x04");
  await d.exit();
  await server.close();
  await cleanup(home, dir);
  line(
    "last token shown after 100 KB at 5000 tokens/s (lag)",
    shown - lastSent[1],
    "ms",
    "bare fetch+print",
    bareShown - lastSent[0],
    "<= 50 ms",
  );
}

if (import.meta.main) {
  const ws = await makeWorkspace({ "README.md": "# bench\n" });
  const server = sseServer(async () => {});
  const home = await makeHome(server.url);
  try {
    await benchStartup(ws, home);
    await benchFirstToken(ws);
    await benchRendering(ws);
  } finally {
    await server.close();
    await cleanup(ws, home);
  }
}
