/**
 * Walks a folder the way ripgrep does by default and lists the files it would search:
 *
 * - hidden entries (name starting with `.`) are skipped, symlinks are not followed, and only
 *   regular files are listed;
 * - `.rgignore`, `.ignore` and `.gitignore` files of every folder from the entry up to the file
 *   system root apply (deepest file of each kind first; kinds rank `.rgignore` > `.ignore` >
 *   `.gitignore` > `.git/info/exclude` > the global git excludes file); the git kinds only
 *   inside a git repository (a folder with `.git`), and not above the repository's root;
 * - a `!` pattern re-includes, even a hidden entry;
 * - `--glob` overrides come first: an including glob wins over everything else.
 *
 * @module
 */

import { dirname, join } from "../../lib/path.ts";
import { type GlobOverrides, type IgnoreMatch, IgnorePatterns } from "./ignore_rules.ts";

/** The ignore files of one folder. */
interface DirRules {
  path: string;
  parent: DirRules | undefined;
  rgignore?: IgnorePatterns;
  ignore?: IgnorePatterns;
  gitignore?: IgnorePatterns;
  exclude?: IgnorePatterns;
  hasGit: boolean;
  /** This folder or one above has `.git`. */
  anyGit: boolean;
}

/** Options of {@linkcode walkSearchFiles}. */
export interface SearchWalkOptions {
  /** Absolute path of the folder to walk. */
  root: string;
  /** `--glob` overrides (relative to ripgrep's working directory). */
  overrides: GlobOverrides;
  /** The global git excludes file, if any (applies inside git repositories). */
  globalExcludes?: IgnorePatterns;
  signal?: AbortSignal;
}

async function readText(path: string): Promise<string | undefined> {
  try {
    return await Deno.readTextFile(path);
  } catch {
    return undefined;
  }
}

async function loadRules(
  path: string,
  parent: DirRules | undefined,
  names: ReadonlySet<string>,
): Promise<DirRules> {
  const hasGit = names.has(".git");
  const rules: DirRules = {
    path,
    parent,
    hasGit,
    anyGit: hasGit || (parent?.anyGit ?? false),
  };
  const load = async (name: string) => {
    if (!names.has(name)) return undefined;
    const text = await readText(join(path, name));
    return text === undefined ? undefined : IgnorePatterns.parse(path, text);
  };
  rules.rgignore = await load(".rgignore");
  rules.ignore = await load(".ignore");
  rules.gitignore = await load(".gitignore");
  if (hasGit) {
    const text = await readText(join(path, ".git", "info", "exclude"));
    if (text !== undefined) rules.exclude = IgnorePatterns.parse(path, text);
  }
  return rules;
}

/** Names of the ignore-related entries of a folder that is not walked (an ancestor). */
async function ancestorNames(path: string): Promise<Set<string>> {
  const names = new Set<string>();
  for (const name of [".rgignore", ".ignore", ".gitignore", ".git"]) {
    try {
      await Deno.lstat(join(path, name));
      names.add(name);
    } catch { /* absent */ }
  }
  return names;
}

/** Rules of the folders above `root`, outermost first, chained. */
async function ancestorRules(root: string): Promise<DirRules | undefined> {
  const chain: string[] = [];
  for (let dir = dirname(root);; dir = dirname(dir)) {
    chain.push(dir);
    if (dirname(dir) === dir) break;
  }
  let parent: DirRules | undefined;
  for (const dir of chain.reverse()) {
    if (dir === root) continue;
    parent = await loadRules(dir, parent, await ancestorNames(dir));
  }
  return parent;
}

/** What the ignore files say about `path` (in folder `dir`). */
function ignoreFilesMatch(
  dir: DirRules,
  path: string,
  isDir: boolean,
  globalExcludes: IgnorePatterns | undefined,
): IgnoreMatch {
  let custom: IgnoreMatch;
  let dot: IgnoreMatch;
  let git: IgnoreMatch;
  let exclude: IgnoreMatch;
  let sawGit = false;
  const anyGit = dir.anyGit;
  for (let d: DirRules | undefined = dir; d; d = d.parent) {
    custom ??= d.rgignore?.match(path, isDir);
    dot ??= d.ignore?.match(path, isDir);
    if (anyGit && !sawGit) {
      git ??= d.gitignore?.match(path, isDir);
      exclude ??= d.exclude?.match(path, isDir);
    }
    sawGit ||= d.hasGit;
  }
  const global = anyGit ? globalExcludes?.match(path, isDir) : undefined;
  return custom ?? dot ?? git ?? exclude ?? global;
}

/**
 * Yields the absolute paths of the files ripgrep would search under `opts.root`, in walk order
 * (depth first, folder entries in the order the file system lists them).
 */
export async function* walkSearchFiles(opts: SearchWalkOptions): AsyncGenerator<string> {
  const top = await ancestorRules(opts.root);
  const stack: { path: string; parent: DirRules | undefined }[] = [{
    path: opts.root,
    parent: top,
  }];
  while (stack.length > 0) {
    if (opts.signal?.aborted) return;
    const { path, parent } = stack.pop()!;
    let entries: Deno.DirEntry[];
    try {
      entries = await Array.fromAsync(Deno.readDir(path));
    } catch {
      continue; // unreadable folders are skipped silently, like `rg --no-messages`
    }
    const rules = await loadRules(path, parent, new Set(entries.map((e) => e.name)));
    const subdirs: string[] = [];
    for (const entry of entries) {
      if (entry.isSymlink || (!entry.isFile && !entry.isDirectory)) continue;
      const full = join(path, entry.name);
      const isDir = entry.isDirectory;
      const override = opts.overrides.match(full, isDir);
      if (override === "ignore") continue;
      if (override !== "whitelist") {
        const m = ignoreFilesMatch(rules, full, isDir, opts.globalExcludes);
        if (m === "ignore") continue;
        if (m !== "whitelist" && entry.name.startsWith(".")) continue;
      }
      if (isDir) subdirs.push(full);
      else yield full;
    }
    // Depth first, in listing order.
    for (let k = subdirs.length - 1; k >= 0; k--) stack.push({ path: subdirs[k]!, parent: rules });
  }
}
