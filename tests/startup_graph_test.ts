/**
 * The start-up paths import no `node:` module: the first one starts Deno's Node compatibility
 * layer (~16 ms), which would cost `exec` a tenth of its start-up budget (issue #2). Read from
 * `deno info --json main.ts`: the static imports of `main.ts` with `lib/cli/exec.ts`, and with
 * `lib/cli/interactive/command.ts` plus what that command imports at start (its argument parsing
 * and the session boot). Nor does `exec` load a built-in tool's implementation before its first
 * call (the tools are declared from `tools/builtin_specs.json`).
 */

import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../", import.meta.url));
const ROOT_URL = new URL("../", import.meta.url).href;

interface Dependency {
  code?: { specifier: string };
  isDynamic?: boolean;
}

interface ModuleGraph {
  /** Static imports of each module. */
  staticDeps: Map<string, string[]>;
  /** Dynamic `import()`s of each module. */
  dynamicDeps: Map<string, string[]>;
}

async function moduleGraph(): Promise<ModuleGraph> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["info", "--json", "main.ts"],
    cwd: ROOT,
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.ok(out.success, new TextDecoder().decode(out.stderr));
  const info = JSON.parse(new TextDecoder().decode(out.stdout)) as {
    modules: { specifier: string; dependencies?: Dependency[] }[];
  };
  const staticDeps = new Map<string, string[]>();
  const dynamicDeps = new Map<string, string[]>();
  for (const m of info.modules) {
    const deps = (m.dependencies ?? []).filter((d) => d.code);
    staticDeps.set(m.specifier, deps.filter((d) => !d.isDynamic).map((d) => d.code!.specifier));
    dynamicDeps.set(m.specifier, deps.filter((d) => d.isDynamic).map((d) => d.code!.specifier));
  }
  return { staticDeps, dynamicDeps };
}

/**
 * Every module reachable from `roots` through static imports (and `import()`s too with
 * `followDynamic`), repository files relative to the root.
 */
function staticClosure(graph: ModuleGraph, roots: string[], followDynamic = false): string[] {
  const seen = new Set<string>();
  const visit = (s: string) => {
    if (seen.has(s)) return;
    seen.add(s);
    for (const d of graph.staticDeps.get(s) ?? []) visit(d);
    if (followDynamic) { for (const d of graph.dynamicDeps.get(s) ?? []) visit(d); }
  };
  for (const r of roots) visit(ROOT_URL + r);
  return [...seen].map((s) => s.startsWith(ROOT_URL) ? s.slice(ROOT_URL.length) : s);
}

const graph = await moduleGraph();

Deno.test("start-up graph: main.ts and exec import no node: module statically", () => {
  const loaded = staticClosure(graph, ["main.ts", "lib/cli/exec.ts"]);
  assert.ok(loaded.includes("lib/config/load.ts"), "the walk reached the config loader");
  assert.deepEqual(loaded.filter((s) => s.startsWith("node:")), []);
});

Deno.test("start-up graph: the interactive command and what it loads at start import no node:", () => {
  // command.ts loads its argument parser, exec's helpers and the session modules with import().
  const command = ROOT_URL + "lib/cli/interactive/command.ts";
  const loadedAtStart = (graph.dynamicDeps.get(command) ?? []).map((s) => s.slice(ROOT_URL.length));
  assert.ok(loadedAtStart.includes("lib/cli/args.ts"), "command.ts loads lib/cli/args.ts");
  const loaded = staticClosure(graph, [
    "main.ts",
    "lib/cli/interactive/command.ts",
    ...loadedAtStart,
  ]);
  assert.ok(loaded.includes("lib/cli/resume_cmd.ts"), "the walk reached the session boot");
  assert.deepEqual(loaded.filter((s) => s.startsWith("node:")), []);
});

Deno.test("start-up graph: exec loads no tool implementation statically", () => {
  // Built-in tools are declared from tools/builtin_specs.json and load on their first call.
  const loaded = staticClosure(graph, ["main.ts", "lib/cli/exec.ts"]);
  const heavy = loaded.filter((s) =>
    /^tools\/(exec|apply_patch|agents\/(?!namespace)|code_mode|fs)\//.test(s) ||
    /^tools\/(update_plan|request_user_input|request_permissions|view_image|goals|tool_search|read_file|list_dir|grep_files)\.ts$/
      .test(s)
  );
  assert.deepEqual(heavy, []);
  assert.ok(loaded.includes("tools/builtin.ts"), "the graph walk found the tool declarations");
});

Deno.test("start-up graph: the walk finds node: imports where there are some", () => {
  // Without this, the two tests above could pass on a graph that never lists node: modules.
  // doctor loads node:net and node:dns/promises with import() inside its DNS check.
  const nodeOf = (followDynamic: boolean) =>
    staticClosure(graph, ["lib/cli/doctor.ts"], followDynamic).filter((s) => s.startsWith("node:"))
      .sort();
  assert.deepEqual(nodeOf(true), ["node:dns/promises", "node:net"]);
  assert.deepEqual(nodeOf(false), []);
});
