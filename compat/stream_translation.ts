/**
 * Chat Completions chunks -> Responses stream events and the final response object.
 *
 * One {@linkcode ResponseAssembler} per response. It is fed backend chunks round by round (a
 * round is one backend request; the mock web search adds follow-up rounds) and emits the event
 * sequence real Responses clients expect, every event with a `sequence_number`:
 *
 * `response.created`, `response.in_progress`, then per output item `response.output_item.added`,
 * its content events (`content_part.*`, `output_text.*`, `reasoning_text.*`,
 * `reasoning_summary_*`, `function_call_arguments.*`, `custom_tool_call_input.*`,
 * `web_search_call.*`) and `response.output_item.done`, and finally `response.completed`,
 * `response.incomplete` or `response.failed` carrying the same items with the same ids.
 *
 * Reasoning and text open one item each while they stream; a switch between them closes the
 * open item. Tool calls stay open until the round ends, so backends that interleave parallel
 * calls are handled; they are keyed by the chunk `index`, and a new `id` on a used index (an
 * Ollama habit) starts a new call.
 *
 * @module
 */

import type { AnyItem } from "../lib/protocol/items.ts";
import type { ChatToolCallDelta, ChatUsage } from "./chat_types.ts";
import { customInputFromArguments } from "./custom_tools.ts";
import { BackendError } from "./errors.ts";
import { JsonStringFieldDecoder } from "./json_string_field_decoder.ts";
import { encodeReasoning } from "./reasoning_carrier.ts";
import type {
  ResponseError,
  ResponseEvent,
  ResponseObject,
  ResponseUsage,
} from "./responses_types.ts";
import { zeroUsage } from "./responses_types.ts";
import {
  MOCK_SEARCH_ID_PREFIX,
  MOCK_SEARCH_NAME,
  type SearchQueries,
  searchQueries,
} from "./web_search_mock.ts";

/** How the assembler is set up for one response. */
export interface AssemblerInit {
  /** The response object as it starts: `in_progress`, no output, no usage. */
  response: ResponseObject;
  /** Names of the client's custom tools. */
  customTools: ReadonlySet<string>;
  /** Names of the functions offered to the backend (to name a nameless call of the only tool). */
  toolNames: readonly string[];
  /** Whether calls of `web_search` are mock searches. */
  mockSearch: boolean;
  /** Whether reasoning items carry their text in `encrypted_content` (client asked for it). */
  carryReasoning: boolean;
  /** Whether reasoning text is also reported as the reasoning summary. */
  summaryFromReasoning: boolean;
  /**
   * Receives each event as its type and JSON text (`sequence_number` included). Absent: events
   * are not serialized at all (a non-streaming request only needs the final response).
   */
  emit?: (type: string, json: string) => void;
}

/** A mock web search the model asked for. */
export interface MockSearchCall {
  callId: string;
  args: string;
  queries: SearchQueries;
}

/** What one round produced. */
export interface RoundResult {
  /** Calls of the mock search. */
  mockCalls: MockSearchCall[];
  /** Number of ordinary tool calls. */
  toolCalls: number;
  /** The round's assistant text and reasoning (for the follow-up request). */
  text: string;
  reasoning: string;
  /** The backend's `finish_reason`, if it sent one. */
  finishReason: string | null;
}

interface TextItem {
  kind: "message" | "reasoning";
  index: number;
  id: string;
  text: string;
}

interface ToolItem {
  index: number;
  id: string;
  kind: "function" | "custom";
  callId: string;
  name: string;
  /** Custom tools: the input streamed so far. */
  streamed: string;
  decoder: JsonStringFieldDecoder | null;
}

interface ToolSlot {
  backendId: string | null;
  name: string | null;
  args: string;
  mock: boolean;
  item: ToolItem | null;
}

const EMPTY: readonly unknown[] = Object.freeze([]);

function newId(prefix: string): string {
  return prefix + crypto.randomUUID().replaceAll("-", "");
}

/** Builds one Responses answer from Chat Completions chunks. */
export class ResponseAssembler {
  #init: AssemblerInit;
  #response: ResponseObject;
  #seq = 0;
  #items: (AnyItem | undefined)[] = [];
  #nextIndex = 0;
  #open: TextItem | null = null;
  #slots: ToolSlot[] = [];
  #slotByIndex = new Map<number, ToolSlot>();
  #callIds = new Set<string>();
  #roundText = "";
  #roundReasoning = "";
  #roundUsage: ChatUsage | null = null;
  #finishReason: string | null = null;
  #usage: ResponseUsage | null = null;
  #incomplete: string | null = null;
  #finished = false;

  /** Creates the assembler; nothing is emitted before {@linkcode start}. */
  constructor(init: AssemblerInit) {
    this.#init = init;
    this.#response = init.response;
  }

  /** The response object in its current state. */
  get response(): ResponseObject {
    return this.#response;
  }

  /** True once `complete` or `fail` ran. */
  get finished(): boolean {
    return this.#finished;
  }

  /** Emits `response.created` and `response.in_progress`. */
  start(): void {
    const snapshot = { ...this.#response, output: [] };
    this.#emit({ type: "response.created", response: snapshot });
    this.#emit({ type: "response.in_progress", response: snapshot });
  }

  /** Applies one backend chunk (untrusted JSON). */
  applyChunk(chunk: unknown): void {
    if (chunk === null || typeof chunk !== "object") return;
    const c = chunk as Record<string, unknown>;
    if (c.usage !== null && typeof c.usage === "object") this.#roundUsage = c.usage as ChatUsage;
    const choices = c.choices;
    if (!Array.isArray(choices) || choices.length === 0) return;
    const choice = (choices.find((x) => x?.index === 0) ?? choices[0]) as Record<string, unknown>;
    if (choice === null || typeof choice !== "object") return;
    const delta = (choice.delta ?? choice.message) as Record<string, unknown> | null | undefined;
    if (delta && typeof delta === "object") {
      const reasoning = typeof delta.reasoning_content === "string"
        ? delta.reasoning_content
        : delta.reasoning;
      if (typeof reasoning === "string" && reasoning !== "") this.#reasoningDelta(reasoning);
      if (typeof delta.content === "string" && delta.content !== "") {
        this.#textDelta(delta.content);
      }
      if (typeof delta.refusal === "string" && delta.refusal !== "") this.#textDelta(delta.refusal);
      if (Array.isArray(delta.tool_calls)) {
        delta.tool_calls.forEach((tc, pos) => {
          if (tc !== null && typeof tc === "object") this.#toolDelta(tc as ChatToolCallDelta, pos);
        });
      }
    }
    if (typeof choice.finish_reason === "string") this.#finishReason = choice.finish_reason;
  }

  /** True when the current round saw a `finish_reason`. */
  get roundFinished(): boolean {
    return this.#finishReason !== null;
  }

  /**
   * Ends the current round: closes the open items, finishes the tool calls (except mock
   * searches, returned for the caller to answer) and adds the round's usage.
   */
  endRound(): RoundResult {
    const finishReason = this.#finishReason;
    const cut = finishReason === "length" || finishReason === "content_filter";
    if (cut) this.#incomplete = finishReason === "length" ? "max_output_tokens" : "content_filter";
    this.#closeOpen(cut ? "incomplete" : "completed");
    const mockCalls: MockSearchCall[] = [];
    for (const slot of this.#slots) {
      if (slot.name === null) {
        if (this.#init.toolNames.length !== 1) {
          throw new BackendError("backend sent a tool call without a function name");
        }
        slot.name = this.#init.toolNames[0];
        this.#startTool(slot);
      }
    }
    const items = this.#slots.filter((s) => s.item !== null).map((s) => s as Required<ToolSlot>)
      .sort((a, b) => (a.item?.index ?? 0) - (b.item?.index ?? 0));
    for (const slot of items) this.#finishTool(slot);
    for (const slot of this.#slots) {
      if (slot.mock) {
        const callId = this.#callId(slot.backendId);
        mockCalls.push({ callId, args: slot.args, queries: searchQueries(slot.args) });
      }
    }
    const result: RoundResult = {
      mockCalls,
      toolCalls: items.length,
      text: this.#roundText,
      reasoning: this.#roundReasoning,
      finishReason,
    };
    this.#addUsage(this.#roundUsage);
    this.#slots = [];
    this.#slotByIndex.clear();
    this.#roundText = "";
    this.#roundReasoning = "";
    this.#roundUsage = null;
    this.#finishReason = null;
    return result;
  }

  /** Reports mock searches as completed `web_search_call` items. */
  emitMockSearches(calls: readonly MockSearchCall[]): void {
    for (const call of calls) {
      const index = this.#nextIndex++;
      const id = newId(MOCK_SEARCH_ID_PREFIX);
      const action = { type: "search", query: call.queries.query, queries: call.queries.queries };
      this.#emit({
        type: "response.output_item.added",
        output_index: index,
        item: { id, type: "web_search_call", status: "in_progress", action },
      });
      for (const phase of ["in_progress", "searching", "completed"]) {
        this.#emit({ type: `response.web_search_call.${phase}`, output_index: index, item_id: id });
      }
      this.#done(index, { id, type: "web_search_call", status: "completed", action });
    }
  }

  /** Emits `response.completed` (or `response.incomplete`) and returns the final response. */
  complete(): ResponseObject {
    this.#finished = true;
    const incomplete = this.#incomplete;
    this.#response = {
      ...this.#response,
      status: incomplete ? "incomplete" : "completed",
      incomplete_details: incomplete ? { reason: incomplete } : null,
      output: this.#output(),
      usage: this.#usage ?? zeroUsage(),
    };
    this.#emit({
      type: incomplete ? "response.incomplete" : "response.completed",
      response: this.#response,
    });
    return this.#response;
  }

  /** Emits `response.failed` with `error` and returns the failed response. */
  fail(error: ResponseError): ResponseObject {
    this.#finished = true;
    this.#addUsage(this.#roundUsage);
    this.#roundUsage = null;
    this.#response = {
      ...this.#response,
      status: "failed",
      error,
      output: this.#output(),
      usage: this.#usage ?? zeroUsage(),
    };
    this.#emit({ type: "response.failed", response: this.#response });
    return this.#response;
  }

  // -------------------------------------------------------------------------------------------

  #emit(event: ResponseEvent): void {
    const seq = this.#seq++;
    const sink = this.#init.emit;
    if (!sink) return;
    const { type, ...rest } = event;
    sink(type, JSON.stringify({ type, sequence_number: seq, ...rest }));
  }

  /**
   * The hot path: a text, reasoning or argument delta, serialized by hand (ids are plain ASCII,
   * only the delta needs escaping). Key order matches {@linkcode ResponseAssembler.#emit}.
   */
  #emitDelta(type: string, id: string, index: number, content: boolean, delta: string): void {
    const seq = this.#seq++;
    const sink = this.#init.emit;
    if (!sink) return;
    const head =
      `{"type":"${type}","sequence_number":${seq},"item_id":"${id}","output_index":${index}`;
    const escaped = JSON.stringify(delta);
    sink(
      type,
      content
        ? `${head},"content_index":0,"delta":${escaped}${
          type === "response.output_text.delta" ? ',"logprobs":[]}' : "}"
        }`
        : `${head},"delta":${escaped}}`,
    );
  }

  #output(): AnyItem[] {
    return this.#items.filter((x): x is AnyItem => x !== undefined);
  }

  #done(index: number, item: AnyItem): void {
    this.#items[index] = item;
    this.#emit({ type: "response.output_item.done", output_index: index, item });
  }

  #reasoningDelta(delta: string): void {
    this.#roundReasoning += delta;
    let open = this.#open;
    if (open?.kind !== "reasoning") {
      this.#closeOpen("completed");
      open = this.#open = {
        kind: "reasoning",
        index: this.#nextIndex++,
        id: newId("rs_"),
        text: "",
      };
      this.#emit({
        type: "response.output_item.added",
        output_index: open.index,
        item: { id: open.id, type: "reasoning", summary: [], content: [] },
      });
      this.#emit({
        type: "response.content_part.added",
        item_id: open.id,
        output_index: open.index,
        content_index: 0,
        part: { type: "reasoning_text", text: "" },
      });
    }
    open.text += delta;
    this.#emitDelta("response.reasoning_text.delta", open.id, open.index, true, delta);
  }

  #textDelta(delta: string): void {
    this.#roundText += delta;
    let open = this.#open;
    if (open?.kind !== "message") {
      this.#closeOpen("completed");
      open = this.#open = {
        kind: "message",
        index: this.#nextIndex++,
        id: newId("msg_"),
        text: "",
      };
      this.#emit({
        type: "response.output_item.added",
        output_index: open.index,
        item: {
          id: open.id,
          type: "message",
          status: "in_progress",
          content: [],
          role: "assistant",
        },
      });
      this.#emit({
        type: "response.content_part.added",
        item_id: open.id,
        output_index: open.index,
        content_index: 0,
        part: { type: "output_text", annotations: [], logprobs: [], text: "" },
      });
    }
    open.text += delta;
    this.#emitDelta("response.output_text.delta", open.id, open.index, true, delta);
  }

  #closeOpen(status: "completed" | "incomplete"): void {
    const open = this.#open;
    if (!open) return;
    this.#open = null;
    const { id, index, text } = open;
    if (open.kind === "message") {
      const part = { type: "output_text", annotations: [], logprobs: [], text };
      this.#emit({
        type: "response.output_text.done",
        item_id: id,
        output_index: index,
        content_index: 0,
        text,
        logprobs: EMPTY,
      });
      this.#emit({
        type: "response.content_part.done",
        item_id: id,
        output_index: index,
        content_index: 0,
        part,
      });
      this.#done(index, {
        id,
        type: "message",
        status,
        content: [part],
        role: "assistant",
      } as AnyItem);
      return;
    }
    const part = { type: "reasoning_text", text };
    this.#emit({
      type: "response.reasoning_text.done",
      item_id: id,
      output_index: index,
      content_index: 0,
      text,
    });
    this.#emit({
      type: "response.content_part.done",
      item_id: id,
      output_index: index,
      content_index: 0,
      part,
    });
    const summary: { type: "summary_text"; text: string }[] = [];
    if (this.#init.summaryFromReasoning) {
      const base = { item_id: id, output_index: index, summary_index: 0 };
      this.#emit({
        type: "response.reasoning_summary_part.added",
        ...base,
        part: { type: "summary_text", text: "" },
      });
      this.#emit({ type: "response.reasoning_summary_text.delta", ...base, delta: text });
      this.#emit({ type: "response.reasoning_summary_text.done", ...base, text });
      this.#emit({
        type: "response.reasoning_summary_part.done",
        ...base,
        part: { type: "summary_text", text },
      });
      summary.push({ type: "summary_text", text });
    }
    const item: Record<string, unknown> = { id, type: "reasoning", summary, content: [part] };
    if (this.#init.carryReasoning) item.encrypted_content = encodeReasoning(text);
    this.#done(index, item as unknown as AnyItem);
  }

  #toolDelta(tc: ChatToolCallDelta, pos: number): void {
    if (this.#open) this.#closeOpen("completed");
    const key = typeof tc.index === "number" ? tc.index : pos;
    const id = typeof tc.id === "string" && tc.id !== "" ? tc.id : null;
    let slot = this.#slotByIndex.get(key);
    if (!slot || (id !== null && slot.backendId !== null && slot.backendId !== id)) {
      slot = { backendId: null, name: null, args: "", mock: false, item: null };
      this.#slots.push(slot);
      this.#slotByIndex.set(key, slot);
    }
    if (id !== null && slot.backendId === null) slot.backendId = id;
    const fn = tc.function;
    const name = fn && typeof fn.name === "string" && fn.name !== "" ? fn.name : null;
    let piece = "";
    if (fn && typeof fn.arguments === "string") piece = fn.arguments;
    else if (fn && fn.arguments !== null && typeof fn.arguments === "object") {
      piece = JSON.stringify(fn.arguments);
    }
    slot.args += piece;
    if (slot.name === null && name !== null) {
      slot.name = name;
      this.#startTool(slot);
      return;
    }
    if (slot.item && piece !== "") this.#toolArgs(slot.item, piece);
  }

  #callId(backendId: string | null): string {
    let callId = backendId ?? "";
    if (callId === "" || this.#callIds.has(callId)) callId = newId("call_");
    this.#callIds.add(callId);
    return callId;
  }

  #startTool(slot: ToolSlot): void {
    const name = slot.name as string;
    if (this.#init.mockSearch && name === MOCK_SEARCH_NAME) {
      slot.mock = true;
      return;
    }
    const custom = this.#init.customTools.has(name);
    const index = this.#nextIndex++;
    const callId = this.#callId(slot.backendId);
    const item: ToolItem = {
      index,
      id: newId(custom ? "ctc_" : "fc_"),
      kind: custom ? "custom" : "function",
      callId,
      name,
      streamed: "",
      decoder: custom ? new JsonStringFieldDecoder("input") : null,
    };
    slot.item = item;
    this.#emit({
      type: "response.output_item.added",
      output_index: index,
      item: custom
        ? {
          id: item.id,
          type: "custom_tool_call",
          status: "in_progress",
          call_id: callId,
          input: "",
          name,
        }
        : {
          id: item.id,
          type: "function_call",
          status: "in_progress",
          arguments: "",
          call_id: callId,
          name,
        },
    });
    if (slot.args !== "") this.#toolArgs(item, slot.args);
  }

  #toolArgs(item: ToolItem, piece: string): void {
    if (item.kind === "function") {
      this.#emitDelta("response.function_call_arguments.delta", item.id, item.index, false, piece);
      return;
    }
    const decoded = item.decoder?.push(piece) ?? "";
    if (decoded === "") return;
    item.streamed += decoded;
    this.#emitDelta("response.custom_tool_call_input.delta", item.id, item.index, false, decoded);
  }

  #finishTool(slot: Required<ToolSlot>): void {
    const item = slot.item as ToolItem;
    const base = { item_id: item.id, output_index: item.index };
    if (item.kind === "function") {
      let args = slot.args;
      if (args.trim() === "") {
        args = "{}";
        this.#emit({ type: "response.function_call_arguments.delta", ...base, delta: args });
      }
      this.#emit({
        type: "response.function_call_arguments.done",
        ...base,
        name: item.name,
        arguments: args,
      });
      this.#done(item.index, {
        id: item.id,
        type: "function_call",
        status: "completed",
        arguments: args,
        call_id: item.callId,
        name: item.name,
      } as AnyItem);
      return;
    }
    const input = customInputFromArguments(slot.args);
    if (input.startsWith(item.streamed) && input.length > item.streamed.length) {
      this.#emit({
        type: "response.custom_tool_call_input.delta",
        ...base,
        delta: input.slice(item.streamed.length),
      });
    }
    this.#emit({ type: "response.custom_tool_call_input.done", ...base, input });
    this.#done(item.index, {
      id: item.id,
      type: "custom_tool_call",
      status: "completed",
      call_id: item.callId,
      input,
      name: item.name,
    } as AnyItem);
  }

  #addUsage(u: ChatUsage | null): void {
    if (!u) return;
    const num = (v: unknown) => (typeof v === "number" && Number.isFinite(v) ? v : 0);
    const input = num(u.prompt_tokens);
    const output = num(u.completion_tokens);
    const total = this.#usage ?? zeroUsage();
    total.input_tokens += input;
    total.input_tokens_details.cached_tokens += num(u.prompt_tokens_details?.cached_tokens);
    total.output_tokens += output;
    total.output_tokens_details.reasoning_tokens += num(
      u.completion_tokens_details?.reasoning_tokens,
    );
    total.total_tokens += typeof u.total_tokens === "number" ? num(u.total_tokens) : input + output;
    this.#usage = total;
  }
}
