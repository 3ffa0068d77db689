/**
 * Model-call errors, and the one place that decides what is retried.
 *
 * @module
 */

/** Upstream's text for server errors (5xx) once retries are exhausted. */
export const HIGH_DEMAND_MESSAGE =
  "We're currently experiencing high demand, which may cause temporary errors.";

/** How a failed model call should be handled. */
export type RetryLayer =
  /** Retried silently by the request layer (5xx, connection failures). */
  | "request"
  /** Retried by the stream layer with a visible `Reconnecting...` event. */
  | "stream"
  /** Not retried: the turn fails with this message. */
  | "fatal";

/** A failed model call. */
export class ModelError extends Error {
  readonly layer: RetryLayer;
  readonly status?: number;
  /** Server-requested delay (`Retry-After`), in milliseconds. */
  readonly retryAfterMs?: number;
  constructor(
    message: string,
    layer: RetryLayer,
    opts: { status?: number; retryAfterMs?: number } = {},
  ) {
    super(message);
    this.name = "ModelError";
    this.layer = layer;
    this.status = opts.status;
    this.retryAfterMs = opts.retryAfterMs;
  }
}

/** The turn was interrupted while the model was streaming. */
export class TurnAbortedError extends Error {
  constructor(message = "turn interrupted") {
    super(message);
    this.name = "TurnAbortedError";
  }
}

/** Parses `Retry-After` (seconds or an HTTP date) into milliseconds. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const secs = Number(value);
  if (Number.isFinite(secs)) return Math.max(0, secs * 1000);
  const at = Date.parse(value);
  return Number.isFinite(at) ? Math.max(0, at - now) : undefined;
}

/** Classifies an HTTP error response. */
export function errorForStatus(
  status: number,
  statusText: string,
  body: string,
  headers: Headers,
): ModelError {
  if (status === 429) {
    const requestId = headers.get("x-request-id");
    const detail = extractMessage(body);
    const text = `${status} ${statusText || "Too Many Requests"}${detail ? `: ${detail}` : ""}${
      requestId ? ` (request id: ${requestId})` : ""
    }`;
    return new ModelError(text, "stream", {
      status,
      retryAfterMs: parseRetryAfter(headers.get("retry-after")),
    });
  }
  if (status >= 500) return new ModelError(HIGH_DEMAND_MESSAGE, "request", { status });
  return new ModelError(body.trim() || `${status} ${statusText}`, "fatal", { status });
}

function extractMessage(body: string): string | undefined {
  try {
    const parsed = JSON.parse(body) as { error?: { message?: string } };
    return parsed.error?.message;
  } catch {
    return body.trim().slice(0, 200) || undefined;
  }
}

/** Exponential backoff from `baseMs`, doubling per attempt (1-based), with +-10% jitter. */
export function backoffMs(
  attempt: number,
  random: () => number = Math.random,
  baseMs = 200,
): number {
  const raw = baseMs * 2 ** (attempt - 1);
  return Math.round(raw * (0.9 + random() * 0.2));
}
