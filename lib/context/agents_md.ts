/**
 * AGENTS.md discovery: the global `CODEX_HOME/AGENTS.md`, then every folder from the repository
 * root down to the working directory (`AGENTS.override.md` preferred over `AGENTS.md` in each),
 * within `project_doc_max_bytes`.
 *
 * @module
 */

import { dirname, join, relative, resolve, sep } from "../path.ts";

async function readIfText(path: string): Promise<string | undefined> {
  try {
    const text = await Deno.readTextFile(path);
    return text.trim() ? text : undefined;
  } catch {
    return undefined;
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.lstat(path);
    return true;
  } catch {
    return false;
  }
}

/** The nearest ancestor of `cwd` (inclusive) holding `.git`, or `undefined`. */
export async function findRepoRoot(cwd: string): Promise<string | undefined> {
  let dir = resolve(cwd);
  while (true) {
    if (await exists(join(dir, ".git"))) return dir;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

async function firstDoc(dir: string): Promise<string | undefined> {
  return (await readIfText(join(dir, "AGENTS.override.md"))) ??
    (await readIfText(join(dir, "AGENTS.md")));
}

function truncateUtf8(text: string, maxBytes: number): string {
  const bytes = new TextEncoder().encode(text);
  if (bytes.length <= maxBytes) return text;
  return new TextDecoder().decode(bytes.subarray(0, maxBytes)).replace(/\uFFFD+$/, "");
}

/** Merged instructions: global doc, then project docs; `undefined` when there are none. */
export async function loadAgentsInstructions(opts: {
  cwd: string;
  codexHome: string;
  maxBytes: number;
  userInstructions?: string;
}): Promise<string | undefined> {
  const prefix = [opts.userInstructions?.trim(), (await firstDoc(opts.codexHome))?.trim()]
    .filter((s): s is string => !!s).join("\n\n");
  const root = (await findRepoRoot(opts.cwd)) ?? resolve(opts.cwd);
  const rel = relative(root, resolve(opts.cwd));
  const dirs = [root];
  if (rel) {
    let cur = root;
    for (const part of rel.split(sep)) {
      cur = join(cur, part);
      dirs.push(cur);
    }
  }
  const docs: string[] = [];
  let budget = opts.maxBytes;
  for (const dir of dirs) {
    if (budget <= 0) break;
    const doc = await firstDoc(dir);
    if (!doc) continue;
    const cut = truncateUtf8(doc, budget);
    budget -= new TextEncoder().encode(cut).length;
    docs.push(cut);
  }
  const project = docs.join("\n\n");
  if (prefix && project) return `${prefix}\n\n--- project-doc ---\n\n${project}`;
  return prefix || project || undefined;
}

/** The AGENTS.md part of the contextual user message. */
export function agentsSection(cwd: string, instructions: string): string {
  return `# AGENTS.md instructions for ${cwd}\n\n<INSTRUCTIONS>\n${instructions}\n</INSTRUCTIONS>`;
}
