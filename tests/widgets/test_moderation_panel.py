"""ModerationChecker headless: its twin and gestures against the emulator (sync and async), plus
a scripted client where a test needs flagged rows it controls.

The emulator's lexicon is being tuned elsewhere: these tests compare the panel with the client's
own moderation response, never with particular scores.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from html.parser import HTMLParser
from typing import Any

import numpy as np
import pandas as pd
import pytest
from _html import live_markup, parse

from lcoai_notebook._exceptions import InternalServerError
from lcoai_notebook._models import ModerationResponse
from lcoai_notebook.emulator import Emulator
from lcoai_notebook.widgets import moderation as mod
from lcoai_notebook.widgets.moderation import ModerationChecker

PNG = b"\x89PNG\r\n\x1a\n"
PAYLOADS = ['<script>window.__xss1=1</script>', '<img src=x onerror="window.__xss2=1">',
            "$x^{$", '<iframe srcdoc="<script>parent.__xss3=1</script>"></iframe>']
TEXTS = ["I love puppies and sunny walks.", "The meeting moved to Tuesday.",
         "Thanks for the lovely dinner!"]


@pytest.fixture(scope="module")
def emu() -> Emulator:
    return Emulator()


@pytest.fixture(params=["sync", "async"])
def client(request: pytest.FixtureRequest, emu: Emulator) -> Any:
    return emu.client() if request.param == "sync" else emu.async_client()


class ScriptedModeration:
    """A sync client whose moderation scores are set per text by the test; records requests.

    Its categories come in an order of its own (not the emulator's), so a test can see that the
    panel takes the order from the response."""

    CATEGORIES = ("violence", "hate", "self-harm", "sexual")

    def __init__(self, flagged: dict[str, str] | None = None) -> None:
        # text -> the category the "service" flags for it
        self.flagged = flagged or {}
        self.requests: list[list[str]] = []
        self.moderations = self

    def create(self, *, input: Any, model: str | None = None) -> ModerationResponse:
        texts = [input] if isinstance(input, str) else list(input)
        self.requests.append(texts)
        results = []
        for i, text in enumerate(texts):
            hit = self.flagged.get(text)
            scores = {c: round(0.001 * (j + 1) + 0.0001 * i, 6)
                      for j, c in enumerate(self.CATEGORIES)}
            if hit:
                scores[hit] = 0.91
            results.append({"flagged": hit is not None,
                            "categories": {c: c == hit for c in self.CATEGORIES},
                            "category_scores": scores})
        return ModerationResponse({"id": "modr-1", "model": model or "omni-moderation-latest",
                                   "results": results})


class _Rows(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.rows: list[tuple[dict[str, str | None], list[str]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "tr":
            self.rows.append((dict(attrs), []))
        elif tag == "td" and self.rows:
            self.rows[-1][1].append("")

    def handle_data(self, data: str) -> None:
        if self.rows and self.rows[-1][1]:
            self.rows[-1][1][-1] += data


def _rows(html: str) -> list[tuple[dict[str, str | None], list[str]]]:
    """The table's body rows: (attributes of <tr>, cell texts); the header row has no <td>."""
    reader = _Rows()
    reader.feed(html)
    reader.close()
    return [r for r in reader.rows if r[1]]


# -- the twin against the emulator ------------------------------------------------------------


def test_check_returns_the_clients_scores_as_a_dataframe(client: Any, emu: Emulator) -> None:
    checker = ModerationChecker(client)
    texts = [*TEXTS, "I will hurt you."]
    df = checker.check(texts)

    expected = emu.client().moderations.create(input=texts, model="omni-moderation-latest")
    results = expected.to_dict()["results"]
    categories = list(results[0]["category_scores"])
    assert len(categories) == 13
    assert list(df.columns) == ["input", "flagged", *categories]
    assert df.shape == (len(texts), 2 + 13)
    assert df["input"].tolist() == texts
    assert df["flagged"].dtype == np.dtype(bool)
    assert all(df[c].dtype == np.dtype("float64") for c in categories)
    assert df["flagged"].tolist() == [r["flagged"] for r in results]
    for i, r in enumerate(results):
        assert df.loc[i, categories].tolist() == [r["category_scores"][c] for c in categories]
    assert checker.results is df
    assert checker.selected in range(len(texts))
    assert not checker.busy and checker.error == ""


def test_table_marks_exactly_the_flagged_rows_and_escapes_cells() -> None:
    fake = ScriptedModeration({"second": "hate", "fourth": "violence"})
    checker = ModerationChecker(fake)
    df = checker.check(["first", "second", "third", "fourth"])

    rows = _rows(checker.table.value)
    assert len(rows) == 4
    marked = [i for i, (attrs, _cells) in enumerate(rows)
              if "lco-flagged" in (attrs.get("class") or "").split()]
    assert marked == [1, 3] == df.index[df["flagged"]].tolist()
    # Columns follow the response's own category order.
    assert list(df.columns[2:]) == list(ScriptedModeration.CATEGORIES)
    # Cells: number, input, flagged, then the formatted scores.
    assert rows[1][1][:3] == ["2", "second", "yes"]
    assert rows[1][1][3 + ScriptedModeration.CATEGORIES.index("hate")] == "0.910"
    # The first flagged input is selected and drawn.
    assert checker.selected == 1
    assert bytes(checker.chart.value).startswith(PNG)


def test_chart_distinguishes_the_categories_the_api_flagged() -> None:
    fake = ScriptedModeration({"bad": "self-harm"})
    checker = ModerationChecker(fake)
    checker.check(["fine", "bad"])
    checker.selected = 1
    fig = checker._chart_figure(1)
    bars = fig.axes[0].patches[:len(ScriptedModeration.CATEGORIES)]
    hit = ScriptedModeration.CATEGORIES.index("self-harm")
    assert [b.get_width() for b in bars] == pytest.approx(
        [float(checker.results.loc[1, c]) for c in ScriptedModeration.CATEGORIES])
    # The flagged bar differs from every other in colour and hatch.
    assert bars[hit].get_hatch() and not any(b.get_hatch() for i, b in enumerate(bars)
                                             if i != hit)
    assert all(bars[hit].get_facecolor() != b.get_facecolor()
               for i, b in enumerate(bars) if i != hit)
    # A clean input has no flagged bar, whatever its scores.
    assert not any(b.get_hatch() for b in checker._chart_figure(0).axes[0].patches[:4])
    before = bytes(checker.chart.value)
    checker.selected = 0
    assert bytes(checker.chart.value).startswith(PNG) and bytes(checker.chart.value) != before
    with pytest.raises(ValueError, match="selected"):
        checker.selected = 2


def test_dataframe_column_in_through_check_and_through_the_constructor(emu: Emulator) -> None:
    df = pd.DataFrame({"comment": ["Great product.", "Line one\nline two of one comment",
                                   "Arrived late."], "stars": [5, 3, 2]})
    client = emu.client()
    out = ModerationChecker(client).check(df["comment"])
    assert out["input"].tolist() == df["comment"].tolist()

    # The constructor path: texts shown in the box (one per line), Check sends them whole.
    checker = ModerationChecker(client, texts=df["comment"])
    assert checker.text_input.value.splitlines() == [
        "Great product.", "Line one line two of one comment", "Arrived late."]
    checker.check_button.click()
    assert checker.error == ""
    assert checker.results["input"].tolist() == df["comment"].tolist()
    expected = client.moderations.create(input=df["comment"].tolist())
    assert checker.results["flagged"].tolist() == [r["flagged"] for r in
                                                   expected.to_dict()["results"]]

    # Typing replaces the loaded texts: the box's lines are checked.
    checker.text_input.value = "alpha\n\n  \nbeta"
    checker.check_button.click()
    assert checker.results["input"].tolist() == ["alpha", "beta"]


def test_untrusted_texts_show_escaped_and_draw(client: Any) -> None:
    checker = ModerationChecker(client)
    df = checker.check(PAYLOADS)
    assert df["input"].tolist() == PAYLOADS
    html = checker.table.value
    assert live_markup(html) == []
    shown = "".join(parse(html).text)
    for payload in PAYLOADS:
        assert payload in shown  # as text, not markup
    # Every input's chart draws (mathtext would choke on an unescaped "$x^{$").
    for row in range(len(PAYLOADS)):
        checker.selected = row
        assert bytes(checker.chart.value).startswith(PNG)
    labels = [label for label, _ in checker.selector.options]
    assert any("<script>" in label for label in labels)  # a Dropdown label is inert text
    assert "<script>" not in checker._text_summary().split("\n")[0]


def test_check_button_runs_as_a_task_on_the_running_loop(emu: Emulator) -> None:
    checker = ModerationChecker(emu.async_client())
    ticks: list[int] = []

    async def gesture() -> None:
        checker.text_input.value = "\n".join(TEXTS)
        checker.check_button.click()
        task = checker.runner.task
        assert task is not None
        while not task.done():  # the kernel's loop stays free while the check runs
            ticks.append(1)
            await asyncio.sleep(0)
        await task

    asyncio.run(gesture())
    assert ticks and checker.results["input"].tolist() == TEXTS
    assert not checker.check_button.disabled and checker.error == ""


# -- chunks, errors, input checks ---------------------------------------------------------------


def test_many_texts_go_in_chunks_with_progress() -> None:
    fake = ScriptedModeration({"text 40": "violence"})
    checker = ModerationChecker(fake)
    seen: list[str] = []
    checker._status.observe(lambda c: seen.append(c["new"]), names="value")
    texts = [f"text {i}" for i in range(70)]
    df = checker.check(texts)
    assert [len(r) for r in fake.requests] == [32, 32, 6]
    assert [t for r in fake.requests for t in r] == texts
    assert df["input"].tolist() == texts and df.index[df["flagged"]].tolist() == [40]
    progress = ["".join(parse(s).text) for s in seen if "of 70" in s]
    assert progress == ["⏳ checking texts 1–32 of 70…", "⏳ checking texts 33–64 of 70…",
                        "⏳ checking texts 65–70 of 70…"]
    assert checker._status.value == ""  # cleared when done


def test_chunks_respect_the_character_budget() -> None:
    big = "x" * (mod.MAX_CHARS_PER_REQUEST // 2 + 1)
    assert mod._chunks([big, big, "a", big]) == [(0, 1), (1, 3), (3, 4)]
    assert mod._chunks(["a"] * 33) == [(0, 32), (32, 33)]


def test_fault_shows_one_line_and_keeps_the_typed_text(emu: Emulator) -> None:
    faulty = emu.client(default_headers={"X-Emulator-Fault": "status=500"}, max_retries=0)
    checker = ModerationChecker(faulty)
    checker.text_input.value = "first line\nsecond line"
    checker.check_button.click()
    assert "500" in checker.error and "\n" not in checker.error
    assert "500" in "".join(parse(checker._error_line.value).text)
    assert checker.text_input.value == "first line\nsecond line"
    assert checker.results is None and not checker.busy
    assert not checker.check_button.disabled
    with pytest.raises(InternalServerError):
        checker.check()
    assert checker.text_input.value == "first line\nsecond line"


def test_async_fault_is_shown_too(emu: Emulator) -> None:
    faulty = emu.async_client(default_headers={"X-Emulator-Fault": "status=500"}, max_retries=0)
    checker = ModerationChecker(faulty)
    with pytest.raises(InternalServerError):
        checker.check(["one", "two"])
    assert "500" in checker.error
    assert checker.text_input.value == "one\ntwo"


@pytest.mark.parametrize(("texts", "error", "match"), [
    (42, TypeError, "texts must be"),
    (["fine", None], TypeError, r"texts\[1\].*missing"),
    ([], ValueError, "texts is empty"),
    (pd.DataFrame({"a": ["x"]}), TypeError, "one column"),
])
def test_bad_texts_raise_before_any_request(texts: Any, error: type, match: str) -> None:
    fake = ScriptedModeration()
    checker = ModerationChecker(fake)
    with pytest.raises(error, match=match):
        checker.check(texts)
    assert fake.requests == [] and checker.error


def test_empty_box_asks_for_text_and_sends_nothing() -> None:
    fake = ScriptedModeration()
    checker = ModerationChecker(fake)
    checker.check_button.click()
    assert fake.requests == [] and "one text per line" in checker._error_line.value
    with pytest.raises(ValueError, match="texts"):
        checker.check()


def test_model_picker_offers_current_moderation_models(emu: Emulator) -> None:
    checker = ModerationChecker(emu.client(), today=dt.date(2026, 12, 1))
    assert checker.model == "omni-moderation-latest"
    assert "omni-moderation-latest" in checker.model_picker.options
    assert "text-moderation-latest" not in checker.model_picker.options  # shut down 2025-10-27
    checker.model_picker.value = "omni-moderation-2024-09-26"
    checker.check(["hello"])
    assert len(checker.results) == 1
    # The table marks text-moderation-latest shut down: never offered, whatever the date.
    assert mod.moderation_models(dt.date(2025, 1, 1)) == [
        "omni-moderation-latest", "omni-moderation-2024-09-26"]
    with pytest.raises(TypeError, match="model"):
        ModerationChecker(emu.client(), model=None)  # type: ignore[arg-type]


def test_text_summary_for_nbconvert() -> None:
    fake = ScriptedModeration({"you are awful": "hate"})
    checker = ModerationChecker(fake)
    assert checker._text_summary().startswith("ModerationChecker · nothing checked yet")
    checker.check(["hello", "you are awful", "bye"])
    summary = checker._text_summary()
    assert summary.splitlines()[0].startswith("ModerationChecker · 3 inputs, 1 flagged")
    assert "'you are awful' — hate 0.910" in summary
    bundle = checker._repr_mimebundle_()
    assert bundle["text/plain"] == summary
