"""What the assistant is told when the user shares context, from real simulator data."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from barrack_tui.api.client import BarrackClient
from barrack_tui.api.models import CreditBalanceResponse, GPUStockItem
from barrack_tui.chat_context import (
    ASSISTANT_RULES,
    account_summary,
    describe_account,
    describe_instance,
    system_message,
)
from barrack_tui.live.topics import Topic
from barrack_tui.services import build_engine
from barrack_tui.sim import DEMO_API_KEY


@pytest.fixture
async def client(make_sim: Any) -> AsyncIterator[BarrackClient]:
    sim_app = make_sim()
    async with BarrackClient(DEMO_API_KEY, "http://sim/api/", transport=httpx.ASGITransport(app=sim_app)) as api:
        yield api


async def instance_named(client: BarrackClient, name: str) -> Any:
    listed = (await client.instances.list()).instances
    return next(vm for vm in listed if vm.vm_name == name)


def test_the_headless_modules_do_not_import_textual() -> None:
    code = "import sys, barrack_tui.chat_context, barrack_tui.chat_store; print('textual' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"


async def test_an_active_instance_in_a_few_lines(client: BarrackClient, clock: Any) -> None:
    vm = await instance_named(client, "llama-finetune-01")
    clock.advance(90 * 60)
    text = describe_instance(vm, clock.now())
    assert text.splitlines()[0] == f"Selected instance: llama-finetune-01 ({vm.instance_id})"
    assert f"{vm.gpu_count} x {vm.gpu_model}, {vm.tier} tier, region {vm.region}" in text
    assert "status ACTIVE since" in text
    assert f"full rate ${vm.hourly_rate:,.2f}/h" in text
    up = clock.now() - vm.status_changed_at
    assert f"uptime {up.days}d {up.seconds // 3600}h" in text
    assert f"public IP {vm.ip_address}" in text
    assert "recent state changes" not in text  # only the details carry the history


async def test_the_details_add_the_latest_state_changes(client: BarrackClient, clock: Any) -> None:
    vm = await instance_named(client, "whisper-batch")
    details = (await client.instances.get(vm.instance_id)).instance
    text = describe_instance(details, clock.now())
    history = details.status_history[-5:]
    assert history, "the seeded instance has a history"
    line = next(line for line in text.splitlines() if line.startswith("- recent state changes: "))
    assert line.count("->") == len(history)
    assert line.endswith(f"{history[-1].from_status} -> {history[-1].to_status}")
    assert "status SHUTOFF" in text and "uptime" not in text


async def test_a_transitional_instance_shows_what_it_bills_now(client: BarrackClient, clock: Any) -> None:
    vm = await instance_named(client, "b200-bench")
    text = describe_instance(vm, clock.now())
    assert "status CREATING" in text
    if vm.current_hourly_rate is not None and vm.current_hourly_rate != vm.hourly_rate:
        assert "billed now" in text
    assert "no public IP address" in text


def test_account_summary_counts_states_and_highlights_stock() -> None:
    balance = CreditBalanceResponse(success=True, message="", balance=100.0, currency="USD")
    stocks = [
        GPUStockItem(gpu_model="H100", region="FINLAND-1", tier="advanced", available=8),
        GPUStockItem(gpu_model="H100", region="CANADA-1", tier="advanced", available=16),
        GPUStockItem(gpu_model="L40", region="CANADA-1", tier="legacy", available=2),
        GPUStockItem(gpu_model="B300", region="FINLAND-2", tier="advanced", available=0),
    ]
    text = describe_account(balance, [], stocks)
    assert text.splitlines() == [
        "Account: balance $100.00, burn rate $0.00/h",
        "Instances: none",
        "GPU stock now: H100 24 free (most in CANADA-1); L40 2 free (most in CANADA-1); sold out: B300",
    ]


async def test_account_summary_from_the_engine_cache(client: BarrackClient) -> None:
    engine = build_engine(client, 60.0)
    await engine.refresh(Topic.INSTANCES)
    await engine.refresh(Topic.BALANCE)
    text = account_summary(engine)
    balance = engine.data(Topic.BALANCE)
    instances = engine.data(Topic.INSTANCES)
    assert text.startswith(f"Account: balance ${balance.balance:,.2f}, burn rate $")
    assert f"Instances: {len(instances)} (" in text
    assert "GPU stock" not in text  # never fetched: left out rather than guessed
    await engine.refresh(Topic.STOCKS)
    assert "GPU stock now: " in account_summary(engine)


def test_the_system_message_is_the_rules_plus_what_was_shared() -> None:
    assert system_message(None, None) == ASSISTANT_RULES
    message = system_message("Selected instance: a", "Account: b")
    assert message.startswith(ASSISTANT_RULES)
    assert message.endswith("Context the user chose to share:\n\nSelected instance: a\n\nAccount: b")
    assert "cannot take any action" in ASSISTANT_RULES
    assert system_message("  ", "Account: b").endswith("share:\n\nAccount: b")


def test_the_runway_is_the_balance_over_the_burn_rate() -> None:
    balance = CreditBalanceResponse(success=True, message="", balance=50.0, currency="USD")

    class Vm:
        status = "ACTIVE"
        hourly_rate = 10.0
        current_hourly_rate = 10.0

    text = describe_account(balance, [Vm()], None)  # type: ignore[list-item]
    assert text.splitlines() == ["Account: balance $50.00, burn rate $10.00/h, runway 5h 00m", "Instances: 1 (1 ACTIVE)"]
