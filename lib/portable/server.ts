/**
 * The storage server: a Hono app holding encrypted bundles, addressed by call id.
 *
 * - `GET /healthz` -> `200 {"ok": true, "service": "denocodex-storage", "version": 1}`
 * - `POST /v1/storage/put` (body: an encrypted object, see `crypto.ts`) ->
 *   `200 {"call_id", "bytes", "stored": "new" | "reused", "expires_at"}`; `400` for an empty body
 *   or a body that is not an encrypted bundle; `413` over `maxBytes`.
 * - `GET /v1/storage/call/<id>` -> `200` `application/octet-stream`; `400` for a malformed id,
 *   `404` for an unknown or expired one.
 *
 * Errors are `{"error": "..."}`. Objects live in `<root>/objects/<id>.bin` and are written to
 * `<root>/tmp/` first, then renamed (atomic; identical concurrent puts are harmless since the
 * name is the content address). The time of the last put is the file's mtime; objects older
 * than `ttlMs` are never served and are deleted when seen or swept.
 *
 * @module
 */

import { join } from "../path.ts";
import { Hono } from "npm:hono@^4.13.19";
import { callIdOf, isValidCallId, looksEncrypted } from "./crypto.ts";

/** Options of {@linkcode createStorageApp}. */
export interface StorageAppOptions {
  /** Folder holding `objects/` and `tmp/` (created on first use, mode 0700). */
  root: string;
  /** Largest accepted body in bytes. */
  maxBytes: number;
  /** How long a bundle is kept after its last put, in milliseconds. */
  ttlMs: number;
  /** Clock in epoch milliseconds (tests move it forward). */
  now?: () => number;
  /** Receives one line per request (ids and sizes only; the server never holds a secret). */
  log?: (line: string) => void;
  /** Minimum time between two sweeps of expired objects (default: min(ttl, 60 s)). */
  sweepEveryMs?: number;
}

/** Default body limit: 64 MiB. */
export const DEFAULT_MAX_BYTES: number = 64 * 1024 * 1024;
/** Default time to live: 7 days. */
export const DEFAULT_TTL_MS: number = 7 * 24 * 3600 * 1000;
/** Temp files older than this are removed by a sweep (left over from a crashed write). */
const STALE_TMP_MS = 3600 * 1000;

const NOT_FOUND = "call id not found (wrong token, or the bundle expired)";

/** Paths of the storage layout under `root`. */
export function storagePaths(root: string): { objects: string; tmp: string } {
  return { objects: join(root, "objects"), tmp: join(root, "tmp") };
}

/**
 * Deletes expired objects and stale temp files under `root`; returns how many objects were
 * deleted. Files that vanish meanwhile (another sweep) are ignored.
 */
export async function sweepExpired(root: string, ttlMs: number, now: number): Promise<number> {
  const { objects, tmp } = storagePaths(root);
  let deleted = 0;
  const sweepDir = async (dir: string, maxAge: number, count: boolean) => {
    let entries: Deno.DirEntry[] = [];
    try {
      entries = await Array.fromAsync(Deno.readDir(dir));
    } catch (err) {
      if (err instanceof Deno.errors.NotFound) return;
      throw err;
    }
    for (const e of entries) {
      if (!e.isFile) continue;
      const path = join(dir, e.name);
      try {
        const st = await Deno.stat(path);
        if ((st.mtime?.getTime() ?? 0) + maxAge <= now) {
          await Deno.remove(path);
          if (count) deleted++;
        }
      } catch (err) {
        if (!(err instanceof Deno.errors.NotFound)) throw err;
      }
    }
  };
  await sweepDir(objects, ttlMs, true);
  await sweepDir(tmp, STALE_TMP_MS, false);
  return deleted;
}

type ReadResult = { ok: true; body: Uint8Array } | { ok: false; bytes: number };

async function readLimited(
  body: ReadableStream<Uint8Array> | null,
  max: number,
): Promise<ReadResult> {
  if (!body) return { ok: true, body: new Uint8Array(0) };
  const chunks: Uint8Array[] = [];
  let total = 0;
  const reader = body.getReader();
  try {
    while (true) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.length;
      if (total > max) {
        await reader.cancel();
        return { ok: false, bytes: total };
      }
      chunks.push(value);
    }
  } finally {
    reader.releaseLock();
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return { ok: true, body: out };
}

/** Builds the storage app (no socket: serve it with `Deno.serve` or call `app.request`). */
export function createStorageApp(opts: StorageAppOptions): Hono {
  const now = opts.now ?? Date.now;
  const log = opts.log ?? (() => {});
  const { objects, tmp } = storagePaths(opts.root);
  const sweepEvery = opts.sweepEveryMs ?? Math.min(opts.ttlMs, 60_000);
  let ready: Promise<void> | undefined;
  let lastSweep = -Infinity;
  const ensureDirs = () =>
    ready ??= (async () => {
      await Deno.mkdir(objects, { recursive: true, mode: 0o700 });
      await Deno.mkdir(tmp, { recursive: true, mode: 0o700 });
    })();
  const maybeSweep = async () => {
    const t = now();
    if (t - lastSweep < sweepEvery) return;
    lastSweep = t;
    const n = await sweepExpired(opts.root, opts.ttlMs, t);
    if (n) log(`[storage] sweep: deleted ${n} expired bundle${n === 1 ? "" : "s"}`);
  };
  const expiresAt = (mtimeMs: number) => new Date(mtimeMs + opts.ttlMs).toISOString();

  const app = new Hono();

  app.get("/healthz", (c) => c.json({ ok: true, service: "denocodex-storage", version: 1 }));

  app.post("/v1/storage/put", async (c) => {
    const declared = Number(c.req.header("content-length") ?? "NaN");
    if (Number.isFinite(declared) && declared > opts.maxBytes) {
      log(`[storage] put: refused ${declared} bytes (limit ${opts.maxBytes})`);
      return c.json({ error: `bundle too large: ${declared} bytes (limit ${opts.maxBytes})` }, 413);
    }
    const read = await readLimited(c.req.raw.body, opts.maxBytes);
    if (!read.ok) {
      log(`[storage] put: refused more than ${opts.maxBytes} bytes`);
      return c.json({ error: `bundle too large: over ${opts.maxBytes} bytes` }, 413);
    }
    const body = read.body;
    if (body.length === 0) return c.json({ error: "empty body" }, 400);
    if (!looksEncrypted(body)) {
      return c.json({ error: "body is not an encrypted denocodex bundle" }, 400);
    }
    await ensureDirs();
    await maybeSweep();
    const id = await callIdOf(body);
    const final = join(objects, `${id}.bin`);
    const t = now();
    let stored: "new" | "reused" = "new";
    try {
      const st = await Deno.stat(final);
      if ((st.mtime?.getTime() ?? 0) + opts.ttlMs > t && st.size === body.length) {
        await Deno.utime(final, t / 1000, t / 1000);
        stored = "reused";
      }
    } catch (err) {
      if (!(err instanceof Deno.errors.NotFound)) throw err;
    }
    if (stored === "new") {
      const temp = join(tmp, `${id}.${crypto.randomUUID()}.part`);
      try {
        await Deno.writeFile(temp, body, { createNew: true, mode: 0o600 });
        await Deno.utime(temp, t / 1000, t / 1000);
        await Deno.rename(temp, final);
      } catch (err) {
        await Deno.remove(temp).catch(() => {});
        throw err;
      }
    }
    log(`[storage] put: call_id=${id} bytes=${body.length} ${stored}`);
    return c.json({ call_id: id, bytes: body.length, stored, expires_at: expiresAt(t) });
  });

  app.get("/v1/storage/call/:id", async (c) => {
    const id = c.req.param("id");
    if (!isValidCallId(id)) return c.json({ error: "invalid call id" }, 400);
    const final = join(objects, `${id}.bin`);
    let data: Uint8Array;
    let mtime: number;
    try {
      const st = await Deno.stat(final);
      mtime = st.mtime?.getTime() ?? 0;
      if (mtime + opts.ttlMs <= now()) {
        await Deno.remove(final).catch(() => {});
        log(`[storage] call: call_id=${id} expired, deleted`);
        return c.json({ error: NOT_FOUND }, 404);
      }
      data = await Deno.readFile(final);
    } catch (err) {
      if (err instanceof Deno.errors.NotFound) {
        log(`[storage] call: call_id=${id} not found`);
        return c.json({ error: NOT_FOUND }, 404);
      }
      throw err;
    }
    log(`[storage] call: call_id=${id} bytes=${data.length}`);
    return c.body(data as Uint8Array<ArrayBuffer>, 200, {
      "content-type": "application/octet-stream",
      "cache-control": "no-store",
      "x-denocodex-call-id": id,
      "x-denocodex-expires-at": expiresAt(mtime),
    });
  });

  app.notFound((c) => c.json({ error: "not found" }, 404));
  app.onError((err, c) => {
    log(`[storage] error: ${err instanceof Error ? err.message : String(err)}`);
    return c.json({ error: "internal storage error" }, 500);
  });
  return app;
}

/** Options of {@linkcode startStorageServer}. */
export interface StorageServerOptions extends StorageAppOptions {
  /** Interface to bind (default `127.0.0.1`). */
  hostname?: string;
  /** Port (0 picks a free one). */
  port: number;
  /** Stops the server when aborted. */
  signal?: AbortSignal;
}

/** A listening storage server. */
export interface RunningStorageServer {
  hostname: string;
  port: number;
  /** `http://host:port`. */
  origin: string;
  /** Resolves when the server has stopped. */
  finished: Promise<void>;
  /** Stops accepting connections and waits for open requests. */
  shutdown(): Promise<void>;
}

/** Sweeps once, then serves {@linkcode createStorageApp} on a socket. */
export async function startStorageServer(
  opts: StorageServerOptions,
): Promise<RunningStorageServer> {
  const now = opts.now ?? Date.now;
  await Deno.mkdir(storagePaths(opts.root).objects, { recursive: true, mode: 0o700 });
  await Deno.mkdir(storagePaths(opts.root).tmp, { recursive: true, mode: 0o700 });
  await sweepExpired(opts.root, opts.ttlMs, now());
  const app = createStorageApp(opts);
  const hostname = opts.hostname ?? "127.0.0.1";
  const server = Deno.serve(
    { hostname, port: opts.port, signal: opts.signal, onListen: () => {} },
    app.fetch,
  );
  const addr = server.addr;
  const host = addr.hostname.includes(":") ? `[${addr.hostname}]` : addr.hostname;
  return {
    hostname: addr.hostname,
    port: addr.port,
    origin: `http://${host}:${addr.port}`,
    finished: server.finished,
    shutdown: () => server.shutdown(),
  };
}
