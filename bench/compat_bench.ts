/**
 * Compat server benchmark (loopback only, bounded loops, well under a minute):
 *
 * - added latency per request: a 5-delta streamed answer through the compat server vs straight
 *   from the fake backend (median); baseline: the same through a plain pass-through proxy;
 * - translated stream throughput: delta events per second, over sockets (backend, compat server
 *   and client in separate processes; median of 3 runs after a warm-up run, and the first run on
 *   its own line; also with the backend read through Deno's `fetch`, the compat server's path to
 *   non-loopback backends) and in-process (translation only, pre-encoded backend body); baseline:
 *   the same bytes through the pass-through proxy, read by the client the same way / an untouched
 *   body;
 * - 200 concurrent streams: all complete with every delta (none lost);
 * - memory: compat server RSS before and after 10,000 requests, next to the proxy's.
 *
 * The seed's FastAPI server cannot be installed here (no PyPI), so the pass-through proxy is the
 * baseline. Run: `deno run -A bench/compat_bench.ts`.
 *
 * @module
 */

import { fileURLToPath } from "node:url";
import { createCompatApp } from "../compat/app.ts";
import { startCompatServer } from "../compat/server.ts";

const ROOT = fileURLToPath(new URL("..", import.meta.url));

interface Proc {
  child: Deno.ChildProcess;
  url: string;
}

/** Spawns `deno run -A <script> ...args` and waits for the line announcing its URL. */
async function spawn(script: string, args: string[], pattern: RegExp): Promise<Proc> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", script, ...args],
    cwd: ROOT,
    stdin: "null",
    stdout: "piped",
    stderr: "null",
    env: { DENO_NO_UPDATE_CHECK: "1", NO_COLOR: "1" },
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  for (;;) {
    const m = pattern.exec(text);
    if (m) {
      // Keep draining stdout so the child never blocks on a full pipe.
      (async () => {
        while (!(await reader.read()).done) { /* drain */ }
      })();
      return { child, url: m[1] };
    }
    const { value, done } = await reader.read();
    if (done) throw new Error(`${script} exited before announcing its URL: ${text}`);
    text += value;
  }
}

async function stop(p: Proc): Promise<void> {
  try {
    p.child.kill("SIGTERM");
  } catch {
    // gone
  }
  await p.child.status;
}

function rssMb(pid: number): number {
  const status = Deno.readTextFileSync(`/proc/${pid}/status`);
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return kb / 1024;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function count(text: string, needle: string): number {
  let n = 0;
  for (let i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + needle.length)) n++;
  return n;
}

function line(
  name: string,
  value: number,
  unit: string,
  baseName: string,
  base: number,
  target: string,
  digits = 2,
): void {
  const ratio = base === 0 ? "n/a" : (value / base).toFixed(2);
  console.log(
    `${name}: ${value.toFixed(digits)} ${unit} (baseline ${baseName}: ${
      base.toFixed(digits)
    } ${unit}, ratio ${ratio}, target ${target})`,
  );
}

const chatBody = (n: number) =>
  JSON.stringify({
    model: "bench",
    stream: true,
    messages: [{ role: "user", content: `deltas ${n}` }],
  });
const responsesBody = (n: number, store = true) =>
  JSON.stringify({ model: "bench", stream: true, input: `deltas ${n}`, store });

async function post(url: string, body: string): Promise<string> {
  const res = await fetch(url, {
    method: "POST",
    body,
    headers: { "content-type": "application/json" },
  });
  return await res.text();
}

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const t = performance.now();
  await fn();
  return performance.now() - t;
}

async function pool(
  total: number,
  concurrency: number,
  fn: (i: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < total) await fn(next++);
  }));
}

/** The baseline: forwards chat requests to the backend and pipes the answer back untouched. */
function runProxy(backend: string): void {
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, async (req) => {
    const url = new URL(req.url);
    const res = await fetch(`${backend}${url.pathname.replace(/^\/v1/, "")}`, {
      method: req.method,
      headers: { "content-type": "application/json", accept: req.headers.get("accept") ?? "*/*" },
      body: req.method === "POST" ? await req.text() : undefined,
    });
    return new Response(res.body, { status: res.status, headers: res.headers });
  });
  console.log(`listening on http://127.0.0.1:${server.addr.port}/v1`);
}

/**
 * The compat server reaching the backend through Deno's `fetch`, as it does for backends that are
 * not on loopback (its default client for loopback backends reads the socket directly).
 */
async function runCompatViaFetch(backend: string): Promise<void> {
  const server = await startCompatServer({ backend, fetch: globalThis.fetch });
  console.log(`listening on ${server.url}`);
}

/**
 * In-process translation throughput: a pre-encoded backend body with `n` deltas, delivered in
 * reads of `perRead` chunks (1: the worst case, every backend chunk its own network read).
 */
async function inProcessThroughput(
  n: number,
  perRead: number,
): Promise<{ compat: number; raw: number }> {
  const enc = new TextEncoder();
  const frame = enc.encode(
    `data: {"choices":[{"index":0,"delta":{"content":"x"},"finish_reason":null}]}\n\n`,
  );
  const end = enc.encode(
    `data: {"choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}\n\ndata: [DONE]\n\n`,
  );
  const piece = new Uint8Array(frame.length * perRead);
  for (let j = 0; j < perRead; j++) piece.set(frame, j * frame.length);
  const body = () => {
    let sent = 0;
    return new ReadableStream<Uint8Array>({
      pull(c) {
        if (sent >= n) {
          c.enqueue(end);
          c.close();
          return;
        }
        c.enqueue(piece.slice());
        sent += perRead;
      },
    });
  };
  const fakeFetch: typeof fetch = () =>
    Promise.resolve(new Response(body(), { headers: { "content-type": "text/event-stream" } }));
  const app = createCompatApp({ backend: "http://backend.invalid/v1", fetch: fakeFetch });
  const run = async () => {
    const res = await app.request("/v1/responses", {
      method: "POST",
      body: responsesBody(n, false),
    });
    const text = await res.text();
    if (count(text, "event: response.output_text.delta") !== n) throw new Error("lost deltas");
  };
  await run();
  const compatMs = median([await timed(run), await timed(run), await timed(run)]);
  const raw = async () => {
    const text = await new Response(body()).text();
    if (count(text, `"content":"x"`) !== n) throw new Error("lost chunks");
  };
  await raw();
  const rawMs = median([await timed(raw), await timed(raw), await timed(raw)]);
  return { compat: n / (compatMs / 1000), raw: n / (rawMs / 1000) };
}

/** Section timings go to stderr, so stdout stays one line per measurement. */
function section(name: string, since: number): number {
  console.error(`# ${name}: ${((performance.now() - since) / 1000).toFixed(1)} s`);
  return performance.now();
}

async function main(): Promise<void> {
  let t = performance.now();
  const backend = await spawn("tests/fakes/chat_server.ts", [], /listening on (\S+)/);
  const compat = await spawn(
    "lib/cli/compat_server_cmd.ts",
    ["--port", "0", "--backend", backend.url],
    /listening on (\S+)/,
  );
  const proxy = await spawn(
    "bench/compat_bench.ts",
    ["--role=proxy", backend.url],
    /listening on (\S+)/,
  );
  const compatFetch = await spawn(
    "bench/compat_bench.ts",
    ["--role=compat-fetch", backend.url],
    /listening on (\S+)/,
  );
  try {
    // 1. Added latency, interleaved so drift hits all three alike.
    const direct: number[] = [];
    const viaProxy: number[] = [];
    const viaCompat: number[] = [];
    for (let i = 0; i < 300; i++) {
      const d = await timed(() => post(`${backend.url}/chat/completions`, chatBody(5)));
      const p = await timed(() => post(`${proxy.url}/chat/completions`, chatBody(5)));
      const c = await timed(() => post(`${compat.url}/responses`, responsesBody(5, false)));
      if (i >= 50) {
        direct.push(d);
        viaProxy.push(p);
        viaCompat.push(c);
      }
    }
    const base = median(direct);
    line(
      "compat added latency per request (median, 5-delta stream)",
      median(viaCompat) - base,
      "ms",
      "pass-through proxy added latency",
      median(viaProxy) - base,
      "<= 2 ms",
      3,
    );
    line(
      "compat request time (median)",
      median(viaCompat),
      "ms",
      "direct to backend",
      base,
      "n/a",
      3,
    );

    t = section("latency", t);

    // 2. Throughput over sockets: the client reads the whole body (`res.text()`, the same for
    //    all), every delta is counted. A first run of each warms the path up (reported too),
    //    then three interleaved runs of each; their medians are compared. Besides the compat
    //    server as run (its raw HTTP/1.1 client towards a loopback backend), a second compat
    //    server reaches the backend through Deno's `fetch`, its path for non-loopback backends.
    const N = 20_000;
    const rate = async (url: string, body: string, ok: (text: string) => boolean) => {
      let text = "";
      const ms = await timed(async () => {
        text = await post(url, body);
      });
      if (!ok(text)) throw new Error(`deltas lost via ${url}`);
      return N / (ms / 1000);
    };
    const translated = (t: string) => count(t, "event: response.output_text.delta") === N;
    const runs = {
      compat: () => rate(`${compat.url}/responses`, responsesBody(N, false), translated),
      viaFetch: () => rate(`${compatFetch.url}/responses`, responsesBody(N, false), translated),
      proxy: () =>
        rate(`${proxy.url}/chat/completions`, chatBody(N), (t) => count(t, `"content":"x"`) === N),
    };
    const cold = { compat: await runs.compat(), viaFetch: 0, proxy: await runs.proxy() };
    cold.viaFetch = await runs.viaFetch();
    const rates = { compat: [] as number[], viaFetch: [] as number[], proxy: [] as number[] };
    for (let i = 0; i < 3; i++) {
      rates.compat.push(await runs.compat());
      rates.proxy.push(await runs.proxy());
      rates.viaFetch.push(await runs.viaFetch());
    }
    line(
      `translated stream throughput over loopback (${N} deltas, median of 3 after a warm-up run)`,
      median(rates.compat),
      "delta events/s",
      "pass-through proxy",
      median(rates.proxy),
      ">= 20000 delta events/s",
      0,
    );
    line(
      `translated stream throughput over loopback (${N} deltas, first run)`,
      cold.compat,
      "delta events/s",
      "pass-through proxy",
      cold.proxy,
      "n/a",
      0,
    );
    line(
      `translated stream throughput, backend read through Deno fetch (the non-loopback path; ${N} deltas, median of 3)`,
      median(rates.viaFetch),
      "delta events/s",
      "pass-through proxy",
      median(rates.proxy),
      "n/a",
      0,
    );
    for (const perRead of [1, 100]) {
      const inProc = await inProcessThroughput(20_000, perRead);
      line(
        `translated stream throughput on one core, in-process (20000 deltas, ${perRead} per backend read)`,
        inProc.compat,
        "delta events/s",
        "untranslated body read",
        inProc.raw,
        ">= 20000 delta events/s",
        0,
      );
    }

    t = section("throughput", t);

    // 3. 200 concurrent streams, none lost.
    const concurrent = async (url: string, body: string, ok: (t: string) => boolean) => {
      let good = 0;
      const ms = await timed(() =>
        Promise.all(Array.from({ length: 200 }, async () => {
          if (ok(await post(url, body))) good++;
        }))
      );
      return { good, ms };
    };
    const cc = await concurrent(
      `${compat.url}/responses`,
      responsesBody(50, false),
      (t) =>
        count(t, "event: response.output_text.delta") === 50 &&
        t.includes("event: response.completed"),
    );
    const pc = await concurrent(
      `${proxy.url}/chat/completions`,
      chatBody(50),
      (t) => count(t, `"content":"x"`) === 50 && t.includes("[DONE]"),
    );
    line(
      "200 concurrent streams completed intact",
      cc.good,
      "streams",
      "pass-through proxy",
      pc.good,
      "200 of 200",
      0,
    );
    line("200 concurrent streams wall time", cc.ms, "ms", "pass-through proxy", pc.ms, "n/a", 0);

    t = section("concurrency", t);

    // 4. Memory across 10,000 requests (store on, its default; 16 at a time) after a warm-up of
    //    3,000 requests, which fills the response store to its 1,000-entry bound and lets the
    //    heap grow to its working size (growth up to there is not a leak; over 30,000 requests
    //    RSS stays at that plateau), sampled every 2,000 requests: flat means the samples stay
    //    within a few MB. Both servers get the same warm-up.
    const samples = async (p: Proc, url: string, body: string) => {
      const send = (n: number) =>
        pool(n, 16, async () => {
          await post(url, body);
        });
      await send(3_000);
      const out = [rssMb(p.child.pid)];
      for (let i = 0; i < 5; i++) {
        await send(2_000);
        out.push(rssMb(p.child.pid));
      }
      return out;
    };
    const cs = await samples(compat, `${compat.url}/responses`, responsesBody(5));
    const ps = await samples(proxy, `${proxy.url}/chat/completions`, chatBody(5));
    const spread = (xs: number[]) => Math.max(...xs) - Math.min(...xs);
    line(
      "compat server RSS before 10000 requests",
      cs[0],
      "MB",
      "pass-through proxy",
      ps[0],
      "n/a",
      1,
    );
    line(
      "compat server RSS after 10000 requests",
      cs[5],
      "MB",
      "pass-through proxy",
      ps[5],
      "flat",
      1,
    );
    line(
      "compat server RSS spread over 6 samples across 10000 requests",
      spread(cs),
      "MB",
      "pass-through proxy",
      spread(ps),
      "flat (a few MB)",
      1,
    );
    section("memory", t);
  } finally {
    await stop(compatFetch);
    await stop(proxy);
    await stop(compat);
    await stop(backend);
  }
}

if (import.meta.main) {
  if (Deno.args[0] === "--role=proxy") runProxy(Deno.args[1]);
  else if (Deno.args[0] === "--role=compat-fetch") await runCompatViaFetch(Deno.args[1]);
  else await main();
}
