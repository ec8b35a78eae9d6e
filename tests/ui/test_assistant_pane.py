"""The AI assistant as a side pane beside the instances table."""

from __future__ import annotations

from typing import Any

from barrack_tui.widgets.chat_panel import ChatPanel
from barrack_tui.widgets.resource_table import ResourceTable
from tests.ui.harness import SIZE, make_app, ready_panel, wait_for_instances, wait_until


def first_creating(sim_app: Any) -> Any:
    return next(vm for vm in sim_app.state.sim.world.instances.values() if vm.status == "CREATING")


async def open_pane_on(pilot: Any, instance_id: str) -> ChatPanel:
    await wait_for_instances(pilot)
    pilot.app.screen.query_one("#instances", ResourceTable).cursor_key = instance_id
    await pilot.press("a")
    # Not just shown: mounted, with the model list its worker fetches, or a question is refused.
    await wait_until(pilot, lambda: ready_panel(pilot.app) is not None, what="the assistant pane")
    return pilot.app.screen.query_one(ChatPanel)


async def ask(pilot: Any, panel: ChatPanel, question: str) -> None:
    assert panel.send(question)
    await wait_until(
        pilot,
        lambda: not panel.streaming and len(panel.conversation.turns) >= 2,
        what="the reply",
    )


async def test_the_pane_sends_the_selected_instance_as_context_only_when_asked(make_sim: Any, clock: Any) -> None:
    sim_app = make_sim()
    vm = first_creating(sim_app)
    app = make_app(sim_app, clock)
    async with app.run_test(size=SIZE) as pilot:
        panel = await open_pane_on(pilot, vm.instance_id)
        assert panel.context_provider is not None
        description = panel.context_provider()
        assert description is not None and vm.vm_name in description and "CREATING" in description

        await ask(pilot, panel, "why is this one still CREATING?")
        assert not panel.conversation.turns[0].with_context

        panel.context_enabled = True
        await ask(pilot, panel, "why is this one still CREATING?")
        question = panel.conversation.turns[2]
        assert question.with_context
        reply = panel.conversation.turns[3].content
        assert vm.vm_name in reply  # the scripted assistant answered about the selected instance
        # The assistant never acts: only chat requests and reads were sent.
        sent = {r.operation for r in sim_app.state.sim.requests if r.method != "GET"}
        assert sent <= {"chatWithAi"}

        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("a")
        await pilot.pause()
        assert not panel.display
        assert app.screen.query_one("#instances", ResourceTable).has_focus
