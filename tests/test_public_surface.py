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


def test_workflow_errors_are_also_the_builtin_errors_callers_catch() -> None:
    ln = lcoai_notebook
    assert issubclass(ln.WaitTimeoutError, ln.LcoaiError)
    assert issubclass(ln.WaitTimeoutError, TimeoutError)
    assert issubclass(ln.NoNextPageError, ln.LcoaiError)
    assert issubclass(ln.NoNextPageError, RuntimeError)
    assert issubclass(ln.BatchFailedError, ln.LcoaiError)
    assert not issubclass(ln.BatchFailedError, ln.APIError)  # nothing failed on the wire
    from lcoai_notebook.api.batches import BatchFailedError

    assert BatchFailedError is ln.BatchFailedError  # one class, importable from both places


def test_every_error_class_is_drawn_in_the_tree() -> None:
    import re

    from lcoai_notebook import _exceptions

    tree = (_exceptions.__doc__ or "").split("\n\n", 2)[2]  # the drawing after the title
    drawn = set(re.findall(r"(?:──|^) *(\w+Error)\b", tree, re.M))
    assert drawn == {n for n in EXPECTED_ALL if n.endswith("Error")}


def test_public_classes_show_the_package_in_reprs_and_tracebacks() -> None:
    import pickle
    import traceback

    ln = lcoai_notebook
    for name in EXPECTED_ALL:
        value = getattr(ln, name)
        if isinstance(value, type) and (name.endswith("Error") or name in (
                "Client", "AsyncClient", "Timeout", "RetryPolicy")):
            assert value.__module__ == "lcoai_notebook", name
    assert repr(ln.Timeout(connect=1.0)).startswith("Timeout(")
    err = ln.NotFoundError("gone", status_code=404)
    line = traceback.format_exception_only(type(err), err)[-1]
    assert line.startswith("lcoai_notebook.NotFoundError: "), line
    again = pickle.loads(pickle.dumps(err))
    assert type(again) is ln.NotFoundError and again.status_code == 404


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


def test_connect_stays_the_function_after_its_module_is_imported() -> None:
    # A module named like a public function would replace it on the package once imported.
    import subprocess
    import sys

    code = ("import lcoai_notebook as lco\n"
            "import lcoai_notebook._connect, lcoai_notebook.widgets._base\n"
            "from lcoai_notebook.widgets._base import default_client\n"
            "print(callable(lco.connect), lco.connect.__module__)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=60, check=True).stdout.split()
    assert out == ["True", "lcoai_notebook._connect"]
