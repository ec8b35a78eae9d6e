"""What an action does to the bill, shown before the user confirms it.

Rules from the "VM States & Billing" guide: SHUTOFF is billed at the full rate,
HIBERNATED at a flat hibernation rate plus storage, a deleted instance at nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from barrack_tui.catalog import GPU_MODELS, HIBERNATION_PRICE, list_price
from barrack_tui.lifecycle import Action


class PricedInstance(Protocol):
    """What pricing reads of an instance (read-only: instances are frozen records)."""

    @property
    def gpu_model(self) -> str: ...
    @property
    def gpu_count(self) -> int: ...
    @property
    def hourly_rate(self) -> float | None: ...
    @property
    def currency(self) -> str | None: ...


@dataclass(frozen=True)
class CostEffect:
    saves_per_hour: float
    keeps_per_hour: float
    note: str


def gpu_hourly(vm: PricedInstance, gpu_prices: dict[str, float] | None = None) -> float:
    """The GPU part of the instance's rate, from live prices when known, else the list."""
    prices = gpu_prices or {}
    unit = prices.get(vm.gpu_model)
    if unit is None:
        info = GPU_MODELS.get(vm.gpu_model)
        unit = list_price(info.prices, vm.currency) if info else 0.0
    return min(unit * vm.gpu_count, vm.hourly_rate or 0.0)


def effect(action: Action, vms: Sequence[PricedInstance], gpu_prices: dict[str, float] | None = None) -> CostEffect:
    total = sum(vm.hourly_rate or 0.0 for vm in vms)
    storage = sum((vm.hourly_rate or 0.0) - gpu_hourly(vm, gpu_prices) for vm in vms)
    currency = (vms[0].currency if vms else None) or "USD"
    if action is Action.STOP:
        return CostEffect(
            0.0,
            total,
            "A stopped (SHUTOFF) instance keeps its GPUs reserved and is billed at the full rate. "
            "Hibernate instead to release the GPUs and pay only for storage.",
        )
    if action is Action.HIBERNATE:
        keeps = storage + list_price(HIBERNATION_PRICE, currency) * len(vms)
        return CostEffect(
            max(total - keeps, 0.0),
            keeps,
            "Hibernation saves the state and releases the GPUs; storage and a flat hibernation "
            "rate keep billing. Restoring needs GPUs in stock again.",
        )
    if action is Action.DELETE:
        return CostEffect(
            total,
            0.0,
            "Deleting is permanent: the instance and its disks are removed and billing stops. "
            "Detach data volumes first to keep them.",
        )
    return CostEffect(0.0, total, "")
