"""lcoai-notebook: the OpenAI API through LowCodeAPI, made pleasant in Jupyter.

Everything public is listed in ``__all__`` and resolved lazily, so ``import lcoai_notebook`` is
cheap and pulls in neither httpx nor numpy, ipywidgets, matplotlib, pandas or the emulator's
server stack until a name that needs them is used (the panels load ipywidgets on first use).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from . import _lazy

__version__ = "0.1.0"

__all__ = [
    # The whole public surface, sorted; tests/test_public_surface.py pins it.
    "APIConnectionError",
    "APIError",
    "APIResponseValidationError",
    "APIStatusError",
    "APITimeoutError",
    "AsyncClient",
    "AudioPanel",
    "AudioRecorder",
    "AuthenticationError",
    "BadRequestError",
    "BatchFailedError",
    "BudgetExceededError",
    "ChatPanel",
    "Client",
    "ComparePanel",
    "ConflictError",
    "CostMeter",
    "EmbeddingExplorer",
    "ImageGallery",
    "InsufficientQuotaError",
    "InternalServerError",
    "LcoaiError",
    "ModelRetiringWarning",
    "ModerationChecker",
    "NoNextPageError",
    "NotFoundError",
    "PermissionDeniedError",
    "RateLimitError",
    "RetryPolicy",
    "SeatBudgetExceededError",
    "StreamInterruptedError",
    "Timeout",
    "UnprocessableEntityError",
    "WaitTimeoutError",
    "__version__",
    "connect",
    "cosine_similarity",
    "embed",
    "embed_dataframe",
    "plot_embeddings",
    "plot_similarity",
    "search",
    "top_k",
]

_LAZY = {
    "AsyncClient": "._client",
    "Client": "._client",
    "RetryPolicy": "._config",
    "Timeout": "._config",
    "ModelRetiringWarning": "._retiring",
    "connect": "._connect",
    "cosine_similarity": ".similarity",
    "embed": ".embeddings",
    "embed_dataframe": ".embeddings",
    "search": ".embeddings",
    "top_k": ".similarity",
    "plot_embeddings": ".plotting",
    "plot_similarity": ".plotting",
    # Panels (ipywidgets is imported only when one is used).
    "AudioPanel": ".widgets",
    "AudioRecorder": ".widgets",
    "ChatPanel": ".widgets",
    "ComparePanel": ".widgets",
    "CostMeter": ".widgets",
    "EmbeddingExplorer": ".widgets",
    "ImageGallery": ".widgets",
    "ModerationChecker": ".widgets",
}
for _name in __all__:
    if _name.endswith("Error"):
        _LAZY[_name] = "._exceptions"

if TYPE_CHECKING:  # pragma: no cover
    from ._client import AsyncClient, Client
    from ._config import RetryPolicy, Timeout
    from ._connect import connect
    from ._exceptions import (
        APIConnectionError,
        APIError,
        APIResponseValidationError,
        APIStatusError,
        APITimeoutError,
        AuthenticationError,
        BadRequestError,
        BatchFailedError,
        BudgetExceededError,
        ConflictError,
        InsufficientQuotaError,
        InternalServerError,
        LcoaiError,
        NoNextPageError,
        NotFoundError,
        PermissionDeniedError,
        RateLimitError,
        SeatBudgetExceededError,
        StreamInterruptedError,
        UnprocessableEntityError,
        WaitTimeoutError,
    )
    from ._retiring import ModelRetiringWarning
    from .embeddings import embed, embed_dataframe, search
    from .plotting import plot_embeddings, plot_similarity
    from .similarity import cosine_similarity, top_k
    from .widgets import (
        AudioPanel,
        AudioRecorder,
        ChatPanel,
        ComparePanel,
        CostMeter,
        EmbeddingExplorer,
        ImageGallery,
        ModerationChecker,
    )


def load_ipython_extension(ipython: Any) -> None:
    """``%load_ext lcoai_notebook``: register ``%%chat``, ``%%embed``, ``%chat_reset`` and
    ``%lco_spend`` (IPython is imported only here, not by ``import lcoai_notebook``)."""
    from .magics import load_ipython_extension as load

    load(ipython)


def unload_ipython_extension(ipython: Any) -> None:
    """``%unload_ext lcoai_notebook``: remove the magics and close their client."""
    from .magics import unload_ipython_extension as unload

    unload(ipython)


__getattr__ = _lazy.lazy_getattr(__name__, _LAZY)


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
