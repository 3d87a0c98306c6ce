"""The relay's admin page in Chromium: a learner's spend appears, pausing a seat stops it, the kill
switch stops everyone, the ledger exports, and the page needs the admin key."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import SHOTS

import lcoai_notebook as lco
from lcoai_notebook.emulator import DEFAULT_OPENAI_KEY, Emulator
from lcoai_notebook.relay import Relay

MESSAGES = [{"role": "user", "content": "Say something about lighthouses."}]


@pytest.fixture
def relay(tmp_path: Any) -> Iterator[Relay]:
    with Emulator(flavor="openai") as emu:
        r = Relay(upstream=emu.url, api_token=DEFAULT_OPENAI_KEY, flavor="openai", seats=4,
                  per_seat_usd=0.5, budget_usd=2.0, db=tmp_path / "relay.sqlite", port=0)
        with r:
            yield r


def _row(page: Any, seat: str) -> Any:
    return page.locator(f'#seats tbody tr[data-seat="{seat}"]')


def test_admin_page_shows_spend_pauses_a_seat_and_stops_everyone(page: Any, relay: Relay):
    one = lco.connect(relay=relay.url, seat=relay.seat_codes["seat-01"], max_retries=0)
    two = lco.connect(relay=relay.url, seat=relay.seat_codes["seat-02"], max_retries=0)
    try:
        page.goto(relay.admin_url)
        page.wait_for_selector('#seats tbody tr[data-seat="seat-04"]', timeout=30_000)
        assert "#key=" not in page.url  # the key left the address bar at once
        assert _row(page, "seat-01").locator("td.spent").inner_text() == "$0.00"

        reply = one.chat.completions.create(model="gpt-4o-mini", messages=MESSAGES,
                                            max_completion_tokens=80)
        assert reply.choices[0].message.content
        spent = relay.spend().loc["seat-01"].spent_usd
        assert spent > 0
        # The table refreshes by itself and shows the learner's spend and request.
        cells = _row(page, "seat-01").locator("td")
        page.wait_for_function(
            "() => document.querySelector('#seats tr[data-seat=\"seat-01\"] td.spent')"
            ".textContent !== '$0.00'", timeout=15_000)
        assert cells.nth(2).inner_text() == "1"
        assert cells.nth(6).inner_text() == f"${spent:.6f}"  # a few millionths of a dollar

        # Pause seat-01 from the page: its next request fails with the "paused" error.
        _row(page, "seat-01").get_by_role("button", name="Pause").click()
        page.wait_for_function(
            "() => document.querySelector('#seats tr[data-seat=\"seat-01\"]')"
            ".classList.contains('paused')", timeout=15_000)
        with pytest.raises(lco.PermissionDeniedError, match="This seat is paused"):
            one.chat.completions.create(model="gpt-4o-mini", messages=MESSAGES,
                                        max_completion_tokens=20)
        assert two.models.list()  # the others go on

        # The kill switch stops every seat; resuming brings them back.
        page.get_by_role("button", name="Pause all seats").click()
        page.wait_for_function("() => document.querySelector('#totals').textContent"
                               ".startsWith('ALL SEATS PAUSED')", timeout=15_000)
        with pytest.raises(lco.PermissionDeniedError, match="workshop relay is paused"):
            two.models.list()
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.locator("body").screenshot(path=str(SHOTS / "relay-admin.png"))
        page.get_by_role("button", name="Resume all seats").click()
        page.wait_for_function("() => !document.querySelector('#totals').textContent"
                               ".startsWith('ALL SEATS PAUSED')", timeout=15_000)
        assert two.models.list()
        _row(page, "seat-01").get_by_role("button", name="Resume").click()
        page.wait_for_function(
            "() => !document.querySelector('#seats tr[data-seat=\"seat-01\"]')"
            ".classList.contains('paused')", timeout=15_000)
        assert one.models.list()

        # Add budget to a seat from the page.
        page.fill("#amount", "1.25")
        _row(page, "seat-03").get_by_role("button", name="Add budget").click()
        page.wait_for_function(
            "() => document.querySelector('#seats tr[data-seat=\"seat-03\"] td.budget')"
            ".textContent === '$1.75'", timeout=15_000)

        # Export the ledger as CSV.
        with page.expect_download() as download:
            page.get_by_role("button", name="Export ledger (CSV)").click()
        csv_text = Path(download.value.path()).read_text("utf-8")
        assert csv_text.startswith("id,seat,") and re.search(r"\nseat-01,|,seat-01,", csv_text)
        assert page.errors.real() == []
    finally:
        one.close()
        two.close()


def test_admin_page_needs_the_key(page: Any, relay: Relay):
    page.goto(relay.url + "/admin")
    page.wait_for_selector("#login:not([hidden])", timeout=15_000)
    assert page.locator("#seats tbody tr").count() == 0
    page.fill("#key", relay.seat_codes["seat-01"])  # a seat code does not open it
    page.click("#login button")
    page.wait_for_function("() => document.querySelector('#totals').textContent"
                           ".includes('not accepted')", timeout=15_000)
    assert page.locator("#panel").is_hidden()
    page.fill("#key", relay.store.admin_key)
    page.click("#login button")
    page.wait_for_selector('#seats tbody tr[data-seat="seat-01"]', timeout=15_000)
    # The 401 of the refused attempt is the only console error, and it was expected.
    assert [e for e in page.errors.real() if "401" not in e] == []
