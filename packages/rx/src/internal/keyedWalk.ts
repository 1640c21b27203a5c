/**
 * One pass over two JSON-like values that both builds a structurally shared result (TanStack's
 * `replaceEqualDeep`, extended to match arrays of `{ id }` objects by `id`) and records the leaf-level
 * changes. Doing both in one walk is what makes the keyed diff cheaper than diffing and sharing separately.
 */

/** A raw change found by the walk; `path` holds object keys and, for keyed arrays, entity IDs. */
export interface RawChange {
  readonly path: ReadonlyArray<string>;
  readonly op: "add" | "remove" | "replace";
  readonly from?: unknown;
  readonly to?: unknown;
}

type Json = unknown;

const isPlainObject = (u: unknown): u is Record<string, unknown> => {
  if (u === null || typeof u !== "object" || Array.isArray(u)) return false;
  const proto = Object.getPrototypeOf(u) as unknown;
  return proto === Object.prototype || proto === null;
};

const hasOwn = Object.hasOwn;

/**
 * Sets an own data property. A plain assignment of a key named `__proto__` would instead *replace the prototype*
 * of the result with the payload's value (the server decides what `snapshot.anything` inherits); JSON data keeps
 * such a key as an ordinary property, and so must the shared snapshot.
 */
const setOwn = (target: Record<string, unknown>, key: string, value: unknown): void => {
  if (key === "__proto__") Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
};

const idOf = (u: unknown): string | undefined => {
  if (u === null || typeof u !== "object") return undefined;
  const id = (u as { readonly id?: unknown }).id;
  return typeof id === "string" ? id : undefined;
};

/** An array is keyed when every element is an object with a string `id` (channels, switches, pending entries). */
const isKeyed = (a: ReadonlyArray<unknown>): boolean => {
  if (a.length === 0) return false;
  for (let i = 0; i < a.length; i++) if (idOf(a[i]) === undefined) return false;
  return true;
};

/** Walks `prev` → `next`, appending changes to `out` (when given) and returning the shared value. */
export const walk = (
  prev: Json,
  next: Json,
  path: Array<string>,
  out: Array<RawChange> | undefined,
): Json => {
  if (Object.is(prev, next)) return prev;
  if (Array.isArray(prev) && Array.isArray(next)) return walkArray(prev, next, path, out);
  if (isPlainObject(prev) && isPlainObject(next)) return walkObject(prev, next, path, out);
  out?.push({ path: path.slice(), op: "replace", from: prev, to: next });
  return next;
};

const walkObject = (
  prev: Record<string, unknown>,
  next: Record<string, unknown>,
  path: Array<string>,
  out: Array<RawChange> | undefined,
): Json => {
  let same = true;
  let nextCount = 0;
  const result: Record<string, unknown> = {};
  // Own keys only, on both sides: `constructor`, `toString`… inherited from Object.prototype are not data, so a
  // payload's own `constructor` key is an addition, never a change "from" the Object function.
  for (const key in next) {
    if (!hasOwn(next, key)) continue;
    nextCount++;
    const n = next[key];
    if (!hasOwn(prev, key)) {
      same = false;
      if (out) out.push({ path: [...path, key], op: "add", to: n });
      setOwn(result, key, n);
      continue;
    }
    const p = prev[key];
    path.push(key);
    const v = walk(p, n, path, out);
    path.pop();
    setOwn(result, key, v);
    if (v !== p) same = false;
  }
  let prevCount = 0;
  for (const key in prev) {
    if (!hasOwn(prev, key)) continue;
    prevCount++;
    if (!hasOwn(next, key)) {
      same = false;
      if (out) out.push({ path: [...path, key], op: "remove", from: prev[key] });
    }
  }
  return same && prevCount === nextCount ? prev : result;
};

const findById = (a: ReadonlyArray<unknown>, id: string, hint: number): unknown => {
  if (idOf(a[hint]) === id) return a[hint];
  for (let i = 0; i < a.length; i++) if (idOf(a[i]) === id) return a[i];
  return undefined;
};

const walkArray = (
  prev: ReadonlyArray<unknown>,
  next: ReadonlyArray<unknown>,
  path: Array<string>,
  out: Array<RawChange> | undefined,
): Json => {
  const keyed = isKeyed(next) && isKeyed(prev);
  const result = new Array<unknown>(next.length);
  let same = prev.length === next.length;
  if (keyed) {
    // Channels and switches are matched by `id`, never by position (api-facts: sub-entity IDs).
    for (let i = 0; i < next.length; i++) {
      const n = next[i];
      const id = idOf(n) ?? String(i);
      const p = findById(prev, id, i);
      if (p === undefined) {
        same = false;
        if (out) out.push({ path: [...path, id], op: "add", to: n });
        result[i] = n;
        continue;
      }
      path.push(id);
      const v = walk(p, n, path, out);
      path.pop();
      result[i] = v;
      if (v !== prev[i]) same = false;
    }
    if (out || same) {
      for (let i = 0; i < prev.length; i++) {
        const p = prev[i];
        const id = idOf(p) ?? String(i);
        if (findById(next, id, i) === undefined) {
          same = false;
          if (out) out.push({ path: [...path, id], op: "remove", from: p });
        }
      }
    }
  } else {
    const common = Math.min(prev.length, next.length);
    for (let i = 0; i < common; i++) {
      path.push(String(i));
      const v = walk(prev[i], next[i], path, out);
      path.pop();
      result[i] = v;
      if (v !== prev[i]) same = false;
    }
    for (let i = common; i < next.length; i++) {
      result[i] = next[i];
      if (out) out.push({ path: [...path, String(i)], op: "add", to: next[i] });
    }
    if (out) for (let i = common; i < prev.length; i++) out.push({ path: [...path, String(i)], op: "remove", from: prev[i] });
  }
  return same ? prev : result;
};

/** Escapes one segment for an RFC 6901 JSON pointer. */
export const pointer = (path: ReadonlyArray<string>): string =>
  path.length === 0 ? "" : "/" + path.map((s) => s.replace(/~/g, "~0").replace(/\//g, "~1")).join("/");

/** Every leaf under `value` with its path (keyed arrays by `id`), used to expand whole added/removed objects. */
export const leaves = (
  value: unknown,
  path: ReadonlyArray<string>,
  out: Array<[ReadonlyArray<string>, unknown]>,
  keyedEntity = false,
): void => {
  if (Array.isArray(value)) {
    const keyed = isKeyed(value);
    value.forEach((v: unknown, i) => leaves(v, [...path, keyed ? (idOf(v) ?? String(i)) : String(i)], out, keyed));
  } else if (isPlainObject(value)) {
    // An entity's `id` is its key in the path, not a value of its own.
    for (const key in value) if (hasOwn(value, key) && !(keyedEntity && key === "id")) leaves(value[key], [...path, key], out);
  } else {
    out.push([path, value]);
  }
};

/** Reads the value at a keyed path (see {@link walk}); `undefined` when absent. */
export const at = (root: unknown, path: ReadonlyArray<string>): unknown => {
  let cur: unknown = root;
  for (const seg of path) {
    if (Array.isArray(cur)) {
      cur = isKeyed(cur) ? cur.find((e) => idOf(e) === seg) : cur[Number(seg)];
    } else if (cur !== null && typeof cur === "object") {
      // Own properties only: a path segment `constructor` or `__proto__` names data, not what objects inherit.
      cur = hasOwn(cur, seg) ? (cur as Record<string, unknown>)[seg] : undefined;
    } else return undefined;
  }
  return cur;
};
