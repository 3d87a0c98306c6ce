"""``EmbeddingExplorer``: embed texts, see them on a 2-D map and a heatmap, search them.

Built on the public numpy helpers: :func:`lcoai_notebook.embeddings.embed` for the vectors,
:func:`lcoai_notebook.similarity.top_k` / :func:`~lcoai_notebook.similarity.cosine_similarity`
for the ranking, and :func:`lcoai_notebook.plotting.plot_embeddings` /
:func:`~lcoai_notebook.plotting.plot_similarity` for the pictures (drawn on a
``matplotlib.figure.Figure``, never pyplot, and shown as PNG bytes in ``widgets.Image``).

Where the vectors come from depends on the client:

- a sync ``Client``: :func:`~lcoai_notebook.embeddings.embed` itself (batched, concurrent),
  run in a worker thread so the kernel's loop stays free;
- an ``AsyncClient``: ``embed`` takes only a sync client, so the panel awaits
  ``client.embeddings.create(..., encoding_format="float")`` itself, in requests of at most
  :data:`TEXTS_PER_REQUEST` texts, and stacks the rows into the same ``(n, d)`` float32 matrix.
  Only this path sees the responses, so only it adds to ``panel.usage``.

Vectors are cached in the panel, by text, for the current model and dimensions: adding texts
embeds only the new ones; changing the model or the dimensions embeds everything again.
"""

from __future__ import annotations

import asyncio
import datetime as _dt
import io
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import ipywidgets as widgets
import numpy as np

from .. import _catalog
from ..embeddings import embed
from ..similarity import cosine_similarity, top_k
from ._base import Panel, check_model_name, escape, model_picker, picked
from ._texts import as_texts, mathtext_safe, short

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = ["EmbeddingExplorer"]

DEFAULT_MODEL = "text-embedding-3-small"
#: Shorter vector sizes offered for models that take ``dimensions`` (up to the model's own).
DIMENSION_CHOICES = (256, 512, 1024, 1536, 3072)
#: The heatmap is drawn up to this many texts; past it the cells are too small to read.
HEATMAP_MAX = 40
#: Points are labelled on the map up to this many texts.
MAP_LABELS_MAX = 60
#: Texts per request on the AsyncClient path (the API takes up to 2,048).
TEXTS_PER_REQUEST = 256
_LABEL_CHARS = 60


def embedding_models(today: _dt.date) -> list[str]:
    """The embedding models of the model table that have not reached their shutdown date."""
    return _catalog.usable_models("embedding", today)


def dimension_options(model: str) -> list[int | None]:
    """Sizes ``dimensions`` may take for ``model``: None (the model's own) first, then the
    shorter sizes it accepts; only None for a model without custom dimensions or unknown."""
    info = _catalog.model_info(model) or {}
    if not info.get("custom_dimensions"):
        return [None]
    top = int(info.get("dimensions") or 0)
    return [None, *(d for d in DIMENSION_CHOICES if d <= top)]


def _check_dimensions(model: str, dimensions: Any) -> int | None:
    if dimensions is None:
        return None
    if isinstance(dimensions, bool) or not isinstance(dimensions, (int, np.integer)):
        raise TypeError(f"dimensions must be None or an int, got {type(dimensions).__name__}")
    info = _catalog.model_info(model)
    if info is not None:
        if not info.get("custom_dimensions"):
            raise ValueError(f"dimensions must be None for {model} (its vectors have a fixed "
                             f"length of {info.get('dimensions')})")
        top = int(info.get("dimensions") or 0)
        if not 1 <= dimensions <= top:
            raise ValueError(f"dimensions must be None or between 1 and {top} for {model} "
                             f"(e.g. {', '.join(map(str, dimension_options(model)[1:]))}), "
                             f"got {dimensions}")
    elif dimensions < 1:
        raise ValueError(f"dimensions must be None or at least 1, got {dimensions}")
    return int(dimensions)










def _texts_of(texts: Any) -> list[str]:
    return as_texts(texts, column="text", blank_refused="the embeddings API rejects empty input")


def _png(fig: Any) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=80)
    return buf.getvalue()


def _map_png(vectors: np.ndarray, texts: list[str], model: str) -> bytes:
    from matplotlib.figure import Figure

    from ..plotting import plot_embeddings

    fig = Figure(figsize=(6.5, 5.0), layout="constrained")
    labels = ([mathtext_safe(short(t, 32)) for t in texts] if len(texts) <= MAP_LABELS_MAX
              else None)
    ax = plot_embeddings(vectors, labels=labels, ax=fig.subplots())
    ax.set_title(mathtext_safe(f"{ax.get_title()} · {model}"), fontsize=9)
    return _png(fig)


def _heatmap_png(vectors: np.ndarray, texts: list[str]) -> bytes:
    from matplotlib.figure import Figure

    from ..plotting import plot_similarity

    n = len(texts)
    side = min(9.0, 2.5 + 0.3 * n)
    fig = Figure(figsize=(side + 1.5, side), layout="constrained")
    ax = plot_similarity(cosine_similarity(vectors),
                         labels=[mathtext_safe(short(t, 32)) for t in texts], ax=fig.subplots())
    ax.set_title("Cosine similarity", fontsize=9)
    return _png(fig)


class EmbeddingExplorer(Panel):
    """Embed texts, see them on a 2-D map and a similarity heatmap, and search them.

    Parameters
    ----------
    client : Client or AsyncClient, optional
        Defaults to :func:`lcoai_notebook.connect` (the offline emulator when no token is set).
    texts : str, list of str or pandas Series, optional
        Texts to embed at once (as :meth:`add_texts`).
    model : str, default "text-embedding-3-small"
        An embedding model; the picker offers the table's models not past their shutdown date.
    dimensions : int, optional
        Shorter vectors for models that take them (text-embedding-3-*); None is the model's own.
    today : datetime.date, optional
        The date used to hide retired models (for tests; defaults to today).

    Attributes
    ----------
    texts : list of str
        The texts held, in the order added (each once).
    vectors : np.ndarray, shape (len(texts), d), dtype float32
        Their embeddings, row ``i`` for ``texts[i]``.
    results : pandas.DataFrame or None
        The last query's answer (columns ``text``, ``score``, ``rank``).

    Examples
    --------
    >>> explorer = EmbeddingExplorer(texts=df["title"])  # doctest: +SKIP
    >>> explorer.query("cheap flights", k=3)  # doctest: +SKIP
    """

    title = "Embedding explorer"

    def __init__(self, client: Any = None, *, texts: Any = None, model: str = DEFAULT_MODEL,
                 dimensions: int | None = None, today: _dt.date | None = None,
                 **kwargs: Any) -> None:
        model = check_model_name(model, DEFAULT_MODEL)
        dimensions = _check_dimensions(model, dimensions)
        initial = None if texts is None else _texts_of(texts)
        super().__init__(client, **kwargs)
        self._today = today or _dt.date.today()
        self.texts: list[str] = []
        self.vectors: np.ndarray = np.zeros((0, 0), dtype=np.float32)
        self.results: pd.DataFrame | None = None
        self.last_query: str | None = None
        # Vectors by text for (self._model, self._dimensions): texts held and queries made.
        self._cache: dict[str, np.ndarray] = {}
        self._model = model
        self._dimensions = dimensions
        self._syncing = False

        self.text_input = widgets.Textarea(placeholder="One text per line, then Add",
                                           rows=4, layout=widgets.Layout(width="100%"))
        self.add_button = widgets.Button(description="Add", button_style="primary", icon="plus",
                                         tooltip="Embed the lines above and add them")
        self.clear_button = widgets.Button(description="Clear", icon="trash",
                                           tooltip="Forget every text")
        self.model_picker = model_picker(embedding_models(self._today), model)
        self.dimensions_picker = widgets.Dropdown(description="Dimensions",
                                                  layout=widgets.Layout(width="220px"))
        self._set_dimension_options(model, dimensions)
        self.map_image = widgets.Image(format="png", layout=widgets.Layout(max_width="560px"))
        self.heatmap_image = widgets.Image(format="png",
                                           layout=widgets.Layout(max_width="560px"))
        self.plot_note = widgets.HTML("")
        # The value syncs on Enter (or leaving the box), which starts a search.
        self.query_input = widgets.Text(placeholder="A query, then Enter: the nearest texts",
                                        continuous_update=False,
                                        layout=widgets.Layout(width="60%"))
        self.k_input = widgets.BoundedIntText(value=5, min=1, max=100, description="k",
                                              layout=widgets.Layout(width="120px"))
        self.search_button = widgets.Button(description="Search", icon="search",
                                            tooltip="List the texts nearest the query")
        self.results_html = widgets.HTML("")

        self.add_button.on_click(lambda _b: self._on_add())
        self.clear_button.on_click(lambda _b: self._on_clear())
        self.search_button.on_click(lambda _b: self._on_search())
        self.query_input.observe(lambda _c: self._syncing or self._on_search(quiet=True),
                                 names="value")
        self.model_picker.observe(lambda _c: self._on_model(), names="value")
        self.dimensions_picker.observe(lambda _c: self._on_model(), names="value")

        settings = widgets.HBox([self.model_picker, self.dimensions_picker],
                                layout=widgets.Layout(flex_flow="wrap"))
        actions = widgets.HBox([self.add_button, self.clear_button])
        for image in (self.map_image, self.heatmap_image):
            image.layout.max_width = "min(100%, 480px)"  # side by side where there is room
        plots = widgets.HBox([self.map_image, self.heatmap_image],
                             layout=widgets.Layout(flex_flow="row wrap", align_items="flex-start"))
        search = widgets.HBox([self.query_input, self.k_input, self.search_button],
                              layout=widgets.Layout(flex_flow="wrap"))
        # The query and its answer come before the pictures: they are what a person acts on.
        self._layout(settings, self.text_input, actions, search, self.results_html,
                     self.plot_note, plots)
        self._draw_sync()
        if initial:
            self.add_texts(initial)

    # -- settings ------------------------------------------------------------------------------
    @property
    def model(self) -> str:
        """The model the held vectors come from."""
        return self._model

    @property
    def dimensions(self) -> int | None:
        """The ``dimensions`` asked for (None: the model's own length)."""
        return self._dimensions

    def _set_dimension_options(self, model: str, dimensions: int | None) -> None:
        choices = dimension_options(model)
        if dimensions not in choices:
            choices.append(dimensions)  # a size given by the caller is offered too
        info = _catalog.model_info(model) or {}
        own = info.get("dimensions")
        self._syncing = True
        try:
            self.dimensions_picker.options = [
                (f"model's own ({own})" if d is None and own else
                 "model's own" if d is None else str(d), d) for d in choices]
            self.dimensions_picker.value = dimensions
        finally:
            self._syncing = False
        self._fixed_dimensions = len(choices) == 1
        self.dimensions_picker.disabled = self._fixed_dimensions or self.busy

    def _on_model(self) -> None:
        if self._syncing:
            return
        model = picked(self.model_picker)
        dimensions = self.dimensions_picker.value
        if dimensions not in dimension_options(model):
            dimensions = None
        if model != self._model:
            self._set_dimension_options(model, dimensions)
        if (model, dimensions) == (self._model, self._dimensions):
            return
        self._gesture(lambda: self._switch(model, dimensions), "embedding again")

    def set_model(self, model: str | None = None, dimensions: Any = "keep") -> int:
        """Switch the model and/or dimensions and embed every text again (twin of the pickers).

        Parameters
        ----------
        model : str, optional
            The embedding model; by default the current one.
        dimensions : int or None, optional
            The vector length (None: the model's own); by default the current one when the new
            model accepts it, else None.

        Returns
        -------
        int
            The length of the new vectors.

        Notes
        -----
        With an ``AsyncClient``, called where an event loop runs (a notebook cell), this
        returns a task on that loop: ``await`` it for the result.
        """
        model = self._model if model is None else model
        if not isinstance(model, str) or not model:
            raise TypeError(f"model must be a non-empty str, got {model!r}")
        if isinstance(dimensions, str) and dimensions == "keep":
            dimensions = (self._dimensions if self._dimensions in dimension_options(model)
                          else None)
        dimensions = _check_dimensions(model, dimensions)
        return self._twin(lambda: self._switch(model, dimensions), "embedding again")

    async def _switch(self, model: str, dimensions: int | None) -> int:
        try:
            vectors = await self._embed(self.texts, model, dimensions) if self.texts else None
        except BaseException:
            # The held vectors still belong to the old model: show that model again.
            self._show_settings()
            raise
        self._model, self._dimensions = model, dimensions
        self._cache = {} if vectors is None else dict(zip(self.texts, vectors, strict=True))
        self.vectors = (vectors if vectors is not None else np.zeros((0, 0), dtype=np.float32))
        self.results = None
        self.results_html.value = ""
        self._show_settings()
        await self._draw()
        return int(self.vectors.shape[1]) if self.vectors.size else 0

    def _show_settings(self) -> None:
        self._syncing = True
        try:
            if self.model_picker.value != self._model:
                self.model_picker.value = self._model
            self._set_dimension_options(self._model, self._dimensions)
        finally:
            self._syncing = False

    # -- embedding -------------------------------------------------------------------------------
    async def _embed(self, texts: list[str], model: str, dimensions: int | None) -> np.ndarray:
        """``(len(texts), d)`` float32 vectors for ``texts`` from ``model``."""
        if not self.runner.is_async:
            # embed() batches and sends concurrently itself; it blocks, so a worker thread.
            # Its own tqdm bar would print into the cell: the status line says it instead.
            if len(texts) > 1:
                self._progress(f"embedding {len(texts):,} texts with {model}")
            return await self._call(embed, texts, self.client, model, dimensions,
                                    progress=False)
        kw: dict[str, Any] = {"model": model, "encoding_format": "float"}
        if dimensions is not None:
            kw["dimensions"] = dimensions
        parts = []
        for start in range(0, len(texts), TEXTS_PER_REQUEST):
            chunk = texts[start:start + TEXTS_PER_REQUEST]
            if len(texts) > TEXTS_PER_REQUEST:
                self._progress(f"embedding {start + len(chunk):,} of {len(texts):,} texts")
            resp = await self._call(self.client.embeddings.create, input=chunk, **kw)
            self._add_usage(getattr(resp, "usage", None))
            mat = np.asarray(resp.to_numpy(), dtype=np.float32)
            if mat.ndim != 2 or mat.shape[0] != len(chunk):
                from .._exceptions import APIResponseValidationError

                raise APIResponseValidationError(
                    f"the embeddings response has shape {mat.shape} for {len(chunk)} inputs")
            parts.append(mat)
        return np.concatenate(parts, axis=0)

    def _progress(self, text: str) -> None:
        self._status.value = f'<span class="lco-busy">⏳ {escape(text)}…</span>'

    # -- adding texts ------------------------------------------------------------------------------
    def _busy_controls(self) -> Iterable[widgets.Widget]:
        return (self.add_button, self.clear_button, self.search_button, self.model_picker,
                self.dimensions_picker, self.text_input)

    def _set_busy(self, busy: bool, what: str = "") -> None:
        super()._set_busy(busy, what)
        if not busy and getattr(self, "_fixed_dimensions", False):
            self.dimensions_picker.disabled = True

    def _on_add(self) -> None:
        lines = [line for line in self.text_input.value.splitlines() if line.strip()]
        if not lines:
            self._notice("Type one text per line first, then Add.")
            return
        self._gesture(lambda: self._add(lines, from_box=True), "embedding")

    def add_texts(self, texts: Any) -> int:
        """Embed ``texts`` and add them (twin of Add); texts already held are skipped.

        Parameters
        ----------
        texts : str, list of str, pandas Series or 1-D array of str
            Non-empty texts, e.g. a DataFrame column: ``add_texts(df["title"])``.

        Returns
        -------
        int
            The number of texts now held.

        Raises
        ------
        TypeError, ValueError
            Bad ``texts`` (before any request).
        lcoai_notebook.APIError
            The request failed (also shown in the panel); nothing is added.

        Notes
        -----
        With an ``AsyncClient``, called where an event loop runs (a notebook cell), this
        returns a task on that loop: ``await`` it for the result.
        """
        try:
            values = _texts_of(texts)
        except (TypeError, ValueError) as exc:
            self._show_error(exc)
            raise
        return self._twin(lambda: self._add(values), "embedding")

    async def _add(self, texts: list[str], from_box: bool = False) -> int:
        held = set(self.texts)
        new = [t for t in dict.fromkeys(texts) if t not in held]
        todo = [t for t in new if t not in self._cache]
        if todo:
            vectors = await self._embed(todo, self._model, self._dimensions)
            self._cache.update(zip(todo, vectors, strict=True))
        if new:
            self.texts.extend(new)
            self.vectors = np.stack([self._cache[t] for t in self.texts]).astype(
                np.float32, copy=False)
            await self._draw()
        if from_box:
            self.text_input.value = ""  # added: the box is free for the next ones
        return len(self.texts)

    def _on_clear(self) -> None:
        if not self.runner.busy:
            self.clear()

    def clear(self) -> None:
        """Forget every text, vector and result (twin of Clear)."""
        self._check_idle()
        self.texts = []
        self.vectors = np.zeros((0, 0), dtype=np.float32)
        self._cache = {}
        self.results = None
        self.results_html.value = ""
        self._clear_error()
        self._draw_sync()

    # -- querying ----------------------------------------------------------------------------------
    def _on_search(self, quiet: bool = False) -> None:
        text = self.query_input.value
        if not text.strip() or not self.texts:
            if not quiet:
                self._notice("Type a query first." if self.texts else
                             "Add some texts first: the query is compared with them.")
            return
        self._gesture(lambda: self._query(text, int(self.k_input.value)), "searching")

    def query(self, text: str, k: int = 5) -> pd.DataFrame:
        """The ``k`` held texts nearest ``text`` (twin of Search), ranked as
        :func:`lcoai_notebook.search` ranks them.

        Parameters
        ----------
        text : str
            The query (embedded with the current model and dimensions).
        k : int, default 5
            Rows to return (at most the number of texts held).

        Returns
        -------
        pandas.DataFrame
            Columns ``text``, ``score`` (cosine similarity, float32) and ``rank`` (1 = nearest),
            best first; the index holds the positions in ``texts``.

        Notes
        -----
        With an ``AsyncClient``, called where an event loop runs (a notebook cell), this
        returns a task on that loop: ``await`` it for the result.
        """
        try:
            if not isinstance(text, str):
                raise TypeError(f"text must be a str (the query), got {type(text).__name__}")
            if not text.strip():
                raise ValueError("text must be a non-empty query")
            if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or k < 1:
                raise ValueError(f"k must be an int of at least 1, got {k!r}")
            if not self.texts:
                raise ValueError("there are no texts to search: call add_texts() first")
        except (TypeError, ValueError) as exc:
            self._show_error(exc)
            raise
        self._syncing = True
        try:
            self.query_input.value = text  # shown in the box, without starting a second search
        finally:
            self._syncing = False
        return self._twin(lambda: self._query(text, int(k)), "searching")

    async def _query(self, text: str, k: int) -> pd.DataFrame:
        import pandas as pd

        qv = self._cache.get(text)
        if qv is None:
            qv = (await self._embed([text], self._model, self._dimensions))[0]
            self._cache[text] = qv
        idx, scores = top_k(qv[None, :], self.vectors, k)
        rows = idx[0]
        frame = pd.DataFrame(
            {"text": [self.texts[i] for i in rows], "score": scores[0],
             "rank": np.arange(1, len(rows) + 1)},
            index=pd.Index(rows, name="index"))
        self.results = frame
        self.last_query = text
        self.results_html.value = self._results_html(text, frame)
        return frame

    @staticmethod
    def _results_html(text: str, frame: pd.DataFrame) -> str:
        rows = "".join(
            f"<tr><td>{int(r)}</td><td>{escape(f'{float(s):.3f}')}</td>"
            f'<td title="{escape(short(t, 500))}">{escape(short(t, 120))}</td></tr>'
            for t, s, r in zip(frame["text"], frame["score"], frame["rank"], strict=True))
        return (f'<p class="lco-muted">Nearest to “{escape(short(text, 120))}”</p>'
                '<table class="lco-table"><thead><tr><th>rank</th><th>score</th><th>text</th>'
                f"</tr></thead><tbody>{rows}</tbody></table>")

    # -- pictures ----------------------------------------------------------------------------------
    def _pictures(self) -> tuple[bytes, bytes, str]:
        """The map and heatmap PNGs for the texts held, and a note on what is not shown."""
        n = len(self.texts)
        if n < 2:
            return b"", b"", ('<p class="lco-muted">Add at least two texts to see the map and the '
                              "heatmap.</p>" if n == 0 else
                              '<p class="lco-muted">One text held: add another to see the map.'
                              "</p>")
        vectors, texts = self.vectors, list(self.texts)
        map_png = _map_png(vectors, texts, self._model)
        if n > HEATMAP_MAX:
            note = (f'<p class="lco-muted">{n:,} texts: the heatmap is drawn for up to '
                    f"{HEATMAP_MAX} (its cells would be too small to read); use the map or a "
                    "query.</p>")
            return map_png, b"", note
        return map_png, _heatmap_png(vectors, texts), ""

    async def _draw(self) -> None:
        # Drawing takes a few hundred ms: off the loop, so clicks stay responsive meanwhile.
        map_png, heat_png, note = await asyncio.to_thread(self._pictures)
        self._show_pictures(map_png, heat_png, note)

    def _draw_sync(self) -> None:
        self._show_pictures(*self._pictures())

    def _show_pictures(self, map_png: bytes, heat_png: bytes, note: str) -> None:
        self.map_image.value = map_png
        self.heatmap_image.value = heat_png
        self.map_image.layout.display = None if map_png else "none"
        self.heatmap_image.layout.display = None if heat_png else "none"
        self.plot_note.value = note

    # -- where widgets cannot render -------------------------------------------------------------
    def _text_summary(self) -> str:
        n = len(self.texts)
        d = int(self.vectors.shape[1]) if self.vectors.size else 0
        head = (f"EmbeddingExplorer · {n} text{'s' if n != 1 else ''} · {self._model}"
                + (f" ({d} dimensions)" if d else ""))
        lines = [head]
        for t in self.texts[:5]:
            lines.append(f"  - {short(t, _LABEL_CHARS)}")
        if n > 5:
            lines.append(f"  … and {n - 5} more")
        if self.results is not None and self.last_query is not None and len(self.results):
            best = self.results.iloc[0]
            query, nearest = short(self.last_query, _LABEL_CHARS), short(best["text"], _LABEL_CHARS)
            lines.append(f"  query {query!r}: nearest {nearest!r} "
                         f"({float(best['score']):.3f})")
        return "\n".join(lines)
