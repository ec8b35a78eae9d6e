"""What the assistant may be told about the account: short plain-text descriptions.

Built from data the console already holds (the refresh engine's cache, an
instance's details); nothing here makes a request. The chat sends these only
when the user turns the context on, as one system message.

No Textual here.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Final

from barrack_tui.api.models import VMInstance
from barrack_tui.format import duration, money, rate
from barrack_tui.live.summary import summarise
from barrack_tui.live.topics import Topic

if TYPE_CHECKING:
    from barrack_tui.api.models import CreditBalanceResponse, GPUStockItem, UserVM
    from barrack_tui.live.engine import RefreshEngine

RECENT_CHANGES: Final = 5
STOCK_HIGHLIGHTS: Final = 5

ASSISTANT_RULES: Final = (
    "You are the assistant inside the Barrack GPU cloud console. Answer in Markdown. "
    "You cannot take any action on the account: when an action would help, say which one "
    "and let the user run it from the console."
)


def _when(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M UTC")


def describe_instance(vm: UserVM, now: datetime) -> str:
    """The selected instance in a few lines: model, region, state, price, uptime.

    Given the details (a ``VMInstance``), its latest state changes are listed too.
    """
    currency = vm.currency or "USD"
    lines = [
        f"Selected instance: {vm.vm_name} ({vm.instance_id})",
        f"- {vm.gpu_count} x {vm.gpu_model}, {vm.tier} tier, region {vm.region}",
    ]
    state = f"- status {vm.status}"
    if vm.status_changed_at is not None:
        state += f" since {_when(vm.status_changed_at)} ({duration(now - vm.status_changed_at)} ago)"
    lines.append(state)
    price = f"- full rate {rate(vm.hourly_rate, currency)}"
    if vm.current_hourly_rate is not None and vm.current_hourly_rate != vm.hourly_rate:
        price += f", billed now {rate(vm.current_hourly_rate, currency)}"
    if vm.accrued_cost is not None:
        price += f", cost so far {money(vm.accrued_cost, currency)}"
    lines.append(price)
    if vm.status == "ACTIVE" and vm.status_changed_at is not None:
        lines.append(f"- uptime {duration(now - vm.status_changed_at)}")
    lines.append(f"- public IP {vm.ip_address}" if vm.ip_address else "- no public IP address")
    if vm.operating_system or vm.ssh_key:
        lines.append(f"- image {vm.operating_system or 'unknown'}, SSH key {vm.ssh_key or 'none'}")
    if isinstance(vm, VMInstance) and vm.status_history:
        recent = vm.status_history[-RECENT_CHANGES:]
        changes = "; ".join(
            f"{_when(change.at)} {change.from_status or 'new'} -> {change.to_status}" for change in recent
        )
        lines.append(f"- recent state changes: {changes}")
    return "\n".join(lines)


def describe_account(
    balance: CreditBalanceResponse | None,
    instances: Iterable[UserVM],
    stocks: Iterable[GPUStockItem] | None,
) -> str:
    """Balance, burn rate and runway, instances by state, and what GPUs are free now."""
    fleet_list = list(instances)
    amount = balance.balance if balance is not None else None
    currency = balance.currency if balance is not None else "USD"
    fleet = summarise(fleet_list, amount)
    money_line = f"Account: balance {money(amount, currency)}, burn rate {rate(fleet.burn_per_hour, currency)}"
    if fleet.runway is not None:
        money_line += f", runway {duration(fleet.runway)}"
    lines = [money_line]
    by_state = Counter(vm.status for vm in fleet_list)
    if by_state:
        states = ", ".join(f"{n} {s}" for s, n in sorted(by_state.items(), key=lambda kv: (-kv[1], kv[0])))
        lines.append(f"Instances: {fleet.count} ({states})")
    else:
        lines.append("Instances: none")
    if stocks is not None:
        lines.append(_stock_line(stocks))
    return "\n".join(lines)


def _stock_line(stocks: Iterable[GPUStockItem]) -> str:
    free: Counter[str] = Counter()
    best_region: dict[str, tuple[int, str]] = {}
    for item in stocks:
        free[item.gpu_model] += item.available
        if item.available > best_region.get(item.gpu_model, (-1, ""))[0]:
            best_region[item.gpu_model] = (item.available, item.region)
    if not free:
        return "GPU stock: unknown"
    available = [(m, n) for m, n in free.most_common() if n > 0]
    parts = [f"{m} {n} free (most in {best_region[m][1]})" for m, n in available[:STOCK_HIGHLIGHTS]]
    line = "GPU stock now: " + ("; ".join(parts) if parts else "nothing free")
    sold_out = sorted(m for m, n in free.items() if n == 0)
    if sold_out:
        line += f"; sold out: {', '.join(sold_out)}"
    return line


def account_summary(engine: RefreshEngine) -> str:
    """:func:`describe_account` from the refresh engine's cache (stock only once fetched)."""
    instances: Mapping[str, UserVM] = engine.data(Topic.INSTANCES) or {}
    stocks = engine.data(Topic.STOCKS) if engine.states[Topic.STOCKS].loaded else None
    return describe_account(engine.data(Topic.BALANCE), instances.values(), stocks)


def system_message(resource: str | None, account: str | None) -> str:
    """The one system message sent when the user shares context."""
    shared = [part.strip() for part in (resource, account) if part and part.strip()]
    if not shared:
        return ASSISTANT_RULES
    return ASSISTANT_RULES + "\n\nContext the user chose to share:\n\n" + "\n\n".join(shared)
