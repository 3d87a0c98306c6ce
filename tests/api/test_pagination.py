"""Cursor pagination: every item exactly once, sync and async; manual paging; safety stops."""

from __future__ import annotations

import asyncio

import pytest
from _fake_requester import FakeRequester

from lcoai_notebook._exceptions import APIResponseValidationError, NotFoundError
from lcoai_notebook._http import RequestSpec
from lcoai_notebook._models import Result
from lcoai_notebook._pagination import AsyncPage, AsyncPager, SyncPage, paginate
from lcoai_notebook.api.fine_tuning import FineTuning

ITEMS = [{"id": f"ftjob-{i:03d}", "object": "fine_tuning.job", "n": i} for i in range(45)]


def list_server(items=ITEMS):
    """A handler paging ``items`` as OpenAI does: ``limit`` (default 20) after the ``after`` id."""

    def handler(spec):
        limit = int(spec.query.get("limit", 20))
        start = 0
        if "after" in spec.query:
            start = next(i for i, it in enumerate(items) if it["id"] == spec.query["after"]) + 1
        page = items[start:start + limit]
        return {
            "object": "list", "data": page, "has_more": start + limit < len(items),
            "first_id": page[0]["id"] if page else None,
            "last_id": page[-1]["id"] if page else None,
        }

    return handler


def test_sync_iterates_45_items_exactly_once_in_three_requests():
    req = FakeRequester(list_server())
    jobs = FineTuning(req).jobs.list(limit=20)
    assert isinstance(jobs, SyncPage)
    assert len(req.specs) == 1  # the first page is fetched by list() itself
    ids = [job.id for job in jobs]
    assert ids == [it["id"] for it in ITEMS]
    assert len(req.specs) == 3
    assert [s.query.get("after") for s in req.specs] == [None, "ftjob-019", "ftjob-039"]
    assert all(s.query["limit"] == 20 for s in req.specs)
    assert all(isinstance(job, Result) for job in jobs.data)


def test_async_iterates_45_items_exactly_once():
    req = FakeRequester(list_server(), is_async=True)

    async def main():
        pager = FineTuning(req).jobs.list(limit=20)
        assert isinstance(pager, AsyncPager)
        assert req.specs == []  # nothing is sent before it is awaited or iterated
        return [job.id async for job in pager]

    ids = asyncio.run(main())
    assert ids == [it["id"] for it in ITEMS]
    assert len(req.specs) == 3


def test_async_pager_can_be_iterated_again_and_concurrently():
    req = FakeRequester(list_server(), is_async=True)
    pager = FineTuning(req).jobs.list(limit=20)

    async def collect():
        return [job.id async for job in pager]

    async def main():
        first = await collect()
        both = await asyncio.gather(collect(), collect())
        page = await pager
        return first, both, [job.id async for job in page]

    first, both, from_page = asyncio.run(main())
    expected = [it["id"] for it in ITEMS]
    assert first == both[0] == both[1] == from_page == expected
    assert len(req.specs) == 3 * 3 + 1 + 2  # each walk fetches its own pages


def test_async_pager_awaits_to_first_page_and_pages_manually():
    req = FakeRequester(list_server(), is_async=True)

    async def main():
        page = await FineTuning(req).jobs.list(limit=20)
        assert isinstance(page, AsyncPage)
        sizes = [len(page.data)]
        while page.has_next_page():
            page = await page.get_next_page()
            sizes.append(len(page.data))
        assert not page.has_more
        with pytest.raises(RuntimeError, match="no next page"):
            await page.get_next_page()
        first = await FineTuning(req).jobs.list(limit=20).first_page()
        pages = [p async for p in first.iter_pages()]
        return sizes, [len(p.data) for p in pages]

    sizes, sizes2 = asyncio.run(main())
    assert sizes == [20, 20, 5] and sizes2 == [20, 20, 5]


def test_sync_manual_paging_api():
    req = FakeRequester(list_server())
    page = FineTuning(req).jobs.list(limit=20)
    assert page.first_page() is page
    assert page.has_more and page.has_next_page()
    assert page.first_id == "ftjob-000" and page.last_id == "ftjob-019"
    second = page.next_page()
    assert [j.n for j in second.data] == list(range(20, 40))
    third = second.get_next_page()
    assert len(third.data) == 5 and not third.has_next_page()
    with pytest.raises(RuntimeError):
        third.get_next_page()
    assert [len(p.data) for p in page.iter_pages()] == [20, 20, 5]
    assert page.to_dict()["data"][0] == ITEMS[0]
    assert "n=20" in repr(page)


def test_iterating_a_later_page_continues_from_it():
    req = FakeRequester(list_server())
    second = FineTuning(req).jobs.list(limit=20).next_page()
    assert [j.n for j in second] == list(range(20, 45))


def test_break_early_fetches_no_more_pages():
    req = FakeRequester(list_server())
    for i, _job in enumerate(FineTuning(req).jobs.list(limit=20)):
        if i == 3:
            break
    assert len(req.specs) == 1


@pytest.mark.parametrize("body", [
    {"object": "list", "data": [], "has_more": True},
    {"object": "list", "data": [{"no_id": 1}], "has_more": True},
])
def test_has_more_without_a_cursor_stops_instead_of_looping(body):
    req = FakeRequester(lambda spec: body)
    assert len(list(FineTuning(req).jobs.list())) == len(body["data"])
    assert len(req.specs) == 1


def test_same_cursor_twice_stops():
    body = {"object": "list", "data": [{"id": "a"}], "has_more": True}
    req = FakeRequester(lambda spec: body)
    assert [x.id for x in FineTuning(req).jobs.list()] == ["a", "a"]
    assert len(req.specs) == 2


def test_has_more_missing_means_last_page():
    req = FakeRequester(lambda spec: {"object": "list", "data": ITEMS[:3]})
    assert len(list(FineTuning(req).jobs.list())) == 3


def test_non_list_body_is_a_validation_error():
    req = FakeRequester(lambda spec: {"object": "fine_tuning.job", "id": "x"})
    with pytest.raises(APIResponseValidationError, match="data"):
        FineTuning(req).jobs.list()


def test_errors_propagate_sync_and_async():
    def boom(spec):
        raise NotFoundError("nope", status_code=404)

    with pytest.raises(NotFoundError):
        FineTuning(FakeRequester(boom)).jobs.list()

    async def main():
        async for _ in FineTuning(FakeRequester(boom, is_async=True)).jobs.list():
            pass

    with pytest.raises(NotFoundError):
        asyncio.run(main())


def test_paginate_keeps_the_callers_query_and_headers():
    req = FakeRequester(list_server())
    spec = RequestSpec("GET", "/fine_tuning/jobs", query={"limit": 20, "x": "1"},
                       headers={"H": "v"})
    items = list(paginate(req, spec, item_cast=lambda d: d["id"]))
    assert items == [it["id"] for it in ITEMS]
    assert all(s.query["x"] == "1" and s.headers == {"H": "v"} for s in req.specs)


def backward_server(items=ITEMS):
    """Paging as OpenAI (and the emulator) do with ``before``: the ``limit`` items nearest the
    cursor, ``has_more`` when there are more beyond them."""

    def handler(spec):
        limit = int(spec.query.get("limit", 20))
        end = next(i for i, it in enumerate(items) if it["id"] == spec.query["before"])
        start = max(0, end - limit)
        page = items[start:end]
        return {"object": "list", "data": page, "has_more": start > 0,
                "first_id": page[0]["id"] if page else None,
                "last_id": page[-1]["id"] if page else None}

    return handler


def test_before_pages_backward_every_item_once_sync_and_async():
    from lcoai_notebook.api.beta import Beta

    req = FakeRequester(backward_server())
    got = [a.id for a in Beta(req).assistants.list(before="ftjob-044", limit=20)]
    # Page by page, nearest the cursor first; every item before the cursor exactly once.
    assert sorted(got) == [it["id"] for it in ITEMS[:44]] and len(got) == 44
    assert [s.query.get("before") for s in req.specs] == ["ftjob-044", "ftjob-024", "ftjob-004"]
    assert all("after" not in s.query for s in req.specs)

    areq = FakeRequester(backward_server(), is_async=True)

    async def main():
        return [a.id async for a in Beta(areq).assistants.list(before="ftjob-044", limit=20)]

    assert asyncio.run(main()) == got
