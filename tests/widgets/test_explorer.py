"""EmbeddingExplorer headless: its twins and gestures against the emulator (sync and async).

The emulator's embeddings are being tuned elsewhere: rankings are compared with ``lco.search``
and vectors with the client's own, never with particular neighbours or scores.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Any

import numpy as np
import pandas as pd
import pytest
from _html import live_markup, parse

import lcoai_notebook as lco
from lcoai_notebook._exceptions import InternalServerError
from lcoai_notebook.emulator import Emulator
from lcoai_notebook.widgets import explorer as ex
from lcoai_notebook.widgets.explorer import EmbeddingExplorer

PNG = b"\x89PNG\r\n\x1a\n"
TEXTS = ["A cat sleeps on the warm windowsill.", "Kittens purr when they are happy.",
         "The central bank raised interest rates.", "Stocks fell after the earnings report.",
         "Fresh basil makes the pasta sauce.", "Slow-cooked tomato sauce for spaghetti."]
PAYLOADS = ['<script>window.__xss1=1</script>', '<img src=x onerror="window.__xss2=1">',
            "$x^{$", '<a href="javascript:window.__xss3=1">x</a>']


@pytest.fixture(scope="module")
def emu() -> Emulator:
    return Emulator()


def _recording(client: Any) -> list[list[str]]:
    """Record the inputs of every embeddings request ``client`` sends (sync client)."""
    calls: list[list[str]] = []
    original = client.embeddings.create

    def create(**kw: Any) -> Any:
        calls.append(list(kw["input"]))
        return original(**kw)

    client.embeddings.create = create
    return calls


# -- ranking and vectors ----------------------------------------------------------------------


@pytest.mark.parametrize(("model", "dimensions"), [("text-embedding-3-small", None),
                                                   ("text-embedding-3-large", 256)])
def test_query_ranks_exactly_as_lco_search(emu: Emulator, model: str,
                                           dimensions: int | None) -> None:
    client = emu.client()
    panel = EmbeddingExplorer(client, model=model, dimensions=dimensions)
    assert panel.add_texts(TEXTS) == len(TEXTS)
    for query, k in (("pets that purr", 3), ("what to cook for dinner", 5),
                     ("money markets", 10)):
        got = panel.query(query, k=k)
        expected = lco.search(query, TEXTS, k=k, client=client, model=model,
                              dimensions=dimensions)
        pd.testing.assert_frame_equal(got, expected)
        assert list(got.columns) == ["text", "score", "rank"]
    assert panel.results is got
    width = dimensions or {"text-embedding-3-small": 1536, "text-embedding-3-large": 3072}[model]
    assert panel.vectors.shape == (len(TEXTS), width)
    np.testing.assert_array_equal(
        panel.vectors, lco.embed(TEXTS, client, model, dimensions))
    # The page lists the same ranking, escaped, in a table.
    rows = _cells(panel.results_html.value)
    assert [r[2] for r in rows] == got["text"].tolist()
    assert [r[0] for r in rows] == [str(r) for r in got["rank"]]


def _cells(html: str) -> list[list[str]]:
    from html.parser import HTMLParser

    rows: list[list[str]] = []

    class Rows(HTMLParser):
        cell = False

        def handle_starttag(self, tag: str, attrs: Any) -> None:
            if tag == "tr":
                rows.append([])
            elif tag == "td":
                rows[-1].append("")
                self.cell = True

        def handle_endtag(self, tag: str) -> None:
            if tag == "td":
                self.cell = False

        def handle_data(self, data: str) -> None:
            if self.cell:
                rows[-1][-1] += data

    Rows(convert_charrefs=True).feed(html)
    return [r for r in rows if r]


def test_async_client_builds_the_same_matrix_and_ranking(emu: Emulator) -> None:
    sync = emu.client()
    panel = EmbeddingExplorer(emu.async_client(), dimensions=512)
    panel.add_texts(TEXTS)
    assert panel.vectors.dtype == np.float32 and panel.vectors.shape == (len(TEXTS), 512)
    # Float JSON on this path, base64 in embed(): the same numbers either way.
    np.testing.assert_allclose(panel.vectors, lco.embed(TEXTS, sync, dimensions=512),
                               rtol=0, atol=1e-6)
    got = panel.query("a sleepy cat", k=4)
    expected = lco.search("a sleepy cat", TEXTS, k=4, client=sync, dimensions=512)
    assert got.index.tolist() == expected.index.tolist()
    assert got["text"].tolist() == expected["text"].tolist()
    np.testing.assert_allclose(got["score"], expected["score"], atol=1e-5)
    # This path sees the responses, so it counts their tokens.
    assert panel.usage["total_tokens"] > 0
    assert not panel.busy and panel.error == ""


def test_add_texts_from_a_series_embeds_only_new_texts(emu: Emulator) -> None:
    client = emu.client()
    calls = _recording(client)
    panel = EmbeddingExplorer(client)
    df = pd.DataFrame({"title": TEXTS[:4], "n": range(4)})
    assert panel.add_texts(df["title"]) == 4
    assert calls == [TEXTS[:4]]
    # Held texts are skipped; only the new ones are sent.
    assert panel.add_texts(pd.Series([TEXTS[1], TEXTS[4], TEXTS[4], TEXTS[5]])) == 6
    assert calls[1:] == [[TEXTS[4], TEXTS[5]]]
    assert panel.texts == TEXTS
    assert panel.vectors.shape == (6, 1536) and panel.vectors.dtype == np.float32
    np.testing.assert_array_equal(panel.vectors, lco.embed(TEXTS, emu.client()))
    # Nothing new: no request, same count.
    assert panel.add_texts([TEXTS[0]]) == 6 and len(calls) == 2


def test_typed_texts_are_added_by_the_button_and_the_box_empties(emu: Emulator) -> None:
    panel = EmbeddingExplorer(emu.client())
    panel.text_input.value = f"{TEXTS[0]}\n\n   \n{TEXTS[2]}\n"
    panel.add_button.click()
    assert panel.texts == [TEXTS[0], TEXTS[2]] and panel.error == ""
    assert panel.text_input.value == ""
    panel.query_input.value = "cats"
    panel.search_button.click()
    assert panel.results is not None and panel.results["rank"].tolist() == [1, 2]


def test_add_button_runs_as_a_task_on_the_running_loop(emu: Emulator) -> None:
    panel = EmbeddingExplorer(emu.async_client())
    ticks: list[int] = []

    async def gesture() -> None:
        panel.text_input.value = "\n".join(TEXTS[:3])
        panel.add_button.click()
        task = panel.runner.task
        assert task is not None
        while not task.done():  # embedding and drawing leave the loop free
            ticks.append(1)
            await asyncio.sleep(0)
        await task

    asyncio.run(gesture())
    assert ticks and panel.texts == TEXTS[:3] and panel.vectors.shape == (3, 1536)
    assert bytes(panel.map_image.value).startswith(PNG) and not panel.add_button.disabled


def test_twins_give_tasks_to_await_for_an_async_client_in_a_running_loop(emu: Emulator) -> None:
    panel = EmbeddingExplorer(emu.async_client(), dimensions=256)

    async def cell() -> tuple[int, pd.DataFrame, int]:
        held = await panel.add_texts(TEXTS)
        frame = await panel.query("pasta for dinner", k=3)
        width = await panel.set_model("text-embedding-3-large", dimensions=512)
        return held, frame, width

    held, frame, width = asyncio.run(cell())
    assert held == len(TEXTS) and width == 512 and panel.vectors.shape == (len(TEXTS), 512)
    expected = lco.search("pasta for dinner", TEXTS, k=3, client=emu.client(), dimensions=256)
    assert frame.index.tolist() == expected.index.tolist()


def test_model_and_dimension_changes_re_embed_everything(emu: Emulator) -> None:
    client = emu.client()
    calls = _recording(client)
    panel = EmbeddingExplorer(client, texts=TEXTS[:3])
    assert panel.vectors.shape == (3, 1536)
    assert panel.dimensions_picker.options[0][1] is None
    assert [v for _, v in panel.dimensions_picker.options][1:] == [256, 512, 1024, 1536]

    panel.dimensions_picker.value = 256
    assert panel.vectors.shape == (3, 256) and panel.dimensions == 256
    assert calls[-1] == TEXTS[:3]
    np.testing.assert_array_equal(panel.vectors, lco.embed(TEXTS[:3], emu.client(),
                                                           dimensions=256))

    panel.model_picker.value = "text-embedding-3-large"
    assert [v for _, v in panel.dimensions_picker.options][1:] == [256, 512, 1024, 1536, 3072]
    assert panel.model == "text-embedding-3-large" and panel.vectors.shape == (3, 256)
    panel.dimensions_picker.value = None
    assert panel.vectors.shape == (3, 3072)

    panel.model_picker.value = "text-embedding-ada-002"
    assert panel.dimensions is None and panel.dimensions_picker.disabled
    assert panel.vectors.shape == (3, 1536)
    np.testing.assert_array_equal(panel.vectors, lco.embed(
        TEXTS[:3], emu.client(), "text-embedding-ada-002"))
    assert len(calls) == 5 and all(c == TEXTS[:3] for c in calls)

    # The twin does the same and reports the new width.
    assert panel.set_model("text-embedding-3-small", dimensions=1024) == 1024
    assert panel.model_picker.value == "text-embedding-3-small"
    assert panel.dimensions_picker.value == 1024


def test_maps_and_heatmap_follow_the_texts(emu: Emulator) -> None:
    panel = EmbeddingExplorer(emu.client())
    assert panel.map_image.value == b"" and "at least two" in panel.plot_note.value
    panel.add_texts(TEXTS[:1])
    assert panel.map_image.value == b"" and "One text" in panel.plot_note.value
    panel.add_texts(TEXTS[1:])
    first_map = bytes(panel.map_image.value)
    assert first_map.startswith(PNG) and bytes(panel.heatmap_image.value).startswith(PNG)
    assert panel.plot_note.value == ""
    panel.add_texts([f"note number {i} about topic {i % 7}" for i in range(40)])
    assert len(panel.texts) == 46
    assert bytes(panel.map_image.value).startswith(PNG) and bytes(panel.map_image.value) != \
        first_map
    assert panel.heatmap_image.value == b"" and panel.heatmap_image.layout.display == "none"
    note = "".join(parse(panel.plot_note.value).text)
    assert "46 texts" in note and f"up to {ex.HEATMAP_MAX}" in note
    panel.clear()
    assert panel.texts == [] and panel.vectors.shape == (0, 0) and panel.map_image.value == b""


def test_untrusted_texts_show_escaped_and_draw(emu: Emulator) -> None:
    panel = EmbeddingExplorer(emu.async_client())
    panel.add_texts([*PAYLOADS, *TEXTS[:2]])
    assert bytes(panel.map_image.value).startswith(PNG)
    assert bytes(panel.heatmap_image.value).startswith(PNG)
    got = panel.query('<img src=x onerror="window.__xss9=1"> $x^{$', k=len(PAYLOADS) + 2)
    html = panel.results_html.value
    assert live_markup(html) == []
    shown = "".join(parse(html).text)
    for payload in PAYLOADS:
        assert payload in shown
    assert sorted(got["text"]) == sorted([*PAYLOADS, *TEXTS[:2]])
    assert live_markup(panel.plot_note.value) == []


# -- errors and input checks --------------------------------------------------------------------


def test_fault_shows_one_line_and_keeps_the_typed_text(emu: Emulator) -> None:
    faulty = emu.client(default_headers={"X-Emulator-Fault": "status=500"}, max_retries=0)
    panel = EmbeddingExplorer(faulty)
    panel.text_input.value = "first text\nsecond text"
    panel.add_button.click()
    assert "500" in panel.error and "\n" not in panel.error
    assert "500" in "".join(parse(panel._error_line.value).text)
    assert panel.text_input.value == "first text\nsecond text"
    assert panel.texts == [] and not panel.busy and not panel.add_button.disabled
    with pytest.raises(InternalServerError):
        panel.add_texts(["first text"])
    assert panel.texts == []

    # A failing query keeps the query and the earlier results.
    good = EmbeddingExplorer(emu.client(), texts=TEXTS)
    before = good.query("cats", k=2)
    good.client = faulty  # the service starts failing
    good.query_input.value = "tomato sauce"
    good.search_button.click()
    assert "500" in good.error and good.query_input.value == "tomato sauce"
    assert good.results is before and "cats" in good.results_html.value


def test_failed_model_switch_keeps_the_old_vectors(emu: Emulator) -> None:
    panel = EmbeddingExplorer(emu.async_client(), texts=TEXTS[:3])
    old = panel.vectors.copy()
    panel.client = emu.async_client(default_headers={"X-Emulator-Fault": "status=500"},
                                    max_retries=0)
    panel.model_picker.value = "text-embedding-3-large"
    assert "500" in panel.error
    assert panel.model == "text-embedding-3-small" and panel.model_picker.value == panel.model
    np.testing.assert_array_equal(panel.vectors, old)


@pytest.mark.parametrize(("kwargs", "error", "match"), [
    ({"dimensions": 4096}, ValueError, "dimensions must be None or between 1 and 1536"),
    ({"model": "text-embedding-ada-002", "dimensions": 256}, ValueError,
     "dimensions must be None for text-embedding-ada-002"),
    ({"dimensions": "256"}, TypeError, "dimensions must be None or an int"),
    ({"model": 3}, TypeError, "model must be"),
    ({"texts": [TEXTS[0], ""]}, ValueError, r"texts\[1\] is empty"),
    ({"texts": pd.Series(["a", None])}, TypeError, r"texts\[1\].*missing"),
])
def test_bad_arguments_raise_before_any_request(emu: Emulator, kwargs: dict[str, Any],
                                                error: type, match: str) -> None:
    with pytest.raises(error, match=match):
        EmbeddingExplorer(emu.client(), **kwargs)


def test_bad_queries_raise_naming_the_parameter(emu: Emulator) -> None:
    client = emu.client()
    calls = _recording(client)
    panel = EmbeddingExplorer(client)
    with pytest.raises(ValueError, match="add_texts"):
        panel.query("anything")
    panel.add_texts(TEXTS[:2])
    sent = len(calls)
    for text, k, match in (("", 5, "text must be"), ("ok", 0, "k must be"),
                           (5, 5, "text must be a str")):
        with pytest.raises((TypeError, ValueError), match=match):
            panel.query(text, k=k)  # type: ignore[arg-type]
        assert panel.error
    assert len(calls) == sent
    with pytest.raises(ValueError, match="dimensions"):
        panel.set_model("text-embedding-ada-002", dimensions=512)


def test_pickers_offer_current_embedding_models(emu: Emulator) -> None:
    panel = EmbeddingExplorer(emu.client(), today=dt.date(2026, 12, 1))
    assert panel.model_picker.options == tuple(ex.embedding_models(dt.date(2026, 12, 1)))
    assert {"text-embedding-3-small", "text-embedding-3-large",
            "text-embedding-ada-002"} <= set(panel.model_picker.options)
    assert ex.dimension_options("text-embedding-ada-002") == [None]
    assert ex.dimension_options("some-future-embedder") == [None]


def test_text_summary_for_nbconvert(emu: Emulator) -> None:
    panel = EmbeddingExplorer(emu.client(), dimensions=256)
    assert panel._text_summary() == "EmbeddingExplorer · 0 texts · text-embedding-3-small"
    panel.add_texts(TEXTS)
    best = panel.query("purring kittens", k=1)
    summary = panel._text_summary()
    lines = summary.splitlines()
    assert lines[0] == "EmbeddingExplorer · 6 texts · text-embedding-3-small (256 dimensions)"
    assert f"nearest {best['text'].iat[0]!r}" in lines[-1]
    assert panel._repr_mimebundle_()["text/plain"] == summary
