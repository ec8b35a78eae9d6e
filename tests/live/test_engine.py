"""The refresh engine on scripted fetchers: what it publishes and when it polls."""

from __future__ import annotations

from typing import Any

from barrack_tui.live.engine import RefreshEngine, Schedule, TopicUpdate, diff_mapping
from barrack_tui.live.topics import Topic


class Counted:
    """A value whose comparisons are counted."""

    compared = 0

    def __init__(self, value: int) -> None:
        self.value = value

    def __eq__(self, other: object) -> bool:
        Counted.compared += 1
        return isinstance(other, Counted) and other.value == self.value

    __hash__ = None  # type: ignore[assignment]


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def engine_on(responses: list[Any], clock: Clock | None = None) -> tuple[RefreshEngine, list[TopicUpdate]]:
    answers = iter(responses)

    async def fetch() -> Any:
        answer = next(answers)
        if isinstance(answer, Exception):
            raise answer
        return answer

    async def balance() -> float:
        return 1.0

    engine = RefreshEngine(
        {Topic.INSTANCES: fetch, Topic.BALANCE: balance},
        Schedule(interval=2.0),
        monotonic=clock or Clock(),
    )
    published: list[TopicUpdate] = []
    engine.add_listener(published.append)
    return engine, published


async def test_an_update_names_what_changed_and_what_went() -> None:
    a, b, c = Counted(1), Counted(2), Counted(3)
    engine, published = engine_on([{"a": a, "b": b}, {"a": a, "b": Counted(20), "c": c}, {"c": c}])
    for _ in range(3):
        await engine.refresh(Topic.INSTANCES)
    first, second, third = published
    assert (first.changed, first.removed) == ({"a", "b"}, set())
    assert (second.changed, second.removed) == ({"b", "c"}, set())
    assert (third.changed, third.removed) == (set(), {"a", "b"})


async def test_the_diff_costs_nothing_until_a_listener_asks() -> None:
    engine, published = engine_on([{"a": Counted(1)}, {"a": Counted(1)}])
    await engine.refresh(Topic.INSTANCES)
    Counted.compared = 0
    await engine.refresh(Topic.INSTANCES)
    assert Counted.compared == 0
    assert published[-1].changed == frozenset()  # equal values: nothing changed
    assert Counted.compared == 1
    assert published[-1].changed == frozenset()  # worked out once
    assert Counted.compared == 1


def test_the_same_object_is_never_compared() -> None:
    same = Counted(1)
    Counted.compared = 0
    assert diff_mapping({"a": same}, {"a": same}) == (frozenset(), frozenset())
    assert Counted.compared == 0


async def test_a_failed_fetch_keeps_the_data_and_changes_nothing() -> None:
    engine, published = engine_on([{"a": Counted(1)}, RuntimeError("boom")])
    await engine.refresh(Topic.INSTANCES)
    await engine.refresh(Topic.INSTANCES)
    failed = published[-1]
    assert failed.state.failures == 1 and failed.changed == frozenset() and failed.removed == frozenset()
    assert list(engine.data(Topic.INSTANCES)) == ["a"]


async def test_a_patch_publishes_the_one_row_it_changed() -> None:
    engine, published = engine_on([{"a": Counted(1), "b": Counted(2)}])
    await engine.refresh(Topic.INSTANCES)
    engine.patch(Topic.INSTANCES, "a", lambda old: Counted(old.value + 1))
    assert published[-1].changed == {"a"}
    assert engine.data(Topic.INSTANCES)["a"].value == 2


async def test_the_balance_is_polled_at_most_every_15_seconds() -> None:
    clock = Clock()
    engine, _ = engine_on([{}] * 3, clock)
    await engine.refresh(Topic.INSTANCES)
    await engine.refresh(Topic.BALANCE)
    assert engine.seconds_until(Topic.INSTANCES) == 2.0
    assert engine.seconds_until(Topic.BALANCE) == 15.0
    assert Schedule(interval=60.0).period(Topic.BALANCE, busy=False) == 60.0
    assert Schedule(interval=2.0).period(Topic.BALANCE, busy=True) == 1.5
