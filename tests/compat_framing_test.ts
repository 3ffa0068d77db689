import assert from "node:assert/strict";
import { startCompatServer } from "../compat/server.ts";
import { parseSse, type SseEvent } from "./fakes/chat_server.ts";

const encoder = new TextEncoder();

/** A backend body with one content delta per entry of `deltas`, then `stop` and `[DONE]`. */
function chatBody(deltas: string[]): Uint8Array {
  const frame = (choice: unknown) => `data: ${JSON.stringify({ choices: [choice] })}\n\n`;
  const text = deltas.map((d) => frame({ index: 0, delta: { content: d }, finish_reason: null }))
    .join("") + frame({ index: 0, delta: {}, finish_reason: "stop" }) + "data: [DONE]\n\n";
  return encoder.encode(text);
}

/** `bytes` cut at `offsets` (ascending byte positions). */
function cut(bytes: Uint8Array, offsets: number[]): Uint8Array[] {
  const out: Uint8Array[] = [];
  let start = 0;
  for (const at of [...offsets, bytes.length]) {
    out.push(bytes.slice(start, at));
    start = at;
  }
  return out;
}

/** A stream that hands out `chunks` one per pull, each its own HTTP chunk on the wire. */
function chunkStream(chunks: Uint8Array[]): ReadableStream<Uint8Array> {
  let i = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (i < chunks.length) controller.enqueue(chunks[i++]);
      else controller.close();
    },
  }, { highWaterMark: 0 });
}

const SSE = { "content-type": "text/event-stream" };

/**
 * How the compat server reaches the backend: its default client for loopback backends (raw
 * HTTP/1.1), Deno's `fetch` (a byte-stream body, read into one reused buffer), or a fetch that
 * returns a plain in-memory JS stream.
 */
type Path = "loopback" | "fetch" | "memory";
const PATHS: Path[] = ["loopback", "fetch", "memory"];

/**
 * Streams a request through a real compat server to a real client. The backend answers with
 * `chunks`, from a real HTTP server on 127.0.0.1 (or from memory).
 */
async function throughCompat(chunks: Uint8Array[], path: Path): Promise<SseEvent[]> {
  const backend = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    async (req) => {
      await req.body?.cancel();
      return new Response(chunkStream(chunks), { headers: SSE });
    },
  );
  const fakeFetch: typeof fetch = () =>
    Promise.resolve(new Response(chunkStream(chunks), { headers: SSE }));
  const compat = await startCompatServer({
    backend: `http://127.0.0.1:${backend.addr.port}/v1`,
    ...(path === "memory" ? { fetch: fakeFetch } : path === "fetch" ? { fetch } : {}),
  });
  try {
    const res = await fetch(`${compat.url}/responses`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: "m", stream: true, store: false, input: "go" }),
    });
    assert.equal(res.status, 200);
    return parseSse(await res.text());
  } finally {
    await compat.close();
    await backend.shutdown();
  }
}

/** Checks order and numbering and returns the text deltas in the order they arrived. */
function deltasOf(evs: SseEvent[]): string[] {
  evs.forEach((e, i) => {
    assert.equal(e.data.sequence_number, i, `sequence_number of event ${i}`);
    assert.equal(e.event, e.data.type);
  });
  assert.equal(evs[0].event, "response.created");
  assert.equal(evs.at(-1)?.event, "response.completed");
  const deltas = evs.filter((e) => e.event === "response.output_text.delta");
  const itemId = deltas[0].data.item_id;
  for (const d of deltas) assert.equal(d.data.item_id, itemId);
  return deltas.map((e) => e.data.delta);
}

// Distinct deltas, some with multi-byte characters, so a lost, doubled, reordered or
// mis-decoded delta shows.
const DELTAS = Array.from({ length: 3000 }, (_, i) => (i % 7 === 3 ? `é${i}🙂 ` : `d${i} `));

Deno.test("compat framing: thousands of deltas in a few backend reads arrive intact and in order", async () => {
  const body = chatBody(DELTAS);
  // Cuts mid-frame and inside a 4-byte character; most reads carry hundreds of frames.
  const smile = encoder.encode("🙂");
  let inChar = -1;
  for (let i = body.length >> 1; i < body.length; i++) {
    if (body[i] === smile[0] && body[i + 1] === smile[1]) {
      inChar = i + 2;
      break;
    }
  }
  assert.ok(inChar > 0);
  const chunks = cut(body, [37, 20_001, inChar, body.length - 5]);
  for (const path of PATHS) {
    const evs = await throughCompat(chunks, path);
    assert.deepEqual(deltasOf(evs), DELTAS, path);
    const final = evs.at(-1)?.data.response;
    assert.equal(final.output[0].content[0].text, DELTAS.join(""));
    assert.equal(final.status, "completed");
  }
});

Deno.test("compat framing: one backend chunk per delta, and a delta larger than a read", async () => {
  const big = "x".repeat(100_000) + "🙂";
  const deltas = ["a", big, "b", ...DELTAS.slice(0, 200)];
  const body = chatBody(deltas);
  // One chunk per frame, as a model server writes them.
  const frames: number[] = [];
  for (let i = 0; i < body.length - 1; i++) {
    if (body[i] === 10 && body[i + 1] === 10) frames.push(i + 2);
  }
  const chunks = cut(body, frames.slice(0, -1));
  assert.equal(chunks.length, deltas.length + 2);
  for (const path of PATHS) {
    assert.deepEqual(deltasOf(await throughCompat(chunks, path)), deltas, path);
  }
});
