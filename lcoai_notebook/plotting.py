"""Pictures of embeddings: a similarity heatmap and a 2-D scatter.

matplotlib is imported inside the functions (never at package import). When no ``ax`` is given a
figure is made with pyplot, so it shows inline in a notebook like any other plot; pass ``ax``
(e.g. from ``matplotlib.figure.Figure().subplots()``) to draw elsewhere. Both return the Axes.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .embeddings import _as_texts, embed
from .embeddings import _looks_like_texts as _is_texts
from .similarity import _as_matrix, cosine_similarity

__all__ = ["plot_embeddings", "plot_similarity"]

#: Heatmaps up to this many rows and columns get their values written in the cells.
ANNOTATE_MAX = 12
_LABEL_CHARS = 32
_METHODS = ("pca", "tsne", "umap")


def _new_axes(figsize: tuple[float, float]) -> Any:
    import matplotlib.pyplot as plt

    _, ax = plt.subplots(figsize=figsize)
    return ax


def _literal(text: str) -> str:
    """``text`` drawn as written: matplotlib parses text holding an even number of ``$`` as
    mathtext (and raises at draw time on ``$x^{$``); an escaped ``\\$`` is a plain dollar."""
    return text.replace("$", r"\$")


def _short(label: Any) -> str:
    """A label taken from data: one line, at most 32 characters, drawn literally."""
    text = " ".join(str(label).split())
    text = text if len(text) <= _LABEL_CHARS else text[: _LABEL_CHARS - 1] + "…"
    return _literal(text)


def plot_similarity(
    matrix_or_texts: Any,
    labels: Any = None,
    *,
    ax: Any = None,
    annotate: bool | None = None,
    client: Any = None,
    model: str = "text-embedding-3-small",
    cmap: str = "viridis",
    vmin: float | None = None,
    vmax: float | None = None,
) -> Any:
    """A heatmap of pairwise similarities.

    Parameters
    ----------
    matrix_or_texts : array_like, shape (n, m), or sequence of str
        A similarity matrix to draw as is, or texts: they are embedded (with ``client`` and
        ``model``) and their cosine similarities drawn (``n = m`` = the number of texts).
    labels : sequence, optional
        Tick labels: one per row (and per column for a square matrix; for ``(n, m)`` with
        ``n != m`` pass a pair ``(row_labels, column_labels)``). Texts label themselves.
    ax : matplotlib.axes.Axes, optional
        Where to draw; by default a new figure.
    annotate : bool, optional
        Write each value in its cell; by default when both sides are at most 12.
    client : Client, optional
        For texts; defaults to :func:`lcoai_notebook.connect`.
    model : str, default "text-embedding-3-small"
    cmap : str, default "viridis"
    vmin, vmax : float, optional
        Colour limits; by default the data's range.

    Returns
    -------
    matplotlib.axes.Axes
        The image is ``ax.images[0]`` (its array is the matrix), with a colour bar.

    Examples
    --------
    >>> ax = plot_similarity(["a cat", "a kitten", "a bond"])  # doctest: +SKIP
    """
    from_texts = _is_texts(matrix_or_texts)
    if from_texts:
        texts = _as_texts(matrix_or_texts, "matrix_or_texts")
        matrix = cosine_similarity(embed(texts, client, model))
        if labels is None:
            labels = texts
    else:
        matrix = np.asarray(matrix_or_texts)
        if matrix.ndim != 2 or matrix.dtype.kind not in "fiub" or 0 in matrix.shape:
            raise ValueError(
                "matrix_or_texts must be a 2-D numeric matrix or a sequence of str, got "
                f"{'shape ' + str(matrix.shape) if matrix.dtype.kind in 'fiub' else matrix.dtype}"
            )
    n, m = matrix.shape
    row_labels, col_labels = _split_labels(labels, n, m)
    if annotate is None:
        annotate = n <= ANNOTATE_MAX and m <= ANNOTATE_MAX
    if ax is None:
        side = min(12.0, 2.0 + 0.45 * max(n, m))
        ax = _new_axes((side + 1.5, side))
    image = ax.imshow(matrix, cmap=cmap, vmin=vmin, vmax=vmax, interpolation="nearest",
                      aspect="auto" if n != m else "equal")
    ax.figure.colorbar(image, ax=ax, fraction=0.046, pad=0.04)
    if row_labels is not None:
        ax.set_yticks(range(n), [_short(t) for t in row_labels])
    if col_labels is not None:
        ax.set_xticks(range(m), [_short(t) for t in col_labels], rotation=45, ha="right",
                      rotation_mode="anchor")
    if annotate:
        # Dark text on light cells, light text on dark ones, whatever the colour map.
        rgba = image.cmap(image.norm(matrix))
        light = rgba[..., :3] @ np.array([0.299, 0.587, 0.114]) > 0.5
        for i in range(n):
            for j in range(m):
                ax.text(j, i, f"{float(matrix[i, j]):.2f}", ha="center", va="center",
                        color="black" if light[i, j] else "white", fontsize=8)
    if from_texts:
        ax.set_title(_literal(f"Cosine similarity ({model})"))
    return ax


def _split_labels(labels: Any, n: int, m: int) -> tuple[list[Any] | None, list[Any] | None]:
    if labels is None:
        return None, None
    if isinstance(labels, tuple) and len(labels) == 2 and all(
            hasattr(part, "__len__") and not isinstance(part, str) for part in labels):
        rows, cols = list(labels[0]), list(labels[1])
    else:
        rows = list(labels)
        if n != m:
            raise ValueError(
                f"labels for a {n} x {m} matrix must be a pair (row_labels, column_labels)")
        cols = rows
    if len(rows) != n or len(cols) != m:
        raise ValueError(
            f"labels must match the matrix: {len(rows)} row and {len(cols)} column labels for "
            f"shape ({n}, {m})")
    return rows, cols


def project(vectors: np.ndarray, method: str = "pca", random_state: int = 0) -> np.ndarray:
    """``(n, 2)`` float coordinates of ``(n, d)`` vectors (see :func:`plot_embeddings`)."""
    if method == "pca":
        return _pca(vectors)
    if method == "tsne":
        try:
            from sklearn.manifold import TSNE
        except ImportError:
            raise ImportError(
                "method='tsne' needs scikit-learn: pip install scikit-learn") from None
        n = vectors.shape[0]
        # Perplexity must stay below the number of points; 30 is t-SNE's usual value.
        perplexity = float(min(30.0, max(1.0, (n - 1) / 3)))
        tsne = TSNE(n_components=2, perplexity=perplexity, init="pca", metric="cosine",
                    random_state=random_state)
        return np.asarray(tsne.fit_transform(vectors), dtype=np.float64)
    if method == "umap":
        try:
            # umap-learn is optional and absent where the package is type-checked; the
            # ImportError below tells the user what to install.
            import umap  # pyright: ignore[reportMissingImports]
        except ImportError:
            raise ImportError("method='umap' needs umap-learn: pip install umap-learn") from None
        n = vectors.shape[0]
        reducer = umap.UMAP(n_components=2, n_neighbors=max(2, min(15, n - 1)), metric="cosine",
                            random_state=random_state)
        return np.asarray(reducer.fit_transform(vectors), dtype=np.float64)
    raise ValueError(f"method must be one of {', '.join(map(repr, _METHODS))}, got {method!r}")


def _pca(x: np.ndarray) -> np.ndarray:
    """The first two principal-component scores, by SVD in numpy.

    Signs are fixed so each component's largest loading is positive (the same data always
    gives the same picture)."""
    xc = np.asarray(x, dtype=np.float64)
    xc = xc - xc.mean(axis=0)
    if xc.shape[0] > xc.shape[1]:
        # Tall data: the d x d covariance's eigenvectors are the right singular vectors and
        # much cheaper than an SVD of the whole (n, d) matrix.
        evals, evecs = np.linalg.eigh(xc.T @ xc)
        comps = evecs[:, ::-1][:, :2].T
    else:
        # Wide data (few texts, many dimensions): the n x n Gram matrix's eigenvectors are the
        # left singular vectors; the loadings follow from them without an SVD of (n, d).
        evals, evecs = np.linalg.eigh(xc @ xc.T)
        order = np.argsort(evals)[::-1][:2]
        keep = order[evals[order] > evals.max() * 1e-12] if evals.max() > 0 else order[:0]
        comps = (xc.T @ evecs[:, keep] / np.sqrt(evals[keep])).T
        if comps.shape[0] == 0:  # every point the same: no direction at all
            comps = np.zeros((1, xc.shape[1]))
    idx = np.argmax(np.abs(comps), axis=1)
    comps = comps * np.sign(comps[np.arange(comps.shape[0]), idx])[:, None]
    coords = xc @ comps.T
    if coords.shape[1] < 2:  # one-dimensional data: put it on the x axis
        coords = np.column_stack([coords, np.zeros(coords.shape[0])])
    return coords


def plot_embeddings(
    vectors: Any,
    labels: Any = None,
    color: Any = None,
    method: str = "pca",
    *,
    ax: Any = None,
    client: Any = None,
    model: str = "text-embedding-3-small",
    random_state: int = 0,
) -> Any:
    """A 2-D scatter of embeddings.

    Parameters
    ----------
    vectors : array_like, shape (n, d), or sequence of str
        Embeddings, or texts to embed first (with ``client`` and ``model``).
    labels : sequence of length n, optional
        Text written next to each point.
    color : sequence of length n, optional
        Numbers (a colour scale with a colour bar) or categories (one colour each, with a
        legend).
    method : {"pca", "tsne", "umap"}, default "pca"
        ``"pca"`` in numpy; ``"tsne"`` needs scikit-learn; ``"umap"`` needs umap-learn (the
        error names what to ``pip install``).
    ax : matplotlib.axes.Axes, optional
        Where to draw; by default a new figure.
    client : Client, optional
        For texts; defaults to :func:`lcoai_notebook.connect`.
    model : str, default "text-embedding-3-small"
    random_state : int, default 0
        Seed for t-SNE/UMAP, so the picture repeats.

    Returns
    -------
    matplotlib.axes.Axes
        The points are ``ax.collections[0]`` (offsets in input order).

    Examples
    --------
    >>> ax = plot_embeddings(vectors, labels=texts, color=topics)  # doctest: +SKIP
    """
    if method not in _METHODS:
        raise ValueError(f"method must be one of {', '.join(map(repr, _METHODS))}, got {method!r}")
    if _is_texts(vectors):
        texts = _as_texts(vectors, "vectors")
        x = embed(texts, client, model)
    else:
        x = _as_matrix(vectors, "vectors")
        if np.asarray(vectors).ndim != 2:
            raise ValueError(f"vectors must be 2-D (n, d), got shape {np.asarray(vectors).shape}")
    n = x.shape[0]
    if n < 2:
        raise ValueError(f"plot_embeddings needs at least 2 vectors, got {n}")
    if not np.isfinite(x).all():
        raise ValueError("vectors contain NaN or infinity")
    for name, value in (("labels", labels), ("color", color)):
        if value is not None and len(value) != n:
            raise ValueError(f"{name} must have one entry per vector: {len(value)} for {n} vectors")
    coords = project(x, method, random_state)
    if ax is None:
        ax = _new_axes((7.0, 6.0))
    _scatter(ax, coords, color)
    if labels is not None:
        for (px, py), label in zip(coords, labels, strict=True):
            ax.annotate(_short(label), (px, py), xytext=(3, 3), textcoords="offset points",
                        fontsize=8)
    names = {"pca": "PC", "tsne": "t-SNE ", "umap": "UMAP "}[method]
    ax.set_xlabel(f"{names}1")
    ax.set_ylabel(f"{names}2")
    ax.set_title(f"Embeddings ({method.upper() if method == 'pca' else names.strip()}, n={n})")
    return ax


def _scatter(ax: Any, coords: np.ndarray, color: Any) -> None:
    if color is None:
        ax.scatter(coords[:, 0], coords[:, 1], s=24)
        return
    values = list(color)
    numeric = all(isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, bool)
                  for v in values)
    if numeric:
        points = ax.scatter(coords[:, 0], coords[:, 1], c=np.asarray(values, dtype=float), s=24,
                            cmap="viridis")
        ax.figure.colorbar(points, ax=ax)
        return
    # Categories: one scatter (offsets stay in input order) with a colour per category.
    from matplotlib.lines import Line2D

    cats = list(dict.fromkeys(map(str, values)))
    palette = [f"C{i % 10}" for i in range(len(cats))]
    code = {c: i for i, c in enumerate(cats)}
    ax.scatter(coords[:, 0], coords[:, 1], c=[palette[code[str(v)]] for v in values], s=24)
    handles = [Line2D([], [], marker="o", linestyle="", color=palette[i], label=_short(c))
               for i, c in enumerate(cats)]
    ax.legend(handles=handles, loc="best", fontsize=8)
