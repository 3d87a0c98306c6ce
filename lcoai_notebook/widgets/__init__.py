"""Notebook panels (ipywidgets): chat, images, audio, moderation, embeddings, model comparison.

One module per panel over a small shared base (:mod:`._base`: client, busy state, error line,
task runner). Panels use the public client API, :func:`lcoai_notebook.connect`, the inert renderer
and the numpy helpers; never the requester or wire modules (a test pins these layers).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import lazy_getattr

__all__ = ["AudioPanel", "AudioRecorder", "ChatPanel", "ComparePanel", "CostMeter",
           "EmbeddingExplorer", "ImageGallery", "ModerationChecker"]

_LAZY = {
    "AudioPanel": ".audio",
    "AudioRecorder": ".recorder",
    "ChatPanel": ".chat",
    "ComparePanel": ".compare",
    "CostMeter": ".meter",
    "EmbeddingExplorer": ".explorer",
    "ImageGallery": ".gallery",
    "ModerationChecker": ".moderation",
}

if TYPE_CHECKING:  # pragma: no cover
    from .audio import AudioPanel
    from .chat import ChatPanel
    from .compare import ComparePanel
    from .explorer import EmbeddingExplorer
    from .gallery import ImageGallery
    from .meter import CostMeter
    from .moderation import ModerationChecker
    from .recorder import AudioRecorder


__getattr__ = lazy_getattr(__name__, _LAZY)
