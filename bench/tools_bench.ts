/**
 * Benchmarks of the file tools, against a baseline measured in the same run:
 *
 * - `grep_files` (ripgrep backend) on a generated 50,000-file tree vs. running `rg` alone with
 *   the same arguments (target: within 1.5x), for a pattern in 1% of the files and one in all of
 *   them (50,000 files to order by modification time); the built-in backend is reported for the
 *   first;
 * - `read_file` of a 2,000-line slice of a generated 200 MB file vs. a raw seek + read of the
 *   same bytes (target: <= 50 ms), at the start, in the middle (first read, then again) and at
 *   the end.
 *
 * Run: `deno run -A bench/tools_bench.ts`. Fixtures are generated in a temp dir and deleted.
 *
 * @module
 */

import { join } from "node:path";
import { createGrepFilesTool } from "../tools/grep_files.ts";
import { createReadFileTool } from "../tools/read_file.ts";
import { ripgrepArgs } from "../tools/fs/ripgrep.ts";
import type { ToolContext } from "../tools/define.ts";
import { makePolicy } from "../lib/sandbox/policy.ts";

const FILES = 50_000;
const PER_DIR = 100;
const BIG_BYTES = 200 * 1024 * 1024;
const LINE = 100;

function context(cwd: string): ToolContext {
  return {
    cwd,
    signal: new AbortController().signal,
    callId: "bench",
    turnId: "bench",
    threadId: "bench",
    sandbox: makePolicy("read-only", cwd),
    approvalPolicy: "never",
    collaborationMode: "default",
    env: { PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin" },
    emit: () => {},
    services: {},
  };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

async function time(fn: () => Promise<unknown>, runs: number): Promise<number> {
  await fn(); // warm-up (page cache, JIT)
  const xs: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn();
    xs.push(performance.now() - t0);
  }
  return median(xs);
}

function line(name: string, value: number, baseline: string, base: number, target: string): void {
  const ratio = base > 0 ? value / base : 0;
  console.log(
    `${name}: ${value.toFixed(1)} ms (baseline ${baseline}: ${base.toFixed(1)} ms, ratio ${
      ratio.toFixed(2)
    }, target ${target})`,
  );
}

function generateTree(root: string): void {
  const enc = new TextEncoder();
  const filler = "const value = compute(input, options);\n".repeat(12);
  for (let i = 0; i < FILES; i++) {
    const dir = join(root, `pkg${Math.floor(i / PER_DIR)}`);
    if (i % PER_DIR === 0) Deno.mkdirSync(dir);
    const special = i % 97 === 0 ? "// TODO(bench): needle here\n" : "";
    Deno.writeFileSync(join(dir, `mod${i % PER_DIR}.ts`), enc.encode(`${special}${filler}`));
  }
}

async function rgAlone(pattern: string, path: string, cwd: string): Promise<number> {
  const out = await new Deno.Command("rg", {
    args: ripgrepArgs(pattern, path),
    cwd,
    stdout: "piped",
    stderr: "null",
  }).output();
  return out.stdout.length;
}

/** Medians of `a` and `b`, run alternately (so machine load drifts hit both alike). */
async function paired(
  a: () => Promise<unknown>,
  b: () => Promise<unknown>,
  runs: number,
): Promise<[number, number]> {
  await a();
  await b();
  const xs: number[] = [];
  const ys: number[] = [];
  for (let i = 0; i < runs; i++) {
    let t0 = performance.now();
    await a();
    xs.push(performance.now() - t0);
    t0 = performance.now();
    await b();
    ys.push(performance.now() - t0);
  }
  return [median(xs), median(ys)];
}

async function once(fn: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

async function benchGrep(tmp: string): Promise<void> {
  const root = join(tmp, "tree");
  Deno.mkdirSync(root);
  generateTree(root);
  const ctx = context(root);
  const rgTool = createGrepFilesTool();
  const builtin = createGrepFilesTool({ ripgrep: false });
  const cases = [["few", "needle", 3], ["all", "compute\\(", 2]] as const;
  for (const [label, pattern, runs] of cases) {
    const args = JSON.stringify({ pattern, limit: 100 });
    const [base, viaTool] = await paired(
      () => rgAlone(pattern, root, root),
      () => rgTool.run(args, ctx),
      runs,
    );
    line(`grep_files_rg_50k_files_${label}_match`, viaTool, "rg alone", base, "<= 1.50");
    if (label === "few") {
      const viaBuiltin = await once(() => builtin.run(args, ctx));
      line(
        `grep_files_builtin_50k_files_${label}_match`,
        viaBuiltin,
        "rg alone",
        base,
        "none (fallback)",
      );
    }
  }
}

/** Writes 200 blocks of 10,485 lines of exactly {@linkcode LINE} bytes (~200 MB); returns the line count. */
function generateBigFile(path: string): number {
  const linesPerBlock = Math.floor((1 << 20) / LINE);
  const block = new Uint8Array(linesPerBlock * LINE);
  const text = new TextEncoder().encode(`${"x".repeat(LINE - 1)}\n`);
  for (let i = 0; i < block.length; i++) block[i] = text[i % LINE]!;
  const file = Deno.openSync(path, { write: true, create: true, truncate: true });
  const blocks = Math.ceil(BIG_BYTES / (1 << 20));
  for (let i = 0; i < blocks; i++) file.writeSync(block);
  file.close();
  return blocks * linesPerBlock;
}

async function rawRead(path: string, offset: number, bytes: number): Promise<void> {
  using file = await Deno.open(path);
  await file.seek(offset, Deno.SeekMode.Start);
  const buf = new Uint8Array(bytes);
  let got = 0;
  while (got < bytes) {
    const n = await file.read(buf.subarray(got));
    if (n === null) break;
    got += n;
  }
}

async function benchReadFile(tmp: string): Promise<void> {
  const path = join(tmp, "big.log");
  const lines = generateBigFile(path);
  const ctx = context(tmp);
  const limit = 2000;
  const cases = [["start", 1], ["middle", Math.floor(lines / 2)], [
    "end",
    lines - limit + 1,
  ]] as const;
  for (const [where, offset] of cases) {
    const base = await time(() => rawRead(path, (offset - 1) * LINE, limit * LINE), 5);
    // A fresh tool each time: no remembered line positions (the cold cost).
    const cold = await time(
      () => createReadFileTool().run(JSON.stringify({ file_path: path, offset, limit }), ctx),
      3,
    );
    line(`read_file_200mb_slice_${where}_cold`, cold, "raw seek+read", base, "<= 50 ms");
    if (where !== "start") {
      const tool = createReadFileTool();
      const args = JSON.stringify({ file_path: path, offset, limit });
      const warm = await time(() => tool.run(args, ctx), 5);
      line(`read_file_200mb_slice_${where}_again`, warm, "raw seek+read", base, "<= 50 ms");
    }
  }
}

if (import.meta.main) {
  const tmp = await Deno.makeTempDir({ prefix: "tools_bench_" });
  try {
    await benchGrep(tmp);
    await Deno.remove(join(tmp, "tree"), { recursive: true });
    await benchReadFile(tmp);
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
}
