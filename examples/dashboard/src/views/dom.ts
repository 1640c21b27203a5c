/** A tiny element builder: the dashboard needs no framework, only a handful of elements it updates by hand. */
export const el = <K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: { readonly className?: string; readonly text?: string; readonly data?: Readonly<Record<string, string>> } = {},
  ...children: ReadonlyArray<Node>
): HTMLElementTagNameMap[K] => {
  const node = document.createElement(tag);
  if (props.className !== undefined) node.className = props.className;
  if (props.text !== undefined) node.textContent = props.text;
  for (const [k, v] of Object.entries(props.data ?? {})) node.dataset[k] = v;
  node.append(...children);
  return node;
};

const SVG = "http://www.w3.org/2000/svg";

/** An SVG element with attributes. */
export const svg = <K extends keyof SVGElementTagNameMap>(
  tag: K,
  attrs: Readonly<Record<string, string | number>> = {},
): SVGElementTagNameMap[K] => {
  const node = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  return node;
};

/** Counts renders of an element in `data-renders`, so tests (and curious readers) can see what was redrawn. */
export const countRender = (node: HTMLElement | SVGElement): void => {
  node.dataset["renders"] = String(Number(node.dataset["renders"] ?? "0") + 1);
};
