"""Reading a whole list, page by page.

The docs show list responses with ``total``, ``page``, ``limit`` and
``total_pages`` (their examples use a limit of 20), so a real account's list
may well come in pages. Asking for big pages keeps it to one request for most
accounts; bigger fleets take one request per page, and the event loop gets
the time between them (parsing 10,000 instances at once would hold it for
~100 ms; a page of 1,000, ~10 ms).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Generic, Protocol, TypeVar

from barrack_tui.api.errors import ValidationError

#: Items asked for per request.
PAGE_SIZE = 1000

#: Sweeps tried when the list changes while it is being read.
MAX_SWEEPS = 2


class Page(Protocol):
    total: int | None
    total_pages: int | None


PageT = TypeVar("PageT", bound=Page)
ItemT = TypeVar("ItemT")


async def read_all(
    fetch: Callable[[int, int | None], Awaitable[PageT]],
    items_of: Callable[[PageT], Sequence[ItemT]],
    key_of: Callable[[ItemT], str],
    page_size: int | None = PAGE_SIZE,
) -> dict[str, ItemT]:
    """Every item of a paged list by its key, each once, in the server's order.

    ``fetch(page, limit)`` gets one 1-based page (``limit`` None: the
    server's own page size). When the server's ``total``
    moves between pages (something was created or deleted meanwhile) an item
    may have slid from one page to another: the sweep starts again, up to
    ``MAX_SWEEPS`` times, and the last sweep is taken as it is, without
    duplicates.
    """
    for sweep in range(1, MAX_SWEEPS + 1):
        first = await fetch(1, page_size)
        pages = [first]
        steady = True
        for number in range(2, (first.total_pages or 1) + 1):
            page = await fetch(number, page_size)
            pages.append(page)
            if page.total != first.total:
                steady = False
                if sweep < MAX_SWEEPS:
                    break
        if steady:
            break
    if len(pages) == 1:  # the usual case, in one C-level pass
        items = items_of(first)
        keyed = dict(zip(map(key_of, items), items))
        if len(keyed) == len(items):
            return keyed
    keyed = {}
    for page in pages:
        for item in items_of(page):
            keyed.setdefault(key_of(item), item)
    return keyed


class PagedList(Generic[PageT, ItemT]):
    """One list read whole on every call, in pages of ``PAGE_SIZE``.

    The page-size parameter is not documented: if the server refuses ours
    (400/422) rather than capping it, this list is read in the server's own
    page size from then on, instead of failing on every poll.
    """

    def __init__(
        self,
        fetch: Callable[[int, int | None], Awaitable[PageT]],
        items_of: Callable[[PageT], Sequence[ItemT]],
        key_of: Callable[[ItemT], str],
    ) -> None:
        self._fetch, self._items_of, self._key_of = fetch, items_of, key_of
        self.page_size: int | None = PAGE_SIZE

    async def read(self) -> dict[str, ItemT]:
        if self.page_size is not None:
            try:
                return await read_all(self._fetch, self._items_of, self._key_of, self.page_size)
            except ValidationError:
                self.page_size = None
        return await read_all(self._fetch, self._items_of, self._key_of, None)
