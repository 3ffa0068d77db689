/**
 * Request body serialization, straight to the bytes `fetch` sends, with a per-item cache.
 *
 * Every request re-sends the whole history, so serializing it from scratch each time costs
 * O(history) per tool round; items are immutable once in the history, so each item's UTF-8 JSON
 * is computed once and reused, and a request costs only its new items. The body is assembled in
 * one buffer of its exact size: joining a large history into one string, then encoding that
 * string, would allocate the whole body three or four times over (a resumed 50 MB session spent
 * ~600 ms there). The bytes equal `new TextEncoder().encode(JSON.stringify(body))`.
 *
 * @module
 */

const encoder = new TextEncoder();
const cache = new WeakMap<object, Uint8Array>();

function itemBytes(item: unknown): Uint8Array {
  if (item === null || typeof item !== "object") {
    return encoder.encode(item === undefined ? "null" : JSON.stringify(item));
  }
  let bytes = cache.get(item);
  if (bytes === undefined) {
    bytes = encoder.encode(JSON.stringify(item));
    cache.set(item, bytes);
  }
  return bytes;
}

/** `JSON.stringify(body)` as UTF-8, with the items of `body.input` encoded once per item object. */
export function encodeBody(body: Record<string, unknown>): Uint8Array<ArrayBuffer> {
  const parts: Uint8Array[] = [];
  let head = "{";
  for (const [key, value] of Object.entries(body)) {
    if (value === undefined || typeof value === "function") continue;
    head += `${head === "{" ? "" : ","}${JSON.stringify(key)}:`;
    if (key === "input" && Array.isArray(value)) {
      head += "[";
      value.forEach((item, i) => {
        parts.push(encoder.encode(i === 0 ? head : head + ","));
        head = "";
        parts.push(itemBytes(item));
      });
      head += "]";
    } else {
      head += JSON.stringify(value);
    }
  }
  parts.push(encoder.encode(head + "}"));
  let size = 0;
  for (const p of parts) size += p.length;
  const out = new Uint8Array(size);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
