"""The firewall modals: create, add a rule, attach to instances.

Each sends its own request and stays open, values kept, when the server
refuses it (see ``resource_forms``).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from typing import ClassVar

from textual import work
from textual.app import ComposeResult
from textual.await_complete import AwaitComplete
from textual.widgets import Button, Input, Label, Select, SelectionList, Static
from textual.widgets.selection_list import Selection

from barrack_tui.api.errors import BarrackError
from barrack_tui.api.models import (
    AddFirewallRuleResponse,
    AttachFirewallResponse,
    CreateFirewallRequest,
    FirewallInstance,
    FirewallResponse,
    Protocol,
    UserVM,
    VMSecurityRuleRequest,
)
from barrack_tui.catalog import FIREWALLS_PER_ACCOUNT, REGIONS, tier_of_region
from barrack_tui.resources import style_path
from barrack_tui.screens.resource_forms import CssPaths, ResourceForm, field_row
from barrack_tui.screens.security_rule_form import PROTOCOLS, SecurityRuleForm
from barrack_tui.screens.volume_forms import name_problem

DESCRIPTION_MAX_LEN = 255
# The guide's protocols, used when the API's list cannot be fetched.
GUIDE_PROTOCOLS: tuple[Protocol, ...] = tuple(
    Protocol(name=name, supports_ports=name in ("tcp", "udp")) for name in PROTOCOLS
)


def limit_reached(count: int) -> str | None:
    if count >= FIREWALLS_PER_ACCOUNT:
        return f"This account has {count} firewalls, the most allowed ({FIREWALLS_PER_ACCOUNT}); delete one first"
    return None


class CreateFirewallForm(ResourceForm[CreateFirewallRequest, FirewallResponse]):
    """Name, description (at most 255 characters) and region; rules are added afterwards."""

    CSS_PATH: ClassVar[CssPaths] = [style_path("resource_forms.tcss"), style_path("firewalls.tcss")]
    FIELDS: ClassVar[tuple[str, ...]] = ("name", "description", "region")

    def __init__(
        self,
        submit: Callable[[CreateFirewallRequest], Awaitable[FirewallResponse]],
        *,
        taken_names: Iterable[str],
        count: int,
        region: str | None = None,
        regions: Sequence[str] = REGIONS,
    ) -> None:
        super().__init__("Create a firewall", submit, submit_label="Create", busy_label="Creating…")
        self.taken_names = frozenset(taken_names)
        self.count = count
        self.region_choices = list(regions)
        self.initial_region = region if region in self.region_choices else self.region_choices[0]

    def compose_body(self) -> ComposeResult:
        yield Static(
            f"{self.count} of {FIREWALLS_PER_ACCOUNT} firewalls in use. Add rules once it exists; "
            "it applies to the instances you attach it to, in its region.",
            id="note",
        )
        yield from field_row("name", "Name", Input(placeholder="web-ingress", id="name"))
        yield from field_row(
            "description", "Description", Input(placeholder="What it lets in (optional)", id="description")
        )
        options = [(f"{r}  ({tier_of_region(r)})", r) for r in self.region_choices]
        yield from field_row(
            "region", "Region", Select(options, value=self.initial_region, allow_blank=False, id="region")
        )

    def problems(self) -> Mapping[str, str]:
        problems: dict[str, str] = {}
        name = name_problem(self.text("name"), self.taken_names, "Firewall")
        if name:
            problems["name"] = name
        length = len(self.text("description"))
        if length > DESCRIPTION_MAX_LEN:
            problems["description"] = f"Description is {length} characters; at most {DESCRIPTION_MAX_LEN}"
        if self.text("region") not in self.region_choices:
            problems["region"] = "Choose a region"
        full = limit_reached(self.count)
        if full:
            problems[""] = full
        return problems

    def preview(self) -> str:
        length = len(self.text("description"))
        return f"Description {length}/{DESCRIPTION_MAX_LEN} characters" if length else ""

    def build(self) -> CreateFirewallRequest:
        return CreateFirewallRequest(
            name=self.text("name"),
            region=self.text("region"),
            description=self.text("description").strip() or None,
        )


class FirewallRuleForm(SecurityRuleForm):
    """The security rule form, for a firewall: the API's protocols, sent from inside.

    ``SecurityRuleForm`` dismisses with the rule typed; here that dismissal
    sends the rule instead, and the form closes only once the server took it
    (``response`` then holds the answer, with the new rule's id).
    """

    CSS_PATH: ClassVar[CssPaths] = [style_path("security_rule_form.tcss"), style_path("firewalls.tcss")]

    def __init__(
        self,
        firewall: FirewallResponse,
        protocols: Sequence[Protocol],
        submit: Callable[[VMSecurityRuleRequest], Awaitable[AddFirewallRuleResponse]],
    ) -> None:
        super().__init__()
        self.firewall = firewall
        self.protocols = list(protocols) or list(GUIDE_PROTOCOLS)
        self._add_rule = submit
        self.response: AddFirewallRuleResponse | None = None
        self._sending = False

    def on_mount(self) -> None:
        # Runs before SecurityRuleForm.on_mount (Textual calls both, subclass first).
        self.query_one("#title", Label).update(
            f"Add a rule to firewall {self.firewall.name} ({self.firewall.region})"
        )
        protocol = self.query_one("#protocol", Select)
        names = [p.name for p in self.protocols]
        protocol.set_options([(name.upper(), name) for name in names])
        protocol.value = "tcp" if "tcp" in names else names[0]
        error = Static("", id="form-error")
        error.display = False
        self.query_one("#dialog").mount(error, before="#buttons")

    def dismiss(self, result: VMSecurityRuleRequest | None = None) -> AwaitComplete:
        if result is not None and self.response is None:
            if not self._sending:
                self._send_rule(result)
            return AwaitComplete.nothing()
        return super().dismiss(result)

    @work(group="firewall-rule-form", exclusive=True)
    async def _send_rule(self, request: VMSecurityRuleRequest) -> None:
        submit = self.query_one("#submit", Button)
        error = self.query_one("#form-error", Static)
        self._sending = True
        submit.disabled, submit.label = True, "Adding…"
        error.display = False
        try:
            self.response = await self._add_rule(request)
        except BarrackError as problem:
            error.update(f"✖ {problem}")
            error.display = True
            return
        finally:
            self._sending = False
            submit.disabled, submit.label = False, "Add rule"
        self.dismiss(request)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # A rule in flight is not abandoned half-way: wait for the answer.
        return not (action == "cancel" and self._sending)


def attach_reason(
    firewall: FirewallResponse, found: Sequence[FirewallInstance], instances: Mapping[str, UserVM]
) -> str:
    """Why no instance can take ``firewall`` (said when the attachable list is empty)."""
    attached = {a.instance_id for a in firewall.attachments}
    in_region = [vm for vm in instances.values() if vm.region == firewall.region]
    if any(i.instance_id in attached for i in found):
        return f"Every ACTIVE instance in {firewall.region} already has this firewall"
    if not in_region:
        return f"No instance in {firewall.region}: firewalls attach only to instances in their own region"
    states = ", ".join(f"{vm.vm_name} is {vm.status}" for vm in in_region[:4])
    return f"No ACTIVE instance in {firewall.region} ({states}); attaching needs an ACTIVE instance"


class AttachFirewallForm(ResourceForm[list[str], AttachFirewallResponse]):
    """Tick the ACTIVE instances of the firewall's region to attach it to.

    The candidates come from the API (``attachable_instances``), asked when
    the form opens; instances that already have the firewall are left out.
    """

    CSS_PATH: ClassVar[CssPaths] = [style_path("resource_forms.tcss"), style_path("firewalls.tcss")]
    FIELDS: ClassVar[tuple[str, ...]] = ("instances",)

    def __init__(
        self,
        firewall: FirewallResponse,
        load: Callable[[], Awaitable[Sequence[FirewallInstance]]],
        submit: Callable[[list[str]], Awaitable[AttachFirewallResponse]],
        *,
        instances: Mapping[str, UserVM],
    ) -> None:
        super().__init__(f"Attach {firewall.name}", submit, submit_label="Attach", busy_label="Attaching…")
        self.firewall = firewall
        self.instances = instances
        self._load = load
        self.candidates: list[FirewallInstance] | None = None
        self.reason: str | None = None

    def compose_body(self) -> ComposeResult:
        yield Static(
            f"ACTIVE instances in {self.firewall.region}; space ticks one, several may be ticked.",
            id="note",
        )
        yield Static("Loading instances…", id="loading")
        yield from field_row("instances", "Instances", SelectionList[str](id="instances"))

    def ready(self) -> None:
        self.query_one("#submit", Button).disabled = True
        self._load_candidates()

    @work(group="attach-candidates", exclusive=True)
    async def _load_candidates(self) -> None:
        loading = self.query_one("#loading", Static)
        try:
            found = await self._load()
        except BarrackError as error:
            loading.update("")
            self.show_error(f"✖ Could not list the attachable instances: {error}")
            return
        attached = {a.instance_id for a in self.firewall.attachments}
        self.candidates = [
            i
            for i in found
            if i.region == self.firewall.region
            and i.instance_id not in attached
            and self._status(i.instance_id) in ("ACTIVE", None)
        ]
        loading.display = False
        if not self.candidates:
            self.reason = attach_reason(self.firewall, found, self.instances)
            self.show_error(self.reason)
            return
        selections = self.query_one("#instances", SelectionList)
        selections.add_options(
            [
                Selection(f"{i.vm_name}  {i.instance_id}{self._gpu(i.instance_id)}", i.instance_id)
                for i in self.candidates
            ]
        )
        self.query_one("#submit", Button).disabled = False
        selections.focus()
        self.refresh_form()

    def _status(self, instance_id: str) -> str | None:
        vm = self.instances.get(instance_id)
        return str(vm.status) if vm is not None else None

    def _gpu(self, instance_id: str) -> str:
        vm = self.instances.get(instance_id)
        return f"  {vm.gpu_model} x{vm.gpu_count}" if vm is not None else ""

    def problems(self) -> Mapping[str, str]:
        if self.candidates is None:
            return {"": "Still loading the instances"}
        if not self.candidates:
            return {"instances": self.reason or "No instance can take this firewall"}
        if not self.value("instances"):
            return {"instances": "Tick at least one instance (space)"}
        return {}

    def preview(self) -> str:
        ticked = self.value("instances") if self.candidates else ()
        return f"{len(ticked)} selected; rules apply within about 10 minutes" if ticked else ""

    def build(self) -> list[str]:
        return list(self.query_one("#instances", SelectionList).selected)
