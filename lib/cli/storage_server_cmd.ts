/**
 * `denocodex storage-server [--port PORT] [--root DIR] [--host 127.0.0.1] [--max-bytes N]
 * [--ttl DURATION]`: serves encrypted Codex-home bundles until SIGINT/SIGTERM.
 *
 * @module
 */

import { join, resolve } from "../path.ts";
import { parseArgs } from "./args.ts";
import { UserError } from "../config/errors.ts";
import { DEFAULT_MAX_BYTES, DEFAULT_TTL_MS, startStorageServer } from "../portable/server.ts";

/** Default port of the storage server. */
export const DEFAULT_STORAGE_PORT = 5577;

const USAGE =
  "usage: denocodex storage-server [--port PORT] [--root DIR] [--host 127.0.0.1] [--max-bytes N] [--ttl 7d]";

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Parses `7d`, `12h`, `30m`, `45s`, `500ms` into milliseconds. */
export function parseDuration(text: string): number {
  const m = /^([0-9]+)(ms|s|m|h|d)$/.exec(text.trim());
  const ms = m ? Number(m[1]) * UNITS[m[2]] : NaN;
  if (!Number.isSafeInteger(ms) || ms <= 0) {
    throw new UserError(`invalid --ttl '${text}': use a number with a unit, e.g. 7d, 12h, 30m`, 2);
  }
  return ms;
}

/** Parses a byte count: `1048576`, `512k`, `64M`, `1G` (binary multiples). */
export function parseByteSize(text: string): number {
  const m = /^([0-9]+)([kmg]i?b?)?$/i.exec(text.trim());
  const mult = !m?.[2] ? 1 : 1024 ** ("kmg".indexOf(m[2][0].toLowerCase()) + 1);
  const n = m ? Number(m[1]) * mult : NaN;
  if (!Number.isSafeInteger(n) || n <= 0) {
    throw new UserError(
      `invalid --max-bytes '${text}': use a positive number, e.g. 67108864 or 64M`,
      2,
    );
  }
  return n;
}

function formatDuration(ms: number): string {
  for (
    const [unit, size] of [["d", 86_400_000], ["h", 3_600_000], ["m", 60_000], ["s", 1000]] as const
  ) {
    if (ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${ms}ms`;
}

/** Default storage root: `$XDG_STATE_HOME/denocodex/storage` or `~/.local/state/denocodex/storage`. */
export function defaultStorageRoot(env: Record<string, string | undefined>): string {
  const xdg = env.XDG_STATE_HOME?.trim();
  if (xdg && xdg.startsWith("/")) return join(xdg, "denocodex", "storage");
  const home = env.HOME?.trim();
  if (!home) throw new UserError("no --root given and HOME is not set; pass --root DIR", 2);
  return join(home, ".local", "state", "denocodex", "storage");
}

/** Test and embedding hooks of {@linkcode storageServerCommand}. */
export interface StorageServerCommandOptions {
  /** Receives text with its trailing newline (default: process stdout). */
  stdout?: (text: string) => void;
  /** Receives text with its trailing newline (default: process stderr). */
  stderr?: (text: string) => void;
  /** Stops the server (default: SIGINT or SIGTERM). */
  signal?: AbortSignal;
  /** Working directory for a relative `--root` (default: the process cwd). */
  cwd?: string;
}

const enc = new TextEncoder();

/** `denocodex storage-server`'s options. */
export const STORAGE_SERVER_OPTIONS = {
  port: { type: "string" },
  root: { type: "string" },
  host: { type: "string" },
  "max-bytes": { type: "string" },
  ttl: { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

/** Runs the storage server until stopped; returns the exit code. */
export async function storageServerCommand(
  args: string[],
  env: Record<string, string | undefined>,
  opts: StorageServerCommandOptions = {},
): Promise<number> {
  const stdout = opts.stdout ?? ((t: string) => Deno.stdout.writeSync(enc.encode(t)));
  const stderr = opts.stderr ?? ((t: string) => Deno.stderr.writeSync(enc.encode(t)));
  let values;
  try {
    ({ values } = parseArgs({
      args,
      options: STORAGE_SERVER_OPTIONS,
      strict: true,
      allowPositionals: false,
    }));
  } catch (err) {
    stderr(`Error: ${(err as Error).message.split("\n")[0]}\n${USAGE}\n`);
    return 2;
  }
  if (values.help) {
    stdout(`${USAGE}\n`);
    return 0;
  }

  let server;
  try {
    const portText = values.port ?? String(DEFAULT_STORAGE_PORT);
    const port = /^[0-9]{1,5}$/.test(portText) ? Number(portText) : NaN;
    if (!(port >= 0 && port <= 65535)) {
      throw new UserError(`invalid --port '${portText}': use a number from 0 to 65535`, 2);
    }
    const root = values.root
      ? resolve(opts.cwd ?? Deno.cwd(), values.root)
      : defaultStorageRoot(env);
    const maxBytes = values["max-bytes"] ? parseByteSize(values["max-bytes"]) : DEFAULT_MAX_BYTES;
    const ttlMs = values.ttl ? parseDuration(values.ttl) : DEFAULT_TTL_MS;
    const hostname = values.host ?? "127.0.0.1";
    try {
      server = await startStorageServer({
        root,
        hostname,
        port,
        maxBytes,
        ttlMs,
        log: (line) => stderr(`${line}\n`),
      });
    } catch (err) {
      if (err instanceof Deno.errors.AddrInUse) {
        throw new UserError(`port ${port} on ${hostname} is in use; pick another with --port`);
      }
      if (err instanceof Deno.errors.PermissionDenied) {
        throw new UserError(`cannot use ${root} or port ${port}: permission denied`);
      }
      throw err;
    }
    const loopback = ["127.0.0.1", "::1", "localhost"].includes(hostname) ||
      hostname.startsWith("127.");
    const hostForPut = hostname === "0.0.0.0" || hostname === "::" ? "THIS_HOST" : hostname;
    stdout(`storage server listening on ${server.origin}\n`);
    stdout(
      `root: ${root} (bundles kept ${
        formatDuration(ttlMs)
      } after their last put, up to ${maxBytes} bytes each)\n`,
    );
    stdout(
      `put a home: denocodex --put @${
        hostForPut.includes(":") ? `[${hostForPut}]` : hostForPut
      }:${server.port}\n`,
    );
    if (!loopback) {
      stderr(
        "warning: listening beyond this machine; bundles are encrypted, but anyone who can reach this port may store bundles (use a firewall or a TLS proxy)\n",
      );
    }
  } catch (err) {
    if (err instanceof UserError) {
      stderr(`Error: ${err.message}\n`);
      return err.exitCode;
    }
    throw err;
  }

  const stop = () => void server.shutdown();
  const removers: (() => void)[] = [];
  if (opts.signal) {
    if (opts.signal.aborted) stop();
    opts.signal.addEventListener("abort", stop, { once: true });
    removers.push(() => opts.signal!.removeEventListener("abort", stop));
  } else {
    for (const sig of ["SIGINT", "SIGTERM"] as const) {
      Deno.addSignalListener(sig, stop);
      removers.push(() => Deno.removeSignalListener(sig, stop));
    }
  }
  await server.finished;
  for (const r of removers) r();
  stdout("storage server stopped\n");
  return 0;
}
