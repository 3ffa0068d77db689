/**
 * Applies a patch to the file system: parse, verify every hunk in memory against the files (and
 * against the earlier hunks of the same patch), check the sandbox policy, and only then write,
 * all-or-nothing. A patch that fails any check changes nothing.
 *
 * @example Apply a patch in a workspace
 * ```ts
 * import { applyPatch } from "./apply.ts";
 * import { makePolicy } from "../../lib/sandbox/policy.ts";
 *
 * const cwd = await Deno.makeTempDir();
 * const { summary } = await applyPatch(
 *   "*** Begin Patch\n*** Add File: hello.txt\n+hi\n*** End Patch",
 *   { cwd, policy: makePolicy("workspace-write", cwd) },
 * );
 * console.log(summary.added); // ["hello.txt"]
 * ```
 *
 * @module
 */

import { dirname, resolve } from "../../lib/path.ts";
import type { FileChange } from "../../lib/protocol/events.ts";
import { canWrite, type SandboxPolicy } from "../../lib/sandbox/policy.ts";
import { addedFileDiff, deletedFileDiff, updatedFileDiff } from "./diff.ts";
import { ApplyPatchError, ioErrorText } from "./errors.ts";
import { type Hunk, parsePatch } from "./parser.ts";
import { applyChunks } from "./update.ts";
import { commitFiles, type FileRemoval, type FileWrite, type WriterOps } from "./writer.ts";

/** Where and under which policy a patch applies. */
export interface ApplyPatchOptions {
  /** Absolute directory that relative paths in the patch are resolved against. */
  cwd: string;
  /** The sandbox policy; `read-only` refuses every patch, `workspace-write` paths outside its roots. */
  policy: SandboxPolicy;
}

/** The files a patch touched, as the patch names them, in patch order within each kind. */
export interface PatchSummary {
  added: string[];
  /** Updated files; a moved file is listed under its destination. */
  modified: string[];
  deleted: string[];
}

/** The outcome of a successful patch. */
export interface ApplyPatchResult {
  /** One entry per file (absolute paths, sorted), for `patch_apply_*` events. */
  changes: FileChange[];
  summary: PatchSummary;
}

/** A verified patch, ready to write. */
export interface PatchPlan extends ApplyPatchResult {
  writes: FileWrite[];
  removals: FileRemoval[];
}

/** Largest deleted file whose content is put into a change's `diff`. */
const MAX_DELETE_DIFF_BYTES = 1 << 20;

interface DiskFile {
  /** The path with symbolic links resolved (where writes go). */
  real: string;
  exists: boolean;
  isDirectory: boolean;
  bytes?: Uint8Array;
  mode?: number;
  /** An error other than "not found" met while reading. */
  error?: unknown;
}

async function readDisk(path: string): Promise<DiskFile> {
  let real = path;
  try {
    const link = await Deno.lstat(path);
    if (link.isSymlink) real = await Deno.realPath(path);
    const info = link.isSymlink ? await Deno.stat(real) : link;
    // Only regular files are read (a FIFO would block, a device could be huge).
    if (!info.isFile) return { real, exists: true, isDirectory: info.isDirectory };
    const bytes = await Deno.readFile(real);
    return { real, exists: true, isDirectory: false, bytes, mode: info.mode ?? undefined };
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return { real, exists: false, isDirectory: false };
    return { real, exists: true, isDirectory: false, error: err };
  }
}

const UTF8 = new TextDecoder("utf-8", { fatal: true });

/** Reads through the in-memory overlay of earlier hunks. */
class Workspace {
  readonly #disk = new Map<string, Promise<DiskFile>>();
  /** Final content per absolute path; `null` = removed. Insertion order = first touch. */
  readonly state = new Map<string, string | null>();
  /** For moved files without an existing destination: the source's mode. */
  readonly modes = new Map<string, number>();

  disk(path: string): Promise<DiskFile> {
    let d = this.#disk.get(path);
    if (!d) this.#disk.set(path, d = readDisk(path));
    return d;
  }

  /** The current text of `path`, or a verification error worded with `context`. */
  async read(path: string, context: string): Promise<string> {
    const fail = (why: string) => new ApplyPatchError("verification", `${context}: ${why}`);
    const current = this.state.get(path);
    if (current === null) throw fail("No such file or directory (os error 2)");
    if (current !== undefined) return current;
    const disk = await this.disk(path);
    if (disk.error) throw fail(ioErrorText(disk.error));
    if (!disk.exists) throw fail("No such file or directory (os error 2)");
    if (disk.isDirectory || !disk.bytes) throw fail(`path \`${path}\` is not a file`);
    try {
      return UTF8.decode(disk.bytes);
    } catch {
      throw fail("stream did not contain valid UTF-8");
    }
  }
}

/** Orders paths component by component, as upstream sorts its change map. */
function comparePaths(a: string, b: string): number {
  const pa = a.split("/");
  const pb = b.split("/");
  for (let i = 0; i < Math.min(pa.length, pb.length); i++) {
    if (pa[i] !== pb[i]) return pa[i] < pb[i] ? -1 : 1;
  }
  return pa.length - pb.length;
}

/** `path` with symbolic links of its existing ancestors resolved. */
async function realTarget(path: string): Promise<string> {
  let head = path;
  let tail = "";
  while (true) {
    try {
      const real = await Deno.realPath(head);
      return tail ? resolve(real, tail) : real;
    } catch {
      const up = dirname(head);
      if (up === head) return path;
      tail = tail ? `${head.slice(up.length + 1)}/${tail}` : head.slice(up.length + 1);
      head = up;
    }
  }
}

async function checkPolicy(policy: SandboxPolicy, targets: Iterable<string>): Promise<void> {
  if (policy.mode === "danger-full-access") return;
  if (policy.mode === "read-only") {
    throw new ApplyPatchError(
      "rejected",
      "writing is blocked by read-only sandbox; rejected by user approval settings",
    );
  }
  const realRoots = await Promise.all(policy.writableRoots.map(realTarget));
  const realPolicy: SandboxPolicy = { ...policy, writableRoots: realRoots };
  for (const target of targets) {
    if (!canWrite(policy, target) || !canWrite(realPolicy, await realTarget(target))) {
      throw new ApplyPatchError(
        "rejected",
        "writing outside of the project; rejected by user approval settings",
      );
    }
  }
}

/**
 * Parses and verifies a patch without writing anything.
 *
 * @param patchText the patch as the model wrote it
 * @param options the directory to resolve paths against and the sandbox policy
 * @returns the plan to hand to {@linkcode commitPatch}
 * @throws {ApplyPatchError} kind `verification` (bad patch text, missing file, lines not found),
 * `rejected` (empty patch, refused by the sandbox policy), with upstream's reason texts, or
 * `write` when a file to overwrite cannot be read (so could not be restored)
 */
export async function planPatch(patchText: string, options: ApplyPatchOptions): Promise<PatchPlan> {
  const { hunks } = parsePatch(patchText);
  const ws = new Workspace();
  const summary: PatchSummary = { added: [], modified: [], deleted: [] };
  const changes = new Map<string, FileChange>();
  for (const hunk of hunks) await verifyHunk(hunk, options.cwd, ws, summary, changes);
  if (hunks.length === 0) throw new ApplyPatchError("rejected", "empty patch");
  await checkPolicy(options.policy, ws.state.keys());

  const writes: FileWrite[] = [];
  const removals: FileRemoval[] = [];
  for (const [path, content] of ws.state) {
    const disk = await ws.disk(path);
    if (content === null) {
      if (disk.exists && disk.bytes) removals.push({ path, original: disk.bytes, mode: disk.mode });
      continue;
    }
    if (disk.exists && !disk.isDirectory && !disk.bytes) {
      // Its bytes could not be kept for an undo: refuse before writing anything.
      throw new ApplyPatchError("write", `Failed to write file ${path}`, { cause: disk.error });
    }
    const mode = disk.exists ? disk.mode : ws.modes.get(path);
    const write: FileWrite = {
      path: disk.real,
      content,
      original: disk.exists && disk.bytes ? disk.bytes : null,
    };
    if (mode !== undefined) write.mode = mode;
    writes.push(write);
  }
  const sorted = [...changes.values()].sort((a, b) => comparePaths(a.path, b.path));
  return { changes: sorted, summary, writes, removals };
}

async function verifyHunk(
  hunk: Hunk,
  cwd: string,
  ws: Workspace,
  summary: PatchSummary,
  changes: Map<string, FileChange>,
): Promise<void> {
  const path = resolve(cwd, hunk.path);
  switch (hunk.type) {
    case "add": {
      ws.state.set(path, hunk.contents);
      summary.added.push(hunk.path);
      changes.set(path, { path, kind: "add", diff: addedFileDiff(hunk.contents) });
      return;
    }
    case "delete": {
      const old = await ws.read(path, `Failed to read ${path}`).catch(async (err) => {
        // Deleting a file that is not text is fine; only a missing one is an error.
        const disk = await ws.disk(path);
        if (ws.state.get(path) === undefined && disk.bytes) return undefined;
        throw err;
      });
      ws.state.set(path, null);
      summary.deleted.push(hunk.path);
      const change: FileChange = { path, kind: "delete" };
      if (old !== undefined && old.length <= MAX_DELETE_DIFF_BYTES) {
        change.diff = deletedFileDiff(old);
      }
      changes.set(path, change);
      return;
    }
    case "update": {
      const old = await ws.read(path, `Failed to read file to update ${path}`);
      const result = applyChunks(old, hunk.chunks, path);
      const change: FileChange = { path, kind: "update" };
      const diff = updatedFileDiff(result.original.lines, result.replacements);
      if (hunk.movePath !== undefined) {
        const dest = resolve(cwd, hunk.movePath);
        change.move_path = dest;
        if (dest !== path) {
          const disk = await ws.disk(path);
          if (disk.mode !== undefined) ws.modes.set(dest, disk.mode);
          ws.state.set(path, null);
        }
        ws.state.set(dest, result.content);
        summary.modified.push(hunk.movePath);
      } else {
        ws.state.set(path, result.content);
        summary.modified.push(hunk.path);
      }
      if (diff !== undefined) change.diff = diff;
      changes.set(path, change);
      return;
    }
  }
}

/**
 * Writes a verified plan, all-or-nothing.
 *
 * @param plan the plan from {@linkcode planPatch}
 * @param overrides replacements for some file operations (fault injection in tests)
 * @throws {ApplyPatchError} kind `write` (`Failed to write file <path>`); nothing changed then
 */
export async function commitPatch(
  plan: PatchPlan,
  overrides: Partial<WriterOps> = {},
): Promise<void> {
  await commitFiles(plan.writes, plan.removals, overrides);
}

/**
 * Verifies and applies a patch.
 *
 * @param patchText the patch as the model wrote it
 * @param options the directory to resolve paths against and the sandbox policy
 * @returns the changes (absolute paths) and the summary (paths as the patch names them)
 * @throws {ApplyPatchError} when the patch was not applied; no file changed then
 */
export async function applyPatch(
  patchText: string,
  options: ApplyPatchOptions,
): Promise<ApplyPatchResult> {
  const plan = await planPatch(patchText, options);
  await commitPatch(plan);
  return { changes: plan.changes, summary: plan.summary };
}
