/**
 * The optional first line of an `exec` input: `// @exec: {"yield_time_ms": N, "max_output_tokens": N}`.
 *
 * @module
 */

/** Settings a pragma may carry. */
export interface ExecPragma {
  yield_time_ms?: number;
  max_output_tokens?: number;
}

/** A parsed `exec` input, or the error text for the model. */
export type ParsedExecInput = { ok: true; source: string; pragma: ExecPragma } | {
  ok: false;
  error: string;
};

const EMPTY_INPUT = "exec expects raw JavaScript source text (non-empty). Provide JS only, " +
  'optionally with first-line `// @exec: {"yield_time_ms": 10000, "max_output_tokens": 1000}`.';

const PRAGMA = /^[ \t]*\/\/ @exec:(.*)$/;

/** Splits the pragma line (if any) from the JavaScript source. */
export function parseExecInput(input: string): ParsedExecInput {
  if (input.trim() === "") return { ok: false, error: EMPTY_INPUT };
  const nl = input.indexOf("\n");
  const first = (nl < 0 ? input : input.slice(0, nl)).replace(/\r$/, "");
  const m = first.match(PRAGMA);
  if (!m) return { ok: true, source: input, pragma: {} };
  const source = nl < 0 ? "" : input.slice(nl + 1);
  if (source.trim() === "") {
    return { ok: false, error: "exec pragma must be followed by JavaScript source on later lines" };
  }
  let json: unknown;
  try {
    json = JSON.parse(m[1].trim());
  } catch (err) {
    return {
      ok: false,
      error: "exec pragma must be valid JSON with supported fields `yield_time_ms` and " +
        `\`max_output_tokens\`: ${(err as Error).message}`,
    };
  }
  if (!json || typeof json !== "object" || Array.isArray(json)) {
    return {
      ok: false,
      error: "exec pragma must be a JSON object with supported fields `yield_time_ms` and " +
        "`max_output_tokens`",
    };
  }
  const pragma: ExecPragma = {};
  for (const [key, value] of Object.entries(json)) {
    if (key !== "yield_time_ms" && key !== "max_output_tokens") {
      return {
        ok: false,
        error:
          `exec pragma only supports \`yield_time_ms\` and \`max_output_tokens\`; got \`${key}\``,
      };
    }
    if (typeof value !== "number" || !Number.isFinite(value) || value < 0) {
      return { ok: false, error: `exec pragma field \`${key}\` must be a non-negative number` };
    }
    pragma[key] = value;
  }
  return { ok: true, source, pragma };
}
