"""Text helpers the panels share: input lists checked with clear errors, short labels, and
labels safe for matplotlib (which reads ``$...$`` as math)."""

from __future__ import annotations

from typing import Any

__all__ = ["as_texts", "mathtext_safe", "short"]


def short(text: Any, limit: int) -> str:
    """``text`` on one line, cut to ``limit`` characters with an ellipsis."""
    one = " ".join(str(text).split())
    return one if len(one) <= limit else one[: limit - 1] + "…"


def mathtext_safe(text: Any) -> str:
    """Text for a matplotlib label: every ``$`` escaped so it is never read as mathtext."""
    return str(text).replace("$", r"\$")


def _is_missing(value: Any) -> bool:
    if value is None or (isinstance(value, float) and value != value):
        return True
    return type(value).__name__ in ("NAType", "NaTType")


def as_texts(texts: Any, *, column: str = "text", require_any: bool = False,
             blank_refused: str | None = None) -> list[str]:
    """``texts`` as a list of str: one str, a list/tuple, a pandas Series or a 1-D array.

    Parameters
    ----------
    texts : str, list, tuple, pandas.Series or 1-D array of str
    column : str
        The column name used in the hint for a DataFrame passed whole.
    require_any : bool
        Refuse an empty collection.
    blank_refused : str, optional
        When given, a blank text is refused with this reason.
    """
    if isinstance(texts, str):
        values: list[Any] = [texts]
    elif isinstance(texts, (list, tuple)):
        values = list(texts)
    elif hasattr(texts, "ndim") and hasattr(texts, "shape"):
        if texts.ndim != 1 or not hasattr(texts, "tolist"):
            raise TypeError("texts must be one column (a pandas Series or a 1-D array), got a "
                            f"{type(texts).__name__} with {texts.ndim} dimensions; pick a column, "
                            f"e.g. df[{column!r}]")
        values = texts.tolist()
    else:
        raise TypeError("texts must be a str, a list or tuple of str, a pandas Series or a 1-D "
                        f"array of str, got {type(texts).__name__}")
    if require_any and not values:
        raise ValueError("texts is empty: give at least one text")
    for i, value in enumerate(values):
        if not isinstance(value, str):
            hint = (" (a missing value? drop them first, e.g. series.dropna())"
                    if _is_missing(value) else "")
            raise TypeError(f"texts[{i}] must be str, got {type(value).__name__}{hint}")
        if blank_refused and not value.strip():
            raise ValueError(f"texts[{i}] is empty; {blank_refused}")
    return values
