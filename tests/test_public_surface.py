"""The public surface of ``lcoai_notebook``: ``__all__`` pinned, and every name in it resolves."""

from __future__ import annotations

import lcoai_notebook

# Pinned on purpose: adding or removing a public name must be a visible change to this list.
EXPECTED_ALL = [
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
    "ChatPanel",
    "Client",
    "ComparePanel",
    "ConflictError",
    "EmbeddingExplorer",
    "ImageGallery",
    "InsufficientQuotaError",
    "InternalServerError",
    "LcoaiError",
    "ModerationChecker",
    "NotFoundError",
    "PermissionDeniedError",
    "RateLimitError",
    "RetryPolicy",
    "StreamInterruptedError",
    "Timeout",
    "UnprocessableEntityError",
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


def test_all_is_pinned_and_sorted() -> None:
    assert list(lcoai_notebook.__all__) == EXPECTED_ALL
    assert sorted(lcoai_notebook.__all__) == list(lcoai_notebook.__all__)
    assert len(set(lcoai_notebook.__all__)) == len(lcoai_notebook.__all__)


def test_every_public_name_resolves() -> None:
    for name in EXPECTED_ALL:
        value = getattr(lcoai_notebook, name)
        assert value is not None, name
    assert isinstance(lcoai_notebook.__version__, str) and lcoai_notebook.__version__


def test_error_names_form_the_documented_tree() -> None:
    ln = lcoai_notebook
    for name in EXPECTED_ALL:
        if name.endswith("Error"):
            assert issubclass(getattr(ln, name), ln.LcoaiError), name
    assert issubclass(ln.InsufficientQuotaError, ln.RateLimitError)
    assert issubclass(ln.APITimeoutError, ln.APIConnectionError)
    assert issubclass(ln.StreamInterruptedError, ln.APIError)
    for name in ("BadRequestError", "AuthenticationError", "PermissionDeniedError",
                 "NotFoundError", "ConflictError", "UnprocessableEntityError", "RateLimitError",
                 "InternalServerError"):
        assert issubclass(getattr(ln, name), ln.APIStatusError), name


def test_callables_are_callable_and_clients_are_classes() -> None:
    assert isinstance(lcoai_notebook.Client, type)
    assert isinstance(lcoai_notebook.AsyncClient, type)
    assert isinstance(lcoai_notebook.RetryPolicy, type) and isinstance(lcoai_notebook.Timeout, type)
    for name in ("connect", "cosine_similarity", "embed", "embed_dataframe", "plot_embeddings",
                 "plot_similarity", "search", "top_k"):
        assert callable(getattr(lcoai_notebook, name)), name


def test_dir_lists_public_names_and_unknown_names_raise() -> None:
    listed = dir(lcoai_notebook)
    assert set(EXPECTED_ALL) <= set(listed)
    try:
        lcoai_notebook.no_such_name  # noqa: B018
    except AttributeError as exc:
        assert "no_such_name" in str(exc)
    else:  # pragma: no cover
        raise AssertionError("an unknown attribute must raise AttributeError")
