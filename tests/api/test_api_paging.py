"""Reading whole lists page by page (barrack_tui.api.paging)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest

from barrack_tui.api import BarrackClient
from barrack_tui.api.errors import ServerError, ValidationError
from barrack_tui.api.paging import PAGE_SIZE, PagedList, read_all
from barrack_tui.sim import Simulator


async def test_every_page_is_read_in_the_servers_order(client: BarrackClient, sim: Simulator) -> None:
    expected = list(sim.world.instances)
    assert 10 < len(expected) <= 15
    asked: list[tuple[int, int]] = []

    def fetch(page: int, limit: int) -> Any:
        asked.append((page, limit))
        return client.instances.list(page=page, limit=limit)

    instances = await read_all(fetch, lambda page: page.instances, lambda vm: vm.instance_id, page_size=5)

    assert list(instances) == expected
    assert asked == [(1, 5), (2, 5), (3, 5)]
    assert len(sim.requests.of("listInstances")) == 3


async def test_one_request_when_everything_fits(client: BarrackClient, sim: Simulator) -> None:
    instances = await read_all(
        lambda page, limit: client.instances.list(page=page, limit=limit),
        lambda page: page.instances,
        lambda vm: vm.instance_id,
    )
    assert list(instances) == list(sim.world.instances)
    assert len(sim.requests.of("listInstances")) == 1


@dataclass
class Page:
    items: list[str]
    total: int
    total_pages: int


@dataclass
class ShiftingList:
    """A paged list whose first item is deleted while page 2 is being read."""

    items: list[str]
    delete_during: int = 2
    asked: list[int] = field(default_factory=list)

    async def fetch(self, page: int, limit: int) -> Page:
        self.asked.append(page)
        if page == self.delete_during and "a" in self.items:
            self.items.remove("a")
        start = (page - 1) * limit
        pages = max(1, -(-len(self.items) // limit))
        return Page(self.items[start : start + limit], len(self.items), pages)


async def test_a_list_that_moves_mid_sweep_is_read_again() -> None:
    shifting = ShiftingList(list("abcdef"))

    items = await read_all(shifting.fetch, lambda page: page.items, str, page_size=2)

    # Page 2 said total 5 where page 1 said 6: "c" slid onto page 1 unseen, so read again.
    assert shifting.asked == [1, 2, 1, 2, 3]
    assert list(items) == list("bcdef")


async def test_the_last_sweep_is_taken_whole_and_without_duplicates() -> None:
    class Churning:
        """Every page after the first reports a different total and repeats an item."""

        def __init__(self) -> None:
            self.asked: list[int] = []

        async def fetch(self, page: int, limit: int) -> Page:
            self.asked.append(page)
            items = {1: ["a", "b"], 2: ["b", "c"], 3: ["d"]}[page]
            return Page(items, 5 + len(self.asked), 3)

    churning = Churning()
    items = await read_all(churning.fetch, lambda page: page.items, str, page_size=2)

    assert churning.asked == [1, 2, 1, 2, 3]
    assert list(items) == ["a", "b", "c", "d"]


@dataclass
class StrictServer:
    """A list whose server refuses page sizes over 20 and pages by 20 itself."""

    items: list[str]
    asked: list[tuple[int, int | None]] = field(default_factory=list)

    async def fetch(self, page: int, limit: int | None) -> Page:
        self.asked.append((page, limit))
        if limit is not None and limit > 20:
            raise ValidationError("limit must be at most 20", status=422, operation="listInstances")
        size = limit or 20
        start = (page - 1) * size
        return Page(self.items[start : start + size], len(self.items), -(-len(self.items) // size))


async def test_a_refused_page_size_falls_back_to_the_servers_own_and_stays_there() -> None:
    server = StrictServer([f"item-{number}" for number in range(45)])
    pages: PagedList[Page, str] = PagedList(server.fetch, lambda page: page.items, str)

    assert list(await pages.read()) == server.items
    assert server.asked == [(1, PAGE_SIZE), (1, None), (2, None), (3, None)]

    server.asked.clear()
    assert list(await pages.read()) == server.items
    assert server.asked == [(1, None), (2, None), (3, None)]  # no refused request on later polls


async def test_other_errors_are_not_taken_for_a_refused_page_size() -> None:
    async def down(page: int, limit: int | None) -> Page:
        raise ServerError("upstream timeout", status=503)

    pages: PagedList[Page, str] = PagedList(down, lambda page: page.items, str)
    with pytest.raises(ServerError):
        await pages.read()
    assert pages.page_size == PAGE_SIZE
