import assert from "node:assert/strict";
import { createLoopbackFetch, isLoopbackHttp } from "../compat/loopback_fetch.ts";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** A request as the scripted server received it. */
interface Received {
  head: string;
  body: string;
}

/** What the script does after answering: keep reading requests on the connection, or close it. */
type Next = "keep" | "close";

/** A raw HTTP/1.1 server on 127.0.0.1 whose answers are written byte for byte by `script`. */
function scriptedServer(script: (req: Received, conn: Deno.Conn) => Promise<Next>) {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const conns = new Set<Deno.Conn>();
  const tasks: Promise<void>[] = [];
  const received: Received[] = [];
  const stats = { accepted: 0, endedByClient: 0 };
  const serve = async (conn: Deno.Conn) => {
    let pending = new Uint8Array(0);
    const fill = async () => {
      const buf = new Uint8Array(65536);
      const n = await conn.read(buf);
      if (n === null) return false;
      const joined = new Uint8Array(pending.length + n);
      joined.set(pending);
      joined.set(buf.subarray(0, n), pending.length);
      pending = joined;
      return true;
    };
    try {
      for (;;) {
        let end = -1;
        while ((end = decoder.decode(pending).indexOf("\r\n\r\n")) < 0) {
          if (!(await fill())) {
            stats.endedByClient++;
            return;
          }
        }
        const head = decoder.decode(pending.subarray(0, end));
        const length = Number(/content-length: (\d+)/i.exec(head)?.[1] ?? 0);
        while (pending.length < end + 4 + length) await fill();
        const req = { head, body: decoder.decode(pending.subarray(end + 4, end + 4 + length)) };
        pending = pending.slice(end + 4 + length);
        received.push(req);
        if ((await script(req, conn)) === "close") return;
      }
    } catch {
      // the client went away
    } finally {
      conns.delete(conn);
      try {
        conn.close();
      } catch {
        // closed already
      }
    }
  };
  const accepting = (async () => {
    for await (const conn of listener) {
      stats.accepted++;
      conns.add(conn);
      tasks.push(serve(conn));
    }
  })();
  return {
    base: `http://127.0.0.1:${(listener.addr as Deno.NetAddr).port}`,
    received,
    stats,
    async close() {
      listener.close();
      for (const c of conns) c.close();
      await accepting;
      await Promise.all(tasks);
    },
  };
}

const write = (conn: Deno.Conn, text: string) => conn.write(encoder.encode(text));

async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 300 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
}

const noFallback: typeof fetch = () => Promise.reject(new Error("the fallback was used"));

Deno.test("loopback fetch: request bytes; length, chunked, read-to-close and empty bodies; 1xx skipped", async () => {
  const server = scriptedServer(async (req, conn) => {
    const path = req.head.split(" ")[1];
    if (path.startsWith("/len")) {
      await write(conn, "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-Test: a\r\n\r\nhello");
    } else if (path === "/chunked") {
      await write(conn, "HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n5\r\nhel");
      await write(conn, "lo\r\n6\r\n world\r\n0\r\n\r\n");
    } else if (path === "/close") {
      await write(conn, "HTTP/1.0 200 OK\r\n\r\nuntil the end");
    } else if (path === "/continue") {
      await write(
        conn,
        "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\ncontent-length: 2\r\n\r\nok",
      );
    } else {
      await write(conn, "HTTP/1.1 204 No Content\r\n\r\n");
    }
    return "close";
  });
  const f = createLoopbackFetch({ fallback: noFallback });
  try {
    const res = await f(`${server.base}/len?x=1`, {
      method: "post",
      headers: { "content-type": "application/json", authorization: "Bearer k", host: "evil" },
      body: '{"é":1}',
    });
    assert.equal(res.status, 200);
    assert.equal(res.statusText, "OK");
    assert.equal(res.headers.get("x-test"), "a");
    assert.equal(await res.text(), "hello");
    const [first] = server.received;
    const lines = first.head.split("\r\n");
    assert.equal(lines[0], "POST /len?x=1 HTTP/1.1");
    assert.ok(lines.includes(`host: ${new URL(server.base).host}`));
    assert.ok(lines.includes("content-type: application/json"));
    assert.ok(lines.includes("authorization: Bearer k"));
    assert.ok(lines.includes("connection: close"));
    assert.ok(lines.includes("accept-encoding: identity"));
    assert.ok(lines.includes("content-length: 8"));
    assert.ok(!lines.includes("host: evil"));
    assert.equal(first.body, '{"é":1}');

    assert.equal(await (await f(`${server.base}/chunked`)).text(), "hello world");
    assert.equal(await (await f(new URL(`${server.base}/close`))).text(), "until the end");
    const created = await f(`${server.base}/continue`);
    assert.equal(created.status, 201);
    assert.equal(await created.text(), "ok");
    const empty = await f(`${server.base}/empty`);
    assert.equal(empty.status, 204);
    assert.equal(empty.body, null);
    assert.equal(server.stats.accepted, 5);
  } finally {
    await server.close();
  }
});

Deno.test("loopback fetch: keeps connections while allowed, resends on one the server dropped, closes them at the end", async () => {
  let dropNext = false;
  const server = scriptedServer(async (_req, conn) => {
    await write(conn, "HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n");
    if (dropNext) {
      // As a server whose keep-alive timeout expired: the connection goes, unannounced.
      dropNext = false;
      return "close";
    }
    return "keep";
  });
  const stop = new AbortController();
  const f = createLoopbackFetch({ fallback: noFallback, keepAliveUntil: stop.signal });
  try {
    for (let i = 0; i < 3; i++) assert.equal(await (await f(`${server.base}/a`)).text(), "ok");
    assert.equal(server.stats.accepted, 1);
    assert.ok(server.received[0].head.includes("connection: keep-alive"));

    dropNext = true;
    assert.equal(await (await f(`${server.base}/b`)).text(), "ok");
    assert.equal(await (await f(`${server.base}/c`)).text(), "ok");
    assert.equal(server.stats.accepted, 2, "a new connection after the dropped one");

    // A body that is cancelled half way is not reused.
    const res = await f(`${server.base}/d`);
    await res.body?.cancel();
    assert.equal(await (await f(`${server.base}/e`)).text(), "ok");
    assert.equal(server.stats.accepted, 3);

    // The cancelled one was closed by the client; the kept one is still open.
    await until(() => server.stats.endedByClient >= 1);
    assert.equal(server.stats.endedByClient, 1);
    stop.abort();
    await until(() => server.stats.endedByClient >= 2);
    assert.equal(server.stats.endedByClient, 2, "the kept connection is closed when told to stop");
  } finally {
    stop.abort();
    await server.close();
  }
});

Deno.test("loopback fetch: abort rejects with the reason and closes; a cut or bad answer is an error", async () => {
  const server = scriptedServer(async (req, conn) => {
    const path = req.head.split(" ")[1];
    if (path === "/hang") return "keep";
    if (path === "/cut") {
      await write(conn, "HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n9\r\nabc");
    } else if (path === "/short") {
      await write(conn, "HTTP/1.1 200 OK\r\ncontent-length: 9\r\n\r\nabc");
    } else if (path === "/gzip") {
      await write(conn, "HTTP/1.1 200 OK\r\ncontent-encoding: gzip\r\ncontent-length: 1\r\n\r\nx");
    } else if (path === "/nothing") {
      // close without a byte
    } else {
      await write(conn, "SMTP ready\r\n\r\n");
    }
    return "close";
  });
  const f = createLoopbackFetch({ fallback: noFallback });
  try {
    const controller = new AbortController();
    const reason = new Error("stop waiting");
    const pending = f(`${server.base}/hang`, { signal: controller.signal });
    await until(() => server.received.length >= 1);
    controller.abort(reason);
    await assert.rejects(pending, (err) => err === reason);
    await until(() => server.stats.endedByClient >= 1);
    assert.equal(server.stats.endedByClient, 1);

    const already = new AbortController();
    already.abort(reason);
    await assert.rejects(f(`${server.base}/hang`, { signal: already.signal }), (e) => e === reason);

    await assert.rejects((await f(`${server.base}/cut`)).text(), /in the middle of the body/);
    await assert.rejects((await f(`${server.base}/short`)).text(), /in the middle of the body/);
    await assert.rejects(f(`${server.base}/nothing`), /closed the connection before answering/);
    await assert.rejects(f(`${server.base}/bad`), /bad status line "SMTP ready"/);
    await assert.rejects(f(`${server.base}/gzip`), /compressed body \(content-encoding: gzip\)/);
  } finally {
    await server.close();
  }
});

Deno.test("loopback fetch: anything but plain http to this machine goes to the fallback", async () => {
  const seen: string[] = [];
  const fallback: typeof fetch = (input) => {
    seen.push(input instanceof Request ? `request ${input.url}` : String(input));
    return Promise.resolve(new Response("fallback"));
  };
  const f = createLoopbackFetch({ fallback });
  for (
    const input of [
      "https://127.0.0.1/v1",
      "http://10.1.2.3:8000/v1",
      "http://example.com/v1",
      new Request("http://127.0.0.1:1/v1"),
    ]
  ) {
    assert.equal(await (await f(input)).text(), "fallback");
  }
  assert.equal(
    await (await f("http://127.0.0.1:1/v1", { method: "POST", body: new Uint8Array(1) })).text(),
    "fallback",
  );
  assert.equal(seen.length, 5);
  assert.ok(isLoopbackHttp(new URL("http://localhost:8000/v1")));
  assert.ok(isLoopbackHttp(new URL("http://127.1.2.3/")));
  assert.ok(isLoopbackHttp(new URL("http://[::1]:8000/")));
  assert.ok(!isLoopbackHttp(new URL("http://127.0.0.1.example.com/")));
  assert.ok(!isLoopbackHttp(new URL("https://localhost/")));
});

Deno.test("loopback fetch: localhost reaches a server on 127.0.0.1 and one on ::1 only", async () => {
  const f = createLoopbackFetch({ fallback: noFallback });
  const answer = (conn: Deno.Conn) =>
    write(conn, "HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok").then((): Next => "close");
  const v4 = scriptedServer((_req, conn) => answer(conn));
  try {
    const port = new URL(v4.base).port;
    assert.equal(await (await f(`http://localhost:${port}/`)).text(), "ok");
  } finally {
    await v4.close();
  }
  let v6: Deno.Listener;
  try {
    v6 = Deno.listen({ hostname: "::1", port: 0 });
  } catch {
    console.log("no IPv6 loopback here: the ::1 half is not run");
    return;
  }
  const port = (v6.addr as Deno.NetAddr).port;
  const serving = (async () => {
    for await (const conn of v6) {
      const buf = new Uint8Array(4096);
      await conn.read(buf);
      await answer(conn);
      conn.close();
    }
  })();
  try {
    assert.equal(await (await f(`http://localhost:${port}/`)).text(), "ok");
    assert.equal(await (await f(`http://[::1]:${port}/`)).text(), "ok");
  } finally {
    v6.close();
    await serving;
  }
});

Deno.test("compat server: loopback backends get our client unless loopbackClient is false", async () => {
  const { startCompatServer } = await import("../compat/server.ts");
  const { startFakeChatServer } = await import("./fakes/chat_server.ts");
  const fake = await startFakeChatServer({
    script: [{ content: "ours" }, { content: "deno's" }],
  });
  try {
    for (const loopbackClient of [true, false]) {
      const server = await startCompatServer({
        port: 0,
        backend: `http://127.0.0.1:${fake.port}/v1`,
        loopbackClient,
      });
      try {
        const res = await fetch(`${server.url}/responses`, {
          method: "POST",
          body: JSON.stringify({ model: "m", input: "hi" }),
        });
        assert.equal(res.status, 200);
        await res.body?.cancel();
      } finally {
        await server.close();
      }
    }
    // Deno's fetch adds accept-language on its own; our client sends only what we set.
    assert.deepEqual(fake.requests.map((r) => r.headers["accept-language"]), [undefined, "*"]);
  } finally {
    await fake.close();
  }
});
