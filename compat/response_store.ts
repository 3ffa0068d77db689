/**
 * The in-memory store behind `store: true` and `previous_response_id`: finished responses with
 * the conversation that led to them, bounded by entry count and approximate size, each entry
 * expiring a fixed time after it was stored. Oldest entries go first.
 *
 * @module
 */

import type { AnyItem } from "../lib/protocol/items.ts";
import type { ResponseObject } from "./responses_types.ts";

/** Limits of the store. */
export interface ResponseStoreLimits {
  /** Most entries kept (default 1000). */
  maxEntries?: number;
  /** Most bytes kept, approximately (default 64 MiB). */
  maxBytes?: number;
  /** Lifetime of an entry in ms (default one hour). */
  ttlMs?: number;
}

/** A stored response. */
export interface StoredResponse {
  response: ResponseObject;
  /** The whole conversation: earlier items, this request's input, this response's output. */
  items: readonly AnyItem[];
  /** Approximate size of `items` plus the response, in bytes (UTF-16 code units). */
  bytes: number;
  expiresAt: number;
}

/** A bounded, expiring map of response id -> stored response. */
export class ResponseStore {
  #entries = new Map<string, StoredResponse>();
  #bytes = 0;
  #maxEntries: number;
  #maxBytes: number;
  #ttlMs: number;
  #now: () => number;

  /** Creates an empty store; `now` is the clock in ms. */
  constructor(limits: ResponseStoreLimits = {}, now: () => number = Date.now) {
    this.#maxEntries = limits.maxEntries ?? 1000;
    this.#maxBytes = limits.maxBytes ?? 64 * 1024 * 1024;
    this.#ttlMs = limits.ttlMs ?? 60 * 60 * 1000;
    this.#now = now;
  }

  /** Number of live entries. */
  get size(): number {
    this.#expire();
    return this.#entries.size;
  }

  /** Approximate bytes held. */
  get bytes(): number {
    this.#expire();
    return this.#bytes;
  }

  /**
   * Stores `response` and its conversation `items`; `bytes` is their approximate size. An entry
   * larger than the whole budget is not kept. Returns whether it was kept.
   */
  put(response: ResponseObject, items: readonly AnyItem[], bytes: number): boolean {
    this.#expire();
    this.delete(response.id);
    if (bytes > this.#maxBytes || this.#maxEntries <= 0) return false;
    this.#entries.set(response.id, {
      response,
      items,
      bytes,
      expiresAt: this.#now() + this.#ttlMs,
    });
    this.#bytes += bytes;
    for (const [id, entry] of this.#entries) {
      if (this.#entries.size <= this.#maxEntries && this.#bytes <= this.#maxBytes) break;
      this.#entries.delete(id);
      this.#bytes -= entry.bytes;
    }
    return true;
  }

  /** The live entry for `id`, if any. */
  get(id: string): StoredResponse | undefined {
    this.#expire();
    return this.#entries.get(id);
  }

  /** Removes `id`; returns whether it was there. */
  delete(id: string): boolean {
    const entry = this.#entries.get(id);
    if (!entry) return false;
    this.#entries.delete(id);
    this.#bytes -= entry.bytes;
    return true;
  }

  /** Finds an item by its `id` in the live entries, newest first (for `item_reference`). */
  findItem(id: string): AnyItem | undefined {
    this.#expire();
    const entries = [...this.#entries.values()].reverse();
    for (const entry of entries) {
      const found = entry.items.find((item) => (item as { id?: unknown }).id === id);
      if (found) return found;
    }
    return undefined;
  }

  #expire(): void {
    const now = this.#now();
    // Entries are kept in insertion order with one lifetime, so the oldest expire first.
    for (const [id, entry] of this.#entries) {
      if (entry.expiresAt > now) break;
      this.#entries.delete(id);
      this.#bytes -= entry.bytes;
    }
  }
}
