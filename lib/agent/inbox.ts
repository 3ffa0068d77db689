/**
 * Items that reach a thread between model requests: sub-agent notifications and code-mode
 * `notify(...)` outputs. They are appended to the history at the next sampling boundary (before
 * the next request of the running turn, or before the first request of the next turn).
 *
 * @module
 */

import type { AnyItem } from "../protocol/items.ts";

/** A queue of items waiting for the next sampling boundary of one thread. */
export class ThreadInbox {
  #items: AnyItem[] = [];
  #listeners = new Set<() => void>();

  /** Queues `item`. */
  post(item: AnyItem): void {
    this.#items.push(item);
    for (const l of this.#listeners) l();
  }

  /** Number of waiting items. */
  get size(): number {
    return this.#items.length;
  }

  /** Takes every waiting item, oldest first. */
  drain(): AnyItem[] {
    return this.#items.splice(0);
  }

  /** Calls `listener` whenever an item is posted; returns the unsubscribe function. */
  onPost(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /**
   * A `beforeSample` hook that appends the waiting items to `history`, calling `onItem` for
   * each (persistence sees them like any other item).
   */
  hook(onItem?: (item: AnyItem) => void): (history: AnyItem[]) => Promise<void> {
    return (history) => {
      for (const item of this.drain()) {
        history.push(item);
        onItem?.(item);
      }
      return Promise.resolve();
    };
  }
}
