/**
 * Finding stored sessions: by thread id, the most recent one for a directory (`--last`), and a
 * listing for a session picker (newest first, with title, time and first prompt).
 *
 * @module
 */

import { isAbsolute, join, resolve } from "../path.ts";
import { isUuid } from "../protocol/ids.ts";
import { parseRolloutFileName, sessionsRoot } from "./paths.ts";
import { forEachRecord } from "./reader.ts";
import { parseSessionMeta } from "./records.ts";

/** A stored session as a picker shows it. */
export interface SessionSummary {
  /** Thread id. */
  id: string;
  /** The rollout file. */
  path: string;
  /** The thread name when one was set, else the first line of the first prompt. */
  title: string;
  /** Last write to the rollout. */
  updatedAt: Date;
  /** The first prompt the user typed (empty when none was recorded). */
  firstPrompt: string;
  /** The working directory of the session. */
  cwd: string;
}

/** A rollout file found on disk. */
interface RolloutFile {
  id: string;
  path: string;
}

async function dirNames(dir: string, pattern: RegExp): Promise<string[]> {
  const names: string[] = [];
  try {
    for await (const e of Deno.readDir(dir)) {
      if (pattern.test(e.name)) names.push(e.name);
    }
  } catch (err) {
    if (!(err instanceof Deno.errors.NotFound)) throw err;
  }
  return names.sort().reverse();
}

/** Every rollout under `CODEX_HOME/sessions`, newest day folder first. */
async function rolloutFiles(codexHome: string): Promise<RolloutFile[]> {
  const root = sessionsRoot(codexHome);
  const out: RolloutFile[] = [];
  for (const y of await dirNames(root, /^\d{4}$/)) {
    for (const m of await dirNames(join(root, y), /^\d{2}$/)) {
      for (const d of await dirNames(join(root, y, m), /^\d{2}$/)) {
        const dir = join(root, y, m, d);
        for (const name of await dirNames(dir, /\.jsonl$/)) {
          const parsed = parseRolloutFileName(name);
          if (parsed) out.push({ id: parsed.threadId, path: join(dir, name) });
        }
      }
    }
  }
  return out;
}

/** The rollout of thread `id` (a UUID), or `null`. */
export async function findSessionById(codexHome: string, id: string): Promise<string | null> {
  const want = id.toLowerCase();
  for (const f of await rolloutFiles(codexHome)) if (f.id === want) return f.path;
  return null;
}

/** What the head of a rollout tells a picker. */
async function readHead(
  path: string,
): Promise<{ cwd: string; firstPrompt: string; name?: string; subagent: boolean } | null> {
  let cwd: string | undefined;
  let subagent = false;
  let firstPrompt = "";
  let name: string | undefined;
  let records = 0;
  try {
    await forEachRecord(path, (rec) => {
      records++;
      const p = rec.payload;
      if (rec.type === "session_meta" && cwd === undefined) {
        const meta = parseSessionMeta(p);
        cwd = meta?.cwd ?? "";
        subagent = meta?.subagent !== undefined;
        // A sub-agent's thread is listed through its root, never on its own.
        if (subagent) return false;
        if (typeof p.thread_name === "string") name = p.thread_name;
      } else if (rec.type === "event_msg") {
        if (p.type === "user_message" && typeof p.message === "string" && !firstPrompt) {
          firstPrompt = p.message;
        } else if (p.type === "item_completed" && !firstPrompt) {
          const item = p.item as { type?: unknown; content?: { text?: unknown }[] } | undefined;
          if (item?.type === "UserMessage" && Array.isArray(item.content)) {
            firstPrompt = item.content.map((c) => (typeof c.text === "string" ? c.text : ""))
              .join("");
          }
        } else if (p.type === "thread_name_updated" && typeof p.thread_name === "string") {
          name = p.thread_name;
        }
      }
      // The first prompt comes right after the initial context; do not read whole sessions.
      return !(cwd !== undefined && (firstPrompt || records > 400));
    }, { chunkSize: 64 * 1024 });
  } catch {
    return null;
  }
  return cwd === undefined ? null : { cwd, firstPrompt, name, subagent };
}

function titleOf(firstPrompt: string, name?: string): string {
  if (name?.trim()) return name.trim();
  const line = firstPrompt.split("\n").find((l) => l.trim())?.trim() ?? "";
  if (!line) return "(no prompt)";
  return line.length > 80 ? `${line.slice(0, 79)}…` : line;
}

/** Options of {@linkcode listSessions}. */
export interface ListSessionsOptions {
  codexHome: string;
  /** Only sessions whose working directory is `cwd` (all sessions when omitted). */
  cwd?: string;
  /** At most this many (default 50). */
  limit?: number;
}

/** Stored sessions, most recently updated first. */
export async function listSessions(opts: ListSessionsOptions): Promise<SessionSummary[]> {
  const limit = opts.limit ?? 50;
  const want = opts.cwd === undefined ? undefined : resolve(opts.cwd);
  const files = await rolloutFiles(opts.codexHome);
  const stamped: (RolloutFile & { mtime: Date })[] = [];
  for (const f of files) {
    try {
      const st = await Deno.stat(f.path);
      stamped.push({ ...f, mtime: st.mtime ?? new Date(0) });
    } catch { /* removed meanwhile */ }
  }
  stamped.sort((a, b) => b.mtime.getTime() - a.mtime.getTime());
  const out: SessionSummary[] = [];
  for (const f of stamped) {
    if (out.length >= limit) break;
    const head = await readHead(f.path);
    if (!head || head.subagent) continue;
    if (want !== undefined && (!head.cwd || resolve(head.cwd) !== want)) continue;
    out.push({
      id: f.id,
      path: f.path,
      title: titleOf(head.firstPrompt, head.name),
      updatedAt: f.mtime,
      firstPrompt: head.firstPrompt,
      cwd: head.cwd,
    });
  }
  return out;
}

/** Options of {@linkcode resolveSession}. */
export interface ResolveSessionOptions {
  codexHome: string;
  /** The current directory (for `last`). */
  cwd: string;
  /** A thread id (UUID) or the path of a rollout file. */
  id?: string;
  /** The most recent session of `cwd`. */
  last?: boolean;
  /** With `last`: any directory. */
  all?: boolean;
}

/** A session chosen to resume or fork. */
export interface ResolvedSession {
  id: string;
  path: string;
}

/**
 * Finds the session to resume: by id (or rollout path), or the newest for `cwd` with `last`.
 * Returns `null` when there is none. Throws a `TypeError` for an id that is not a UUID.
 */
export async function resolveSession(opts: ResolveSessionOptions): Promise<ResolvedSession | null> {
  if (opts.id !== undefined) {
    if (opts.id.endsWith(".jsonl")) {
      const path = isAbsolute(opts.id) ? opts.id : resolve(opts.cwd, opts.id);
      const parsed = parseRolloutFileName(path.split("/").pop() ?? "");
      try {
        await Deno.stat(path);
      } catch {
        return null;
      }
      return { id: parsed?.threadId ?? "", path };
    }
    if (!isUuid(opts.id)) {
      throw new TypeError(`'${opts.id}' is not a session id (expected a UUID)`);
    }
    const path = await findSessionById(opts.codexHome, opts.id);
    return path ? { id: opts.id.toLowerCase(), path } : null;
  }
  if (opts.last) {
    const [newest] = await listSessions({
      codexHome: opts.codexHome,
      cwd: opts.all ? undefined : opts.cwd,
      limit: 1,
    });
    return newest ? { id: newest.id, path: newest.path } : null;
  }
  return null;
}
