/**
 * Bounded concurrency for many small file operations (Deno runs them on a thread pool, so a
 * few in flight at once is much faster than one at a time).
 *
 * @module
 */

/** File operations in flight at once by default. */
export const DEFAULT_CONCURRENCY = 16;

/**
 * Maps `items` through `fn` with at most `limit` calls in flight; results keep their order.
 * After a failure no new call starts, and the first error is thrown once the calls in flight
 * have settled (nothing keeps running behind the caller's back).
 */
export async function mapPool<T, R>(
  items: readonly T[],
  fn: (item: T, index: number) => Promise<R>,
  limit: number = DEFAULT_CONCURRENCY,
): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  let failed = false;
  const worker = async () => {
    while (!failed && next < items.length) {
      const i = next++;
      try {
        out[i] = await fn(items[i], i);
      } catch (err) {
        failed = true;
        throw err;
      }
    }
  };
  const results = await Promise.allSettled(
    Array.from({ length: Math.min(limit, items.length) }, worker),
  );
  const rejected = results.find((r) => r.status === "rejected");
  if (rejected) throw (rejected as PromiseRejectedResult).reason;
  return out;
}
