/**
 * The lark grammar that upstream declares for the freeform `apply_patch` tool. It is part of the
 * wire protocol: models are trained on it, so the text must stay byte-identical to upstream's.
 *
 * @module
 */

/** The `definition` of `apply_patch`'s `{type: "grammar", syntax: "lark"}` format. */
export const APPLY_PATCH_LARK_GRAMMAR: string = [
  "start: begin_patch hunk+ end_patch",
  'begin_patch: "*** Begin Patch" LF',
  'end_patch: "*** End Patch" LF?',
  "",
  "hunk: add_hunk | delete_hunk | update_hunk",
  'add_hunk: "*** Add File: " filename LF add_line+',
  'delete_hunk: "*** Delete File: " filename LF',
  'update_hunk: "*** Update File: " filename LF change_move? change?',
  "",
  "filename: /(.+)/",
  'add_line: "+" /(.*)/ LF -> line',
  "",
  'change_move: "*** Move to: " filename LF',
  "change: (change_context | change_line)+ eof_line?",
  'change_context: ("@@" | "@@ " /(.+)/) LF',
  'change_line: ("+" | "-" | " ") /(.*)/ LF',
  'eof_line: "*** End of File" LF',
  "",
  "%import common.LF",
  "",
].join("\n");
