"""Read the HTML a panel sends to the page: what elements and attributes would be live."""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any

import ipywidgets as widgets

#: Elements that run or load something if untrusted text could create them.
ACTIVE_TAGS = {"script", "iframe", "object", "embed", "svg", "math", "form", "input", "img",
               "video", "audio", "source", "link", "meta", "base", "style"}


class _Collect(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parse(html: str) -> _Collect:
    collector = _Collect()
    collector.feed(html)
    collector.close()
    return collector


def html_values(root: widgets.Widget) -> list[str]:
    """The value of every HTML widget under ``root`` (the markup the page will get), except the
    panels' own constant stylesheet."""
    from lcoai_notebook.widgets._style import CSS

    out: list[str] = []
    stack: list[Any] = [root]
    while stack:
        w = stack.pop()
        if isinstance(w, (widgets.HTML, widgets.HTMLMath)) and w.value != CSS:
            out.append(w.value)
        stack.extend(getattr(w, "children", ()) or ())
    return out


def live_markup(html: str, allowed: frozenset[str] = frozenset()) -> list[str]:
    """Everything in ``html`` that would be live in a browser: active elements (except the
    ``allowed`` ones the panel itself writes), ``on*`` handlers, and script/data URLs in
    links or sources."""
    problems = []
    for tag, attrs in parse(html).tags:
        if tag in ACTIVE_TAGS and tag not in allowed:
            problems.append(f"<{tag}>")
        for name, value in attrs.items():
            if name.startswith("on"):
                problems.append(f"{tag}[{name}]")
            if name in ("href", "src", "action", "formaction", "srcdoc", "xlink:href"):
                v = (value or "").strip().lower()
                if name == "srcdoc" or v.startswith(("javascript:", "vbscript:")) or (
                        v.startswith("data:") and not v.startswith("data:image/")):
                    problems.append(f"{tag}[{name}={value!r}]")
    return problems
