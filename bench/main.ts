/**
 * `deno task bench`: runs every `bench/*_bench.ts` in turn (each prints its measurements beside a
 * baseline measured in the same run). `deno task bench startup compat` runs only those.
 *
 * @module
 */

import { fileURLToPath } from "node:url";
import { join } from "node:path";

const dir = fileURLToPath(new URL(".", import.meta.url));

if (import.meta.main) {
  const only = Deno.args;
  const files: string[] = [];
  for await (const e of Deno.readDir(dir)) {
    if (e.isFile && e.name.endsWith("_bench.ts")) files.push(e.name);
  }
  files.sort();
  let failed = 0;
  for (const name of files) {
    const area = name.replace(/_bench\.ts$/, "");
    if (only.length && !only.includes(area)) continue;
    console.log(`\n## ${area}`);
    const { code } = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", join(dir, name)],
      stdout: "inherit",
      stderr: "inherit",
    }).output();
    if (code !== 0) {
      failed++;
      console.log(`(${name} exited with ${code})`);
    }
  }
  Deno.exit(failed ? 1 : 0);
}
