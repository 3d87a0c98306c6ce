"""The chat prompt box: a textarea where Enter sends (Shift+Enter makes a new line).

ipywidgets' own ``Textarea`` reports no key presses, so the box is a small anywidget whose ESM
(``static/prompt.js``, shipped in the wheel, no network imports) sends a ``submit`` message on
Enter. :meth:`PromptBox.submit` is the programmatic twin of pressing Enter.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import anywidget
import traitlets

__all__ = ["PromptBox"]

_STATIC = Path(__file__).parent / "static"


class PromptBox(anywidget.AnyWidget):
    """A multi-line text box; Enter submits, Shift+Enter adds a line."""

    _esm = _STATIC / "prompt.js"
    _css = _STATIC / "prompt.css"

    value = traitlets.Unicode("", help="The text in the box.").tag(sync=True)
    placeholder = traitlets.Unicode("", help="Shown while the box is empty.").tag(sync=True)
    rows = traitlets.Int(3, help="Visible lines.").tag(sync=True)
    disabled = traitlets.Bool(False, help="Refuse typing.").tag(sync=True)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._submit_handlers: list[Callable[[PromptBox], Any]] = []
        self.on_msg(self._handle_message)

    def on_submit(self, callback: Callable[[PromptBox], Any], remove: bool = False) -> None:
        """Call ``callback(box)`` when the user presses Enter (or :meth:`submit` is called)."""
        if remove:
            self._submit_handlers.remove(callback)
        else:
            self._submit_handlers.append(callback)

    def submit(self) -> None:
        """Act as if the user pressed Enter."""
        for callback in list(self._submit_handlers):
            callback(self)

    def _handle_message(self, _widget: Any, content: Any, _buffers: Any) -> None:
        if isinstance(content, dict) and content.get("type") == "submit":
            self.submit()
