/**
 * `lib/path.ts` against `node:path`'s posix functions: equal results on a generated corpus and on
 * hand-picked edge cases.
 */

import assert from "node:assert/strict";
import { posix } from "node:path";
import * as ours from "../lib/path.ts";
import { seededRandom as random } from "./helpers.ts";

const PIECES = ["a", "bb", "..", ".", "", "/", "//"];
const EXTRA = ["...", ".a", "a.", "..a", "a..", "\\", " "];

/** Paths built from random pieces: joined by `/` or run together, absolute or relative. */
function corpus(count: number, seed: number): string[] {
  const rnd = random(seed);
  const pick = <T>(xs: T[]) => xs[Math.floor(rnd() * xs.length)];
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    const n = Math.floor(rnd() * 7);
    const pieces = Array.from({ length: n }, () => rnd() < 0.9 ? pick(PIECES) : pick(EXTRA));
    let path = pieces.join(rnd() < 0.8 ? "/" : "");
    if (rnd() < 0.5) path = "/" + path;
    out.push(path);
  }
  return out;
}

const EDGES = [
  "",
  ".",
  "..",
  "/",
  "//",
  "///",
  "./",
  "../",
  "/.",
  "/..",
  "/../..",
  "//a",
  "///a",
  "//a//",
  "/a//b",
  "a//b",
  "a/",
  "a//",
  "/a/",
  "a/b/../../..",
  "../a/../b",
  "/a/b/c/../../d/./e/",
  "./a",
  "a/./b/.",
  "...",
  "a/...",
  ".../..",
  "a\\b",
  " ",
  "/ /",
];

const PATHS = [...EDGES, ...corpus(6000, 42)];

Deno.test("path: sep is /", () => {
  assert.equal(ours.sep, posix.sep);
});

Deno.test("path: normalize, isAbsolute, dirname, basename match node:path on every path", () => {
  for (const p of PATHS) {
    assert.equal(ours.normalize(p), posix.normalize(p), `normalize(${JSON.stringify(p)})`);
    assert.equal(ours.isAbsolute(p), posix.isAbsolute(p), `isAbsolute(${JSON.stringify(p)})`);
    assert.equal(ours.dirname(p), posix.dirname(p), `dirname(${JSON.stringify(p)})`);
    assert.equal(ours.basename(p), posix.basename(p), `basename(${JSON.stringify(p)})`);
  }
});

Deno.test("path: join and resolve match node:path for 0 to 4 arguments", () => {
  const rnd = random(7);
  const pick = () => PATHS[Math.floor(rnd() * PATHS.length)];
  const cases: string[][] = [[], [""], ["", ""], ...EDGES.map((e) => [e])];
  for (const a of EDGES) for (const b of EDGES) cases.push([a, b]);
  for (let i = 0; i < 6000; i++) {
    cases.push(Array.from({ length: 1 + Math.floor(rnd() * 4) }, pick));
  }
  for (const args of cases) {
    const shown = JSON.stringify(args);
    assert.equal(ours.join(...args), posix.join(...args), `join(${shown})`);
    assert.equal(ours.resolve(...args), posix.resolve(...args), `resolve(${shown})`);
  }
});

Deno.test("path: relative matches node:path on pairs, relative ones against the cwd", () => {
  const rnd = random(99);
  const pick = () => PATHS[Math.floor(rnd() * PATHS.length)];
  const pairs: [string, string][] = [
    ["/a/b", "/a/b/c"],
    ["/a/b/c", "/a/b"],
    ["/a/bc", "/a/b"],
    ["/a/b", "/a/bc"],
    ["/", "/a"],
    ["/a", "/"],
    ["/", "/"],
    ["", ""],
    ["", "/"],
    ["a", "a/b"],
    ["/x/y", "/z"],
    [Deno.cwd(), "."],
    [".", Deno.cwd() + "/sub"],
  ];
  for (const a of EDGES) for (const b of EDGES) pairs.push([a, b]);
  for (let i = 0; i < 6000; i++) pairs.push([pick(), pick()]);
  for (const [from, to] of pairs) {
    assert.equal(
      ours.relative(from, to),
      posix.relative(from, to),
      `relative(${JSON.stringify(from)}, ${JSON.stringify(to)})`,
    );
  }
});

Deno.test("path: resolve of relative paths starts at Deno.cwd()", () => {
  assert.equal(ours.resolve(), Deno.cwd());
  assert.equal(ours.resolve("x"), `${Deno.cwd()}/x`.replace(/^\/\//, "/"));
  assert.equal(ours.resolve("/r", "x", "..", "y/"), "/r/y");
});
