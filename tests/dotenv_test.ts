/**
 * `.env` parsing (`lib/config/dotenv.ts`) against `node:util`'s `parseEnv`: the same keys, values
 * and key order on a generated corpus and on hand-picked files; and `loadDotenv`'s merge rules.
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { parseEnv } from "node:util";
import { loadDotenv, parseDotenv } from "../lib/config/dotenv.ts";
import { seededRandom as random } from "./helpers.ts";

function same(text: string): void {
  assert.deepEqual(
    Object.entries(parseDotenv(text)),
    Object.entries({ ...parseEnv(text) }),
    JSON.stringify(text),
  );
}

const KEYS = ["A", "B", "A_1", "export A", "export  B", " C ", "\tD", "", "1", "__proto__", "a b"];
const SEPARATORS = ["=", " = ", "==", "=\t"];
const VALUES = [
  "x",
  " x y ",
  "",
  " ",
  '"q"',
  "'q'",
  "`q`",
  '"  spaced  "',
  '"a\\nb"',
  "'a\\nb'",
  "a\\nb",
  '"a\\\\nb"',
  '"multi\nline"',
  "'multi\nline'",
  "`multi\n'line'\n`",
  "'open",
  '"open',
  "`open",
  "x # comment",
  "x#y",
  '"a" # comment',
  '"a"b"',
  '"a" b "c" # x',
  "'a' b 'c'",
  "'a'junk",
  '"#not comment"',
  "${X}",
  "$X",
  '{"k": "v"}',
  "é ünïcode",
  "#",
];
const LINE_ENDS = ["\n", "\r\n", "\n\n", "\n  \n", "\n\t\n"];
const OTHER_LINES = ["# comment", "  # indented comment", "NOEQUALS", "   ", "=lonely", "export"];

function corpus(count: number, seed: number): string[] {
  const rnd = random(seed);
  const pick = <T>(xs: T[]) => xs[Math.floor(rnd() * xs.length)];
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    let text = rnd() < 0.2 ? pick(["", " ", "\n", "\t"]) : "";
    const lines = 1 + Math.floor(rnd() * 5);
    for (let j = 0; j < lines; j++) {
      text += rnd() < 0.2 ? pick(OTHER_LINES) : pick(KEYS) + pick(SEPARATORS) + pick(VALUES);
      if (j < lines - 1 || rnd() < 0.5) text += pick(LINE_ENDS);
    }
    out.push(text);
  }
  return out;
}

Deno.test("dotenv: generated files parse like node:util parseEnv", () => {
  for (const text of corpus(8000, 2024)) same(text);
});

Deno.test("dotenv: hand-picked files parse like node:util parseEnv", () => {
  const cases = [
    "",
    "A=1\nB=2",
    "export A=1\nexport   B = two words \n",
    "A=1\nA=2\nB=3\nA=4",
    "1=a\nB=2\n0=c",
    'JSON={"foo": "bar"}\nQ=\'{"foo": "bar"}\'',
    'A="line1\nline2\nline3"\nB=after',
    "A=`with 'single' and \"double\"`",
    'A="x\\ny\\\\n"',
    "A=  \n  \nB=1",
    "=a=b\nC=1",
    "=\nB=1",
    "export A=\nB=2",
    'A="x\n#c\nB=1',
    "A\n\n=1",
    "A=x\r\nB='y'\r\n",
    "  A = 1  # trailing\n\t#B=2\n",
    "A='a' # c\nB=\"b\" # c\nC=`c` # c",
    'E="VALUE1" # or "VALUE2"',
    'MULTI_NOT_VALID_QUOTE="\nMULTI_NOT_VALID=THIS\nIS NOT MULTILINE\n',
  ];
  for (const text of cases) same(text);
});

Deno.test("dotenv: values and key order, spelled out", () => {
  assert.deepEqual(parseDotenv("export A = \"x\\ny\" # c\nB='q'\nA=2\n#C=3\nD=  e f  "), {
    A: "2",
    B: "q",
    D: "e f",
  });
  assert.deepEqual(Object.keys(parseDotenv("Z=1\nA=2\nZ=3")), ["Z", "A"]);
  assert.deepEqual(parseDotenv('M="one\ntwo"'), { M: "one\ntwo" });
  const proto = parseDotenv("__proto__=x");
  assert.equal(Object.getPrototypeOf(proto), Object.prototype);
  assert.equal(Object.getOwnPropertyDescriptor(proto, "__proto__")?.value, "x");
});

Deno.test("dotenv: loadDotenv skips CODEX_ keys and keys already set; no file is no change", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = join(dir, ".env");
    await Deno.writeTextFile(path, "NEW=1\nSET=file\nCODEX_HOME=/x\ncodex_thing=y\n");
    const got = await loadDotenv(path, { SET: "env", UNSET: undefined });
    assert.deepEqual(got.env, { SET: "env", NEW: "1" });
    assert.deepEqual(got.loaded, ["NEW"]);
    assert.deepEqual(got.skipped, ["SET", "CODEX_HOME", "codex_thing"]);
    const none = await loadDotenv(join(dir, "missing.env"), { A: "1" });
    assert.deepEqual(none, { env: { A: "1" }, loaded: [], skipped: [] });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
