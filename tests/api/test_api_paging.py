"""Reading whole lists page by page (barrack_tui.api.paging)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from barrack_tui.api import BarrackClient
from barrack_tui.api.paging import read_all
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
