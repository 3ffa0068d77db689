/**
 * What goes into a bundle, and how a bundle is written back out.
 *
 * Only a whitelist of the Codex home travels: `config.toml` (required), `.env`, `AGENTS.md`,
 * `AGENTS.override.md`, everything under `skills/`, and each `model_instructions_file` named at
 * the top level or in a `[profiles.*]` table of `config.toml`. Sessions, history, logs and
 * caches never do. Symbolic links are followed when they resolve inside the home; links that
 * leave it are skipped with a warning (the list printed by `--put` shows what goes).
 *
 * @module
 */

import { dirname, isAbsolute, join, relative, resolve, sep } from "../path.ts";
import { readConfigToml } from "../config/load.ts";
import { type BundleFile, sortFiles, unsafePathReason, validateFileList } from "./archive.ts";
import { PortableError } from "./errors.ts";
import { mapPool } from "./pool.ts";

export type { BundleFile } from "./archive.ts";

/** Top-level files taken when present (`config.toml` must be). */
export const TOP_LEVEL_FILES: readonly string[] = [
  "config.toml",
  ".env",
  "AGENTS.md",
  "AGENTS.override.md",
];

/** The folder taken recursively. */
export const SKILLS_DIR = "skills";

/** The files of a home, ready to archive. */
export interface CollectedHome {
  /** Absolute, resolved home directory. */
  home: string;
  /** Files sorted by path. */
  files: BundleFile[];
  /** One line each: things skipped or likely to break on the other machine. */
  warnings: string[];
}

function within(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === "" || (!rel.startsWith("..") && !isAbsolute(rel));
}

function toPosix(rel: string): string {
  return sep === "/" ? rel : rel.split(sep).join("/");
}

/** `model_instructions_file` values of the top level and of every profile, with where they came from. */
function instructionFiles(table: Record<string, unknown>): { where: string; value: string }[] {
  const out: { where: string; value: string }[] = [];
  const top = table.model_instructions_file;
  if (typeof top === "string" && top.trim()) out.push({ where: "config.toml", value: top.trim() });
  const profiles = table.profiles;
  if (profiles && typeof profiles === "object") {
    for (const [name, p] of Object.entries(profiles as Record<string, unknown>)) {
      const v = p && typeof p === "object"
        ? (p as Record<string, unknown>).model_instructions_file
        : undefined;
      if (typeof v === "string" && v.trim()) {
        out.push({ where: `profile '${name}'`, value: v.trim() });
      }
    }
  }
  return out;
}

/**
 * Collects the whitelisted files of the Codex home `homeDir`. Throws {@linkcode PortableError}
 * (or a `ConfigError` for an unparsable `config.toml`) with one line saying what to do.
 */
export async function collectHome(homeDir: string): Promise<CollectedHome> {
  const given = resolve(homeDir);
  let home: string;
  try {
    home = await Deno.realPath(given);
    if (!(await Deno.stat(home)).isDirectory) throw new Deno.errors.NotADirectory(given);
  } catch {
    throw new PortableError(
      `Codex home is not a directory: ${given} (pass the home as HOME_DIR/@HOST:PORT)`,
    );
  }
  const files = new Map<string, Uint8Array>();
  const warnings: string[] = [];

  /** Reads `abs` if it is a regular file (following links that stay inside the home). */
  const readInside = async (abs: string, rel: string): Promise<Uint8Array | undefined> => {
    let real: string;
    try {
      real = await Deno.realPath(abs);
    } catch {
      return undefined;
    }
    if (!within(home, real)) {
      warnings.push(`skipped ${rel}: it links outside the Codex home`);
      return undefined;
    }
    const st = await Deno.stat(real);
    if (!st.isFile) return undefined;
    return await Deno.readFile(real);
  };

  const configPath = join(home, "config.toml");
  if (!(await readInside(configPath, "config.toml"))) {
    throw new PortableError(
      `${home} has no config.toml; a Codex home needs one to be put (create it, or pass another HOME_DIR/)`,
    );
  }
  for (const name of TOP_LEVEL_FILES) {
    const data = await readInside(join(home, name), name);
    if (data) files.set(name, data);
  }

  // Walk skills/: plain files and folders need no resolving (they cannot leave the folder
  // they are in); symbolic links are resolved and must stay inside the home.
  const pending: { rel: string; abs: string }[] = [];
  /** `real`: the resolved folder; `ancestors`: resolved folders above it (stops link cycles). */
  const walk = async (real: string, relDir: string, ancestors: string[]): Promise<void> => {
    const entries: Deno.DirEntry[] = [];
    for await (const e of Deno.readDir(real)) entries.push(e);
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      const abs = join(real, e.name);
      const rel = `${relDir}/${e.name}`;
      if (unsafePathReason(rel)) {
        warnings.push(`skipped ${JSON.stringify(rel)}: the name cannot travel in a bundle`);
        continue;
      }
      if (e.isFile) {
        pending.push({ rel, abs });
        continue;
      }
      let target = abs;
      if (e.isSymlink) {
        try {
          target = await Deno.realPath(abs);
        } catch {
          warnings.push(`skipped ${rel}: broken link`);
          continue;
        }
        if (!within(home, target)) {
          warnings.push(`skipped ${rel}: it links outside the Codex home`);
          continue;
        }
      }
      const st = e.isSymlink ? await Deno.stat(target) : undefined;
      if (e.isDirectory || st?.isDirectory) {
        if (ancestors.includes(target) || target === real) {
          warnings.push(`skipped ${rel}/: it links back to a folder above it`);
          continue;
        }
        await walk(target, rel, [...ancestors, real]);
      } else if (st?.isFile) {
        pending.push({ rel, abs: target });
      }
    }
  };
  try {
    const skills = await Deno.realPath(join(home, SKILLS_DIR));
    if (!within(home, skills)) {
      warnings.push(`skipped ${SKILLS_DIR}/: it links outside the Codex home`);
    } else if ((await Deno.stat(skills)).isDirectory) {
      await walk(skills, SKILLS_DIR, []);
    }
  } catch (err) {
    if (!(err instanceof Deno.errors.NotFound)) throw err;
  }
  const datas = await mapPool(pending, (f) => Deno.readFile(f.abs));
  pending.forEach((f, i) => files.set(f.rel, datas[i]));

  const { table } = await readConfigToml(configPath);
  for (const { where, value } of instructionFiles(table)) {
    const abs = isAbsolute(value) ? value : resolve(home, value);
    if (!isAbsolute(value) && value.split(/[\\/]/).includes("..")) {
      throw new PortableError(
        `model_instructions_file '${value}' (${where}) contains '..'; use a path inside the Codex home`,
      );
    }
    if (!within(home, abs)) {
      throw new PortableError(
        `model_instructions_file '${value}' (${where}) is outside the Codex home ${home}; move it into the home and use a relative path`,
      );
    }
    const rel = toPosix(relative(home, abs));
    if (isAbsolute(value)) {
      warnings.push(
        `model_instructions_file '${value}' (${where}) is absolute and will not resolve on the other machine; use '${rel}'`,
      );
    }
    if (files.has(rel)) continue;
    const data = await readInside(abs, rel);
    if (data) files.set(rel, data);
    else warnings.push(`model_instructions_file '${value}' (${where}) not found; not bundled`);
  }

  const list = sortFiles([...files].map(([path, data]) => ({ path, data })));
  validateFileList(list);
  return { home, files: list, warnings };
}

/**
 * How {@linkcode writeBundleFiles} treats the target folder: `"empty"` for a folder just made
 * (files are created exclusively, in parallel), `"existing"` for a home that may hold other
 * files (each file goes through a temporary name and a rename, links are never followed).
 */
export type WriteInto = "empty" | "existing";

/**
 * Writes `files` under `dir` (which must exist): folders 0700, files 0600. Never writes through
 * a symbolic link already present under `dir`.
 */
export async function writeBundleFiles(
  dir: string,
  files: readonly BundleFile[],
  into: WriteInto = "existing",
): Promise<void> {
  validateFileList(files);
  const dirs = new Set<string>();
  for (const f of files) {
    const segs = f.path.split("/");
    for (let i = 1; i < segs.length; i++) dirs.add(segs.slice(0, i).join("/"));
  }
  // Parents sort before their children.
  for (const rel of [...dirs].sort()) {
    const abs = join(dir, rel);
    try {
      const st = await Deno.lstat(abs);
      if (!st.isDirectory) {
        throw new PortableError(
          `cannot unpack into ${dir}: ${rel} exists and is not a plain folder`,
        );
      }
      await Deno.chmod(abs, 0o700);
    } catch (err) {
      if (!(err instanceof Deno.errors.NotFound)) throw err;
      await Deno.mkdir(abs, { mode: 0o700 });
    }
  }
  if (into === "empty") {
    // O_CREAT|O_EXCL: fails on anything already there, links included. The mode is at most
    // 0600 whatever the umask, so no chmod is needed.
    await mapPool(
      files,
      (f) => Deno.writeFile(join(dir, f.path), f.data, { createNew: true, mode: 0o600 }),
    );
    return;
  }
  await mapPool(files, async (f) => {
    const target = join(dir, f.path);
    const tmp = join(dirname(target), `.${crypto.randomUUID()}.tmp`);
    await Deno.writeFile(tmp, f.data, { mode: 0o600, createNew: true });
    await Deno.chmod(tmp, 0o600);
    await Deno.rename(tmp, target); // replaces a link itself, never what it points to
  });
}
