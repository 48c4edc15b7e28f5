"""The page a person sees, shadow roots included: a list a custom element draws inside its
shadow root is on the screen but not in `frame.content()` (the light DOM only).

- `OPEN_SHADOW_ROOTS`, an init script run before the page's own scripts, makes every
  `attachShadow` open (a closed root is as visible to a reader as an open one; the page's
  script keeps the root it was given);
- `composed_html(frame)` serialises the frame's document with each shadow root's content put
  inside its host element (nested roots too), so links are read where they are drawn.
  A page without shadow roots is read as `frame.content()` gives it."""
from __future__ import annotations

OPEN_SHADOW_ROOTS = """(() => {
  const attach = Element.prototype.attachShadow;
  if (!attach || attach.__graOpen) return;
  const open = function (init) { return attach.call(this, Object.assign({}, init, {mode: 'open'})); };
  open.__graOpen = true;
  Element.prototype.attachShadow = open;
})();"""

# A JavaScript function `deep(selector)`: the elements matching it in the document and in
# every shadow root, in the order they are drawn (a shadow root's after its host). Pasted at
# the head of scripts that look for what a person clicks (rendering.py, tabs.py).
DEEP_QUERY = """const deep = (selector) => {
  const out = [];
  const walk = (root) => {
    for (const e of root.querySelectorAll('*')) {
      if (e.matches(selector)) out.push(e);
      if (e.shadowRoot) walk(e.shadowRoot);
    }
  };
  walk(document);
  return out;
};"""

# null when the document has no shadow root; else the composed document's HTML
_COMPOSE = """() => {
  const hosts = (root) => Array.from(root.querySelectorAll('*')).filter((e) => e.shadowRoot);
  if (!document.documentElement || !hosts(document).length) return null;
  const copy = (node) => {
    const out = node.cloneNode(false);
    if (node.shadowRoot) {
      const holder = document.createElement('div');
      holder.setAttribute('data-shadow-root', node.shadowRoot.mode);
      for (const child of node.shadowRoot.childNodes) holder.appendChild(copy(child));
      out.appendChild(holder);
    }
    for (const child of node.childNodes) out.appendChild(copy(child));
    return out;
  };
  const doctype = document.doctype ? '<!DOCTYPE ' + document.doctype.name + '>' : '';
  return doctype + copy(document.documentElement).outerHTML;
}"""


async def composed_html(frame) -> str:
    """The frame's DOM as a person sees it: its shadow roots' content inside their hosts."""
    composed = await frame.evaluate(_COMPOSE)
    return composed if composed is not None else await frame.content()
