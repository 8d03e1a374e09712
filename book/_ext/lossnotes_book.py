"""Sphinx tweaks for the lossnotes book (loaded by _config.yml as a local extension).

- Framework tabs. Executed code cells cannot sit inside a ``tab-set`` directive, so a section
  tags its cells instead: consecutive code cells tagged ``pytorch`` and ``paddle`` are gathered
  into one sphinx-design tab set with a "PyTorch" and a "PaddlePaddle" tab. Every tab set in the
  book is in one sync group, so choosing PaddlePaddle once switches every set on the page. The
  cells stay ordinary executed cells (nbval checks them like any other).
- Drops repeated inline scripts from each page. With jupyter-book 1.0.4, sphinx-thebe 0.3.1 and
  Sphinx 7.4, the inline script that declares ``const THEBE_JS_URL`` is emitted twice, so every
  page logs "Identifier 'THEBE_JS_URL' has already been declared" in the browser console.
"""

from __future__ import annotations

from docutils import nodes
from sphinx.transforms import SphinxTransform
from sphinx.util import logging

LOGGER = logging.getLogger(__name__)

#: cell tag -> tab label, in tab order
FRAMEWORK_TABS = {"pytorch": "PyTorch", "paddle": "PaddlePaddle"}
SYNC_GROUP = "framework"


def _framework_of(node: nodes.Node) -> str | None:
    """The framework tag of a code-cell container, or None."""
    if not isinstance(node, nodes.container) or node.get("nb_element") != "cell_code":
        return None
    tags = [t for t in node.get("cell_metadata", {}).get("tags", []) if t in FRAMEWORK_TABS]
    return tags[0] if tags else None


def _tab_set(cells: list[tuple[str, nodes.Node]]) -> nodes.container:
    """A sphinx-design tab set (the nodes its ``tab-set``/``tab-item`` directives make)."""
    tab_set = nodes.container("", is_div=True, design_component="tab-set", classes=["sd-tab-set"])
    for tag, label in FRAMEWORK_TABS.items():
        members = [cell for t, cell in cells if t == tag]
        if not members:
            continue
        item = nodes.container("", is_div=True, design_component="tab-item", classes=["sd-tab-item"],
                               selected=(tag == "pytorch"))
        title = nodes.rubric(label, label, classes=["sd-tab-label"])
        title["sync_id"] = tag
        title["sync_group"] = SYNC_GROUP
        content = nodes.container("", is_div=True, design_component="tab-content", classes=["sd-tab-content"])
        content.extend(members)
        item += title
        item += content
        tab_set += item
    return tab_set


class FrameworkTabs(SphinxTransform):
    """Gather runs of consecutive ``pytorch``/``paddle``-tagged code cells into tab sets."""

    default_priority = 500

    def apply(self, **kwargs) -> None:
        parents = {id(n.parent): n.parent for n in self.document.findall(nodes.container)
                   if _framework_of(n) and n.parent is not None}
        for parent in parents.values():
            new_children: list[nodes.Node] = []
            run: list[tuple[str, nodes.Node]] = []
            for child in [*parent.children, None]:  # None: the end, which closes the last run
                tag = None if child is None else _framework_of(child)
                if tag is not None:
                    run.append((tag, child))
                    continue
                if run:
                    if {t for t, _ in run} != set(FRAMEWORK_TABS):
                        LOGGER.warning("framework tabs: a run of tagged cells needs both a 'pytorch' and a "
                                       "'paddle' cell [lossnotes.tabs]", location=run[0][1])
                    new_children.append(_tab_set(run))
                    run = []
                if child is not None:
                    new_children.append(child)
            parent.children = []
            parent.extend(new_children)


def _dedupe_scripts(app, pagename, templatename, context, doctree):
    scripts = context.get("script_files")
    if not scripts:
        return
    seen: set[tuple] = set()
    kept = []
    for script in scripts:
        # An inline script is added once with filename None and once with '': key on its content.
        attributes = getattr(script, "attributes", {})
        key = (getattr(script, "filename", None) or "", tuple(sorted(attributes.items())))
        if key not in seen:
            seen.add(key)
            kept.append(script)
    scripts[:] = kept  # in place: the builder's list, which later handlers may still extend


def setup(app):
    app.add_transform(FrameworkTabs)
    # Early: Sphinx stops calling html-page-context handlers at the first one that returns a template.
    app.connect("html-page-context", _dedupe_scripts, priority=100)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
