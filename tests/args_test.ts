/**
 * `lib/cli/args.ts` against `node:util`'s `parseArgs`, on the option tables of our commands: for
 * every argv of a generated and a hand-picked corpus, the same values and positionals, or an error
 * with the same message and code.
 */

import assert from "node:assert/strict";
import { parseArgs as nodeParseArgs } from "node:util";
import { parseArgs, ParseArgsError } from "../lib/cli/args.ts";
import { COMMON_OPTIONS, EXEC_OPTIONS, INTERACTIVE_OPTIONS } from "../lib/cli/options.ts";
import { DOCTOR_OPTIONS } from "../lib/cli/doctor.ts";
import { STORAGE_SERVER_OPTIONS } from "../lib/cli/storage_server_cmd.ts";
import { COMPAT_SERVER_OPTIONS } from "../lib/cli/compat_server_cmd.ts";
import { seededRandom as random } from "./helpers.ts";

type Table = Record<string, { type: "string" | "boolean"; short?: string; multiple?: boolean }>;

/** Each command's table with the `allowPositionals` it is parsed with. */
const COMMANDS: { name: string; options: Table; allowPositionals: boolean }[] = [
  { name: "exec", options: EXEC_OPTIONS, allowPositionals: true },
  { name: "interactive", options: INTERACTIVE_OPTIONS, allowPositionals: true },
  { name: "doctor", options: DOCTOR_OPTIONS, allowPositionals: false },
  { name: "storage-server", options: STORAGE_SERVER_OPTIONS, allowPositionals: false },
  { name: "compat-server", options: COMPAT_SERVER_OPTIONS, allowPositionals: false },
];

type Outcome =
  | { ok: true; values: unknown; positionals: string[] }
  | { ok: false; code: unknown; message: string; isTypeError: boolean };

function run(parse: () => { values: unknown; positionals: string[] }): Outcome {
  try {
    const { values, positionals } = parse();
    return { ok: true, values, positionals };
  } catch (err) {
    return {
      ok: false,
      code: (err as { code?: unknown }).code,
      message: (err as Error).message,
      isTypeError: err instanceof TypeError,
    };
  }
}

function compare(options: Table, args: string[], allowPositionals: boolean, strict = true): void {
  const ours = run(() => parseArgs({ args, options, allowPositionals, strict }));
  const node = run(() => nodeParseArgs({ args, options, allowPositionals, strict }));
  // deepStrictEqual also compares prototypes: both `values` objects have none.
  assert.deepEqual(ours, node, `${JSON.stringify(args)} (allowPositionals ${allowPositionals})`);
}

/** Argument words for a table: every option in each spelling, values, and near-misses. */
function words(options: Table): string[] {
  const out = ["x", "a b", "", "-", "--", "-x", "--x", "=", "a=b", "---", "--=v", "-=", "--nope"];
  out.push("--no-help", "-Z", "-1", "--help=", "-h=1");
  const shorts: string[] = [];
  for (const [name, spec] of Object.entries(options)) {
    out.push(`--${name}`, `--${name}=v`, `--${name}=`, `--${name}=-v`, `--${name.toUpperCase()}`);
    if (spec.short) {
      shorts.push(spec.short);
      out.push(`-${spec.short}`, `-${spec.short}v`, `-${spec.short}-v`, `-${spec.short}=v`);
    }
  }
  // groups of two or three shorts, and a short with trailing junk
  for (const a of shorts) {
    out.push(`-${a}Z`);
    for (const b of shorts) {
      out.push(`-${a}${b}`);
      for (const c of shorts.slice(0, 3)) out.push(`-${a}${b}${c}`);
    }
  }
  return out;
}

function corpus(options: Table, count: number, seed: number): string[][] {
  const rnd = random(seed);
  const pool = words(options);
  const out: string[][] = [[]];
  for (const w of pool) out.push([w], [w, "v"], [w, "-v"], ["v", w]);
  for (let i = 0; i < count; i++) {
    const n = 1 + Math.floor(rnd() * 6);
    out.push(Array.from({ length: n }, () => pool[Math.floor(rnd() * pool.length)]));
  }
  return out;
}

for (const { name, options, allowPositionals } of COMMANDS) {
  Deno.test(`args: ${name}'s table parses like node:util parseArgs`, () => {
    for (const args of corpus(options, 2500, name.length * 7919)) {
      compare(options, args, allowPositionals);
      compare(options, args, !allowPositionals);
    }
  });
}

Deno.test("args: hand-picked command lines match node:util parseArgs", () => {
  const cases: string[][] = [
    ["--json", "--", "-m", "x"],
    ["-m", "gpt", "--model=other", "hello", "world"],
    ["-mgpt", "-c", "a=1", "-cb=2", "--config", "c=3", "--config=d=4"],
    ["-hm", "gpt"],
    ["-hmgpt"],
    ["-hm"],
    ["-mh"],
    ["--model", "--json"],
    ["-m", "-x"],
    ["-m", "-"],
    ["--model", "-"],
    ["--json=true"],
    ["--skip-git-repo-check", "-", "--last"],
    ["resume", "--last", "--all", "prompt"],
    ["--", "--", "--json"],
    ["--image", "a.png", "-i", "b.png", "-ic.png"],
    ["--cd"],
    ["-C"],
    ["--color", "always", "--color=never"],
    ["--__proto__"],
    ["--constructor"],
    ["--toString=1"],
  ];
  for (const args of cases) {
    compare(EXEC_OPTIONS, args, true);
    compare(INTERACTIVE_OPTIONS, args, true);
    compare(DOCTOR_OPTIONS, args, false);
  }
});

Deno.test("args: non-strict parsing stores unknown options like node", () => {
  const cases = [
    ["--nope", "x"],
    ["-Zy", "--a=b", "-m", "--json"],
    ["--json=1", "-h=2"],
    ["p"],
    ["--__proto__=x", "--__proto__"],
    ["-c", "--config", "--config=v"],
  ];
  for (const args of cases) {
    compare(COMMON_OPTIONS, args, true, false);
    compare(COMMON_OPTIONS, args, false, false);
  }
});

Deno.test("args: errors are ParseArgsError with node's code; values are typed by the table", () => {
  assert.throws(
    () => parseArgs({ args: ["--nope"], options: DOCTOR_OPTIONS, strict: true }),
    (err: unknown) =>
      err instanceof ParseArgsError && err.code === "ERR_PARSE_ARGS_UNKNOWN_OPTION" &&
      err.message === "Unknown option '--nope'",
  );
  const { values, positionals } = parseArgs({
    args: ["-c", "a=1", "-c", "b=2", "--json", "-p", "x"],
    options: DOCTOR_OPTIONS,
    strict: true,
  });
  // These lines only compile with the table's types: string[], boolean, string.
  const config: string[] | undefined = values.config;
  const json: boolean | undefined = values.json;
  const profile: string | undefined = values.profile;
  assert.deepEqual([config, json, profile, positionals], [["a=1", "b=2"], true, "x", []]);
});
