/**
 * `-c/--config key=value` overrides, as upstream describes them: the key is a dotted path into
 * `config.toml`; the value is parsed as TOML when it parses, else taken as a literal string.
 *
 * @module
 */

import { parse } from "npm:smol-toml@^1.9.1";
import { ConfigError } from "./errors.ts";

/** A parsed override: the path segments and the value. */
export interface Override {
  path: string[];
  value: unknown;
}

/** Parses `key=value`. Quoted path segments (`a."b.c"`) are supported. */
export function parseOverride(spec: string): Override {
  const eq = spec.indexOf("=");
  if (eq <= 0) {
    throw new ConfigError(`invalid -c override '${spec}': expected key=value, e.g. -c model="o3"`);
  }
  const key = spec.slice(0, eq).trim();
  const rawValue = spec.slice(eq + 1).trim();
  const path = splitPath(key);
  if (path.length === 0 || path.some((p) => p === "")) {
    throw new ConfigError(`invalid -c override '${spec}': empty key segment`);
  }
  let value: unknown;
  try {
    value = (parse(`v = ${rawValue}`) as { v: unknown }).v;
    value = structuredClone(value);
  } catch {
    value = rawValue;
  }
  return { path, value };
}

function splitPath(key: string): string[] {
  const out: string[] = [];
  let cur = "";
  let quote: string | null = null;
  for (const ch of key) {
    if (quote) {
      if (ch === quote) quote = null;
      else cur += ch;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
    } else if (ch === ".") {
      out.push(cur.trim());
      cur = "";
    } else {
      cur += ch;
    }
  }
  out.push(cur.trim());
  return out;
}

/** Sets `override` into `table` (in place), creating intermediate tables. */
export function applyOverride(table: Record<string, unknown>, override: Override): void {
  let node = table;
  for (const seg of override.path.slice(0, -1)) {
    const next = node[seg];
    if (next === undefined || next === null || typeof next !== "object" || Array.isArray(next)) {
      node[seg] = {};
    }
    node = node[seg] as Record<string, unknown>;
  }
  node[override.path[override.path.length - 1]] = override.value;
}
