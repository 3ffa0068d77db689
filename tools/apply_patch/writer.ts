/**
 * Writes a verified patch's files all-or-nothing: every new content first goes to a temporary
 * file beside its target, then the temporary files are renamed over the targets, then deleted
 * files are removed. If any step fails, everything done so far is undone (renamed targets get
 * their original bytes back, created directories are removed), so the work tree is left as it was.
 *
 * @module
 */

import { basename, dirname } from "../../lib/path.ts";
import { ApplyPatchError } from "./errors.ts";

/** A file to (over)write. */
export interface FileWrite {
  /** Absolute path (symbolic links already resolved). */
  path: string;
  content: string;
  /** Permission bits to give the file (an existing target's or a moved file's). */
  mode?: number;
  /** The target's bytes before the patch, `null` when it did not exist. */
  original: Uint8Array | null;
}

/** A file to remove. */
export interface FileRemoval {
  path: string;
  /** Its bytes, to restore it if a later step fails. */
  original: Uint8Array;
  mode?: number;
}

async function exists(path: string): Promise<Deno.FileInfo | null> {
  try {
    return await Deno.lstat(path);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return null;
    throw err;
  }
}

/** Creates the missing ancestors of `dir`, recording each one created in `created`. */
async function makeParents(dir: string, created: string[]): Promise<void> {
  const missing: string[] = [];
  let d = dir;
  while (true) {
    const info = await exists(d);
    if (info) {
      if (!info.isDirectory && !(info.isSymlink && (await Deno.stat(d)).isDirectory)) {
        throw new Error(`${d} is not a directory`);
      }
      break;
    }
    missing.push(d);
    const up = dirname(d);
    if (up === d) break;
    d = up;
  }
  for (const m of missing.reverse()) {
    await Deno.mkdir(m);
    created.push(m);
  }
}

/** The file operations the writer uses; tests replace some to inject failures. */
export interface WriterOps {
  writeTextFile(path: string, content: string): Promise<void>;
  rename(from: string, to: string): Promise<void>;
  remove(path: string): Promise<void>;
}

const DENO_OPS: WriterOps = {
  writeTextFile: (path, content) => Deno.writeTextFile(path, content, { createNew: true }),
  rename: (from, to) => Deno.rename(from, to),
  remove: (path) => Deno.remove(path),
};

async function quietly(fn: () => Promise<unknown>): Promise<void> {
  try {
    await fn();
  } catch {
    // Best effort while undoing.
  }
}

/**
 * Writes and removes files atomically as a set.
 *
 * @param writes files to write, in order
 * @param removals files to remove after all writes
 * @param overrides replacements for some file operations (fault injection in tests)
 * @throws {ApplyPatchError} kind `write` (`Failed to write file <path>` and similar); nothing
 * was changed when it throws
 */
export async function commitFiles(
  writes: readonly FileWrite[],
  removals: readonly FileRemoval[],
  overrides: Partial<WriterOps> = {},
): Promise<void> {
  const ops: WriterOps = { ...DENO_OPS, ...overrides };
  const createdDirs: string[] = [];
  const temps = new Map<string, string>();
  const renamed: FileWrite[] = [];
  const removed: FileRemoval[] = [];
  let failure: string | undefined;
  let cause: unknown;
  const fail = (text: string, err: unknown) => {
    failure = text;
    cause = err;
  };
  try {
    for (const w of writes) {
      const info = await exists(w.path);
      if (info?.isDirectory) {
        fail(`Failed to write file ${w.path}`, new Error("is a directory"));
        break;
      }
      try {
        await makeParents(dirname(w.path), createdDirs);
      } catch (err) {
        fail(`Failed to create parent directories for ${w.path}`, err);
        break;
      }
      const temp = `${dirname(w.path)}/.${basename(w.path)}.${
        crypto.randomUUID().slice(0, 8)
      }.apply_patch.tmp`;
      try {
        temps.set(w.path, temp);
        await ops.writeTextFile(temp, w.content);
        if (w.mode !== undefined) await Deno.chmod(temp, w.mode & 0o7777);
      } catch (err) {
        // Never clean up a file this call did not create.
        if (err instanceof Deno.errors.AlreadyExists) temps.delete(w.path);
        fail(`Failed to write file ${w.path}`, err);
        break;
      }
    }
    if (failure === undefined) {
      for (const w of writes) {
        try {
          await ops.rename(temps.get(w.path)!, w.path);
          temps.delete(w.path);
          renamed.push(w);
        } catch (err) {
          fail(`Failed to write file ${w.path}`, err);
          break;
        }
      }
    }
    if (failure === undefined) {
      for (const r of removals) {
        try {
          await ops.remove(r.path);
          removed.push(r);
        } catch (err) {
          fail(`Failed to delete file ${r.path}`, err);
          break;
        }
      }
    }
  } catch (err) {
    fail(`Failed to write file ${writes[0]?.path ?? removals[0]?.path ?? ""}`, err);
  }
  if (failure === undefined) return;

  // Undo in reverse order.
  for (const r of removed.reverse()) {
    await quietly(async () => {
      await Deno.writeFile(r.path, r.original);
      if (r.mode !== undefined) await Deno.chmod(r.path, r.mode & 0o7777);
    });
  }
  for (const w of renamed.reverse()) {
    if (w.original === null) {
      await quietly(() => Deno.remove(w.path));
    } else {
      const original = w.original;
      await quietly(async () => {
        await Deno.writeFile(w.path, original);
        if (w.mode !== undefined) await Deno.chmod(w.path, w.mode & 0o7777);
      });
    }
  }
  for (const t of temps.values()) await quietly(() => Deno.remove(t));
  for (const d of createdDirs.reverse()) await quietly(() => Deno.remove(d));
  throw new ApplyPatchError("write", failure, { cause });
}
