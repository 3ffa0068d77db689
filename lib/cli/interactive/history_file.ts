/**
 * The prompt history shared by all sessions: `CODEX_HOME/history.jsonl`, one JSON object per
 * line in upstream's format `{"session_id":"<thread id>","ts":<unix seconds>,"text":"<prompt>"}`.
 * The file is created owner-only (0600) and appended with `O_APPEND`, so concurrent sessions
 * never interleave partial lines. `[history] persistence = "none"` turns writing off and
 * `[history] max_bytes` trims the oldest entries.
 *
 * @module
 */

/** One line of `history.jsonl`. */
export interface HistoryEntry {
  session_id: string;
  ts: number;
  text: string;
}

/** The file name inside CODEX_HOME. */
export const HISTORY_FILE = "history.jsonl";

/** How much of the end of the file is read at start (the most recent entries). */
const TAIL_BYTES = 512 * 1024;

/** Options of {@linkcode PromptHistory}. */
export interface PromptHistoryOptions {
  codexHome: string;
  /** `false` for `persistence = "none"`: nothing is written. */
  persist: boolean;
  /** `[history] max_bytes`: the file is trimmed to this size (oldest entries dropped). */
  maxBytes?: number;
  /** Clock in milliseconds (tests). */
  now?: () => number;
}

/** Reads and appends the prompt history file. */
export class PromptHistory {
  readonly path: string;
  #opts: PromptHistoryOptions;
  #writing: Promise<void> = Promise.resolve();

  constructor(opts: PromptHistoryOptions) {
    this.#opts = opts;
    // A plain join: node:path costs tens of milliseconds at start-up.
    this.path = `${opts.codexHome.replace(/\/+$/, "")}/${HISTORY_FILE}`;
  }

  /** The most recent entries (oldest first); malformed lines are skipped. */
  async load(): Promise<HistoryEntry[]> {
    let file: Deno.FsFile;
    try {
      file = await Deno.open(this.path, { read: true });
    } catch {
      return [];
    }
    try {
      const size = (await file.stat()).size;
      const start = Math.max(0, size - TAIL_BYTES);
      await file.seek(start, Deno.SeekMode.Start);
      const buf = new Uint8Array(size - start);
      let off = 0;
      while (off < buf.length) {
        const n = await file.read(buf.subarray(off));
        if (n === null) break;
        off += n;
      }
      let text = new TextDecoder().decode(buf.subarray(0, off));
      // A cut first line is not an entry.
      if (start > 0) text = text.slice(text.indexOf("\n") + 1);
      return parseHistory(text);
    } finally {
      file.close();
    }
  }

  /** Appends `text` for `sessionId` (no-op when persistence is off or text is blank). */
  append(sessionId: string, text: string): Promise<void> {
    if (!this.#opts.persist || text.trim() === "") return Promise.resolve();
    const entry: HistoryEntry = {
      session_id: sessionId,
      ts: Math.floor((this.#opts.now ?? Date.now)() / 1000),
      text,
    };
    const line = JSON.stringify(entry) + "\n";
    this.#writing = this.#writing.then(() => this.#write(line)).catch(() => {});
    return this.#writing;
  }

  /** Waits for pending writes. */
  flush(): Promise<void> {
    return this.#writing;
  }

  async #write(line: string): Promise<void> {
    await Deno.mkdir(this.#opts.codexHome, { recursive: true });
    const file = await Deno.open(this.path, {
      append: true,
      create: true,
      mode: 0o600,
    });
    try {
      const bytes = new TextEncoder().encode(line);
      let off = 0;
      while (off < bytes.length) off += await file.write(bytes.subarray(off));
      const size = (await file.stat()).size;
      if (this.#opts.maxBytes && size > this.#opts.maxBytes) await this.#trim(this.#opts.maxBytes);
    } finally {
      file.close();
    }
  }

  /** Keeps the newest whole lines that fit in `maxBytes` (written to a temp file, renamed). */
  async #trim(maxBytes: number): Promise<void> {
    const text = await Deno.readTextFile(this.path);
    const lines = text.split("\n").filter((l) => l !== "");
    const enc = new TextEncoder();
    const kept: string[] = [];
    let total = 0;
    for (let i = lines.length - 1; i >= 0; i--) {
      const n = enc.encode(lines[i]).length + 1;
      if (total + n > maxBytes) break;
      kept.unshift(lines[i]);
      total += n;
    }
    const tmp = `${this.path}.${crypto.randomUUID()}.tmp`;
    await Deno.writeTextFile(tmp, kept.map((l) => l + "\n").join(""), { mode: 0o600 });
    await Deno.rename(tmp, this.path);
  }
}

/** Parses `history.jsonl` text; lines that are not entries are skipped. */
export function parseHistory(text: string): HistoryEntry[] {
  const out: HistoryEntry[] = [];
  for (const line of text.split("\n")) {
    if (!line.trim()) continue;
    try {
      const v = JSON.parse(line) as Partial<HistoryEntry>;
      if (typeof v.text === "string" && typeof v.session_id === "string") {
        out.push({ session_id: v.session_id, ts: Number(v.ts ?? 0), text: v.text });
      }
    } catch {
      // Not an entry: skip.
    }
  }
  return out;
}
