"""Sphinx tweaks for the lossnotes book (loaded by _config.yml as a local extension).

- Drops repeated inline scripts from each page. With jupyter-book 1.0.4, sphinx-thebe 0.3.1 and
  Sphinx 7.4, the inline script that declares ``const THEBE_JS_URL`` is emitted twice, so every
  page logs "Identifier 'THEBE_JS_URL' has already been declared" in the browser console.
"""

from __future__ import annotations


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
    # Early: Sphinx stops calling html-page-context handlers at the first one that returns a template.
    app.connect("html-page-context", _dedupe_scripts, priority=100)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
