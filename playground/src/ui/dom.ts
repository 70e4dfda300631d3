/**
 * A tiny helper for building DOM without a framework.
 * @module
 */

type Child = Node | string | number | null | undefined | false;
type Attributes = Record<string, string | number | boolean | EventListener | undefined>;

/**
 * Creates an element with attributes (`on…` keys become listeners) and children.
 * @example
 * ```ts
 * const button = h("button", { class: "primary", onclick: () => run() }, "Run");
 * ```
 */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Attributes = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes)) {
    if (value === undefined || value === false) continue;
    if (key.startsWith("on") && typeof value === "function") {
      element.addEventListener(key.slice(2), value);
    } else if (key === "value" && "value" in element) {
      (element as HTMLInputElement).value = String(value);
    } else element.setAttribute(key, value === true ? "" : String(value));
  }
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    element.append(typeof child === "object" ? child : String(child));
  }
  return element;
}

/**
 * Formats a JSON value compactly for display, `—` when absent.
 * @example
 * ```ts
 * json({ a: 1 }); // '{"a":1}'
 * ```
 */
export function json(value: unknown, indent?: number): string {
  if (value === undefined) return "—";
  return JSON.stringify(value, null, indent) ?? String(value);
}
