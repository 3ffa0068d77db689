/**
 * Portable-mode benchmarks:
 *
 * - `--put` (bundle + encrypt + upload + download-decrypt-unpack verification) of a Codex home
 *   with 2,000 skill files, against plain gzip of the same files (read + concatenate + gzip).
 * - The storage server under 500 concurrent puts then 500 concurrent gets of small bundles,
 *   against 500 concurrent `/healthz` requests.
 *
 * Run: `deno run -A bench/portable_bench.ts`
 *
 * @module
 */

import { join } from "node:path";
import { gzip } from "../lib/portable/archive.ts";
import { putHome } from "../lib/portable/client.ts";
import { encryptBundle, generateSecret } from "../lib/portable/crypto.ts";
import { startStorageServer } from "../lib/portable/server.ts";
import { parseStorageAddress } from "../lib/portable/spec.ts";

const SKILL_FILES = 2000;
const RUNS = 5;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function line(
  name: string,
  value: number,
  unit: string,
  baseName: string,
  base: number,
  target: string,
) {
  const ratio = base > 0 ? (value / base).toFixed(2) : "n/a";
  console.log(
    `${name}: ${value.toFixed(1)} ${unit} (baseline ${baseName}: ${
      base.toFixed(1)
    } ${unit}, ratio ${ratio}, target ${target})`,
  );
}

async function makeHome(dir: string): Promise<string[]> {
  const home = join(dir, "codex");
  await Deno.mkdir(home, { recursive: true });
  await Deno.writeTextFile(join(home, "config.toml"), 'model = "gpt-5.5"\n');
  await Deno.writeTextFile(join(home, ".env"), "OPENAI_API_KEY=sk-bench\n");
  await Deno.writeTextFile(join(home, "AGENTS.md"), "# Agents\nBe brief.\n");
  const paths: string[] = [];
  for (let i = 0; i < SKILL_FILES; i++) {
    const skill = join(home, "skills", `skill-${String(i % 100).padStart(3, "0")}`);
    if (i < 100) await Deno.mkdir(join(skill, "refs"), { recursive: true });
    const p = join(skill, i < 100 ? "SKILL.md" : `refs/note-${i}.md`);
    const body = `---\nname: skill ${i}\ndescription: benchmark file ${i}\n---\n` +
      `Step ${i}: do the thing carefully and report back.\n`.repeat(20 + (i % 40));
    await Deno.writeTextFile(p, body);
    paths.push(p);
  }
  return paths;
}

async function benchPut(dir: string): Promise<void> {
  const paths = await makeHome(dir);
  const server = await startStorageServer({
    root: join(dir, "storage"),
    port: 0,
    maxBytes: 256 << 20,
    ttlMs: 3600_000,
  });
  try {
    const target = parseStorageAddress(`127.0.0.1:${server.port}`);
    const baseline: number[] = [];
    const put: number[] = [];
    let bytes = 0;
    for (let r = 0; r <= RUNS; r++) {
      let t = performance.now();
      const datas = await Promise.all(paths.map((p) => Deno.readFile(p)));
      bytes = datas.reduce((s, d) => s + d.length, 0);
      const all = new Uint8Array(bytes);
      let at = 0;
      for (const d of datas) {
        all.set(d, at);
        at += d.length;
      }
      await gzip(all);
      if (r > 0) baseline.push(performance.now() - t);
      t = performance.now();
      const res = await putHome({ homeDir: join(dir, "codex"), target, out: () => {} });
      if (r > 0) put.push(performance.now() - t);
      if (!res.token || res.files.length !== SKILL_FILES + 3) throw new Error("put failed");
    }
    line(
      `put_home_${SKILL_FILES}_skill_files (${(bytes / 1024 / 1024).toFixed(1)} MiB)`,
      median(put),
      "ms",
      "plain gzip of the same files",
      median(baseline),
      "<= 1000 ms",
    );
  } finally {
    await server.shutdown();
  }
}

async function benchServer(dir: string): Promise<void> {
  const server = await startStorageServer({
    root: join(dir, "storage-concurrent"),
    port: 0,
    maxBytes: 1 << 20,
    ttlMs: 3600_000,
  });
  try {
    const origin = server.origin;
    const N = 500;
    const objects = await Promise.all(
      Array.from(
        { length: N },
        (_, i) =>
          encryptBundle(new TextEncoder().encode(`bundle ${i} `.repeat(50)), generateSecret()),
      ),
    );
    let t = performance.now();
    const health = await Promise.all(
      Array.from({ length: N }, () => fetch(`${origin}/healthz`).then((r) => r.json())),
    );
    const baseline = performance.now() - t;
    if (health.some((h) => h.ok !== true)) throw new Error("healthz failed");

    let errors = 0;
    t = performance.now();
    const ids = await Promise.all(objects.map(async (o) => {
      const r = await fetch(`${origin}/v1/storage/put`, { method: "POST", body: o as BodyInit });
      if (r.status !== 200) {
        errors++;
        await r.body?.cancel();
        return "";
      }
      return (await r.json()).call_id as string;
    }));
    const putMs = performance.now() - t;
    t = performance.now();
    await Promise.all(ids.map(async (id, i) => {
      const r = await fetch(`${origin}/v1/storage/call/${id}`);
      const got = new Uint8Array(await r.arrayBuffer());
      if (
        r.status !== 200 || got.length !== objects[i].length ||
        got.some((b, j) => b !== objects[i][j])
      ) {
        errors++;
      }
    }));
    const getMs = performance.now() - t;
    line(
      `storage_${N}_concurrent_puts`,
      putMs,
      "ms",
      `${N} concurrent /healthz`,
      baseline,
      "no errors",
    );
    line(
      `storage_${N}_concurrent_gets`,
      getMs,
      "ms",
      `${N} concurrent /healthz`,
      baseline,
      "no errors",
    );
    console.log(
      `storage_${N}_concurrent_errors: ${errors} errors (baseline ${N} concurrent /healthz: 0 errors, ratio n/a, target 0)`,
    );
    if (errors) throw new Error(`${errors} storage requests failed`);
  } finally {
    await server.shutdown();
  }
}

if (import.meta.main) {
  const dir = await Deno.makeTempDir({ prefix: "dcx-portable-bench-" });
  try {
    await benchPut(dir);
    await benchServer(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}
