/**
 * `--put` and `--call`: move a Codex home through a storage server, end-to-end encrypted.
 *
 * `--put` prints (one `[put]` line each) the home, the target, the file list with sizes and any
 * warnings; checks `/healthz` first; bundles, encrypts, uploads; downloads the object again,
 * decrypts and unpacks it into a throw-away folder and compares every file; and prints as its
 * last line the command to run elsewhere: `denocodex --call SECRET-CALLID@HOST:PORT`.
 *
 * `--call` downloads the object, checks it against the call id, verifies the GCM tag, decrypts
 * and validates the archive, and only then writes anything: into
 * `$XDG_STATE_HOME/denocodex/called/<callid>/` (or `~/.local/state/denocodex/called/<callid>/`),
 * folders 0700, files 0600. Calling the same token again refreshes the bundled files and keeps
 * everything else in that home (sessions, history).
 *
 * @module
 */

import { join } from "../path.ts";
import { decodeArchive, encodeArchive } from "./archive.ts";
import { type BundleFile, collectHome, writeBundleFiles } from "./bundle.ts";
import { callIdOf, decryptBundle, encryptBundle, generateSecret } from "./crypto.ts";
import { PortableError } from "./errors.ts";
import { mapPool } from "./pool.ts";
import { downloadObject, type FetchFn, preflight, uploadObject } from "./http.ts";
import { type CallToken, formatCallToken, parseCallToken, type StorageTarget } from "./spec.ts";

/** `1234 B`, `1.2 KiB`, `3.4 MiB`. */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / (1024 * 1024)).toFixed(1)} MiB`;
}

/** Options of {@linkcode putHome}. */
export interface PutHomeOptions {
  /** The Codex home to put. */
  homeDir: string;
  target: StorageTarget;
  /** List what would go; no network, nothing uploaded. */
  dryRun?: boolean;
  /** Receives each output line (without a newline). The last one is the `--call` command. */
  out: (line: string) => void;
  fetch?: FetchFn;
  signal?: AbortSignal;
}

/** What {@linkcode putHome} did. */
export interface PutResult {
  /** Bundled files with their sizes. */
  files: { path: string; bytes: number }[];
  warnings: string[];
  /** Set unless `dryRun`. Contains the secret: show it only to the user who asked for it. */
  token?: string;
  callId?: string;
  /** Size of the uploaded (encrypted) object. */
  encryptedBytes?: number;
}

/** The command printed as the last line of `--put`. */
export function callCommand(token: string): string {
  return `denocodex --call ${token}`;
}

/** Runs `--put` (see the module docs). Throws {@linkcode PortableError} with one line on failure. */
export async function putHome(opts: PutHomeOptions): Promise<PutResult> {
  const fetchFn = opts.fetch ?? fetch;
  const { target, out } = opts;
  out(`[put] target: ${target.address}`);
  if (!opts.dryRun) await preflight(target, fetchFn, opts.signal);
  const collected = await collectHome(opts.homeDir);
  const files = collected.files.map((f) => ({ path: f.path, bytes: f.data.length }));
  const total = files.reduce((s, f) => s + f.bytes, 0);
  out(`[put] home: ${collected.home}`);
  out(`[put] files: ${files.length} (${formatBytes(total)})`);
  const width = Math.max(...files.map((f) => formatBytes(f.bytes).length));
  for (const f of files) out(`[put]   ${formatBytes(f.bytes).padStart(width)}  ${f.path}`);
  for (const w of collected.warnings) out(`[put] warning: ${w}`);
  if (opts.dryRun) {
    out("[put] dry run: nothing was uploaded");
    return { files, warnings: collected.warnings };
  }

  const archive = await encodeArchive(collected.files);
  const secret = generateSecret();
  const object = await encryptBundle(archive, secret);
  const callId = await callIdOf(object);
  out(
    `[put] bundle: ${formatBytes(archive.length)} compressed, ${
      formatBytes(object.length)
    } encrypted (AES-256-GCM)`,
  );
  const uploaded = await uploadObject(target, object, fetchFn, opts.signal);
  if (uploaded.callId !== callId) {
    throw new PortableError(
      `the storage server answered with call id ${uploaded.callId}, expected ${callId}; it is not a compatible denocodex storage server`,
    );
  }
  out(
    `[put] uploaded: call id ${callId}${
      uploaded.expiresAt ? `, kept until ${uploaded.expiresAt}` : ""
    }`,
  );

  const token = formatCallToken(secret, callId, target);
  const back = await openRemoteBundle(parseCallToken(token), fetchFn, opts.signal);
  await verifyUnpack(collected.files, back);
  out(`[put] verified: downloaded, decrypted and unpacked ${back.length} files`);
  out(callCommand(token));
  return { files, warnings: collected.warnings, token, callId, encryptedBytes: object.length };
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * A private (0700) throw-away folder for the verification unpack: in `/dev/shm` when there is
 * one (RAM: the home's secrets never reach a disk, and creating thousands of small files is
 * several times faster), else in the system temp folder.
 */
async function verifyDir(): Promise<string> {
  const prefix = "denocodex-put-verify-";
  if (Deno.build.os === "linux") {
    try {
      return await Deno.makeTempDir({ dir: "/dev/shm", prefix });
    } catch { /* no usable /dev/shm */ }
  }
  return await Deno.makeTempDir({ prefix });
}

/** Unpacks `got` into a temp folder and checks it file by file against `want`. */
async function verifyUnpack(
  want: readonly BundleFile[],
  got: readonly BundleFile[],
): Promise<void> {
  const dir = await verifyDir();
  try {
    await writeBundleFiles(dir, got, "empty");
    if (want.length !== got.length) {
      throw new PortableError(
        `verification failed: ${got.length} files came back, ${want.length} were sent`,
      );
    }
    await mapPool(want, async (f) => {
      const back = await Deno.readFile(join(dir, f.path)).catch(() => undefined);
      if (!back || !sameBytes(back, f.data)) {
        throw new PortableError(`verification failed: ${f.path} differs after the round trip`);
      }
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** Downloads, checks against the call id, decrypts and decodes; writes nothing. */
export async function openRemoteBundle(
  token: CallToken,
  fetchFn: FetchFn = fetch,
  signal?: AbortSignal,
): Promise<BundleFile[]> {
  const object = await downloadObject(token.target, token.callId, fetchFn, signal);
  if ((await callIdOf(object)) !== token.callId) {
    throw new PortableError(
      `the bundle from ${token.target.address} does not match its call id (altered in storage or in transit); nothing was written`,
    );
  }
  const archive = await decryptBundle(object, token.secret);
  const files = await decodeArchive(archive);
  if (!files.some((f) => f.path === "config.toml")) {
    throw new PortableError(
      "bundle refused: it has no config.toml; run --put again on the source machine",
    );
  }
  return files;
}

/**
 * Folder holding the homes made by `--call`: `$XDG_STATE_HOME/denocodex/called`, else
 * `$HOME/.local/state/denocodex/called`.
 */
export function calledHomesRoot(env: Record<string, string | undefined>): string {
  const xdg = env.XDG_STATE_HOME?.trim();
  if (xdg && xdg.startsWith("/")) return join(xdg, "denocodex", "called");
  const home = env.HOME?.trim() || env.USERPROFILE?.trim();
  if (!home) {
    throw new PortableError("cannot place the called home: set HOME or XDG_STATE_HOME");
  }
  return join(home, ".local", "state", "denocodex", "called");
}

/** Options of {@linkcode callHome}. */
export interface CallHomeOptions {
  /** Environment for `XDG_STATE_HOME` / `HOME`. */
  env: Record<string, string | undefined>;
  /** Overrides {@linkcode calledHomesRoot}. */
  root?: string;
  fetch?: FetchFn;
  signal?: AbortSignal;
}

/** What {@linkcode callHome} made. */
export interface CallResult {
  /** The Codex home to run with (`CODEX_HOME`). */
  codexHome: string;
  callId: string;
  /** Paths written, sorted. */
  files: string[];
}

async function mkdirPrivate(path: string): Promise<void> {
  await Deno.mkdir(path, { recursive: true, mode: 0o700 });
}

/**
 * Runs `--call TOKEN`: fetches and opens the bundle, then installs it as a private Codex home.
 * A bad token, a wrong secret or an altered bundle throws {@linkcode PortableError} before
 * anything is written.
 */
export async function callHome(token: string, opts: CallHomeOptions): Promise<CallResult> {
  const parsed = parseCallToken(token);
  const root = opts.root ?? calledHomesRoot(opts.env);
  const files = await openRemoteBundle(parsed, opts.fetch ?? fetch, opts.signal);

  await mkdirPrivate(root);
  const dest = join(root, parsed.callId);
  let existing: Deno.FileInfo | undefined;
  try {
    existing = await Deno.lstat(dest);
  } catch (err) {
    if (!(err instanceof Deno.errors.NotFound)) throw err;
  }
  if (!existing) {
    const staging = join(root, `.${parsed.callId}.${crypto.randomUUID()}.tmp`);
    await Deno.mkdir(staging, { mode: 0o700 });
    try {
      await writeBundleFiles(staging, files, "empty");
      await Deno.chmod(staging, 0o700);
      await Deno.rename(staging, dest);
      existing = undefined;
    } catch (err) {
      await Deno.remove(staging, { recursive: true }).catch(() => {});
      // Lost a race with another --call of the same token: fall through and refresh.
      existing = await Deno.lstat(dest).catch(() => undefined);
      if (!existing) throw err;
    }
  }
  if (existing) {
    if (!existing.isDirectory || existing.isSymlink) {
      throw new PortableError(`${dest} exists and is not a plain folder; remove it and call again`);
    }
    await Deno.chmod(dest, 0o700);
    await writeBundleFiles(dest, files, "existing");
  }
  return { codexHome: dest, callId: parsed.callId, files: files.map((f) => f.path) };
}
