/**
 * `RolloutWriter`: appends one JSON line per record to a rollout file.
 *
 * Each record is written with one synchronous `write` on a file opened in append mode, with no
 * buffering in the process: when `write` returns, the line is in the kernel and survives the
 * process being killed. A crash can therefore tear at most the line being written (readers skip
 * a torn last line). There is no `fsync` per record (it would cost milliseconds per item);
 * {@linkcode RolloutWriter.close} syncs once.
 *
 * A failed write (disk full, file removed...) is reported once through `onError` and turns the
 * writer off, so a broken disk never breaks the conversation.
 *
 * @module
 */

import { dirname } from "../path.ts";
import type { RolloutRecord } from "./records.ts";

/** Options of {@linkcode RolloutWriter.open}. */
export interface WriterOptions {
  /** `create`: a new file (fails if it exists); `append`: an existing rollout. */
  mode: "create" | "append";
  /** Told once when writing fails; later records are dropped. */
  onError?(message: string): void;
}

const enc = new TextEncoder();

async function endsWithNewline(path: string): Promise<boolean> {
  const file = await Deno.open(path, { read: true });
  try {
    const size = (await file.stat()).size;
    if (size === 0) return true;
    await file.seek(size - 1, Deno.SeekMode.Start);
    const last = new Uint8Array(1);
    await file.read(last);
    return last[0] === 0x0a;
  } finally {
    file.close();
  }
}

/** Appends records to one rollout file. */
export class RolloutWriter {
  readonly path: string;
  #file: Deno.FsFile | null;
  #onError?: (message: string) => void;
  #failed = false;
  #buf = new Uint8Array(64 * 1024);

  private constructor(path: string, file: Deno.FsFile, onError?: (message: string) => void) {
    this.path = path;
    this.#file = file;
    this.#onError = onError;
  }

  /** Opens `path` for appending (creating its folders for a new file). */
  static async open(path: string, opts: WriterOptions): Promise<RolloutWriter> {
    if (opts.mode === "create") await Deno.mkdir(dirname(path), { recursive: true });
    const torn = opts.mode === "append" && !(await endsWithNewline(path));
    const file = await Deno.open(path, {
      append: true,
      create: opts.mode === "create",
      createNew: opts.mode === "create",
    });
    const writer = new RolloutWriter(path, file, opts.onError);
    // A torn last line (crash mid-write) must not swallow the next record.
    if (torn) writer.#raw("\n");
    return writer;
  }

  /** False once a write failed or the writer was closed. */
  get ok(): boolean {
    return !this.#failed && this.#file !== null;
  }

  /** Appends `record` as one line. Returns false when nothing was written. */
  write(record: RolloutRecord): boolean {
    return this.writeLine(JSON.stringify(record));
  }

  /** Appends an already serialized record (no newline inside). */
  writeLine(json: string): boolean {
    return this.#raw(json, true);
  }

  /** UTF-8 of `text` (+ a newline) in a buffer reused from line to line (no garbage per line). */
  #encode(text: string, newline = false): Uint8Array {
    // UTF-8 takes at most 3 bytes per UTF-16 unit.
    const need = text.length * 3 + 1;
    if (this.#buf.length < need) this.#buf = new Uint8Array(Math.max(need, this.#buf.length * 2));
    let n = enc.encodeInto(text, this.#buf).written;
    if (newline) this.#buf[n++] = 0x0a;
    const out = this.#buf.subarray(0, n);
    // Do not keep a huge buffer for the rest of the session.
    if (this.#buf.length > 4 * 1024 * 1024) this.#buf = new Uint8Array(64 * 1024);
    return out;
  }

  #raw(text: string, newline = false): boolean {
    const file = this.#file;
    if (!file || this.#failed) return false;
    let data = this.#encode(text, newline);
    try {
      while (data.length) data = data.subarray(file.writeSync(data));
      return true;
    } catch (err) {
      this.#failed = true;
      this.#onError?.(`cannot write session file ${this.path}: ${(err as Error).message}`);
      return false;
    }
  }

  /** Flushes to disk and closes. Idempotent. */
  async close(): Promise<void> {
    const file = this.#file;
    if (!file) return;
    this.#file = null;
    try {
      if (!this.#failed) await file.sync();
    } catch { /* best effort */ }
    try {
      file.close();
    } catch { /* already closed */ }
  }
}
