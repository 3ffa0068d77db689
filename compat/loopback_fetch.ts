/**
 * A `fetch` for backends on this machine (`http://` to 127.0.0.0/8, `[::1]` or `localhost`):
 * plain HTTP/1.1 over a TCP connection of its own ({@linkcode Http1Connection}), the answer read
 * straight from the socket. Everything else (https, other hosts, bodies that are not strings,
 * `Request` objects) goes to the fallback `fetch`.
 *
 * Why: a model server writes each streamed delta as its own HTTP chunk, and Deno's `fetch` hands
 * a response body over one chunk per read, so a fast stream costs one read op (and one write of
 * the translated events) per delta. A socket read returns everything that has arrived: when the
 * backend is ahead, one read carries many deltas and their events go out in one write; when it is
 * not, a read carries the one delta there is, and nothing waits for more.
 *
 * Connections are kept for the next request while `keepAliveUntil` is not aborted (idle ones are
 * closed after `idleMs`, and all of them when it aborts); without it each request has its own
 * connection (`connection: close`). A request that finds its kept connection closed by the server
 * is sent once more on a new one. Aborting a request's signal closes its connection and rejects
 * a pending `fetch` with the signal's reason, as `fetch` does.
 *
 * @module
 */

import { Http1Connection, type Http1Request, NoResponseError } from "./http1_connection.ts";

/** Opens a TCP connection. */
export type Connect = (options: Deno.ConnectOptions) => Promise<Deno.Conn>;

/** Settings of {@linkcode createLoopbackFetch}. */
export interface LoopbackFetchOptions {
  /** Serves every request this client does not take. */
  fallback: typeof fetch;
  /** Opens connections (default `Deno.connect`). */
  connect?: Connect;
  /** Keep connections for reuse until this aborts; without it, one connection per request. */
  keepAliveUntil?: AbortSignal;
  /** Longest time an unused connection is kept, ms (default 4000). */
  idleMs?: number;
  /** Most unused connections kept (default 32). */
  maxIdle?: number;
}

/** True for `http:` URLs whose host is a loopback address or `localhost`. */
export function isLoopbackHttp(url: URL): boolean {
  if (url.protocol !== "http:") return false;
  const host = url.hostname;
  return host === "localhost" || host === "[::1]" ||
    /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/** A `fetch` that serves loopback `http:` requests itself and passes the rest to `fallback`. */
export function createLoopbackFetch(options: LoopbackFetchOptions): typeof fetch {
  const connect = options.connect ?? ((o: Deno.ConnectOptions) => Deno.connect(o));
  const pool = options.keepAliveUntil
    ? new IdlePool(options.keepAliveUntil, options.idleMs ?? 4000, options.maxIdle ?? 32)
    : null;
  return (input: RequestInfo | URL, init?: RequestInit) => {
    const url = typeof input === "string" ? URL.parse(input) : input instanceof URL ? input : null;
    const body = init?.body;
    if (url === null || !isLoopbackHttp(url) || (body != null && typeof body !== "string")) {
      return options.fallback(input, init);
    }
    const req: Http1Request = {
      method: (init?.method ?? "GET").toUpperCase(),
      url,
      headers: new Headers(init?.headers),
      body: body ?? null,
      keepAlive: pool !== null,
    };
    return send(req, init?.signal ?? null, connect, pool);
  };
}

/** Sends `req` and resolves with the response once its head is in. */
async function send(
  req: Http1Request,
  signal: AbortSignal | null,
  connect: Connect,
  pool: IdlePool | null,
): Promise<Response> {
  signal?.throwIfAborted();
  const key = req.url.host;
  const port = req.url.port ? Number(req.url.port) : 80;
  for (let attempt = 0;; attempt++) {
    const kept = attempt === 0 ? pool?.take(key) ?? null : null;
    const conn = kept ?? new Http1Connection(await open(connect, req.url.hostname, port));
    const onAbort = () => conn.close();
    signal?.addEventListener("abort", onAbort, { once: true });
    const release = () => {
      signal?.removeEventListener("abort", onAbort);
      if (pool !== null && conn.reusable) pool.give(key, conn);
      else conn.close();
    };
    try {
      signal?.throwIfAborted();
      await conn.send(req);
      const head = await conn.readHead(req.method === "HEAD");
      if (head.framing === null) {
        release();
        return new Response(null, head.init);
      }
      return new Response(conn.body(head.framing, head.keepAlive, release), head.init);
    } catch (err) {
      signal?.removeEventListener("abort", onAbort);
      conn.close();
      if (signal?.aborted) throw signal.reason;
      const stale = err instanceof NoResponseError || err instanceof Deno.errors.BrokenPipe ||
        err instanceof Deno.errors.ConnectionReset;
      // A kept connection the server closed while it was unused: once more on a new one.
      if (kept !== null && stale) continue;
      throw err;
    }
  }
}

/**
 * Connects to `host`; `localhost` is tried as 127.0.0.1, then as ::1 (servers often listen on
 * only one of them, and resolving the name may give the other first).
 */
async function open(connect: Connect, host: string, port: number): Promise<Deno.Conn> {
  if (host !== "localhost") {
    return await connect({ hostname: host.replace(/^\[(.*)\]$/, "$1"), port });
  }
  try {
    return await connect({ hostname: "127.0.0.1", port });
  } catch (err) {
    if (!(err instanceof Deno.errors.ConnectionRefused)) throw err;
    return await connect({ hostname: "::1", port });
  }
}

/** Unused connections by `host:port`, closed after a while or when the owner stops. */
class IdlePool {
  #idle = new Map<string, { conn: Http1Connection; since: number }[]>();
  #count = 0;
  #idleMs: number;
  #maxIdle: number;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #closed = false;

  constructor(until: AbortSignal, idleMs: number, maxIdle: number) {
    this.#idleMs = idleMs;
    this.#maxIdle = maxIdle;
    if (until.aborted) this.#closed = true;
    else until.addEventListener("abort", () => this.#closeAll(), { once: true });
  }

  take(key: string): Http1Connection | null {
    const entry = this.#idle.get(key)?.pop();
    if (!entry) return null;
    this.#count--;
    return entry.conn;
  }

  give(key: string, conn: Http1Connection): void {
    if (this.#closed || this.#count >= this.#maxIdle) {
      conn.close();
      return;
    }
    let list = this.#idle.get(key);
    if (!list) this.#idle.set(key, list = []);
    list.push({ conn, since: performance.now() });
    this.#count++;
    if (this.#timer === undefined) this.#arm();
  }

  #arm(): void {
    const timer = setTimeout(() => {
      this.#timer = undefined;
      const cutoff = performance.now() - this.#idleMs;
      for (const [key, list] of this.#idle) {
        const keep = list.filter((e) => e.since > cutoff);
        for (const e of list) if (e.since <= cutoff) e.conn.close();
        this.#count -= list.length - keep.length;
        if (keep.length) this.#idle.set(key, keep);
        else this.#idle.delete(key);
      }
      if (this.#count > 0) this.#arm();
    }, this.#idleMs);
    Deno.unrefTimer(timer);
    this.#timer = timer;
  }

  #closeAll(): void {
    this.#closed = true;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    for (const list of this.#idle.values()) for (const e of list) e.conn.close();
    this.#idle.clear();
    this.#count = 0;
  }
}
