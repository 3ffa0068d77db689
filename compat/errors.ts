/**
 * Errors of the compat server: request errors answered with an HTTP status, backend failures
 * (turned into an HTTP error before a stream starts, or into `response.failed` after), and the
 * redaction that keeps the backend API key out of every message.
 *
 * @module
 */

/** The `type` of an OpenAI-style error body. */
export type ErrorType = "invalid_request_error" | "server_error" | "not_found_error";

/** An error answered with an HTTP status and an OpenAI-style JSON body. */
export class CompatHttpError extends Error {
  /** HTTP status of the answer. */
  readonly status: number;
  /** `error.type` of the body. */
  readonly type: ErrorType;
  /** `error.code` of the body. */
  readonly code: string | null;
  /** `error.param` of the body: the request field at fault. */
  readonly param: string | null;
  /** Extra response headers (for example `retry-after`). */
  readonly headers: Record<string, string>;

  /** Creates the error; `message` is shown to the client as is. */
  constructor(
    status: number,
    message: string,
    init: { type?: ErrorType; code?: string; param?: string; headers?: Record<string, string> } =
      {},
  ) {
    super(message);
    this.name = "CompatHttpError";
    this.status = status;
    this.type = init.type ?? (status >= 500 ? "server_error" : "invalid_request_error");
    this.code = init.code ?? null;
    this.param = init.param ?? null;
    this.headers = init.headers ?? {};
  }

  /** The JSON body: `{"error": {message, type, param, code}}`. */
  toBody(): {
    error: { message: string; type: string; param: string | null; code: string | null };
  } {
    return {
      error: { message: this.message, type: this.type, param: this.param, code: this.code },
    };
  }
}

/** A 400 for a request field the compat server cannot translate. */
export function invalidRequest(message: string, param?: string): CompatHttpError {
  return new CompatHttpError(400, message, param === undefined ? {} : { param });
}

/** A failure of the Chat Completions backend (HTTP status, transport, stream or protocol). */
export class BackendError extends Error {
  /** `error.code` for `response.failed` (`server_error`, `context_length_exceeded`, ...). */
  readonly code: string;
  /** The backend's HTTP status, when it answered with an error status. */
  readonly status: number | null;
  /** The backend's `retry-after` header, passed on with 429 answers. */
  readonly retryAfter: string | null;

  /** Creates the error; `message` must already be redacted. */
  constructor(
    message: string,
    init: { code?: string; status?: number; retryAfter?: string | null } = {},
  ) {
    super(message);
    this.name = "BackendError";
    this.code = init.code ?? "server_error";
    this.status = init.status ?? null;
    this.retryAfter = init.retryAfter ?? null;
  }
}

/**
 * The HTTP answer for a backend failure that happened before the stream started: backend 4xx
 * pass through (except auth failures, which are the server's own credentials: 502), 429 keeps
 * its `retry-after`, everything else is a 502 (504 for a timeout).
 */
export function backendErrorToHttp(err: BackendError): CompatHttpError {
  const status = err.status;
  let httpStatus = 502;
  if (err.code === "timeout") httpStatus = 504;
  else if (status === 429) httpStatus = 429;
  else if (status !== null && status >= 400 && status < 500 && status !== 401 && status !== 403) {
    httpStatus = status;
  }
  const headers: Record<string, string> = {};
  if (err.retryAfter) headers["retry-after"] = err.retryAfter;
  return new CompatHttpError(httpStatus, err.message, {
    code: err.code,
    headers,
    type: httpStatus >= 500 ? "server_error" : "invalid_request_error",
  });
}

const REDACTED = "[redacted]";

/**
 * Replaces every occurrence of each secret (4 characters or longer) in `text` with `[redacted]`.
 * Used on every message that may carry backend or transport text.
 */
export function redactSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) {
    if (secret.length >= 4 && out.includes(secret)) out = out.split(secret).join(REDACTED);
  }
  return out;
}

/** The message of any thrown value. */
export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}
