/**
 * `apply_patch`: upstream's patch format, verified in memory and written all-or-nothing.
 *
 * @module
 */

export { APPLY_PATCH_LARK_GRAMMAR } from "./grammar.ts";
export {
  type AddHunk,
  type ChunkLine,
  type DeleteHunk,
  type Hunk,
  type ParsedPatch,
  parsePatch,
  type UpdateChunk,
  type UpdateHunk,
} from "./parser.ts";
export { normalisePunctuation, seekSequence } from "./seek.ts";
export {
  applyPatch,
  type ApplyPatchOptions,
  type ApplyPatchResult,
  commitPatch,
  type PatchPlan,
  type PatchSummary,
  planPatch,
} from "./apply.ts";
export { ApplyPatchError, type ApplyPatchErrorKind } from "./errors.ts";
export { formatSummary, formatWallTime } from "./format.ts";
export { type ApplyPatchInvocation, isBarePatch, parseApplyPatchInvocation } from "./intercept.ts";
export {
  APPLY_PATCH_DESCRIPTION,
  BARE_PATCH_ERROR,
  createApplyPatchTool,
  interceptApplyPatch,
  runApplyPatch,
  type RunApplyPatchOptions,
  runInterceptedApplyPatch,
} from "./tool.ts";
export type { FileRemoval, FileWrite, WriterOps } from "./writer.ts";
