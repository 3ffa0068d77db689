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

import { dirname, isAbsolute, join, relative, resolve, sep } from "node:path";
import { readConfigToml } from "../config/load.ts";
import { type BundleFile, sortFiles, unsafePathReason, validateFileList } from "./archive.ts";
import { PortableError } from "./errors.ts";

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

  /** `ancestors`: real paths of the folders above, to stop link cycles. */
  const walk = async (absDir: string, relDir: string, ancestors: string[]): Promise<void> => {
    const real = await Deno.realPath(absDir);
    if (!within(home, real)) {
      warnings.push(`skipped ${relDir}/: it links outside the Codex home`);
      return;
    }
    if (ancestors.includes(real)) {
      warnings.push(`skipped ${relDir}/: it links back to a folder above it`);
      return;
    }
    const entries: Deno.DirEntry[] = [];
    for await (const e of Deno.readDir(absDir)) entries.push(e);
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      const abs = join(absDir, e.name);
      const rel = `${relDir}/${e.name}`;
      if (unsafePathReason(rel)) {
        warnings.push(`skipped ${JSON.stringify(rel)}: the name cannot travel in a bundle`);
        continue;
      }
      let st: Deno.FileInfo;
      try {
        st = await Deno.stat(abs);
      } catch {
        warnings.push(`skipped ${rel}: broken link`);
        continue;
      }
      if (st.isDirectory) await walk(abs, rel, [...ancestors, real]);
      else if (st.isFile) {
        const data = await readInside(abs, rel);
        if (data) files.set(rel, data);
      }
    }
  };
  try {
    if ((await Deno.stat(join(home, SKILLS_DIR))).isDirectory) {
      await walk(join(home, SKILLS_DIR), SKILLS_DIR, []);
    }
  } catch (err) {
    if (!(err instanceof Deno.errors.NotFound)) throw err;
  }

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
 * Writes `files` under `dir` (which must exist): folders 0700, files 0600, each file through a
 * temporary name and a rename, and never through a symbolic link already present under `dir`.
 */
export async function writeBundleFiles(dir: string, files: readonly BundleFile[]): Promise<void> {
  validateFileList(files);
  const checked = new Set<string>();
  const ensureDir = async (rel: string): Promise<void> => {
    if (rel === "" || checked.has(rel)) return;
    await ensureDir(rel.includes("/") ? rel.slice(0, rel.lastIndexOf("/")) : "");
    const abs = join(dir, rel);
    try {
      const st = await Deno.lstat(abs);
      if (!st.isDirectory) {
        throw new PortableError(
          `cannot unpack into ${dir}: ${rel} exists and is not a plain folder`,
        );
      }
    } catch (err) {
      if (!(err instanceof Deno.errors.NotFound)) throw err;
      await Deno.mkdir(abs, { mode: 0o700 });
    }
    await Deno.chmod(abs, 0o700);
    checked.add(rel);
  };
  for (const f of files) {
    const parent = f.path.includes("/") ? f.path.slice(0, f.path.lastIndexOf("/")) : "";
    await ensureDir(parent);
    const target = join(dir, f.path);
    try {
      if ((await Deno.lstat(target)).isSymlink) await Deno.remove(target);
    } catch (err) {
      if (!(err instanceof Deno.errors.NotFound)) throw err;
    }
    const tmp = join(dirname(target), `.${crypto.randomUUID()}.tmp`);
    await Deno.writeFile(tmp, f.data, { mode: 0o600, createNew: true });
    await Deno.chmod(tmp, 0o600);
    await Deno.rename(tmp, target);
  }
}
