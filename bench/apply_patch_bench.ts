/**
 * apply_patch on a 20,000-line file: a three-chunk update (verify in memory, write a temp file,
 * rename, events), against the cost of reading and writing the same file once.
 *
 * Run: `deno run -A bench/apply_patch_bench.ts`
 */
import { join } from "node:path";
import { makePolicy } from "../lib/sandbox/policy.ts";
import type { ToolContext } from "../tools/define.ts";
import { runApplyPatch } from "../tools/apply_patch/tool.ts";

const LINES = 20_000;
const ROUNDS = 60;
const TARGET_MS = 30;

function median(xs: number[]): number {
  const s = xs.slice().sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function source(): string {
  const out: string[] = [];
  for (let i = 0; i < LINES; i++) {
    out.push(i % 50 === 0 ? `function f${i}() {` : v(i));
  }
  return out.join("\n") + "\n";
}

const v = (i: number, fn = "compute") => `  const v${i} = ${fn}(${i}); // line ${i}`;

/**
 * A patch that changes three places (`undo` swaps old and new lines). `pad` is appended to the
 * lines the patch expects, so only the whitespace-tolerant pass finds them.
 */
function patch(undo: boolean, pad: string): string {
  const [from, to] = undo ? ["changed", "compute"] : ["compute", "changed"];
  const chunk = (at: number) =>
    [
      `@@ function f${at}() {`,
      ` ${v(at + 1)}${pad}`,
      `-${v(at + 2, from)}${pad}`,
      `+${v(at + 2, to)}`,
      ` ${v(at + 3)}${pad}`,
    ].join("\n");
  return [
    "*** Begin Patch",
    "*** Update File: big.ts",
    chunk(1000),
    chunk(10_000),
    chunk(19_900),
    "*** End Patch",
  ].join("\n");
}

async function measure(fn: () => Promise<void>): Promise<number> {
  for (let i = 0; i < 5; i++) await fn(); // warm up
  const times: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    const t0 = performance.now();
    await fn();
    times.push(performance.now() - t0);
  }
  return median(times);
}

function line(name: string, ms: number, base: number): string {
  return `${name}: ${ms.toFixed(2)} ms (baseline read+write of the file: ${
    base.toFixed(2)
  } ms, ratio ${(ms / base).toFixed(2)}, target <= ${TARGET_MS} ms)`;
}

if (import.meta.main) {
  const dir = await Deno.makeTempDir({ prefix: "apply_patch_bench_" });
  try {
    const file = join(dir, "big.ts");
    await Deno.writeTextFile(file, source());
    const ctx: ToolContext = {
      cwd: dir,
      signal: new AbortController().signal,
      callId: "bench",
      turnId: "bench",
      threadId: "bench",
      sandbox: makePolicy("workspace-write", dir),
      approvalPolicy: "never",
      collaborationMode: "default",
      env: {},
      emit: () => {},
      services: {},
    };
    const base = await measure(async () => {
      const text = await Deno.readTextFile(file);
      await Deno.writeTextFile(file, text);
    });
    let undo = false;
    const variants = [["apply_patch_20k_lines", ""], ["apply_patch_20k_lines_loose_match", "  "]];
    for (const [name, pad] of variants) {
      const ms = await measure(async () => {
        const r = await runApplyPatch(patch(undo, pad), ctx);
        if (r.success !== true) throw new Error(String(r.output));
        undo = !undo;
      });
      console.log(line(name, ms, base));
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}
