/**
 * The client side of the storage protocol: health check, upload, download. Every failure is a
 * {@linkcode PortableError} with one line naming the server and what to do.
 *
 * @module
 */

import { PortableError } from "./errors.ts";
import type { StorageTarget } from "./spec.ts";

/** Injected `fetch` (tests and embedding). */
export type FetchFn = typeof fetch;

/** Timeout of the `/healthz` preflight. */
export const PREFLIGHT_TIMEOUT_MS = 5_000;
/** Timeout of an upload or a download. */
export const TRANSFER_TIMEOUT_MS = 120_000;

function signalFor(ms: number, signal?: AbortSignal): AbortSignal {
  const t = AbortSignal.timeout(ms);
  return signal ? AbortSignal.any([t, signal]) : t;
}

function transportReason(err: unknown): string {
  let msg = err instanceof Error ? err.message : String(err);
  if (err instanceof Error && err.cause instanceof Error) msg += `: ${err.cause.message}`;
  if (err instanceof DOMException && (err.name === "TimeoutError" || err.name === "AbortError")) {
    return err.name === "TimeoutError" ? "timed out" : "aborted";
  }
  if (/connection refused/i.test(msg)) return "connection refused";
  if (/dns error|failed to lookup|name or service not known/i.test(msg)) return "host not found";
  if (/connection reset/i.test(msg)) return "connection reset";
  return msg.split("\n")[0];
}

async function errorText(res: Response): Promise<string> {
  const text = await res.text().catch(() => "");
  try {
    const j = JSON.parse(text) as { error?: unknown };
    if (typeof j.error === "string") return j.error;
  } catch {
    // not JSON
  }
  return text.slice(0, 200).replace(/\s+/g, " ").trim() || res.statusText;
}

/** `GET /healthz`: resolves when a denocodex storage server answers, else throws. */
export async function preflight(
  target: StorageTarget,
  fetchFn: FetchFn = fetch,
  signal?: AbortSignal,
): Promise<void> {
  const startHint = `start one with: denocodex storage-server --port ${target.port} --root DIR`;
  let res: Response;
  try {
    res = await fetchFn(`${target.origin}/healthz`, {
      signal: signalFor(PREFLIGHT_TIMEOUT_MS, signal),
    });
  } catch (err) {
    throw new PortableError(
      `no storage server answers at ${target.origin} (${transportReason(err)}); ${startHint}`,
    );
  }
  const text = await res.text().catch(() => "");
  let service: unknown;
  try {
    service = (JSON.parse(text) as { service?: unknown }).service;
  } catch {
    service = undefined;
  }
  if (res.status !== 200 || service !== "denocodex-storage") {
    throw new PortableError(
      `${target.origin} answered /healthz with status ${res.status} but is not a denocodex storage server; check HOST:PORT`,
    );
  }
}

/** Upload result as the server reports it. */
export interface UploadResult {
  callId: string;
  expiresAt?: string;
  stored?: string;
}

/** `POST /v1/storage/put`. */
export async function uploadObject(
  target: StorageTarget,
  object: Uint8Array,
  fetchFn: FetchFn = fetch,
  signal?: AbortSignal,
): Promise<UploadResult> {
  let res: Response;
  try {
    res = await fetchFn(`${target.origin}/v1/storage/put`, {
      method: "POST",
      headers: { "content-type": "application/octet-stream" },
      body: object as BodyInit,
      signal: signalFor(TRANSFER_TIMEOUT_MS, signal),
    });
  } catch (err) {
    throw new PortableError(`upload to ${target.origin} failed: ${transportReason(err)}`);
  }
  if (res.status === 413) {
    const why = await errorText(res);
    throw new PortableError(
      `the storage server refused the bundle (${object.length} bytes): ${why}; remove large files from skills/ or raise --max-bytes on the server`,
    );
  }
  if (res.status !== 200) {
    const why = await errorText(res);
    throw new PortableError(`upload to ${target.origin} failed with status ${res.status}: ${why}`);
  }
  const body = await res.json().catch(() => ({})) as {
    call_id?: unknown;
    expires_at?: unknown;
    stored?: unknown;
  };
  if (typeof body.call_id !== "string") {
    throw new PortableError(
      `upload to ${target.origin} returned no call id; is it a denocodex storage server?`,
    );
  }
  return {
    callId: body.call_id,
    expiresAt: typeof body.expires_at === "string" ? body.expires_at : undefined,
    stored: typeof body.stored === "string" ? body.stored : undefined,
  };
}

/** `GET /v1/storage/call/<id>`: the stored object. */
export async function downloadObject(
  target: StorageTarget,
  callId: string,
  fetchFn: FetchFn = fetch,
  signal?: AbortSignal,
): Promise<Uint8Array> {
  let res: Response;
  try {
    res = await fetchFn(`${target.origin}/v1/storage/call/${encodeURIComponent(callId)}`, {
      signal: signalFor(TRANSFER_TIMEOUT_MS, signal),
    });
  } catch (err) {
    throw new PortableError(
      `cannot reach the storage server at ${target.origin} (${
        transportReason(err)
      }); is it still running?`,
    );
  }
  if (res.status === 404) {
    await res.body?.cancel();
    throw new PortableError(
      `call id not found on ${target.address} (wrong token, or the bundle expired); run --put again on the source machine`,
    );
  }
  if (res.status !== 200) {
    const why = await errorText(res);
    throw new PortableError(
      `download from ${target.origin} failed with status ${res.status}: ${why}`,
    );
  }
  try {
    return new Uint8Array(await res.arrayBuffer());
  } catch (err) {
    throw new PortableError(`download from ${target.origin} failed: ${transportReason(err)}`);
  }
}
