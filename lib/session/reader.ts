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
  /** Bytes per read (default 1 MiB). */
  chunkSize?: number;
}

/** Called per record with its 1-based line number; return `false` to stop reading. */
export type RecordVisitor = (record: RolloutRecord, line: number) => boolean | void;

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
  return { timestamp: typeof r.timestamp === "string" ? r.timestamp : "", type: r.type, payload };
}

/**
 * Reads `path` and calls `visit` for each record in file order. Resolves to the number of lines
 * read. Throws only when the file cannot be opened or read.
 */
export async function forEachRecord(
  path: string,
  visit: RecordVisitor,
  opts: ReadRecordsOptions = {},
): Promise<number> {
  const file = await Deno.open(path, { read: true });
  const decoder = new TextDecoder();
  const buf = new Uint8Array(opts.chunkSize ?? 1024 * 1024);
  let pending: string[] = [];
  let line = 0;
  let stopped = false;
  const handle = (text: string, last: boolean): void => {
    line++;
    const trimmed = text.endsWith("\r") ? text.slice(0, -1) : text;
    if (!trimmed.trim()) return;
    const rec = parseLine(trimmed);
    if (!rec) {
      opts.onWarning?.(
        last
          ? `ignored a torn last line (line ${line}) in ${path}`
          : `skipped a malformed line (line ${line}) in ${path}`,
      );
      return;
    }
    if (visit(rec, line) === false) stopped = true;
  };
  try {
    while (!stopped) {
      const n = await file.read(buf);
      if (n === null) break;
      const text = decoder.decode(buf.subarray(0, n), { stream: true });
      let start = 0;
      while (!stopped) {
        const nl = text.indexOf("\n", start);
        if (nl < 0) break;
        const piece = text.slice(start, nl);
        if (pending.length) {
          pending.push(piece);
          const whole = pending.join("");
          pending = [];
          handle(whole, false);
        } else {
          handle(piece, false);
        }
        start = nl + 1;
      }
      if (start < text.length) pending.push(text.slice(start));
    }
    if (!stopped) {
      const tail = decoder.decode();
      if (tail) pending.push(tail);
      if (pending.length) handle(pending.join(""), true);
    }
  } finally {
    file.close();
  }
  return line;
}
