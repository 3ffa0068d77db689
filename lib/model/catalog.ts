/**
 * The model catalog (`prompts/models.json`, our own data): context window, default reasoning
 * effort and verbosity, and which tool family a model gets. Loaded through the module graph so
 * it works from source, bundled and compiled.
 *
 * @module
 */

import data from "../../prompts/models.json" with { type: "json" };

/** The tool surface a model is trained for. */
export type ToolFamily = "classic" | "code_mode";

/** What the agent knows about a model. */
export interface ModelInfo {
  slug: string;
  displayName: string;
  /** Effective context window in tokens. */
  contextWindow: number;
  /** Sent as `reasoning.effort` unless configured; `null` sends no effort. */
  defaultReasoningEffort: string | null;
  /** Sent as `text.verbosity` unless configured; `null` sends no `text`. */
  defaultVerbosity: string | null;
  /** Sent as `reasoning.summary` when set (fallback metadata uses `auto`). */
  reasoningSummary: string | null;
  toolFamily: ToolFamily;
  supportsParallelToolCalls: boolean;
  /** Sent as `reasoning.context` when set (upstream's code-mode models: `all_turns`). */
  reasoningContext: string | null;
  /** `node_repl_auto_review_required` of `x-codex-turn-metadata` (true for `gpt-6.1-sol`). */
  nodeReplAutoReviewRequired: boolean;
  efforts: string[];
  /** True when the slug was not in the catalog. */
  fallback: boolean;
}

interface RawModel {
  slug: string;
  display_name?: string;
  context_window: number;
  default_reasoning_effort: string | null;
  default_verbosity: string | null;
  reasoning_summary?: string | null;
  tool_family: string;
  supports_parallel_tool_calls: boolean;
  reasoning_context?: string | null;
  node_repl_auto_review_required?: boolean;
  efforts?: string[];
}

function toInfo(raw: RawModel, slug: string, fallback: boolean): ModelInfo {
  return {
    slug,
    displayName: raw.display_name ?? slug,
    contextWindow: raw.context_window,
    defaultReasoningEffort: raw.default_reasoning_effort,
    defaultVerbosity: raw.default_verbosity,
    reasoningSummary: raw.reasoning_summary ?? null,
    toolFamily: raw.tool_family === "code_mode" ? "code_mode" : "classic",
    supportsParallelToolCalls: raw.supports_parallel_tool_calls,
    reasoningContext: raw.reasoning_context ?? null,
    nodeReplAutoReviewRequired: raw.node_repl_auto_review_required ?? false,
    efforts: raw.efforts ?? [],
    fallback,
  };
}

const MODELS: RawModel[] = data.models as RawModel[];

/** All catalog models, in catalog order. */
export function listModels(): ModelInfo[] {
  return MODELS.map((m) => toInfo(m, m.slug, false));
}

/** The catalog entry for `slug`, or fallback metadata (`fallback: true`) for unknown models. */
export function modelInfo(slug: string): ModelInfo {
  const raw = MODELS.find((m) => m.slug === slug);
  return raw ? toInfo(raw, slug, false) : toInfo(data.fallback as RawModel, slug, true);
}

/** The warning shown when a model has no catalog entry. */
export function fallbackWarning(slug: string): string {
  return `Model metadata for \`${slug}\` not found in the denocodex catalog; using fallback ` +
    `settings (context window ${data.fallback.context_window} tokens). Set model_context_window ` +
    `in config.toml if that is wrong.`;
}
