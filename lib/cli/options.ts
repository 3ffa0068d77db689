/**
 * The option tables of `exec` and of the interactive command, in a module without imports so the
 * interactive command can hold its table without loading `exec`.
 *
 * @module
 */

/** Options shared by `exec` and the interactive session. */
export const COMMON_OPTIONS = {
  model: { type: "string", short: "m" },
  profile: { type: "string", short: "p" },
  config: { type: "string", short: "c", multiple: true },
  cd: { type: "string", short: "C" },
  sandbox: { type: "string", short: "s" },
  image: { type: "string", short: "i", multiple: true },
  "add-dir": { type: "string", multiple: true },
  enable: { type: "string", multiple: true },
  disable: { type: "string", multiple: true },
  "strict-config": { type: "boolean" },
  "full-auto": { type: "boolean" },
  "dangerously-bypass-approvals-and-sandbox": { type: "boolean" },
  "skip-git-repo-check": { type: "boolean" },
  color: { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

/** `denocodex exec`'s options. */
export const EXEC_OPTIONS = {
  ...COMMON_OPTIONS,
  json: { type: "boolean" },
  "experimental-json": { type: "boolean" },
  "output-last-message": { type: "string", short: "o" },
  "output-schema": { type: "string" },
  ephemeral: { type: "boolean" },
  last: { type: "boolean" },
  all: { type: "boolean" },
} as const;

/** The interactive command's options (`denocodex [OPTIONS] [PROMPT]`). */
export const INTERACTIVE_OPTIONS = {
  ...COMMON_OPTIONS,
  "ask-for-approval": { type: "string", short: "a" },
} as const;
