/**
 * Benchmarks of the command tools.
 *
 * - Peak RSS of a process whose `exec_command` prints 200 MB (pipes and tty), against the same
 *   command run with its output discarded (each measured in a fresh child process: VmHWM).
 * - Spawn to first output of `exec_command` (pipes, tty, bubblewrap sandbox) against a plain
 *   `Deno.Command`, medians of interleaved runs.
 *
 * Run: `deno run -A bench/exec_bench.ts`
 *
 * @module
 */

import { makePolicy, type SandboxMode } from "../lib/sandbox/policy.ts";
import type { ToolContext } from "../tools/define.ts";
import { createExecTools } from "../tools/exec/mod.ts";

const BIG_BYTES = 200 * 1024 * 1024;
const BIG_CMD = `yes 'a line of command output that goes on for a while' | head -c ${BIG_BYTES}`;
const RUNS = 15;

function peakRssMb(): number {
  const status = Deno.readTextFileSync("/proc/self/status");
  const kb = Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? NaN);
  return kb / 1024;
}

function context(cwd: string, mode: SandboxMode, emit: ToolContext["emit"]): ToolContext {
  return {
    cwd,
    signal: new AbortController().signal,
    callId: "bench",
    turnId: "bench",
    threadId: "bench",
    sandbox: makePolicy(mode, cwd),
    approvalPolicy: "never",
    collaborationMode: "default",
    env: { PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin", SHELL: "/bin/bash" },
    emit,
    services: {},
  };
}

/** Child mode: run the big command one way and print this process's peak RSS in MB. */
async function child(kind: string): Promise<void> {
  const cwd = Deno.makeTempDirSync();
  if (kind === "baseline") {
    await new Deno.Command("/bin/bash", { args: ["-c", BIG_CMD], stdout: "null" }).output();
  } else {
    const tools = createExecTools();
    let deltas = 0;
    const ctx = context(cwd, "danger-full-access", () => deltas++);
    const r = await tools.execCommand.run(
      JSON.stringify({ cmd: BIG_CMD, login: false, tty: kind === "tty", yield_time_ms: 30_000 }),
      ctx,
    );
    await tools.manager.shutdown();
    const text = typeof r.output === "string" ? r.output : "";
    const count = Number(/Original token count: (\d+)/.exec(text)?.[1]);
    if (!(count >= BIG_BYTES / 4)) throw new Error(`unexpected output: ${text.slice(0, 300)}`);
  }
  Deno.removeSync(cwd, { recursive: true });
  console.log(JSON.stringify({ peakRssMb: peakRssMb() }));
}

async function measureChild(kind: string): Promise<number> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", import.meta.filename!, `--child=${kind}`],
    stdout: "piped",
    stderr: "inherit",
  }).output();
  if (!out.success) throw new Error(`child ${kind} failed`);
  return JSON.parse(new TextDecoder().decode(out.stdout).trim().split("\n").at(-1)!).peakRssMb;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

async function firstOutputPlain(): Promise<number> {
  const t0 = performance.now();
  // The same command line exec_command runs (login: false, SHELL=/bin/bash).
  const c = new Deno.Command("/bin/bash", { args: ["-c", "echo hi"], stdout: "piped" }).spawn();
  const reader = c.stdout.getReader();
  await reader.read();
  const t = performance.now() - t0;
  await reader.cancel();
  await c.status;
  return t;
}

async function firstOutputExec(
  tools: ReturnType<typeof createExecTools>,
  cwd: string,
  mode: SandboxMode,
  tty: boolean,
): Promise<number> {
  let first = 0;
  const t0 = performance.now();
  const ctx = context(cwd, mode, (e) => {
    if (e.type === "exec_command_output_delta" && first === 0) first = performance.now() - t0;
  });
  await tools.execCommand.run(JSON.stringify({ cmd: "echo hi", login: false, tty }), ctx);
  return first;
}

function line(name: string, value: number, unit: string, base: string, bv: number, target: string) {
  console.log(
    `${name}: ${value.toFixed(1)} ${unit} (baseline ${base}: ${bv.toFixed(1)} ${unit}, ratio ${
      (value / bv).toFixed(2)
    }, target ${target})`,
  );
}

async function main(): Promise<void> {
  const baseline = await measureChild("baseline");
  const pipes = await measureChild("pipes");
  line(
    "exec_command 200 MB output, peak RSS (pipes)",
    pipes,
    "MB",
    "same command, output discarded",
    baseline,
    "< 100 MB",
  );
  const tty = await measureChild("tty");
  line(
    "exec_command 200 MB output, peak RSS (tty)",
    tty,
    "MB",
    "same command, output discarded",
    baseline,
    "< 100 MB",
  );

  const cwd = await Deno.makeTempDir();
  const tools = createExecTools();
  const cases: [string, SandboxMode, boolean][] = [
    ["pipes", "danger-full-access", false],
    ["tty", "danger-full-access", true],
    ["pipes, bubblewrap workspace-write", "workspace-write", false],
  ];
  const plain: number[] = [];
  const ours: number[][] = cases.map(() => []);
  await firstOutputExec(tools, cwd, "workspace-write", false); // probe bwrap once, warm up
  for (let i = 0; i < RUNS; i++) {
    plain.push(await firstOutputPlain());
    for (const [k, [, mode, t]] of cases.entries()) {
      ours[k].push(await firstOutputExec(tools, cwd, mode, t));
    }
  }
  for (const [k, [label]] of cases.entries()) {
    line(
      `exec_command spawn to first output (${label})`,
      median(ours[k]),
      "ms",
      "plain Deno.Command of /bin/bash -c 'echo hi'",
      median(plain),
      "<= 25 ms",
    );
  }
  await tools.manager.shutdown();
  await Deno.remove(cwd, { recursive: true });
}

if (import.meta.main) {
  const childArg = Deno.args.find((a) => a.startsWith("--child="));
  if (childArg) await child(childArg.slice("--child=".length));
  else await main();
}
