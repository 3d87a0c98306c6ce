"""Plot helpers, tested by the data on the Axes (images, offsets, labels, texts), not pixels."""

from __future__ import annotations

import sys

import matplotlib
import numpy as np
import pytest

matplotlib.use("Agg")

from matplotlib.figure import Figure  # noqa: E402

from lcoai_notebook.plotting import _pca, plot_embeddings, plot_similarity  # noqa: E402
from lcoai_notebook.similarity import cosine_similarity  # noqa: E402


@pytest.fixture
def ax():
    return Figure().subplots()


@pytest.fixture(autouse=True)
def _close_pyplot_figures():
    yield
    if "matplotlib.pyplot" in sys.modules:
        sys.modules["matplotlib.pyplot"].close("all")


def _emu_client():
    from lcoai_notebook.emulator import Emulator

    return Emulator().client()


# -- plot_similarity --------------------------------------------------------------------------


def test_similarity_heatmap_holds_the_matrix_labels_and_annotations(ax):
    m = np.array([[1.0, 0.25, -0.5], [0.25, 1.0, 0.125], [-0.5, 0.125, 1.0]])
    out = plot_similarity(m, ["alpha", "beta", "gamma"], ax=ax)
    assert out is ax
    (image,) = ax.images
    np.testing.assert_array_equal(image.get_array(), m)
    assert [t.get_text() for t in ax.get_yticklabels()] == ["alpha", "beta", "gamma"]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["alpha", "beta", "gamma"]
    texts = [t.get_text() for t in ax.texts]
    assert len(texts) == 9
    assert texts[:3] == ["1.00", "0.25", "-0.50"] and texts[5] == "0.12"
    # Each annotation sits on its cell.
    assert ax.texts[5].get_position() == (2, 1)


@pytest.mark.parametrize("cmap", ["viridis", "Greys", "viridis_r"])
def test_similarity_annotations_contrast_with_their_cell_for_any_colour_map(ax, cmap):
    import matplotlib as mpl
    from matplotlib.colors import to_rgb

    m = np.array([[1.0, 0.0], [0.0, 1.0]])
    plot_similarity(m, ax=ax, cmap=cmap)
    image = ax.images[0]
    for text in ax.texts:
        j, i = (int(round(v)) for v in text.get_position())
        r, g, b, _ = mpl.colormaps[cmap](image.norm(m[i, j]))
        cell_is_light = 0.299 * r + 0.587 * g + 0.114 * b > 0.5
        assert to_rgb(text.get_color()) == ((0, 0, 0) if cell_is_light else (1, 1, 1)), cmap


def test_similarity_labels_of_a_two_by_two_matrix_may_be_a_tuple(ax):
    plot_similarity(np.eye(2), labels=(2020, 2021), ax=ax)
    assert [t.get_text() for t in ax.get_yticklabels()] == ["2020", "2021"]
    ax2 = Figure().subplots()
    plot_similarity(np.ones((2, 3)), labels=(["a", "b"], ["x", "y", "z"]), ax=ax2)
    assert [t.get_text() for t in ax2.get_xticklabels()] == ["x", "y", "z"]


def test_similarity_annotation_defaults_by_size(ax):
    plot_similarity(np.eye(13), ax=ax)
    assert len(ax.texts) == 0
    ax2 = Figure().subplots()
    plot_similarity(np.eye(13), ax=ax2, annotate=True)
    assert len(ax2.texts) == 169
    ax3 = Figure().subplots()
    plot_similarity(np.eye(4), ax=ax3, annotate=False)
    assert len(ax3.texts) == 0


def test_similarity_rectangular_needs_label_pair(ax):
    m = np.arange(6, dtype=float).reshape(2, 3)
    plot_similarity(m, (["q1", "q2"], ["a", "b", "c"]), ax=ax)
    assert [t.get_text() for t in ax.get_yticklabels()] == ["q1", "q2"]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["a", "b", "c"]
    with pytest.raises(ValueError, match="pair"):
        plot_similarity(m, ["q1", "q2"], ax=Figure().subplots())
    with pytest.raises(ValueError, match=r"2 row and 2 column labels for shape \(3, 3\)"):
        plot_similarity(np.eye(3), (["a", "b"], ["c", "d"]), ax=Figure().subplots())


def test_similarity_rejects_bad_matrix(ax):
    with pytest.raises(ValueError, match=r"shape \(4,\)"):
        plot_similarity(np.ones(4), ax=ax)


def test_similarity_from_texts_embeds_them(ax):
    texts = ["the cat sat", "a kitten purrs", "bond yields rose"]
    client = _emu_client()
    try:
        plot_similarity(texts, ax=ax, client=client)
        expected = cosine_similarity(
            client.embeddings.create(input=texts, model="text-embedding-3-small").to_numpy())
    finally:
        client.close()
    np.testing.assert_allclose(ax.images[0].get_array(), expected, rtol=1e-6)
    assert [t.get_text() for t in ax.get_yticklabels()] == texts
    assert "Cosine similarity" in ax.get_title()


def test_similarity_without_ax_makes_a_figure():
    ax = plot_similarity(np.eye(2))
    assert ax.figure is not None and len(ax.images) == 1


def test_long_labels_are_shortened(ax):
    plot_similarity(np.eye(2), ["x" * 100, "short"], ax=ax)
    first = ax.get_yticklabels()[0].get_text()
    assert len(first) == 32 and first.endswith("…")


# -- plot_embeddings --------------------------------------------------------------------------


def _reference_pca(x):
    xc = x - x.mean(axis=0)
    _, _, vt = np.linalg.svd(xc, full_matrices=False)
    return xc @ vt[:2].T


def test_pca_matches_svd_up_to_sign():
    rng = np.random.default_rng(0)
    for shape in ((50, 6), (5, 40)):  # tall (covariance path) and wide (SVD path)
        x = rng.standard_normal(shape) * np.linspace(3, 0.5, shape[1])
        got, ref = _pca(x), _reference_pca(x)
        for j in range(2):
            sign = np.sign(got[:, j] @ ref[:, j])
            np.testing.assert_allclose(got[:, j], sign * ref[:, j], atol=1e-8)
        # First component carries the most variance.
        assert got[:, 0].var() >= got[:, 1].var()


def test_embeddings_scatter_offsets_and_labels(ax):
    rng = np.random.default_rng(2)
    x = rng.standard_normal((8, 5))
    out = plot_embeddings(x, labels=[f"p{i}" for i in range(8)], ax=ax)
    assert out is ax
    (points,) = ax.collections
    np.testing.assert_allclose(points.get_offsets(), _pca(x))
    assert [t.get_text() for t in ax.texts] == [f"p{i}" for i in range(8)]
    assert ax.texts[3].xy == tuple(_pca(x)[3])
    assert ax.get_xlabel() == "PC1" and ax.get_ylabel() == "PC2"


def test_embeddings_categorical_colour_gets_a_legend(ax):
    x = np.array([[0, 0, 1], [0, 1, 1], [5, 5, 5], [5, 6, 5.0]])
    plot_embeddings(x, color=["cats", "cats", "money", "money"], ax=ax)
    colors = ax.collections[0].get_facecolors()
    assert np.allclose(colors[0], colors[1]) and not np.allclose(colors[0], colors[2])
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["cats", "money"]


def test_embeddings_numeric_colour_maps_values(ax):
    x = np.random.default_rng(3).standard_normal((6, 4))
    plot_embeddings(x, color=[0, 1, 2, 3, 4, 5], ax=ax)
    np.testing.assert_array_equal(ax.collections[0].get_array(), [0, 1, 2, 3, 4, 5])


def test_embeddings_tsne_runs_with_scikit_learn(ax):
    x = np.random.default_rng(4).standard_normal((12, 6))
    plot_embeddings(x, method="tsne", ax=ax)
    offsets = ax.collections[0].get_offsets()
    assert offsets.shape == (12, 2) and np.isfinite(offsets).all()
    assert ax.get_xlabel() == "t-SNE 1"


@pytest.mark.parametrize(
    ("method", "module", "package"),
    [("umap", "umap", "umap-learn"), ("tsne", "sklearn.manifold", "scikit-learn")],
)
def test_missing_optional_dependency_names_the_package(monkeypatch, ax, method, module, package):
    monkeypatch.setitem(sys.modules, module, None)  # makes `import module` raise ImportError
    with pytest.raises(ImportError, match=f"pip install {package}"):
        plot_embeddings(np.eye(4), method=method, ax=ax)


@pytest.mark.parametrize(
    ("args", "kwargs", "exc", "pattern"),
    [
        ((np.eye(3),), {"method": "mds"}, ValueError,
         "method must be one of 'pca', 'tsne', 'umap'"),
        ((np.ones((1, 3)),), {}, ValueError, "at least 2 vectors, got 1"),
        ((np.eye(3), ["a", "b"]), {}, ValueError, "labels must have one entry per vector: 2 for 3"),
        ((np.eye(3),), {"color": [1]}, ValueError, "color must have one entry per vector"),
        ((np.ones(3),), {}, ValueError, r"2-D \(n, d\), got shape \(3,\)"),
        (([[1.0, np.nan], [0, 1]],), {}, ValueError, "NaN"),
    ],
)
def test_embeddings_validation(ax, args, kwargs, exc, pattern):
    with pytest.raises(exc, match=pattern):
        plot_embeddings(*args, ax=ax, **kwargs)


def test_embeddings_from_texts(ax):
    texts = ["cats purr", "kittens purr softly", "stocks fell", "bond prices fell"]
    client = _emu_client()
    try:
        plot_embeddings(texts, labels=texts, ax=ax, client=client)
        vecs = client.embeddings.create(input=texts, model="text-embedding-3-small").to_numpy()
    finally:
        client.close()
    np.testing.assert_allclose(ax.collections[0].get_offsets(), _pca(vecs), atol=1e-6)


def test_import_stays_light():
    import subprocess

    code = ("import sys, lcoai_notebook.plotting, lcoai_notebook.embeddings; "
            "print(sorted(m for m in ('matplotlib', 'matplotlib.pyplot', 'pandas') "
            "if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


# -- labels from data are drawn literally, never as mathtext ----------------------------------

MATHY = ["$x^{$", "price $5 and $6", r"a\$b", "$$", "plain"]


def _drawn(text_artist):
    """What matplotlib draws for a Text: (string, is it mathtext)."""
    return text_artist._preprocess_math(text_artist.get_text())


def test_similarity_labels_and_title_with_dollars_draw_literally():
    fig = Figure()
    ax = fig.subplots()
    n = len(MATHY)
    plot_similarity(np.eye(n), MATHY, ax=ax)
    fig.canvas.draw()  # Agg: mathtext errors surface here
    assert [_drawn(t) for t in ax.get_yticklabels()] == [(s, False) for s in MATHY]
    assert [_drawn(t) for t in ax.get_xticklabels()] == [(s, False) for s in MATHY]


def test_similarity_from_texts_with_dollars_draws_literally():
    texts = ["$x^{$", "costs $5 or $6"]
    fig = Figure()
    ax = fig.subplots()
    with _emu_client() as client:
        plot_similarity(texts, ax=ax, client=client)
    fig.canvas.draw()
    assert [_drawn(t) for t in ax.get_yticklabels()] == [(s, False) for s in texts]
    assert _drawn(ax.title) == ("Cosine similarity (text-embedding-3-small)", False)


def test_embeddings_annotations_and_legend_with_dollars_draw_literally():
    fig = Figure()
    ax = fig.subplots()
    x = np.random.default_rng(4).standard_normal((len(MATHY), 3))
    plot_embeddings(x, labels=MATHY, color=["$a", "$a", "b$", "$c$", "$c$"], ax=ax)
    fig.canvas.draw()
    assert [_drawn(t) for t in ax.texts] == [(s, False) for s in MATHY]
    legend = [_drawn(t) for t in ax.get_legend().get_texts()]
    assert legend == [("$a", False), ("b$", False), ("$c$", False)]
