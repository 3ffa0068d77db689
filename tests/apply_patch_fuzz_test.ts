/**
 * Fuzz: seeded random patches over random files, some mutated, some committed with injected
 * write faults. Whatever happens, the work tree ends either exactly as the patch describes or
 * byte-identical to how it started; never in between.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { commitPatch, planPatch } from "../tools/apply_patch/apply.ts";
import { ApplyPatchError } from "../tools/apply_patch/errors.ts";
import { makePolicy } from "../lib/sandbox/policy.ts";
import { snapshot, withTempDir, writeFiles } from "./apply_patch_helpers.ts";

const SEED = 0x5eed;
const MAX_ITERATIONS = 1000;
const BUDGET_MS = 3000;

/** mulberry32: a small seeded PRNG. */
function rng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (n: number) => Math.floor(next() * n),
    chance: (p: number) => next() < p,
    pick: <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)],
  };
}
type Rng = ReturnType<typeof rng>;

interface Line {
  text: string;
  eol: string;
}

const WORDS = [
  "let",
  "x",
  "=",
  "foo()",
  "\u2013",
  "\u201Cq\u201D",
  "it\u2019s",
  "{",
  "}",
  "//",
  "a\u00A0b",
];
let serial = 0;

function randomText(r: Rng): string {
  const indent = r.pick(["", "", "  ", "    ", "\t"]);
  const words = Array.from({ length: 1 + r.int(4) }, () => r.pick(WORDS));
  const trailing = r.chance(0.15) ? r.pick([" ", "  ", "\t"]) : "";
  return `${indent}${words.join(" ")} #${serial++}${trailing}`;
}

function randomFile(r: Rng): Line[] {
  const style = r.pick(["\n", "\n", "\r\n", "mixed"]);
  const lines: Line[] = Array.from({ length: 3 + r.int(30) }, () => ({
    text: randomText(r),
    eol: style === "mixed" ? r.pick(["\n", "\r\n"]) : style,
  }));
  if (r.chance(0.2)) lines[lines.length - 1].eol = "";
  return lines;
}

function render(lines: Line[]): string {
  return lines.map((l) => l.text + l.eol).join("");
}

/** The text the patch should produce: missing endings become the first line's ending. */
function renderAfter(lines: Line[], eol: string): string {
  return lines.map((l) => l.text + (l.eol || eol)).join("");
}

interface Generated {
  body: string[];
  /** Expected files after the patch (relative path -> content, `null` = removed). */
  after: Map<string, string | null>;
}

/** An update hunk with 1-3 chunks over `file`; returns patch lines and the new content. */
function updateHunk(r: Rng, path: string, file: Line[]): { lines: string[]; content: string } {
  const eol = file[0].eol || "\n";
  const out: string[] = [`*** Update File: ${path}`];
  const result: Line[] = [];
  let pos = 0;
  const chunks = 1 + r.int(3);
  for (let c = 0; c < chunks && pos < file.length; c++) {
    const gap = r.int(Math.min(4, file.length - pos));
    const start = pos + gap;
    const before = Math.min(r.int(3), file.length - start);
    const removed = Math.min(r.int(4), file.length - start - before);
    const after = Math.min(r.int(3), file.length - start - before - removed);
    if (before + removed + after === 0) break;
    const added = Array.from({ length: r.int(4) }, () => randomText(r));
    for (; pos < start; pos++) result.push(file[pos]);
    const locator = gap > 0 && r.chance(0.4) ? file[start - 1].text : undefined;
    out.push(locator === undefined ? "@@" : `@@ ${locator}`);
    for (let i = 0; i < before; i++) out.push(` ${file[start + i].text}`);
    for (let i = 0; i < removed; i++) out.push(`-${file[start + before + i].text}`);
    for (const a of added) out.push(`+${a}`);
    for (let i = 0; i < after; i++) out.push(` ${file[start + before + removed + i].text}`);
    for (let i = 0; i < before; i++) result.push(file[start + i]);
    for (const a of added) result.push({ text: a, eol });
    for (let i = 0; i < after; i++) result.push(file[start + before + removed + i]);
    pos = start + before + removed + after;
    if (pos === file.length && r.chance(0.5)) out.push("*** End of File");
  }
  if (out.length === 1) {
    // Nothing to replace: a pure addition, which goes to the end of the file.
    out.push("@@", "+appended");
    for (const l of file) result.push(l);
    result.push({ text: "appended", eol });
    return { lines: out, content: renderAfter(result, eol) };
  }
  for (; pos < file.length; pos++) result.push(file[pos]);
  return { lines: out, content: result.length ? renderAfter(result, eol) : "" };
}

function generate(r: Rng, files: Map<string, Line[]>): Generated {
  const body: string[] = [];
  const after = new Map<string, string | null>();
  for (const [path, file] of files) {
    const roll = r.next();
    if (roll < 0.55) {
      const u = updateHunk(r, path, file);
      if (r.chance(0.2)) {
        const dest = `moved/${serial++}/${path}`;
        body.push(u.lines[0], `*** Move to: ${dest}`, ...u.lines.slice(1));
        after.set(path, null);
        after.set(dest, u.content);
      } else {
        body.push(...u.lines);
        after.set(path, u.content);
      }
    } else if (roll < 0.7) {
      body.push(`*** Delete File: ${path}`);
      after.set(path, null);
    }
  }
  for (let i = r.int(3); i > 0; i--) {
    const path = r.chance(0.5) ? `new${serial++}.txt` : `deep/${serial++}/n.txt`;
    const texts = Array.from({ length: r.int(4) }, () => randomText(r));
    body.push(`*** Add File: ${path}`, ...texts.map((t) => `+${t}`));
    after.set(path, texts.map((t) => t + "\n").join(""));
  }
  return { body, after };
}

/** Mutations that must not change the outcome (matching is tolerant of them). */
function benign(r: Rng, body: string[]): string[] {
  return body.map((line) => {
    if (!(line.startsWith(" ") || line.startsWith("-")) || !r.chance(0.3)) return line;
    return r.chance(0.5)
      ? `${line} \t`
      : line.replaceAll("\u2013", "-").replaceAll("\u201C", '"').replaceAll("\u2019", "'");
  });
}

/** Mutations that must make the patch fail. */
function breaking(r: Rng, body: string[], files: Map<string, Line[]>): string[] {
  const out = body.slice();
  const old = out.map((l, i) => [l, i] as const).filter(([l]) => /^[ -]/.test(l));
  switch (r.int(old.length ? 5 : 4)) {
    case 0:
      return [...out, "*** Update File: missing.txt", "@@", "-x", "+y"];
    case 1:
      return [...out, "*** Delete File: also-missing.txt"];
    case 2:
      return [...out, `*** Update File: ${[...files.keys()][0]}`, "@@", "?garbage"];
    case 3:
      return [...out, "*** Frobnicate File: x"];
    default: {
      const [line, i] = r.pick(old);
      out[i] = line.replace(/#\d+/, "#not-in-any-file");
      return out;
    }
  }
}

/** Arbitrary damage: the outcome is unknown but must still be all-or-nothing. */
function chaos(r: Rng, body: string[]): string[] {
  const out = body.slice();
  if (out.length === 0) return out;
  const i = r.int(out.length);
  switch (r.int(5)) {
    case 0:
      out.splice(i, 1);
      break;
    case 1:
      out.splice(i, 0, out[r.int(out.length)]);
      break;
    case 2: {
      const j = r.int(out.length);
      [out[i], out[j]] = [out[j], out[i]];
      break;
    }
    case 3:
      out[i] = out[i].slice(0, r.int(out[i].length + 1));
      break;
    default:
      out.splice(i, 0, r.pick(["", "@@", "*** End of File", "+", "-", " "]));
  }
  return out;
}

function expectedTree(before: Record<string, string>, after: Map<string, string | null>) {
  const tree = { ...before };
  for (const [path, content] of after) {
    if (content === null) {
      delete tree[path];
      continue;
    }
    tree[path] = content;
    const parts = path.split("/");
    for (let i = 1; i < parts.length; i++) tree[`${parts.slice(0, i).join("/")}/`] = "";
  }
  return Object.fromEntries(Object.entries(tree).sort(([a], [b]) => (a < b ? -1 : 1)));
}

function sorted(tree: Record<string, string>) {
  return Object.fromEntries(Object.entries(tree).sort(([a], [b]) => (a < b ? -1 : 1)));
}

Deno.test("fuzz: every patch is applied fully or not at all", async () => {
  const r = rng(SEED);
  const started = performance.now();
  const counts = { applied: 0, refused: 0, faulted: 0 };
  await withTempDir(async (root) => {
    let n = 0;
    for (; n < MAX_ITERATIONS && performance.now() - started < BUDGET_MS; n++) {
      const dir = join(root, `i${n}`);
      await Deno.mkdir(dir);
      const files = new Map<string, Line[]>();
      for (let f = 1 + r.int(4); f > 0; f--) {
        files.set(r.chance(0.3) ? `sub/f${f}.txt` : `f${f}.txt`, randomFile(r));
      }
      await writeFiles(dir, Object.fromEntries([...files].map(([p, l]) => [p, render(l)])));
      const before = await snapshot(dir);
      const gen = generate(r, files);
      const kind = r.pick(["valid", "benign", "breaking", "chaos"] as const);
      const body = kind === "valid"
        ? gen.body
        : kind === "benign"
        ? benign(r, gen.body)
        : kind === "breaking"
        ? breaking(r, gen.body, files)
        : chaos(r, gen.body);
      const text = ["*** Begin Patch", ...body, "*** End Patch"].join("\n");
      const where = `seed ${SEED}, iteration ${n} (${kind}):\n${text}`;
      const options = { cwd: dir, policy: makePolicy("workspace-write", dir) };

      let plan;
      try {
        plan = await planPatch(text, options);
      } catch (err) {
        assert.ok(err instanceof ApplyPatchError, `${where}\n${err}`);
        assert.ok(kind === "breaking" || kind === "chaos" || gen.body.length === 0, where);
        assert.deepEqual(await snapshot(dir), before, where);
        counts.refused++;
        continue;
      }
      assert.notEqual(kind, "breaking", where);
      let ops = 0;
      const faultAt = r.chance(0.25) ? r.int(plan.writes.length * 2 + plan.removals.length) : -1;
      const maybeFail = <T>(op: () => Promise<T>) =>
        ops++ === faultAt ? Promise.reject(new Error("injected fault")) : op();
      try {
        await commitPatch(plan, {
          writeTextFile: (p, c) => maybeFail(() => Deno.writeTextFile(p, c, { createNew: true })),
          rename: (a, b) => maybeFail(() => Deno.rename(a, b)),
          remove: (p) => maybeFail(() => Deno.remove(p)),
        });
      } catch (err) {
        assert.ok(err instanceof ApplyPatchError && err.kind === "write", `${where}\n${err}`);
        assert.deepEqual(await snapshot(dir), before, where);
        counts.faulted++;
        continue;
      }
      const now = await snapshot(dir);
      if (kind === "valid" || kind === "benign") {
        assert.deepEqual(now, expectedTree(before, gen.after), where);
      } else {
        // Unknown intent: the tree must be exactly what the plan computed.
        const planned = new Map<string, string | null>();
        for (const w of plan.writes) planned.set(w.path.slice(dir.length + 1), w.content);
        for (const x of plan.removals) planned.set(x.path.slice(dir.length + 1), null);
        assert.deepEqual(sorted(now), expectedTree(before, planned), where);
      }
      counts.applied++;
    }
    // The run must have exercised every outcome.
    assert.ok(n >= 50, `only ${n} iterations`);
    assert.ok(
      counts.applied > 0 && counts.refused > 0 && counts.faulted > 0,
      JSON.stringify(counts),
    );
  });
});
