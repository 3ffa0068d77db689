/**
 * Does a file have a line matching a regular expression? Files under 256 KiB are searched from
 * a single read, bigger ones in 1 MiB pieces split at line ends (never held whole), stopping at
 * the first match. Mirrors ripgrep's file handling for `--files-with-matches`:
 *
 * - a UTF-8 byte order mark is skipped; UTF-16 files with a byte order mark are decoded (whole:
 *   the one case where a big file is held in memory);
 * - files found while walking a folder count as binary when a NUL byte shows up in the data read
 *   before the first match (at least the first 64 KiB): binary files never match;
 * - a file named explicitly is searched whatever it contains (NUL bytes act as line breaks).
 *
 * @module
 */

const PIECE = 1 << 20;
/** ripgrep reads (and checks for NUL bytes) 64 KiB at a time. */
const BINARY_WINDOW = 1 << 16;
const NL = 0x0a;

/** How the file came to be searched. */
export type SearchMode = "walked" | "explicit";

const utf8 = new TextDecoder();

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length === 0) return b;
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

function matchesText(re: RegExp, text: string): boolean {
  re.lastIndex = 0;
  return re.test(text);
}

/** Reads the rest of the file; `size` is a hint for the first buffer. */
async function readRest(file: Deno.FsFile, size: number): Promise<Uint8Array> {
  let buf = new Uint8Array(Math.max(size, 1));
  let len = 0;
  for (;;) {
    if (len === buf.length) {
      const bigger = new Uint8Array(buf.length * 2);
      bigger.set(buf);
      buf = bigger;
    }
    const n = await file.read(buf.subarray(len));
    if (n === null) return buf.subarray(0, len);
    len += n;
  }
}

function hasUtf16Bom(b: Uint8Array): boolean {
  return b.length >= 2 && ((b[0] === 0xff && b[1] === 0xfe) || (b[0] === 0xfe && b[1] === 0xff));
}

function hasUtf8Bom(b: Uint8Array): boolean {
  return b.length >= 3 && b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf;
}

/** Searches a UTF-16 file (with BOM), decoded whole. */
function searchUtf16(bytes: Uint8Array, re: RegExp, mode: SearchMode): boolean {
  const encoding = bytes[0] === 0xff ? "utf-16le" : "utf-16be";
  let text = new TextDecoder(encoding).decode(bytes.subarray(2));
  const nul = text.indexOf("\0");
  if (nul >= 0) {
    if (mode === "explicit") text = text.replaceAll("\0", "\n");
    else if (nul < BINARY_WINDOW) return false;
    else {
      const end = text.lastIndexOf("\n", nul - (nul % BINARY_WINDOW));
      if (end < 0) return false;
      text = text.slice(0, end);
      return matchesText(re, text);
    }
  }
  if (text === "") return false;
  if (text.endsWith("\n")) text = text.slice(0, -1);
  return matchesText(re, text);
}

/**
 * The part of `bytes` (starting at file offset `offset`) that may be searched: all of it, or
 * for a walked file with a NUL byte, the complete lines ripgrep reads before it sees the NUL
 * (`null` when the NUL is in the first 64 KiB: a binary file). Explicit files get NULs as line
 * breaks.
 */
function searchable(bytes: Uint8Array, offset: number, mode: SearchMode): {
  data: Uint8Array;
  stop: boolean;
} | null {
  const nul = bytes.indexOf(0);
  if (nul < 0) return { data: bytes, stop: false };
  if (mode === "explicit") {
    const copy = bytes.slice();
    for (let k = nul; k < copy.length; k++) if (copy[k] === 0) copy[k] = NL;
    return { data: copy, stop: false };
  }
  const at = offset + nul;
  if (at < BINARY_WINDOW) return null;
  const seen = Math.max(0, at - (at % BINARY_WINDOW) - offset);
  return { data: bytes.subarray(0, seen), stop: true };
}

/** Size of the first read: files shorter than this are searched from one read. */
export const FIRST_READ = 1 << 18;

/**
 * True when some line of the file at `path` matches `re` (a line-safe expression, see
 * `rustRegExp`). Unreadable files answer false.
 *
 * @param buf Scratch space for the first read (at least {@linkcode FIRST_READ} bytes); pass
 *   one per concurrent caller to avoid an allocation per file.
 */
export async function fileHasMatch(
  path: string,
  re: RegExp,
  mode: SearchMode,
  buf: Uint8Array = new Uint8Array(FIRST_READ),
): Promise<boolean> {
  let file: Deno.FsFile;
  try {
    file = await Deno.open(path, { read: true });
  } catch {
    return false;
  }
  try {
    const n = await file.read(buf);
    if (n === null) return false;
    // A short read of a regular file means its end was reached: no need to read again.
    if (n < buf.length) return searchWhole(buf.subarray(0, n), re, mode);
    return await searchStream(file, buf.slice(0, n), re, mode);
  } catch {
    return false;
  } finally {
    file.close();
  }
}

function searchWhole(all: Uint8Array, re: RegExp, mode: SearchMode): boolean {
  if (hasUtf16Bom(all)) return searchUtf16(all, re, mode);
  const bom = hasUtf8Bom(all) ? 3 : 0;
  const part = searchable(all.subarray(bom), bom, mode);
  if (part === null) return false;
  let data = part.data;
  if (part.stop) {
    const end = data.lastIndexOf(NL);
    if (end < 0) return false;
    data = data.subarray(0, end);
  } else {
    if (data.length === 0) return false;
    if (data.at(-1) === NL) data = data.subarray(0, data.length - 1);
  }
  return matchesText(re, utf8.decode(data));
}

async function searchStream(
  file: Deno.FsFile,
  head: Uint8Array,
  re: RegExp,
  mode: SearchMode,
): Promise<boolean> {
  const carry: Uint8Array[] = []; // pieces of an unfinished line
  let offset = 0; // file offset of the next byte read
  let first = true;
  const buf = new Uint8Array(PIECE);
  for (;;) {
    let fresh: Uint8Array;
    if (first) {
      fresh = head;
    } else {
      const n = await file.read(buf);
      if (n === null) break;
      fresh = buf.subarray(0, n);
    }
    if (first) {
      first = false;
      if (hasUtf16Bom(fresh)) {
        const rest = await readRest(file, PIECE);
        return searchUtf16(concat(fresh, rest), re, mode);
      }
      if (hasUtf8Bom(fresh)) {
        fresh = fresh.subarray(3);
        offset += 3;
      }
    }
    const part = searchable(fresh, offset, mode);
    if (part === null) return false;
    offset += fresh.length;
    const end = part.data.lastIndexOf(NL);
    if (end < 0) {
      if (part.stop) return false;
      carry.push(part.data.slice());
      continue;
    }
    const lines = concatAll(carry, part.data.subarray(0, end));
    carry.length = 0;
    if (matchesText(re, utf8.decode(lines))) return true;
    if (part.stop) return false;
    carry.push(part.data.slice(end + 1));
  }
  const last = concatAll(carry, new Uint8Array(0));
  return last.length > 0 && matchesText(re, utf8.decode(last));
}

function concatAll(parts: readonly Uint8Array[], tail: Uint8Array): Uint8Array {
  if (parts.length === 0) return tail;
  let size = tail.length;
  for (const p of parts) size += p.length;
  const out = new Uint8Array(size);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  out.set(tail, at);
  return out;
}
