/**
 * Streams the records of a rollout file, line by line, without holding the file's text in
 * memory. A torn last line (a crash while it was written) is skipped with a warning; so is a
 * malformed line in the middle. Neither is an error.
 *
 * @module
 */

import type { RolloutRecord } from "./records.ts";

/** Options of {@linkcode forEachRecord}. */
export interface ReadRecordsOptions {
  /** Told about skipped lines (torn or malformed). */
  onWarning?(message: string): void;
  /** Bytes per read (default 64 KiB: small strings die young, see below). */
  chunkSize?: number;
}

/**
 * Called per record with its 1-based line number and the byte offset where the line starts;
 * return `false` to stop reading.
 */
export type RecordVisitor = (record: RolloutRecord, line: number, offset: number) => boolean | void;

function parseLine(text: string): RolloutRecord | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  if (!value || typeof value !== "object" || Array.isArray(value)) return null;
  const r = value as Record<string, unknown>;
  if (typeof r.type !== "string") return null;
  const payload = r.payload && typeof r.payload === "object" && !Array.isArray(r.payload)
    ? r.payload as Record<string, unknown>
    : {};
  const rec: RolloutRecord = {
    timestamp: typeof r.timestamp === "string" ? r.timestamp : "",
    type: r.type,
    payload,
  };
  if (typeof r.ordinal === "number") rec.ordinal = r.ordinal;
  return rec;
}

/**
 * Reads `path` and calls `visit` for each record in file order. Resolves to the number of lines
 * read. Throws only when the file cannot be opened or read.
 *
 * Lines are found in the bytes and each is decoded on its own: no chunk-sized strings are made,
 * so the garbage per line is one short-lived string (resuming a 50 MB rollout stays near the
 * size of the history it holds).
 */
export async function forEachRecord(
  path: string,
  visit: RecordVisitor,
  opts: ReadRecordsOptions = {},
): Promise<number> {
  const file = await Deno.open(path, { read: true });
  const decoder = new TextDecoder();
  const buf = new Uint8Array(opts.chunkSize ?? 64 * 1024);
  // Bytes of a line that continues past the current chunk.
  let carry = new Uint8Array(0);
  let carried = 0;
  let line = 0;
  let stopped = false;
  // Byte offset of the start of `buf` in the file, and of the line being assembled.
  let pos = 0;
  let lineStart = 0;
  const handle = (bytes: Uint8Array, last: boolean): void => {
    line++;
    let end = bytes.length;
    if (end && bytes[end - 1] === 0x0d) end--;
    const text = decoder.decode(bytes.subarray(0, end));
    if (!text.trim()) return;
    const rec = parseLine(text);
    if (!rec) {
      opts.onWarning?.(
        last
          ? `ignored a torn last line (line ${line}) in ${path}`
          : `skipped a malformed line (line ${line}) in ${path}`,
      );
      return;
    }
    if (visit(rec, line, lineStart) === false) stopped = true;
  };
  const keep = (bytes: Uint8Array): void => {
    if (carried + bytes.length > carry.length) {
      const bigger = new Uint8Array(Math.max(carry.length * 2, carried + bytes.length, 1024));
      bigger.set(carry.subarray(0, carried));
      carry = bigger;
    }
    carry.set(bytes, carried);
    carried += bytes.length;
  };
  try {
    while (!stopped) {
      const n = await file.read(buf);
      if (n === null) break;
      let start = 0;
      while (!stopped) {
        const nl = buf.indexOf(0x0a, start);
        if (nl < 0 || nl >= n) break;
        if (carried) {
          keep(buf.subarray(start, nl));
          handle(carry.subarray(0, carried), false);
          carried = 0;
        } else {
          lineStart = pos + start;
          handle(buf.subarray(start, nl), false);
        }
        start = nl + 1;
      }
      if (!stopped && start < n) {
        if (!carried) lineStart = pos + start;
        keep(buf.subarray(start, n));
      }
      pos += n;
      // A long line's buffer is not kept beyond it.
      if (!carried && carry.length > buf.length * 4) carry = new Uint8Array(0);
    }
    if (!stopped && carried) handle(carry.subarray(0, carried), true);
  } finally {
    file.close();
  }
  return line;
}
