/**
 * The two command-line forms of portable mode:
 *
 * - put spec `[HOME_DIR/]@ADDRESS` (`--put`), e.g. `@127.0.0.1:5577` or `/data/.codex/@host:5577`;
 * - call token `SECRET-CALLID@ADDRESS` (`--call`), printed by `--put`.
 *
 * `ADDRESS` is `HOST:PORT` or `[IPV6]:PORT` (plain HTTP), or `http://HOST:PORT` /
 * `https://HOST[:PORT]` (for a server behind a TLS proxy). Both forms split on the last `@`.
 *
 * @module
 */

import { isValidCallId, isValidSecret, TOKEN_PART_CHARS } from "./crypto.ts";
import { PortableError } from "./errors.ts";

/** Where a storage server listens. */
export interface StorageTarget {
  scheme: "http" | "https";
  /** Host name or IP address (IPv6 without brackets). */
  host: string;
  port: number;
  /** The address as it appears in a call token (`host:port`, or `https://host:port`). */
  address: string;
  /** Origin URL without a trailing slash, e.g. `http://127.0.0.1:5577`. */
  origin: string;
}

/** A parsed `--put` spec. */
export interface PutSpec {
  /** The Codex home to put, when given (else `CODEX_HOME` / `~/.codex`). */
  homeDir?: string;
  target: StorageTarget;
}

/** A parsed `--call` token. */
export interface CallToken {
  secret: string;
  callId: string;
  target: StorageTarget;
}

const HOST_RE = /^[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?$/;
const IPV6_RE = /^[0-9A-Fa-f:.]+$/;

function badAddress(text: string, why: string): PortableError {
  return new PortableError(
    `invalid storage server address '${text}': ${why}; use HOST:PORT, e.g. 127.0.0.1:5577`,
  );
}

/** Parses a storage server address (see the module docs). */
export function parseStorageAddress(text: string): StorageTarget {
  let rest = text.trim();
  let scheme: "http" | "https" = "http";
  let explicitScheme = false;
  const m = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//.exec(rest);
  if (m) {
    const s = m[1].toLowerCase();
    if (s !== "http" && s !== "https") throw badAddress(text, `unsupported scheme '${m[1]}'`);
    scheme = s;
    explicitScheme = true;
    rest = rest.slice(m[0].length).replace(/\/+$/, "");
  }
  if (rest === "") throw badAddress(text, "no host");
  if (rest.includes("/")) throw badAddress(text, "no path allowed");
  let host: string;
  let portText: string | undefined;
  if (rest.startsWith("[")) {
    const close = rest.indexOf("]");
    if (close < 0) throw badAddress(text, "unclosed '['");
    host = rest.slice(1, close);
    if (!IPV6_RE.test(host)) throw badAddress(text, "bad IPv6 address");
    const after = rest.slice(close + 1);
    if (after !== "" && !after.startsWith(":")) throw badAddress(text, "junk after ']'");
    portText = after === "" ? undefined : after.slice(1);
  } else {
    const colon = rest.lastIndexOf(":");
    host = colon < 0 ? rest : rest.slice(0, colon);
    portText = colon < 0 ? undefined : rest.slice(colon + 1);
    if (!HOST_RE.test(host)) throw badAddress(text, "bad host name");
  }
  let port: number;
  if (portText === undefined) {
    if (scheme !== "https") throw badAddress(text, "missing port");
    port = 443;
  } else {
    if (!/^[0-9]{1,5}$/.test(portText)) throw badAddress(text, "port is not a number");
    port = Number(portText);
    if (port < 1 || port > 65535) throw badAddress(text, "port out of range 1-65535");
  }
  const hostPort = `${host.includes(":") ? `[${host}]` : host}:${port}`;
  return {
    scheme,
    host,
    port,
    address: explicitScheme && scheme === "https" ? `https://${hostPort}` : hostPort,
    origin: `${scheme}://${hostPort}`,
  };
}

/** Parses `[HOME_DIR/]@ADDRESS`. */
export function parsePutSpec(spec: string): PutSpec {
  const at = spec.lastIndexOf("@");
  if (at < 0) {
    throw new PortableError(
      `put spec '${spec}' has no '@'; use [HOME_DIR/]@HOST:PORT, e.g. --put @127.0.0.1:5577`,
    );
  }
  const server = spec.slice(at + 1);
  if (server.trim() === "") {
    throw new PortableError(
      `put spec '${spec}' is missing HOST:PORT after '@', e.g. --put @127.0.0.1:5577`,
    );
  }
  const home = spec.slice(0, at);
  return { homeDir: home === "" ? undefined : home, target: parseStorageAddress(server) };
}

/** Parses `SECRET-CALLID@ADDRESS`; each part is checked for shape and length (cut-off tokens fail). */
export function parseCallToken(token: string): CallToken {
  const text = token.trim();
  const usage = "use the whole token printed on the last line of --put: SECRET-CALLID@HOST:PORT";
  const at = text.lastIndexOf("@");
  if (at < 0) throw new PortableError(`call token has no '@HOST:PORT'; ${usage}`);
  const left = text.slice(0, at);
  const server = text.slice(at + 1);
  if (server === "") throw new PortableError(`call token is missing HOST:PORT after '@'; ${usage}`);
  const dash = left.indexOf("-");
  if (dash < 0) {
    throw new PortableError(`call token is missing the '-' between secret and call id; ${usage}`);
  }
  const secret = left.slice(0, dash);
  const callId = left.slice(dash + 1);
  if (!isValidSecret(secret)) {
    throw new PortableError(
      `the secret in the call token is malformed or cut off (expected ${TOKEN_PART_CHARS} Base58 characters); ${usage}`,
    );
  }
  if (!isValidCallId(callId)) {
    throw new PortableError(
      `the call id in the call token is malformed or cut off (expected ${TOKEN_PART_CHARS} Base58 characters); ${usage}`,
    );
  }
  return { secret, callId, target: parseStorageAddress(server) };
}

/** Formats a call token. */
export function formatCallToken(secret: string, callId: string, target: StorageTarget): string {
  return `${secret}-${callId}@${target.address}`;
}
