/**
 * Skills: every `SKILL.md` below `CODEX_HOME/skills`, with `name` and `description` in front matter.
 *
 * @module
 */

import { join } from "../path.ts";
import { SKILLS_INTRO } from "./prompts.ts";

/** A discovered skill. */
export interface Skill {
  name: string;
  description: string;
  /** Absolute path of its SKILL.md. */
  path: string;
  scope: "user" | "system";
}

/** Parses `---\nkey: value\n---` front matter; `undefined` when absent. */
export function parseFrontMatter(text: string): Record<string, string> | undefined {
  const m = text.replace(/^\uFEFF/, "").match(/^---\r?\n([\s\S]*?)\r?\n---(\r?\n|$)/);
  if (!m) return undefined;
  const out: Record<string, string> = {};
  for (const line of m[1].split(/\r?\n/)) {
    const i = line.indexOf(":");
    if (i <= 0) continue;
    const key = line.slice(0, i).trim();
    let value = line.slice(i + 1).trim();
    if (/^(["']).*\1$/.test(value)) value = value.slice(1, -1);
    out[key] = value;
  }
  return out;
}

async function walk(dir: string, out: string[], depth = 0): Promise<void> {
  if (depth > 6) return;
  let entries: Deno.DirEntry[];
  try {
    entries = [];
    for await (const e of Deno.readDir(dir)) entries.push(e);
  } catch {
    return;
  }
  for (const e of entries) {
    const p = join(dir, e.name);
    if (e.isDirectory) await walk(p, out, depth + 1);
    else if (e.isFile && e.name === "SKILL.md") out.push(p);
  }
}

/** Finds skills under `codexHome/skills`, user skills first, sorted by name. */
export async function discoverSkills(codexHome: string): Promise<Skill[]> {
  const files: string[] = [];
  await walk(join(codexHome, "skills"), files);
  const skills: Skill[] = [];
  for (const path of files) {
    let text: string;
    try {
      text = await Deno.readTextFile(path);
    } catch {
      continue;
    }
    const fm = parseFrontMatter(text);
    if (!fm?.name || !fm.description) continue;
    const scope = path.includes(`${join(codexHome, "skills", ".system")}`) ? "system" : "user";
    skills.push({ name: fm.name, description: fm.description, path, scope });
  }
  return skills.sort((a, b) =>
    (a.scope === b.scope ? 0 : a.scope === "user" ? -1 : 1) || a.name.localeCompare(b.name) ||
    a.path.localeCompare(b.path)
  );
}

/** The `<skills_instructions>` section, or `undefined` without skills. */
export function skillsSection(skills: Skill[]): string | undefined {
  if (!skills.length) return undefined;
  const lines = skills.map((s) => `- ${s.name}: ${s.description} (file: ${s.path})`);
  return `<skills_instructions>\n## Skills\n${SKILLS_INTRO}\n\n### Available skills\n${
    lines.join("\n")
  }\n</skills_instructions>`;
}
