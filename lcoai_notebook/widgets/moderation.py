"""``ModerationChecker``: classify texts with the moderation API and look at the scores.

Texts come in one per line (a Textarea), or as a list or a DataFrame column
(``checker.check(df["comment"])``). The result is one table row per input (``flagged`` plus the
score of every category, in the API's own category order) with flagged rows highlighted, and a bar
chart of the scores of the input picked in the selector. Which categories count as flagged is the
API's word (``results[i].categories``): the panel draws no threshold of its own.

The twin :meth:`ModerationChecker.check` returns the same table as a DataFrame (``results``).
Many texts are sent in several requests (see :data:`MAX_TEXTS_PER_REQUEST`), with progress in
the status line.
"""

from __future__ import annotations

import datetime as _dt
import io
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import ipywidgets as widgets
import numpy as np

from .. import _catalog
from ._base import Panel, check_model_name, escape, model_picker, picked
from ._texts import as_texts, mathtext_safe, short

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = ["ModerationChecker"]

DEFAULT_MODEL = "omni-moderation-latest"
#: Texts per moderation request. The API documents no count limit for an array of strings; we
#: stay small so one request never nears the model's context, and a failure loses little.
MAX_TEXTS_PER_REQUEST = 32
#: Characters per request (about 10,000 tokens at three characters a token, far inside the
#: omni-moderation context). A single longer text still gets a request of its own.
MAX_CHARS_PER_REQUEST = 30_000
#: Table rows drawn in the panel; ``results`` always holds every row.
MAX_TABLE_ROWS = 500
_LABEL_CHARS = 60


def moderation_models(today: _dt.date) -> list[str]:
    """The moderation models of the model table that have not reached their shutdown date."""
    return _catalog.usable_models("moderation", today)










def _chunks(texts: list[str]) -> list[tuple[int, int]]:
    """``(start, stop)`` slices of ``texts`` within the per-request limits."""
    spans: list[tuple[int, int]] = []
    start, chars = 0, 0
    for i, text in enumerate(texts):
        if i > start and (i - start >= MAX_TEXTS_PER_REQUEST
                          or chars + len(text) > MAX_CHARS_PER_REQUEST):
            spans.append((start, i))
            start, chars = i, 0
        chars += len(text)
    if texts:
        spans.append((start, len(texts)))
    return spans


def _fmt(score: Any) -> str:
    if score is None or score != score:
        return "–"
    score = float(score)
    return f"{score:.3f}" if score >= 0.0005 else f"{score:.0e}"


class ModerationChecker(Panel):
    """Check texts against the moderation categories: a table per input and a bar chart.

    Parameters
    ----------
    client : Client or AsyncClient, optional
        Defaults to :func:`lcoai_notebook.connect` (the offline emulator when no token is set).
    texts : str, list of str or pandas Series, optional
        Texts to start with (shown in the text box; checked when Check is clicked).
    model : str, default "omni-moderation-latest"
        A moderation model; the picker offers the table's models not past their shutdown date
        (an unknown id given here is offered too: the lineup changes).
    today : datetime.date, optional
        The date used to hide retired models (for tests; defaults to today).

    Attributes
    ----------
    results : pandas.DataFrame or None
        The last check: one row per input; columns ``input``, ``flagged`` and one float score
        column per category, in the API's order.
    selected : int or None
        The row whose scores the chart shows.

    Examples
    --------
    >>> checker = ModerationChecker()  # doctest: +SKIP
    >>> checker.check(df["comment"])  # doctest: +SKIP
    """

    title = "Moderation checker"

    def __init__(self, client: Any = None, *, texts: Any = None, model: str = DEFAULT_MODEL,
                 today: _dt.date | None = None, **kwargs: Any) -> None:
        model = check_model_name(model, DEFAULT_MODEL)
        loaded = None if texts is None else as_texts(texts, column="comment", require_any=True)
        super().__init__(client, **kwargs)
        self._today = today or _dt.date.today()
        self.results: pd.DataFrame | None = None
        self._flags: list[dict[str, Any]] = []
        self._loaded: list[str] | None = None
        self._loaded_view = ""
        self._quiet = False

        self.text_input = widgets.Textarea(
            placeholder="One text per line (or pass a list / DataFrame column to check())",
            rows=5, layout=widgets.Layout(width="100%"))
        self.model_picker = model_picker(moderation_models(self._today), model)
        self.check_button = widgets.Button(description="Check", button_style="primary",
                                           icon="check", tooltip="Classify every line")
        self.table = widgets.HTML("", layout=widgets.Layout(width="100%", overflow="auto",
                                                            max_height="360px"))
        self.selector = widgets.Dropdown(description="Input", options=[],
                                         layout=widgets.Layout(width="100%"))
        self.chart = widgets.Image(format="png", layout=widgets.Layout(max_width="720px"))

        self.check_button.on_click(lambda _b: self._on_check())
        self.selector.observe(lambda _c: self._draw_chart(), names="value")
        controls = widgets.HBox([self.model_picker, self.check_button],
                                layout=widgets.Layout(flex_flow="wrap"))
        self._layout(self.text_input, controls, self.table, self.selector, self.chart)
        if loaded is not None:
            self.set_texts(loaded)

    # -- input -----------------------------------------------------------------------------------
    def set_texts(self, texts: Any) -> None:
        """Put ``texts`` (a str, list of str or DataFrame column) in the text box, to check.

        Texts holding line breaks are kept whole: until the box is edited, Check sends exactly
        these texts.
        """
        values = as_texts(texts, column="comment", require_any=True)
        self._loaded = values
        # One line per text in the box; a text's own line breaks become spaces there only.
        self._loaded_view = "\n".join(" ".join(t.splitlines()) for t in values)
        self.text_input.value = self._loaded_view

    def _typed_texts(self) -> list[str]:
        if self._loaded is not None and self.text_input.value == self._loaded_view:
            return list(self._loaded)
        return [line for line in self.text_input.value.splitlines() if line.strip()]

    @property
    def model(self) -> str:
        """The moderation model checks use."""
        return picked(self.model_picker)

    @property
    def selected(self) -> int | None:
        """The row of ``results`` the chart shows (None before a check)."""
        return self.selector.value

    @selected.setter
    def selected(self, row: int) -> None:
        count = 0 if self.results is None else len(self.results)
        if isinstance(row, bool) or not isinstance(row, (int, np.integer)) or \
                not 0 <= row < count:
            raise ValueError(f"selected must be a row number from 0 to {count - 1}, got {row!r}"
                             if count else "selected: nothing checked yet; call check() first")
        self.selector.value = int(row)

    # -- gesture and twin ------------------------------------------------------------------------
    def _busy_controls(self) -> Iterable[widgets.Widget]:
        return (self.check_button, self.model_picker, self.text_input, self.selector)

    def _on_check(self) -> None:
        texts = self._typed_texts()
        if not texts:
            self._notice("Type one text per line first (or pass texts to check()).")
            return
        self._gesture(lambda: self._check(texts, self.model), "checking")

    def check(self, texts: Any = None) -> pd.DataFrame:
        """Classify ``texts`` (default: the text box) and show the table and chart.

        Parameters
        ----------
        texts : str, list of str or pandas Series, optional
            The inputs; they replace the text box's content. By default the box's lines.

        Returns
        -------
        pandas.DataFrame
            One row per input: ``input`` (str), ``flagged`` (bool), then one float64 score
            column per category, in the order the API lists them.

        Raises
        ------
        TypeError, ValueError
            Bad ``texts`` (before any request).
        lcoai_notebook.APIError
            The request failed (the message is also shown in the panel).

        Notes
        -----
        With an ``AsyncClient``, called where an event loop runs (a notebook cell), this
        returns a task on that loop: ``await`` it for the result.
        """
        try:
            if texts is not None:
                self.set_texts(texts)
            values = self._typed_texts()
            if not values:
                raise ValueError("texts: the text box is empty; type one text per line or "
                                 "pass texts to check()")
        except (TypeError, ValueError) as exc:
            self._show_error(exc)
            raise
        return self._twin(lambda: self._check(values, self.model), "checking")

    async def _check(self, texts: list[str], model: str) -> pd.DataFrame:
        spans = _chunks(texts)
        results: list[dict[str, Any]] = []
        for start, stop in spans:
            if len(spans) > 1:
                self._progress(f"checking texts {start + 1:,}–{stop:,} of {len(texts):,}")
            resp = await self._call(self.client.moderations.create, input=texts[start:stop],
                                    model=model)
            got = list(resp.to_dict().get("results") or [])
            if len(got) != stop - start:
                from .._exceptions import APIResponseValidationError

                raise APIResponseValidationError(
                    f"the moderation response has {len(got)} results for {stop - start} inputs")
            results.extend(got)
        frame = self._frame(texts, results)
        self.results = frame
        self._flags = [dict(r.get("categories") or {}) for r in results]
        self._show()
        return frame

    def _progress(self, text: str) -> None:
        self._status.value = f'<span class="lco-busy">⏳ {escape(text)}…</span>'

    @staticmethod
    def _frame(texts: list[str], results: list[dict[str, Any]]) -> pd.DataFrame:
        import pandas as pd

        # The categories as the API lists them (first seen first), so a new category appears
        # without a code change.
        categories: list[str] = list(dict.fromkeys(
            name for r in results for name in (r.get("category_scores") or {})))
        data: dict[str, Any] = {
            "input": pd.Series(texts),
            "flagged": pd.Series([bool(r.get("flagged")) for r in results], dtype=bool),
        }
        for name in categories:
            data[name] = pd.Series(
                [_score(r.get("category_scores") or {}, name) for r in results], dtype="float64")
        return pd.DataFrame(data)

    # -- display ---------------------------------------------------------------------------------
    def _show(self) -> None:
        frame = self.results
        if frame is None:
            return
        self.table.value = self._table_html(frame)
        options = [(f"{i + 1}. {'⚑ ' if flagged else ''}{short(text, _LABEL_CHARS)}", i)
                   for i, (text, flagged) in enumerate(zip(frame["input"], frame["flagged"],
                                                           strict=True))]
        first = next((i for i, f in enumerate(frame["flagged"]) if f), 0)
        # Replacing the options moves the value on its own; draw once, at the end.
        self._quiet = True
        try:
            self.selector.options = options
            self.selector.value = first
        finally:
            self._quiet = False
        self._draw_chart()

    def _table_html(self, frame: pd.DataFrame) -> str:
        categories = list(frame.columns[2:])
        head = "".join(f"<th>{escape(c)}</th>" for c in ["#", "input", "flagged", *categories])
        rows = []
        for i in range(min(len(frame), MAX_TABLE_ROWS)):
            flagged = bool(frame["flagged"].iat[i])
            text = str(frame["input"].iat[i])
            flags = self._flags[i] if i < len(self._flags) else {}
            cells = [f"<td>{i + 1}</td>",
                     f'<td title="{escape(short(text, 500))}">'
                     f"{escape(short(text, _LABEL_CHARS))}</td>",
                     f"<td>{'yes' if flagged else 'no'}</td>"]
            for cat in categories:
                value = escape(_fmt(frame[cat].iat[i]))
                # A category the API flagged is bold, so it shows without colour too.
                cells.append(f'<td class="lco-num"><strong>{value}</strong></td>'
                             if flags.get(cat) else f'<td class="lco-num">{value}</td>')
            cls = ' class="lco-flagged"' if flagged else ""
            rows.append(f"<tr{cls}>{''.join(cells)}</tr>")
        more = ""
        if len(frame) > MAX_TABLE_ROWS:
            more = (f'<p class="lco-muted">Showing the first {MAX_TABLE_ROWS:,} of '
                    f"{len(frame):,} rows; every row is in <code>.results</code>.</p>")
        flagged = int(frame["flagged"].sum())
        caption = (f'<p class="lco-muted">{len(frame):,} input{"s" if len(frame) != 1 else ""}'
                   f", {flagged:,} flagged · scores 0–1, <strong>bold</strong> = a category the "
                   "API flagged</p>")
        return (f'{caption}<table class="lco-table"><thead><tr>{head}</tr></thead>'
                f"<tbody>{''.join(rows)}</tbody></table>{more}")

    def _draw_chart(self) -> None:
        if self._quiet:
            return
        row = self.selector.value
        if self.results is None or row is None:
            self.chart.value = b""
            return
        self.chart.value = self._chart_png(row)

    def _chart_png(self, row: int) -> bytes:
        """The chart of one input's scores as PNG bytes."""
        buf = io.BytesIO()
        self._chart_figure(row).savefig(buf, format="png", dpi=90)
        return buf.getvalue()

    def _chart_figure(self, row: int) -> Any:
        """A horizontal bar chart of one input's scores, bars in category order; the categories
        the API flagged are coloured and hatched (a ``Figure``, never pyplot)."""
        from matplotlib.figure import Figure
        from matplotlib.patches import Patch

        frame = self.results
        assert frame is not None
        categories = list(frame.columns[2:])
        scores = [float(frame[c].iat[row]) for c in categories]
        scores = [0.0 if s != s else s for s in scores]
        flags = self._flags[row] if row < len(self._flags) else {}
        hit = [bool(flags.get(c)) for c in categories]
        fig = Figure(figsize=(7.0, 0.32 * len(categories) + 1.4), layout="constrained")
        ax = fig.subplots()
        y = list(range(len(categories)))
        bars = ax.barh(y, scores, color=["C3" if h else "C0" for h in hit])
        for bar, h in zip(bars, hit, strict=True):
            if h:  # a hatch as well as a colour: flagged bars read in grey print too
                bar.set_hatch("//")
        ax.set_yticks(y, [mathtext_safe(c) for c in categories])
        ax.invert_yaxis()
        ax.set_xlim(0, 1)
        ax.set_xlabel("score")
        for yi, s in zip(y, scores, strict=True):
            ax.text(min(s, 1.0) + 0.01, yi, _fmt(s), va="center", fontsize=7)
        text = str(frame["input"].iat[row])
        ax.set_title(mathtext_safe(f"{row + 1}. {short(text, 70)}"), fontsize=9, loc="left")
        fig.legend(handles=[Patch(facecolor="C3", hatch="//", label="flagged by the API"),
                            Patch(facecolor="C0", label="not flagged")],
                   loc="outside lower center", ncols=2, fontsize=7)
        return fig

    # -- where widgets cannot render -------------------------------------------------------------
    def _text_summary(self) -> str:
        frame = self.results
        if frame is None:
            return f"ModerationChecker · nothing checked yet ({self.model})"
        flagged = frame.index[frame["flagged"]].tolist()
        n = len(frame)
        lines = [f"ModerationChecker · {n} input{'s' if n != 1 else ''}, {len(flagged)} flagged "
                 f"({self.model})"]
        categories = list(frame.columns[2:])
        for i in flagged[:10]:
            scores = frame.loc[i, categories].astype(float)
            top = str(scores.idxmax()) if len(scores) and scores.notna().any() else "?"
            lines.append(f"  ⚑ {i + 1}. {short(frame.at[i, 'input'], _LABEL_CHARS)!r} — {top} "
                         f"{_fmt(scores.get(top))}")
        if len(flagged) > 10:
            lines.append(f"  … and {len(flagged) - 10} more flagged")
        return "\n".join(lines)


def _score(scores: dict[str, Any], name: str) -> float:
    value = scores.get(name)
    return float("nan") if value is None else float(value)
