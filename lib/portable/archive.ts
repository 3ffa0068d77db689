/**
 * The bundle archive: a tiny deterministic container for a list of files, gzip-compressed with
 * the Web `CompressionStream`.
 *
 * Layout before compression (all integers big-endian):
 *
 * | bytes | content |
 * | --- | --- |
 * | 4 | magic `DCA1` |
 * | 4 | number of entries |
 * | per entry: 2 | length of the path in UTF-8 bytes |
 * | per entry: n | the path: relative, `/`-separated |
 * | per entry: 4 | length of the data |
 * | per entry: m | the data |
 *
 * Entries are sorted by path, and nothing else (no times, owners or modes) is stored, so the
 * same files always give the same bytes. Decoding validates every path: absolute paths, `..`,
 * `.`, empty segments, backslashes, NUL, duplicates and file/folder clashes are refused.
 *
 * @module
 */

import { PortableError } from "./errors.ts";

/** One file of a bundle. */
export interface BundleFile {
  /** Relative `/`-separated path inside the Codex home. */
  path: string;
  /** File content. */
  data: Uint8Array;
}

const MAGIC = new TextEncoder().encode("DCA1");
const MAX_PATH_BYTES = 4096;
/** Default cap on the decompressed size of an archive (guards against gzip bombs). */
export const DEFAULT_MAX_ARCHIVE_BYTES: number = 512 * 1024 * 1024;

/**
 * Why `path` is not a safe relative bundle path, or `undefined` when it is safe.
 * Used both when packing (paths we made) and unpacking (paths someone else made).
 */
export function unsafePathReason(path: string): string | undefined {
  if (path === "") return "empty path";
  if (path.includes("\0")) return "NUL byte in path";
  if (path.includes("\\")) return "backslash in path";
  if (path.startsWith("/") || /^[A-Za-z]:/.test(path)) return "absolute path";
  if (new TextEncoder().encode(path).length > MAX_PATH_BYTES) return "path too long";
  for (const seg of path.split("/")) {
    if (seg === "..") return "'..' segment";
    if (seg === "." || seg === "") return "empty or '.' segment";
  }
  return undefined;
}

/** Sorted copy of `files` (by path, code-unit order). */
export function sortFiles(files: readonly BundleFile[]): BundleFile[] {
  return [...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** Checks a whole file list: safe paths, no duplicates, no file that is also a folder. */
export function validateFileList(files: readonly BundleFile[]): void {
  const seen = new Set<string>();
  const dirs = new Set<string>();
  for (const f of files) {
    const reason = unsafePathReason(f.path);
    if (reason) {
      throw new PortableError(`bundle refused: unsafe entry ${JSON.stringify(f.path)} (${reason})`);
    }
    if (seen.has(f.path)) {
      throw new PortableError(`bundle refused: duplicate entry ${JSON.stringify(f.path)}`);
    }
    seen.add(f.path);
    const segs = f.path.split("/");
    for (let i = 1; i < segs.length; i++) dirs.add(segs.slice(0, i).join("/"));
  }
  for (const d of dirs) {
    if (seen.has(d)) {
      throw new PortableError(`bundle refused: ${JSON.stringify(d)} is both a file and a folder`);
    }
  }
}

/** Serialises `files` (sorted, validated) and gzips the result. */
export async function encodeArchive(files: readonly BundleFile[]): Promise<Uint8Array> {
  const sorted = sortFiles(files);
  validateFileList(sorted);
  const enc = new TextEncoder();
  const names = sorted.map((f) => enc.encode(f.path));
  let size = MAGIC.length + 4;
  for (let i = 0; i < sorted.length; i++) size += 2 + names[i].length + 4 + sorted[i].data.length;
  const buf = new Uint8Array(size);
  const view = new DataView(buf.buffer);
  buf.set(MAGIC, 0);
  view.setUint32(4, sorted.length);
  let at = 8;
  for (let i = 0; i < sorted.length; i++) {
    const data = sorted[i].data;
    if (data.length > 0xffffffff) {
      throw new PortableError(`file too large to bundle: ${sorted[i].path}`);
    }
    view.setUint16(at, names[i].length);
    buf.set(names[i], at + 2);
    at += 2 + names[i].length;
    view.setUint32(at, data.length);
    buf.set(data, at + 4);
    at += 4 + data.length;
  }
  return await gzip(buf);
}

/** Gzips `data` with the Web `CompressionStream`. */
export async function gzip(data: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([data as BlobPart]).stream().pipeThrough(new CompressionStream("gzip"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

async function gunzip(data: Uint8Array, maxBytes: number): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    const stream = new Blob([data as BlobPart]).stream().pipeThrough(
      new DecompressionStream("gzip"),
    );
    for await (const chunk of stream) {
      total += chunk.length;
      if (total > maxBytes) {
        throw new PortableError(`bundle refused: it unpacks to more than ${maxBytes} bytes`);
      }
      chunks.push(chunk);
    }
  } catch (err) {
    if (err instanceof PortableError) throw err;
    throw new PortableError("bundle refused: the archive is not valid gzip data");
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/**
 * Decompresses and parses an archive, validating every entry. Throws {@linkcode PortableError}
 * with one line on any problem; returns the files sorted by path.
 */
export async function decodeArchive(
  gz: Uint8Array,
  maxBytes: number = DEFAULT_MAX_ARCHIVE_BYTES,
): Promise<BundleFile[]> {
  const buf = await gunzip(gz, maxBytes);
  const truncated = () => new PortableError("bundle refused: the archive is truncated");
  if (buf.length < 8 || !MAGIC.every((b, i) => buf[i] === b)) {
    throw new PortableError(
      "bundle refused: unknown archive format (not written by denocodex --put)",
    );
  }
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const count = view.getUint32(4);
  const dec = new TextDecoder("utf-8", { fatal: true });
  const files: BundleFile[] = [];
  let at = 8;
  for (let i = 0; i < count; i++) {
    if (at + 2 > buf.length) throw truncated();
    const nameLen = view.getUint16(at);
    at += 2;
    if (at + nameLen + 4 > buf.length) throw truncated();
    let path: string;
    try {
      path = dec.decode(buf.subarray(at, at + nameLen));
    } catch {
      throw new PortableError("bundle refused: an entry name is not valid UTF-8");
    }
    at += nameLen;
    const len = view.getUint32(at);
    at += 4;
    if (at + len > buf.length) throw truncated();
    files.push({ path, data: buf.subarray(at, at + len) });
    at += len;
  }
  if (at !== buf.length) {
    throw new PortableError("bundle refused: trailing bytes after the last entry");
  }
  validateFileList(files);
  return sortFiles(files);
}
