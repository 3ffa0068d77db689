/**
 * Core speed: process start to the first model request, and peak RSS, of a one-request
 * `denocodex exec`, beside baselines measured in the same run: `deno run` of an empty script, and
 * upstream `codex exec` when `.tools/node_modules/@openai/codex` is installed.
 *
 * Run: `deno run -A bench/startup_bench.ts` (also part of `deno task bench`).
 *
 * @module
 */

import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { startFakeResponses } from "../tests/fakes/responses_server.ts";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const RUNS = Number(Deno.env.get("BENCH_RUNS") ?? 7);

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

async function tempWorkspace(): Promise<string> {
  const ws = await Deno.makeTempDir({ prefix: "dcx-bench-ws-" });
  await Deno.writeTextFile(join(ws, "AGENTS.md"), "# bench\n");
  const git = (...args: string[]) =>
    new Deno.Command("git", {
      args: ["-c", "user.email=b@b", "-c", "user.name=b", ...args],
      cwd: ws,
      stdout: "null",
      stderr: "null",
    }).output();
  await git("init", "-q");
  await git("add", "-A");
  await git("commit", "-q", "-m", "init");
  return ws;
}

/** Peak RSS in MB of a finished command, via GNU time's %M (KiB). */
async function peakRss(cmd: string[], cwd: string, env: Record<string, string>): Promise<number> {
  const out = await new Deno.Command("/usr/bin/time", {
    args: ["-f", "RSS_KB=%M", ...cmd],
    cwd,
    env,
    stdin: "null",
    stdout: "null",
    stderr: "piped",
  }).output();
  const m = new TextDecoder().decode(out.stderr).match(/RSS_KB=(\d+)/);
  return m ? Number(m[1]) / 1024 : NaN;
}

async function main() {
  const ws = await tempWorkspace();
  const home = await Deno.makeTempDir({ prefix: "dcx-bench-home-" });
  const empty = join(home, "empty.ts");
  await Deno.writeTextFile(empty, "");
  const turns = Array.from({ length: RUNS * 4 + 4 }, () => ({
    output: [{ type: "message" as const, text: "OK" }],
    usage: { input_tokens: 1, output_tokens: 1 },
  }));
  const server = startFakeResponses({ turns });
  await Deno.writeTextFile(
    join(home, "config.toml"),
    `model = "gpt-5.5"\nmodel_provider = "fake"\n[model_providers.fake]\nname = "fake"\nbase_url = "${server.url}"\n` +
      `env_key = "FAKE_API_KEY"\nwire_api = "responses"\n`,
  );
  const env = {
    ...Deno.env.toObject(),
    CODEX_HOME: home,
    FAKE_API_KEY: "sk-bench",
    NO_COLOR: "1",
  };
  const deno = Deno.execPath();
  const execArgs = ["exec", "--skip-git-repo-check", "Reply with exactly OK."];

  // Start to first request: the server (this process) timestamps each request's arrival.
  async function firstRequestMs(cmd: string[]): Promise<number> {
    const before = server.requests.length;
    const t0 = performance.now();
    const child = new Deno.Command(cmd[0], {
      args: cmd.slice(1),
      cwd: ws,
      env,
      stdin: "null",
      stdout: "null",
      stderr: "null",
    }).spawn();
    let exited = false;
    child.status.then(() => (exited = true));
    while (server.requests.length === before) {
      if (exited || performance.now() - t0 > 30_000) {
        try {
          child.kill("SIGKILL");
        } catch { /* gone */ }
        await child.status;
        throw new Error(`${cmd[0]} sent no request`);
      }
      await new Promise((r) => setTimeout(r, 1));
    }
    const t = performance.now() - t0;
    await child.status;
    return t;
  }
  async function wallMs(cmd: string[]): Promise<number> {
    const t0 = performance.now();
    await new Deno.Command(cmd[0], {
      args: cmd.slice(1),
      cwd: ws,
      env,
      stdout: "null",
      stderr: "null",
    })
      .output();
    return performance.now() - t0;
  }

  const ours = [deno, "run", "-A", join(ROOT, "main.ts"), ...execArgs];
  await firstRequestMs(ours); // warm the module cache
  const baseline: number[] = [];
  const first: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    baseline.push(await wallMs([deno, "run", empty]));
    first.push(await firstRequestMs(ours));
  }
  const base = median(baseline);
  const med = median(first);
  console.log(
    `exec start to first request: ${med.toFixed(0)} ms (baseline deno run empty script: ${
      base.toFixed(0)
    } ms, ratio ${(med / base).toFixed(2)}, target <= 200 ms; upstream 0.169.0 native: 672 ms)`,
  );

  const rss = await peakRss(ours, ws, env);
  const rssBase = await peakRss([deno, "run", empty], ws, env);
  console.log(
    `exec one-request peak RSS: ${rss.toFixed(1)} MB (baseline deno run empty script: ${
      rssBase.toFixed(1)
    } MB, ratio ${(rss / rssBase).toFixed(2)}, target <= 80 MB; upstream about 144 MB)`,
  );

  // Upstream, when a test or a person installed it under .tools/ (any folder there).
  let codexBin = "";
  try {
    for await (const e of Deno.readDir(join(ROOT, ".tools"))) {
      const bin = join(ROOT, ".tools", e.name, "node_modules", ".bin", "codex");
      if (await Deno.stat(bin).then(() => true, () => false)) codexBin = bin;
    }
    for (const bin of [join(ROOT, ".tools", "node_modules", ".bin", "codex")]) {
      if (await Deno.stat(bin).then(() => true, () => false)) codexBin = bin;
    }
    if (!codexBin) throw new Error("not installed");
    await Deno.writeTextFile(
      join(home, "config.toml"),
      (await Deno.readTextFile(join(home, "config.toml"))) +
        `check_for_update_on_startup = false\n[analytics]\nenabled = false\n[feedback]\nenabled = false\n[features]\nplugins = false\n`,
    );
    const upstream = [codexBin, ...execArgs];
    const up: number[] = [];
    for (let i = 0; i < Math.min(RUNS, 3); i++) up.push(await firstRequestMs(upstream));
    console.log(
      `upstream codex exec start to first request: ${median(up).toFixed(0)} ms (ours ${
        med.toFixed(0)
      } ms, ratio ours/upstream ${(med / median(up)).toFixed(2)})`,
    );
    const upRss = await peakRss(upstream, ws, env);
    console.log(`upstream codex exec peak RSS: ${upRss.toFixed(1)} MB (ours ${rss.toFixed(1)} MB)`);
  } catch (err) {
    console.log(
      codexBin
        ? `upstream codex: ${(err as Error).message}`
        : "upstream codex: not installed in .tools/ (npm install --prefix .tools @openai/codex@0.169.0 to compare)",
    );
  }
  await server.close();
  await Deno.remove(ws, { recursive: true });
  await Deno.remove(home, { recursive: true });
}

if (import.meta.main) await main();
