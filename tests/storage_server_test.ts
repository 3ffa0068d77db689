import assert from "node:assert/strict";
import { join } from "node:path";
import { callIdOf, encryptBundle, generateSecret } from "../lib/portable/crypto.ts";
import {
  createStorageApp,
  startStorageServer,
  storagePaths,
  sweepExpired,
} from "../lib/portable/server.ts";

const enc = new TextEncoder();
const HOUR = 3600_000;

async function withRoot(fn: (root: string) => Promise<void>): Promise<void> {
  const root = await Deno.makeTempDir({ prefix: "dcx-storage-" });
  try {
    await fn(root);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
}

async function sealed(text = "hello"): Promise<Uint8Array> {
  return await encryptBundle(enc.encode(text), generateSecret());
}

function put(app: ReturnType<typeof createStorageApp>, body: BodyInit, headers = {}) {
  return app.request("/v1/storage/put", { method: "POST", body, headers });
}

Deno.test("storage app: healthz, put then call returns the same bytes under the content id", async () => {
  await withRoot(async (root) => {
    const lines: string[] = [];
    const app = createStorageApp({
      root,
      maxBytes: 1 << 20,
      ttlMs: HOUR,
      log: (l) => lines.push(l),
    });
    const health = await app.request("/healthz");
    assert.deepEqual(await health.json(), { ok: true, service: "denocodex-storage", version: 1 });

    const obj = await sealed();
    const res = await put(app, obj as BodyInit);
    assert.equal(res.status, 200);
    const body = await res.json();
    assert.equal(body.call_id, await callIdOf(obj));
    assert.equal(body.bytes, obj.length);
    assert.equal(body.stored, "new");
    assert.ok(Date.parse(body.expires_at) > Date.now());

    const again = await (await put(app, obj as BodyInit)).json();
    assert.equal(again.stored, "reused");

    const got = await app.request(`/v1/storage/call/${body.call_id}`);
    assert.equal(got.status, 200);
    assert.equal(got.headers.get("content-type"), "application/octet-stream");
    assert.deepEqual(new Uint8Array(await got.arrayBuffer()), obj);
    const files = await Array.fromAsync(Deno.readDir(storagePaths(root).objects));
    assert.deepEqual(files.map((f) => f.name), [`${body.call_id}.bin`]);
    assert.equal((await Deno.stat(storagePaths(root).objects)).mode! & 0o777, 0o700);
    assert.ok(lines.some((l) => l.includes(body.call_id) && l.includes("new")));
  });
});

Deno.test("storage app: rejects empty, plaintext, oversize and streamed-oversize bodies", async () => {
  await withRoot(async (root) => {
    const app = createStorageApp({ root, maxBytes: 1000, ttlMs: HOUR });
    const empty = await put(app, new Uint8Array(0) as BodyInit);
    assert.equal(empty.status, 400);
    assert.deepEqual(await empty.json(), { error: "empty body" });
    const plain = await put(app, "model = 'gpt'\nOPENAI_API_KEY=sk-abc\n");
    assert.equal(plain.status, 400);
    assert.match((await plain.json()).error, /not an encrypted/);

    const big = await sealed("x".repeat(2000));
    const over = await put(app, big as BodyInit);
    assert.equal(over.status, 413);
    assert.match((await over.json()).error, /too large/);

    // A chunked body without Content-Length that grows past the limit.
    const stream = new ReadableStream<Uint8Array>({
      start(ctl) {
        ctl.enqueue(big.subarray(0, 600));
        ctl.enqueue(big.subarray(600));
        ctl.close();
      },
    });
    const streamed = await put(app, stream);
    assert.equal(streamed.status, 413);
    await streamed.body?.cancel();
    const files = await Array.fromAsync(Deno.readDir(storagePaths(root).objects)).catch(() => []);
    assert.deepEqual(files, []);
  });
});

Deno.test("storage app: malformed and traversal ids get 400, unknown ids 404", async () => {
  await withRoot(async (root) => {
    await Deno.writeTextFile(join(root, "secret.txt"), "do not serve");
    const app = createStorageApp({ root, maxBytes: 1 << 20, ttlMs: HOUR });
    for (
      const id of [
        "..%2F..%2Fsecret.txt",
        "..%2Fsecret.txt",
        "abc",
        "1111111111111111111110.bin",
        encodeURIComponent("../" + "1".repeat(19)),
      ]
    ) {
      const res = await app.request(`/v1/storage/call/${id}`);
      assert.equal(res.status, 400, id);
      assert.deepEqual(await res.json(), { error: "invalid call id" });
    }
    for (
      const path of [
        "/v1/storage/call/../../secret.txt",
        "/v1/storage/call/%2e%2e/%2e%2e/secret.txt",
      ]
    ) {
      const traversal = await app.request(path);
      assert.ok(traversal.status === 400 || traversal.status === 404, path);
      assert.ok(!(await traversal.text()).includes("do not serve"));
    }
    const unknown = await app.request(`/v1/storage/call/${"2".repeat(22)}`);
    assert.equal(unknown.status, 404);
    assert.match((await unknown.json()).error, /not found/);
    const other = await app.request("/v1/storage/list");
    assert.equal(other.status, 404);
    await other.body?.cancel();
  });
});

Deno.test("storage app: expired bundles are not served and are deleted", async () => {
  await withRoot(async (root) => {
    let now = Date.now();
    const app = createStorageApp({ root, maxBytes: 1 << 20, ttlMs: HOUR, now: () => now });
    const a = await sealed("a");
    const b = await sealed("b");
    const idA = (await (await put(app, a as BodyInit)).json()).call_id;
    const idB = (await (await put(app, b as BodyInit)).json()).call_id;
    now += 2 * HOUR;
    const res = await app.request(`/v1/storage/call/${idA}`);
    assert.equal(res.status, 404);
    await res.body?.cancel();
    const objects = storagePaths(root).objects;
    assert.deepEqual((await Array.fromAsync(Deno.readDir(objects))).map((e) => e.name), [
      `${idB}.bin`,
    ]);
    assert.equal(await sweepExpired(root, HOUR, now), 1);
    assert.deepEqual(await Array.fromAsync(Deno.readDir(objects)), []);
  });
});

Deno.test("storage app: a put refreshes the expiry and sweeps old bundles", async () => {
  await withRoot(async (root) => {
    let now = Date.now();
    const app = createStorageApp({ root, maxBytes: 1 << 20, ttlMs: HOUR, now: () => now });
    const old = await sealed("old");
    const keep = await sealed("keep");
    const idOld = (await (await put(app, old as BodyInit)).json()).call_id;
    now += 40 * 60_000;
    const idKeep = (await (await put(app, keep as BodyInit)).json()).call_id;
    now += 40 * 60_000; // old is 80 min old, keep is 40
    await (await put(app, keep as BodyInit)).body?.cancel(); // triggers the sweep, refreshes keep
    const names = (await Array.fromAsync(Deno.readDir(storagePaths(root).objects))).map((e) =>
      e.name
    );
    assert.deepEqual(names, [`${idKeep}.bin`]);
    assert.notEqual(idOld, idKeep);
    now += 40 * 60_000; // keep: 40 min since its last put
    const res = await app.request(`/v1/storage/call/${idKeep}`);
    assert.equal(res.status, 200);
    await res.body?.cancel();
  });
});

Deno.test("storage app: concurrent identical puts store one complete object", async () => {
  await withRoot(async (root) => {
    const app = createStorageApp({ root, maxBytes: 1 << 22, ttlMs: HOUR });
    const obj = await sealed("y".repeat(200_000));
    const results = await Promise.all(
      Array.from({ length: 20 }, async () => (await put(app, obj.slice() as BodyInit)).json()),
    );
    const id = await callIdOf(obj);
    assert.ok(results.every((r) => r.call_id === id));
    const { objects, tmp } = storagePaths(root);
    assert.deepEqual((await Array.fromAsync(Deno.readDir(objects))).map((e) => e.name), [
      `${id}.bin`,
    ]);
    assert.deepEqual(await Array.fromAsync(Deno.readDir(tmp)), []);
    assert.deepEqual(await Deno.readFile(join(objects, `${id}.bin`)), obj);
  });
});

Deno.test("startStorageServer() serves over a real socket on 127.0.0.1", async () => {
  await withRoot(async (root) => {
    const srv = await startStorageServer({ root, port: 0, maxBytes: 1 << 20, ttlMs: HOUR });
    try {
      assert.equal(srv.hostname, "127.0.0.1");
      const obj = await sealed();
      const res = await fetch(`${srv.origin}/v1/storage/put`, {
        method: "POST",
        body: obj as BodyInit,
      });
      const { call_id } = await res.json();
      const got = await fetch(`${srv.origin}/v1/storage/call/${call_id}`);
      assert.deepEqual(new Uint8Array(await got.arrayBuffer()), obj);
      const big = await fetch(`${srv.origin}/v1/storage/put`, {
        method: "POST",
        body: new Uint8Array(2 << 20),
      });
      assert.equal(big.status, 413);
      await big.body?.cancel();
    } finally {
      await srv.shutdown();
    }
  });
});
