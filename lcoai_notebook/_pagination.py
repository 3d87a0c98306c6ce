"""Cursor pagination for list endpoints (``{"object": "list", "data", "has_more", ...}``).

The rule, the same for every OpenAI list this package pages through: while ``has_more`` is true,
ask again with ``after`` set to the last item's ``id``. A list started with ``before`` pages the
other way, as the API does (``before`` gives the items nearest the cursor; ``has_more`` says
there are more beyond them): ask again with ``before`` set to the first item's ``id``, so the
pages arrive nearest first, each in list order.

- Under ``Client`` a list method sends its first request at once and returns a :class:`SyncPage`
  (like the official SDK's ``SyncCursorPage``): ``page.data``, ``page.has_more``,
  ``page.has_next_page()``, ``page.get_next_page()`` / ``page.next_page()``, ``page.iter_pages()``;
  iterating the page yields every item of every page, fetching the next pages lazily.
- Under ``AsyncClient`` a list method returns an :class:`AsyncPager` without sending anything:
  ``await pager`` gives the first :class:`AsyncPage`, and ``async for item in pager`` yields every
  item of every page.

Both work over any requester honouring the contract in :mod:`lcoai_notebook._http`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Generator, Iterator
from dataclasses import replace
from typing import Any, Generic, TypeVar

from ._exceptions import APIResponseValidationError, NoNextPageError
from ._http import RequestSpec
from ._models import Result

__all__ = ["AsyncPage", "AsyncPager", "SyncPage", "paginate"]

# The item type of a page (for type checkers: ``SyncPage[ChatCompletion]``).
_T = TypeVar("_T")


def _raw(obj: Any) -> Any:
    """Cast that keeps the unwrapped JSON as is; pages wrap the items themselves."""
    return obj


class _PageBase:
    """What a sync and an async page share: the body, its items, and the next request."""

    def __init__(
        self,
        body: Any,
        *,
        requester: Any,
        spec: RequestSpec,
        item_cast: Callable[[Any], Any],
    ) -> None:
        if isinstance(body, Result):
            body = body._data
        if not isinstance(body, dict) or not isinstance(body.get("data"), list):
            raise APIResponseValidationError(
                "expected a list object with a `data` array from "
                f"{spec.method} {spec.path}, got {type(body).__name__}"
            )
        self._body = body
        self._requester = requester
        self._spec = spec
        self._item_cast = item_cast
        self.data: list[Any] = [item_cast(d) if type(d) is dict else d for d in body["data"]]

    # -- the page's own fields ------------------------------------------------------------------
    @property
    def has_more(self) -> bool:
        return bool(self._body.get("has_more"))

    @property
    def object(self) -> str | None:
        return self._body.get("object")

    @property
    def first_id(self) -> str | None:
        return self._body.get("first_id")

    @property
    def last_id(self) -> str | None:
        return self._body.get("last_id")

    def to_dict(self) -> dict[str, Any]:
        """The page's JSON body (items as plain dicts)."""
        return Result(self._body).to_dict()

    def _next_spec(self) -> RequestSpec | None:
        """The request for the next page, or None when this is the last one.

        Stops when the service says ``has_more`` but gives nothing to continue from (no items, or
        an item without an ``id``, or the same cursor again): looping there would never end.
        """
        data = self._body["data"]
        if not self.has_more or not data:
            return None
        param = "before" if self._spec.query.get("before") else "after"
        edge = data[0] if param == "before" else data[-1]
        cursor = edge.get("id") if isinstance(edge, dict) else None
        if not cursor or cursor == self._spec.query.get(param):
            return None
        return self._spec.with_query(**{param: cursor})

    def has_next_page(self) -> bool:
        """True when there is another page to fetch."""
        return self._next_spec() is not None

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(n={len(self.data)}, has_more={self.has_more}, "
            f"first_id={self.first_id or (self.data[0].get('id') if self.data else None)!r})"
        )


class SyncPage(_PageBase, Generic[_T]):
    """One page of a list (sync). Iterating it yields every item of this and the later pages."""

    def get_next_page(self) -> SyncPage[_T]:
        """Fetch the next page; raises :class:`NoNextPageError` if there is none."""
        spec = self._next_spec()
        if spec is None:
            raise NoNextPageError("no next page: check page.has_next_page() first")
        return _fetch_sync(self._requester, spec, self._item_cast)

    next_page = get_next_page

    def first_page(self) -> SyncPage[_T]:
        """This page (a list call has already fetched it); mirrors ``AsyncPager.first_page``."""
        return self

    def iter_pages(self) -> Iterator[SyncPage[_T]]:
        """This page, then each following page, fetched as the loop advances."""
        page: SyncPage[_T] | None = self
        while page is not None:
            yield page
            page = page.get_next_page() if page.has_next_page() else None

    def __iter__(self) -> Iterator[_T]:
        for page in self.iter_pages():
            yield from page.data


class AsyncPage(_PageBase):
    """One page of a list (async); ``async for`` over it yields the later pages' items too."""

    async def get_next_page(self) -> AsyncPage:
        """Fetch the next page; raises :class:`NoNextPageError` if there is none."""
        spec = self._next_spec()
        if spec is None:
            raise NoNextPageError("no next page: check page.has_next_page() first")
        return await _fetch_async(self._requester, spec, self._item_cast)

    next_page = get_next_page

    async def iter_pages(self) -> AsyncIterator[AsyncPage]:
        """This page, then each following page."""
        page: AsyncPage | None = self
        while page is not None:
            yield page
            page = await page.get_next_page() if page.has_next_page() else None

    async def _items(self) -> AsyncIterator[Any]:
        async for page in self.iter_pages():
            for item in page.data:
                yield item

    def __aiter__(self) -> AsyncIterator[Any]:
        return self._items()


class AsyncPager:
    """What an async list method returns: awaitable (the first page) and async-iterable (all items).

    Nothing is sent until it is awaited or iterated, so an unused pager leaves no coroutine behind.
    """

    def __init__(self, requester: Any, spec: RequestSpec, item_cast: Callable[[Any], Any]) -> None:
        self._requester = requester
        self._spec = spec
        self._item_cast = item_cast

    async def first_page(self) -> AsyncPage:
        """Fetch and return the first page."""
        return await _fetch_async(self._requester, self._spec, self._item_cast)

    def __await__(self) -> Generator[Any, None, AsyncPage]:
        return self.first_page().__await__()

    async def _items(self) -> AsyncIterator[Any]:
        page = await self.first_page()
        async for item in page:
            yield item

    def __aiter__(self) -> AsyncIterator[Any]:
        return self._items()

    def __repr__(self) -> str:
        return f"<AsyncPager {self._spec.method} {self._spec.path}>"


def _fetch_sync(requester: Any, spec: RequestSpec, item_cast: Callable[[Any], Any]) -> SyncPage:
    body = requester.request(spec)
    return SyncPage(body, requester=requester, spec=spec, item_cast=item_cast)


async def _fetch_async(
    requester: Any, spec: RequestSpec, item_cast: Callable[[Any], Any]
) -> AsyncPage:
    body = await requester.request(spec)
    return AsyncPage(body, requester=requester, spec=spec, item_cast=item_cast)


def paginate(requester: Any, spec: RequestSpec, item_cast: Callable[[Any], Any] = Result) -> Any:
    """Run a list request: a :class:`SyncPage` under a sync requester, an :class:`AsyncPager` under
    an async one. ``item_cast`` builds each item (default :class:`Result`)."""
    spec = replace(spec, cast=_raw, response="json")
    if getattr(requester, "is_async", False):
        return AsyncPager(requester, spec, item_cast)
    return _fetch_sync(requester, spec, item_cast)
