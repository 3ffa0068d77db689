/**
 * Normalises the backend URL given on the command line or in options.
 *
 * @module
 */

/**
 * The backend base URL without a trailing slash: a bare `host:port` gets `http://`, and a URL
 * without a path gets `/v1`. Throws a `TypeError` with a one-line hint for anything else.
 *
 * @example Bare host and port
 * ```ts
 * normalizeBackendUrl("127.0.0.1:8000"); // "http://127.0.0.1:8000/v1"
 * ```
 */
export function normalizeBackendUrl(raw: string): string {
  let text = raw.trim();
  if (text === "") throw new TypeError("backend URL is empty: pass e.g. http://127.0.0.1:8000/v1");
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) text = `http://${text}`;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new TypeError(`backend URL "${raw}" is not a URL: pass e.g. http://127.0.0.1:8000/v1`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new TypeError(`backend URL "${raw}" must use http or https`);
  }
  if (url.username || url.password) {
    throw new TypeError(
      "backend URL must not contain credentials: pass the key with --api-key-env",
    );
  }
  const path = url.pathname.replace(/\/+$/, "");
  return `${url.origin}${path === "" ? "/v1" : path}${url.search}`;
}
