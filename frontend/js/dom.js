// Building DOM nodes from data: text always goes in as text (textContent), never as HTML.

/** `el('p', { className: 'x', hidden: false }, 'text', child)`: properties are set on the node
 * (`dataset` and `attrs` are merged in); strings become text nodes, arrays of children are spread. */
export function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  const { dataset, attrs, ...rest } = props;
  Object.assign(node, rest);
  Object.assign(node.dataset, dataset || {});
  for (const [name, value] of Object.entries(attrs || {})) node.setAttribute(name, value);
  node.append(...children.flat().filter((child) => child !== null && child !== undefined && child !== false));
  return node;
}

/** Put `message` in the element with id `id` (empty: clear it). */
export function say(id, message) {
  document.getElementById(id).textContent = message || '';
}

/** A link's href only when it is http(s): a `javascript:` URL from anywhere never becomes a link. */
export function safeHref(url) {
  if (!url) return null;
  try {
    const parsed = new URL(url, window.location.href);
    return ['http:', 'https:'].includes(parsed.protocol) ? parsed.href : null;
  } catch {
    return null;
  }
}
