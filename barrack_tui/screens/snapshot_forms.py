"""Modals of the snapshots & images mode, and the form base the keys mode reuses.

`ApiForm` is a modal that checks its fields as you type, sends exactly one
request when submitted, and on an API error stays open with the server's
message and every value kept. `ConfirmScreen` asks before a destructive action.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, ClassVar, Generic, TypeVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Select, Static, TextArea

from barrack_tui import validation
from barrack_tui.api.errors import BarrackError
from barrack_tui.catalog import (
    GPU_MODELS,
    NAME_MAX_LEN,
    OS_VOLUME_TYPE,
    SNAPSHOT_PRICE,
    SNAPSHOT_SIZE_GB,
    VOLUME_MIN_GB,
    VOLUME_PRICES,
    volume_hourly_rate,
)
from barrack_tui.format import rate

if TYPE_CHECKING:
    from barrack_tui.api.client import BarrackClient
    from barrack_tui.api.models import Image, Snapshot, UserVM

ResultT = TypeVar("ResultT")

# Descriptions: the guide caps firewall descriptions at 255 characters; the
# same cap is assumed for snapshots, images and scripts (the simulator agrees).
DESCRIPTION_MAX_LEN = 255


def description_problem(value: str) -> str | None:
    if len(value) > DESCRIPTION_MAX_LEN:
        return f"Description is {len(value)} characters; at most {DESCRIPTION_MAX_LEN}"
    return None


def unique_name(value: str, taken: Collection[str], what: str) -> str | None:
    """Names are unique per account: say so before the server does."""
    return f"{what} {value!r} already exists" if value in taken else None


def fit_name(base: str, suffix: str) -> str:
    """``base + suffix`` cut to the 50-character name limit, keeping the suffix."""
    return base[: NAME_MAX_LEN - len(suffix)] + suffix


class ApiForm(ModalScreen[ResultT | None], Generic[ResultT]):
    """A form that sends one request and closes with its result.

    Subclasses yield their widgets from `compose_fields`, list the ids of the
    checked fields in `FIELDS` (each with a ``#<id>-error`` label), return
    field id -> message from `problems`, and perform the request in `send`.
    Submitting with problems sends nothing; an API error is shown in
    ``#form-error`` with its status and the server's message, and the form
    stays open with the user's values.
    """

    DEFAULT_CSS = """
    ApiForm {
        align: center middle;
        & #dialog {
            width: 84;
            height: auto;
            max-height: 100%;
            border: thick $primary;
            background: $surface;
            padding: 1 2;
        }
        & #title { text-style: bold; margin-bottom: 1; }
        & .note { color: $text-muted; margin-bottom: 1; }
        & .field-label { margin-top: 1; }
        & Label.error { color: $text-error; }
        & #form-error { color: $text-error; margin-top: 1; }
        & TextArea.-invalid { border: tall $error; }
        & #buttons { height: auto; align-horizontal: right; margin-top: 1; }
        & #buttons Button { margin-left: 2; }
    }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel"),
        Binding("ctrl+s", "submit", "Submit"),
    ]
    FIELDS: ClassVar[tuple[str, ...]] = ()
    heading: ClassVar[str] = ""
    submit_label: ClassVar[str] = "Create"

    def __init__(self) -> None:
        super().__init__()
        self.sending = False

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Label(self.heading, id="title")
            yield from self.compose_fields()
            yield Label("", id="form-error")
            with Horizontal(id="buttons"):
                yield Button("Cancel", id="cancel")
                yield Button(self.submit_label, id="submit", variant="primary")

    def compose_fields(self) -> ComposeResult:
        raise NotImplementedError

    def problems(self) -> dict[str, str]:
        """Field id -> what is wrong with it, for every invalid field."""
        return {}

    async def send(self) -> ResultT:
        """Perform the request; raise `BarrackError` when it fails."""
        raise NotImplementedError

    def on_mount(self) -> None:
        self.check_fields()

    def field_label(self, text: str) -> Label:
        return Label(text, classes="field-label")

    def error_label(self, field: str) -> Label:
        return Label("", id=f"{field}-error", classes="error")

    @on(Input.Changed)
    @on(Select.Changed)
    @on(TextArea.Changed)
    def check_fields(self) -> None:
        problems = self.problems()
        for field in self.FIELDS:
            self.query_one(f"#{field}-error", Label).update(problems.get(field, ""))
            self.query_one(f"#{field}").set_class(field in problems, "-invalid")
        self.query_one("#submit", Button).disabled = bool(problems) or self.sending

    @on(Input.Submitted)
    @on(Button.Pressed, "#submit")
    def action_submit(self) -> None:
        if self.sending:
            return
        self.check_fields()
        if self.problems():
            return
        self._send()

    @work(group="form-submit", exclusive=True)
    async def _send(self) -> None:
        submit = self.query_one("#submit", Button)
        error = self.query_one("#form-error", Label)
        self.sending = True
        submit.disabled = True
        submit.label = "Sending…"
        error.update("")
        try:
            result = await self.send()
        except BarrackError as failure:
            error.update(Text(str(failure)))
            return
        finally:
            self.sending = False
            submit.label = self.submit_label
            self.check_fields()
        self.dismiss(result)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)


class ConfirmScreen(ModalScreen[bool]):
    """Asks before a destructive action; the focus starts on Cancel."""

    DEFAULT_CSS = """
    ConfirmScreen {
        align: center middle;
        & #dialog {
            width: 76;
            height: auto;
            border: thick $error;
            background: $surface;
            padding: 1 2;
        }
        & #title { text-style: bold; margin-bottom: 1; }
        & #body { margin-bottom: 1; }
        & #buttons { height: auto; align-horizontal: right; }
        & #buttons Button { margin-left: 2; }
    }
    """
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, title: str, body: str | Text, confirm_label: str = "Delete") -> None:
        super().__init__()
        self.title_text = title
        self.body = body
        self.confirm_label = confirm_label

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Label(self.title_text, id="title")
            yield Static(self.body, id="body")
            with Horizontal(id="buttons"):
                yield Button("Cancel", id="cancel")
                yield Button(self.confirm_label, id="confirm", variant="error")

    def on_mount(self) -> None:
        self.query_one("#cancel", Button).focus()

    @on(Button.Pressed, "#confirm")
    def _confirm(self) -> None:
        self.dismiss(True)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(False)


# ------------------------------------------------------------------ snapshots


def vm_choice(vm: UserVM) -> str:
    return f"{vm.vm_name}  ·  {vm.gpu_model} x{vm.gpu_count}  ·  {vm.region}  ({vm.instance_id})"


class CreateSnapshotForm(ApiForm["Snapshot"]):
    """Snapshot one of the instances the API calls eligible (ACTIVE, legacy tier)."""

    FIELDS: ClassVar = ("instance", "name", "description")
    heading: ClassVar = "Create a snapshot"
    submit_label: ClassVar = "Create snapshot"

    def __init__(
        self,
        client: BarrackClient,
        eligible: Sequence[UserVM],
        taken_names: Collection[str],
        snapshot_count: int,
        now: datetime,
        currency: str = "USD",
        preselect: str | None = None,
    ) -> None:
        super().__init__()
        self.client = client
        self.eligible = {vm.instance_id: vm for vm in eligible}
        self.taken_names = set(taken_names)
        self.snapshot_count = snapshot_count
        self.now = now
        self.currency = currency
        self.preselect = preselect if preselect in self.eligible else next(iter(self.eligible), None)

    def suggested_name(self, instance_id: str | None) -> str:
        vm = self.eligible.get(instance_id or "")
        return fit_name(vm.vm_name, f"-{self.now:%Y%m%d-%H%M}") if vm else ""

    def compose_fields(self) -> ComposeResult:
        price = SNAPSHOT_PRICE.get(self.currency, SNAPSHOT_PRICE["USD"])  # type: ignore[call-overload]
        after = price * (self.snapshot_count + 1)
        yield Static(
            f"Snapshots are for legacy-tier instances that are ACTIVE. Each costs "
            f"{rate(price, self.currency)} (fixed {SNAPSHOT_SIZE_GB} GB) until it is deleted: "
            f"with this one your snapshots cost {rate(after, self.currency)}.",
            classes="note",
            id="price-note",
        )
        yield self.field_label("Instance")
        yield Select(
            [(vm_choice(vm), vm.instance_id) for vm in self.eligible.values()],
            value=self.preselect if self.preselect is not None else Select.NULL,
            prompt="Choose an ACTIVE legacy instance",
            id="instance",
        )
        yield self.error_label("instance")
        yield self.field_label("Snapshot name")
        yield Input(self.suggested_name(self.preselect), id="name")
        yield self.error_label("name")
        yield self.field_label("Description (optional)")
        yield Input(placeholder="What state is this?", id="description")
        yield self.error_label("description")

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#name", Input).focus()

    def _instance(self) -> str | None:
        value = self.query_one("#instance", Select).value
        return value if isinstance(value, str) else None

    def problems(self) -> dict[str, str]:
        problems: dict[str, str] = {}
        if self._instance() is None:
            problems["instance"] = "Choose the instance to snapshot"
        name = self.query_one("#name", Input).value
        found = validation.resource_name(name, "Snapshot name") or unique_name(name, self.taken_names, "Snapshot")
        if found:
            problems["name"] = found
        found = description_problem(self.query_one("#description", Input).value)
        if found:
            problems["description"] = found
        return problems

    @on(Select.Changed, "#instance")
    def _instance_changed(self, event: Select.Changed) -> None:
        """Follow the instance with the suggested name unless the user typed one."""
        name = self.query_one("#name", Input)
        if name.value in {self.suggested_name(i) for i in self.eligible} or not name.value:
            name.value = self.suggested_name(self._instance())

    async def send(self) -> Snapshot:
        description = self.query_one("#description", Input).value.strip() or None
        instance_id = self._instance()
        assert instance_id is not None
        response = await self.client.snapshots.create(
            instance_id, self.query_one("#name", Input).value, description=description
        )
        return response.snapshot


def restore_estimate(snapshot: Snapshot, gpu_hourly: float | None, currency: str) -> tuple[float | None, str]:
    """The new instance's $/h (GPUs + a minimum-size OS volume) and how it was priced.

    ``gpu_hourly`` is the live quote for the snapshot's GPUs; without it the
    catalogue's list price stands in.
    """
    model = GPU_MODELS.get(snapshot.gpu_model or "")
    count = snapshot.gpu_count or 0
    source = "live price"
    if gpu_hourly is None:
        if model is None:
            return None, "unknown GPU model"
        gpu_hourly = model.prices.get(currency, model.prices["USD"]) * count  # type: ignore[call-overload]
        source = "list price"
    tier = snapshot.tier or "legacy"
    volume_price = VOLUME_PRICES.get(tier, VOLUME_PRICES["legacy"]).get(OS_VOLUME_TYPE.get(tier, "SSD"))  # type: ignore[call-overload]
    storage = volume_hourly_rate(volume_price[currency], VOLUME_MIN_GB) if volume_price else 0.0
    return gpu_hourly + storage, source


class RestoreSnapshotForm(ApiForm["UserVM"]):
    """Restore makes a NEW instance from a SUCCESS snapshot; it bills like any instance."""

    FIELDS: ClassVar = ("instance-name",)
    heading: ClassVar = "Restore a snapshot as a new instance"
    submit_label: ClassVar = "Restore"

    def __init__(
        self,
        client: BarrackClient,
        snapshot: Snapshot,
        key_names: Sequence[str],
        taken_names: Collection[str],
        currency: str = "USD",
    ) -> None:
        super().__init__()
        self.client = client
        self.snapshot = snapshot
        self.key_names = list(key_names)
        self.taken_names = set(taken_names)
        self.currency = currency

    def compose_fields(self) -> ComposeResult:
        snap = self.snapshot
        yield Static(
            f"{snap.name} ({snap.snapshot_id}) becomes a new instance in {snap.region} with "
            f"{snap.gpu_model} x{snap.gpu_count} and new IP addresses. The snapshot and "
            f"{snap.vm_name or 'its source instance'} are untouched.",
            classes="note",
        )
        yield Static(self._bill_text(None), id="bill")
        yield self.field_label("New instance name")
        yield Input(fit_name(snap.name, "-restored"), id="instance-name")
        yield self.error_label("instance-name")
        yield self.field_label("SSH key")
        yield Select(
            [(name, name) for name in self.key_names],
            prompt="The snapshot's own key",
            id="ssh-key",
        )

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#instance-name", Input).focus()
        self._quote()

    def _bill_text(self, gpu_hourly: float | None) -> Text:
        total, source = restore_estimate(self.snapshot, gpu_hourly, self.currency)
        text = Text("Bills like any new instance, from the moment it is created: ", style="bold")
        text.append(f"about {rate(total, self.currency)} ({source}, GPUs + {VOLUME_MIN_GB} GB OS volume)")
        return text

    @work(group="restore-quote", exclusive=True)
    async def _quote(self) -> None:
        """The live price of the snapshot's GPUs (the list price stays if this fails)."""
        snap = self.snapshot
        if snap.gpu_model is None or snap.gpu_count is None:
            return
        try:
            response = await self.client.pricing.get(
                gpu_model=snap.gpu_model, gpu_count=snap.gpu_count, currency=self.currency
            )
        except BarrackError:
            return
        quote = response.pricing_data.quote
        if quote is not None:
            self.query_one("#bill", Static).update(self._bill_text(quote.hourly_rate))

    def problems(self) -> dict[str, str]:
        name = self.query_one("#instance-name", Input).value
        found = validation.resource_name(name, "Instance name") or unique_name(name, self.taken_names, "Instance")
        return {"instance-name": found} if found else {}

    async def send(self) -> UserVM:
        key = self.query_one("#ssh-key", Select).value
        response = await self.client.snapshots.restore(
            self.snapshot.snapshot_id,
            instance_name=self.query_one("#instance-name", Input).value,
            ssh_key=key if isinstance(key, str) else None,
        )
        return response.instance


class CreateImageForm(ApiForm["Image"]):
    """A custom image from a SUCCESS snapshot, in the snapshot's region."""

    FIELDS: ClassVar = ("name", "description")
    heading: ClassVar = "Create a custom image from a snapshot"
    submit_label: ClassVar = "Create image"

    def __init__(self, client: BarrackClient, snapshot: Snapshot, taken_names: Collection[str]) -> None:
        super().__init__()
        self.client = client
        self.snapshot = snapshot
        self.taken_names = set(taken_names)

    def compose_fields(self) -> ComposeResult:
        snap = self.snapshot
        yield Static(
            f"From {snap.name} ({snap.snapshot_id}). The image is private to this account and "
            f"lives in {snap.region}: deploy from it by name there. Deleting the snapshot later keeps the image.",
            classes="note",
        )
        yield self.field_label("Image name")
        yield Input(fit_name(snap.name, "-image"), id="name")
        yield self.error_label("name")
        yield self.field_label("Description (optional)")
        yield Input(snap.description or "", id="description")
        yield self.error_label("description")

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#name", Input).focus()

    def problems(self) -> dict[str, str]:
        problems: dict[str, str] = {}
        name = self.query_one("#name", Input).value
        found = validation.resource_name(name, "Image name") or unique_name(name, self.taken_names, "Image")
        if found:
            problems["name"] = found
        found = description_problem(self.query_one("#description", Input).value)
        if found:
            problems["description"] = found
        return problems

    async def send(self) -> Image:
        description = self.query_one("#description", Input).value.strip() or None
        response = await self.client.snapshots.create_image(
            self.snapshot.snapshot_id, self.query_one("#name", Input).value, description=description
        )
        return response.image
