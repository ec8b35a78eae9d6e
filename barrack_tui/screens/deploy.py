"""The deploy form: every rule checked as you type, the price shown, one POST per intent.

``open_deploy(app)`` (key ``d`` anywhere, the palette, ``d`` on a pricing row
with a prefill) pushes :class:`DeployScreen`. The form reads the refresh
engine's cache (prices, specs, stock, balance, images, keys, volumes,
scripts) and watches those topics while it is open, so it opens at once and
fills in as answers arrive. Checks live in ``barrack_tui.deploy_rules``.

Sending: the submit is disabled while a request is in flight. A lost answer
(:class:`~barrack_tui.api.errors.AmbiguousOutcomeError`) is never resent: the
form lists the instances and looks for the unique name it asked for. A refusal
(402/503/400/404/413) is shown next to the field it concerns and every value
stays.
"""

from __future__ import annotations

import asyncio
import copy
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar, Final, Literal, TypeVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.visual import VisualType
from textual.widget import Widget
from textual.widgets import (
    Button,
    Checkbox,
    Footer,
    Input,
    Label,
    OptionList,
    Select,
    SelectionList,
    Static,
    TextArea,
)
from textual.widgets.option_list import Option
from textual.widgets.selection_list import Selection

from barrack_tui.api.errors import (
    AmbiguousOutcomeError,
    BarrackError,
    ResponseValidationError,
    ServerError,
)
from barrack_tui.deploy_rules import (
    DEFAULT_BUDGET_MIN_HOURS,
    DEFAULT_OS_VOLUME_GB,
    AccountView,
    Catalogue,
    DeployDraft,
    DeployPrefill,
    Field,
    NewVolume,
    Problems,
    alternatives,
    build_request,
    check,
    default_instance_name,
    error_field,
    find_instance,
    image_choices,
    price_preview,
    request_json,
)
from barrack_tui.format import rate
from barrack_tui.live.engine import TopicUpdate
from barrack_tui.live.topics import Topic
from barrack_tui.resources import style_path
from barrack_tui.screens.deploy_parts import (
    NEW_KEY,
    SCRIPT_PREFIX,
    Options,
    alternative_label,
    balance_line,
    boot_volume_options,
    count_options,
    image_options,
    model_options,
    price_table,
    region_options,
    ssh_key_options,
    startup_options,
    stock_line,
    volume_label,
    volume_type_options,
)
from barrack_tui.screens.instance_actions import READ_ONLY_REASON
from barrack_tui.screens.security_rule_form import SecurityRuleForm

if TYPE_CHECKING:
    from barrack_tui.api.models import VMSecurityRuleRequest
    from barrack_tui.app import BarrackApp
    from barrack_tui.services import Services

__all__ = ["DeployPrefill", "DeployResult", "DeployScreen", "open_deploy"]

DEPLOY_TOPICS: Final = (
    Topic.BALANCE,
    Topic.INSTANCES,
    Topic.PRICING,
    Topic.SPECS,
    Topic.STOCKS,
    Topic.OS_IMAGES,
    Topic.IMAGES,
    Topic.SSH_KEYS,
    Topic.VOLUMES,
    Topic.SCRIPTS,
)
# A field's problem marks this widget as invalid.
FIELD_WIDGETS: Final[dict[Field, str]] = {
    Field.MODEL: "gpu_model",
    Field.COUNT: "gpu_count",
    Field.REGION: "region",
    Field.NAME: "instance_name",
    Field.IMAGE: "image_name",
    Field.BOOT_VOLUME: "volume_id",
    Field.SSH_KEY: "ssh_key",
    Field.NEW_KEY_NAME: "new_key_name",
    Field.NEW_KEY: "new_public_key",
    Field.OS_VOLUME: "os_volume",
    Field.VOLUMES: "volumes-added",
    Field.EXISTING: "existing_volumes",
    Field.RULES: "rules-list",
    Field.CLOUD_INIT: "cloud_init",
    Field.SCRIPT: "startup",
}
_WIDGET_FIELDS: Final[dict[str, Field]] = {widget: field for field, widget in FIELD_WIDGETS.items()}
# Errors of these fields are shown elsewhere than under a form row.
_NO_LABEL: Final = frozenset({Field.FORM})
# Shown as soon as they arise: they are about combinations, not a field left empty.
_ALWAYS_SHOWN: Final = frozenset({Field.STOCK, Field.BALANCE, Field.COUNT, Field.VOLUMES, Field.RULES})

Phase = Literal["editing", "sending", "checking", "unknown"]
WidgetT = TypeVar("WidgetT", bound=Widget)


@dataclass(frozen=True)
class DeployResult:
    """The instance a deploy created (``reconciled``: found by listing after a lost answer)."""

    instance_id: str
    vm_name: str
    hourly_rate: float | None
    currency: str
    reconciled: bool = False


def open_deploy(app: BarrackApp, prefill: DeployPrefill | None = None) -> None:
    """Open the deploy form (once: a second ``d`` while it is open does nothing)."""
    if app.services is None or isinstance(app.screen, DeployScreen):
        return
    if app.services.read_only:
        app.notify(READ_ONLY_REASON, severity="warning")
        return
    app.push_screen(DeployScreen(prefill, budget_min_hours=app.launch.budget_min_hours))


def _row(caption: str, *widgets: Widget, id: str | None = None) -> Horizontal:
    return Horizontal(Label(caption, classes="caption"), *widgets, classes="row", id=id)


def _hidden(widget: WidgetT) -> WidgetT:
    widget.display = False
    return widget


def _error(field: Field) -> Label:
    return _hidden(Label("", id=f"err-{field.value}", classes="error field-error"))


def _is_ambiguous(error: BarrackError) -> bool:
    """The deploy may have been carried out although no usable answer came back."""
    if isinstance(error, AmbiguousOutcomeError):
        return True
    if isinstance(error, ResponseValidationError):
        return error.status is not None and 200 <= error.status < 300
    # A gateway that gave up may have passed the request on before it did.
    return isinstance(error, ServerError) and error.status in (502, 504)


class DeployScreen(ModalScreen[DeployResult | None]):
    """Deploy a GPU instance: a validated form with the price and the exact request."""

    CSS_PATH = style_path("deploy.tcss")
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "submit", "Deploy", priority=True),
        Binding("ctrl+t", "toggle_json", "Request JSON", priority=True),
        Binding("ctrl+r", "check_again", "Check again", priority=True),
        Binding("escape", "cancel", "Cancel"),
        Binding("delete", "remove_item", "Remove item", show=False),
    ]
    # Seconds to wait before each listing when a lost answer is reconciled.
    RECONCILE_DELAYS: ClassVar[tuple[float, ...]] = (0.0, 2.0, 5.0)

    def __init__(
        self, prefill: DeployPrefill | None = None, *, budget_min_hours: float = DEFAULT_BUDGET_MIN_HOURS
    ) -> None:
        super().__init__()
        self.prefill = prefill or DeployPrefill()
        self.budget_min_hours = budget_min_hours
        self.phase: Phase = "editing"
        self.problems: Problems = {}
        self.server_error: tuple[Field, str] | None = None
        self.show_json = False
        self._sent: DeployDraft | None = None
        self._new_volumes: list[NewVolume] = []
        self._rules: list[VMSecurityRuleRequest] = []
        self._created_keys: set[str] = set()
        self._generated_name = ""
        self._name_seed = ""
        self._option_cache: dict[str, list[Any]] = {}
        # The cached objects the catalogue was built from (the engine replaces them on fetch).
        self._catalogue_sources: tuple[object, ...] = (None, None, None)
        self._catalogue: Catalogue | None = None
        self._unknown_detail = ""
        # What is on screen now, so a check repaints only what changed.
        self._painted: dict[str, object] = {}
        self._errors_shown: dict[Field, str] = {}
        self._state_shown: tuple[bool, str, str, str] | None = None
        # Fields the user (or a prefill) has set: their problems show inline; a field
        # not touched yet is only named in the reason line under the form.
        self._touched: set[Field] = set()

    # -- layout ---------------------------------------------------------------

    def compose(self) -> ComposeResult:
        # Options come from the engine's cache at once; the lists refresh as answers arrive.
        p = self.prefill
        start = DeployDraft(gpu_model=p.gpu_model, region=p.region, gpu_count=p.gpu_count)
        options = self._options(start, self.catalogue(), self.account())
        with Vertical(id="dialog"):
            yield Label("Deploy a GPU instance", id="title")
            with Horizontal(id="body"):
                with VerticalScroll(id="form"):
                    yield from self._compose_machine(options, start)
                    yield from self._compose_boot(options)
                    yield from self._compose_storage(options, start.region)
                    yield from self._compose_extras(options)
                with Vertical(id="side"):
                    yield Label("Price per hour", classes="section")
                    yield Static(id="price")
                    yield Static(id="coverage")
                    yield _error(Field.BALANCE)
                    yield _hidden(
                        VerticalScroll(
                            Label("Request: POST /deploy-server/", classes="section"), Static(id="json"), id="json-box"
                        )
                    )
            yield Static(id="reason")
            with Horizontal(id="buttons"):
                yield _hidden(Button("Check again", id="check-again"))
                yield Button("Cancel", id="cancel")
                yield Button("Deploy  ctrl+s", id="submit", variant="primary", disabled=True)
        yield Footer()

    def _select(
        self,
        id: str,
        options: dict[str, Options],
        prompt: str = "Select",
        value: Any = None,
        *,
        fallback_first: bool = False,
        required: bool = False,
    ) -> Select[Any]:
        """A compact Select with its first options (recorded, so a sync with the same ones is free).

        ``fallback_first``: start on the first option when ``value`` is not offered;
        ``required``: never blank (only for lists that always have options).
        """
        choices = options[id]
        self._option_cache[f"#{id}"] = [(_plain(label), v) for label, v in choices]
        values = [v for _, v in choices]
        if value not in values:
            value = values[0] if fallback_first and values else Select.NULL
        return Select(choices, prompt=prompt, value=value, id=id, compact=True, allow_blank=not required)

    def _compose_machine(self, options: dict[str, Options], start: DeployDraft) -> ComposeResult:
        yield _row(
            "GPU",
            self._select("gpu_model", options, "Choose a GPU model", start.gpu_model),
            self._select("gpu_count", options, value=start.gpu_count, fallback_first=True, required=True),
        )
        yield _error(Field.MODEL)
        yield _error(Field.COUNT)
        yield _row("Region", self._select("region", options, "Choose a region", start.region), Static(id="tier"))
        yield _error(Field.REGION)
        yield Static(id="stock-info")
        yield _error(Field.STOCK)
        yield _hidden(OptionList(id="alternatives"))
        yield _row("Name", Input(id="instance_name", compact=True, placeholder="instance name"))
        yield _error(Field.NAME)

    def _compose_boot(self, options: dict[str, Options]) -> ComposeResult:
        p = self.prefill
        yield _row(
            "Boot from",
            Select(
                [("OS image", "image"), ("Volume", "volume")], value="image", allow_blank=False, id="boot", compact=True
            ),
            self._select("image_name", options, "Choose an image", p.image_name, fallback_first=True),
            _hidden(self._select("volume_id", options, "Choose a bootable volume")),
        )
        yield _error(Field.IMAGE)
        yield _error(Field.BOOT_VOLUME)
        yield _row("SSH key", self._select("ssh_key", options, "Choose an SSH key", p.ssh_key))
        yield _error(Field.SSH_KEY)
        yield _hidden(
            _row(
                "New key",
                Input(id="new_key_name", compact=True, placeholder="key name"),
                Input(id="new_public_key", compact=True, placeholder="ssh-ed25519 AAAA… you@host"),
                id="new-key-row",
            )
        )
        yield _error(Field.NEW_KEY_NAME)
        yield _error(Field.NEW_KEY)
        yield _row(
            "Network",
            Checkbox("Public IP", value=True, id="public_ip", compact=True),
            Label("OS disk GB", classes="inline-caption"),
            Input(str(DEFAULT_OS_VOLUME_GB), id="os_volume", compact=True, restrict=r"\d*", max_length=7),
        )
        yield _error(Field.OS_VOLUME)

    def _compose_storage(self, options: dict[str, Options], region: str | None) -> ComposeResult:
        yield _row(
            "New volume",
            Input(id="vol-name", compact=True, placeholder="name"),
            Input(str(DEFAULT_OS_VOLUME_GB), id="vol-size", compact=True, restrict=r"\d*", max_length=7),
            Label("GB", classes="inline-caption"),
            self._select("vol-type", options, "type", fallback_first=True),
            Button("Add", id="vol-add", compact=True),
        )
        yield _hidden(OptionList(id="volumes-added"))
        yield _error(Field.VOLUMES)
        attachable = self._attachable(self.account(), region)
        self._option_cache["#existing_volumes"] = [(_plain(label), v) for label, v in attachable]
        listing = SelectionList[str](
            *(Selection(label, v) for label, v in attachable), id="existing_volumes", compact=True
        )
        listing.display = bool(attachable)
        yield _row("Attach", listing)
        yield _error(Field.EXISTING)

    def _compose_extras(self, options: dict[str, Options]) -> ComposeResult:
        yield _row("Rules", Button("Add rule…", id="rule-add", compact=True), Label("del removes", classes="hint"))
        yield _hidden(OptionList(id="rules-list"))
        yield _error(Field.RULES)
        yield _row("Startup", self._select("startup", options, value="none", fallback_first=True, required=True))
        yield _hidden(TextArea(id="cloud_init", soft_wrap=True, compact=True))
        yield _error(Field.CLOUD_INIT)
        yield _error(Field.SCRIPT)

    # -- lifecycle ------------------------------------------------------------

    @property
    def barrack(self) -> BarrackApp:
        from barrack_tui.app import BarrackApp

        assert isinstance(self.app, BarrackApp)
        return self.app

    @property
    def services(self) -> Services:
        services = self.barrack.services
        assert services is not None, "the deploy form opens only once connected"
        return services

    def on_mount(self) -> None:
        self._name_seed = self.services.now().isoformat()
        self.barrack.topic_updates.subscribe(self, self._on_topic_update)
        engine = self.services.engine
        for topic in DEPLOY_TOPICS:
            engine.watch(topic, self)
        self._sync_options()
        self._apply_prefill()
        self.query_one("#gpu_model", Select).focus()
        self._check()

    def on_unmount(self) -> None:
        if self.barrack.services is not None:
            self.barrack.services.engine.unwatch_all(self)

    def _on_topic_update(self, update: TopicUpdate) -> None:
        if update.topic in DEPLOY_TOPICS and self.is_attached:
            self._sync_options()
            self._check()

    def _apply_prefill(self) -> None:
        """What compose could not set: the region for a lone model, the name."""
        for field, given in ((Field.MODEL, self.prefill.gpu_model), (Field.REGION, self.prefill.region)):
            if given:
                self._touched.add(field)
        if self.prefill.gpu_model and not self.prefill.region:
            self._model_changed()
        if self.prefill.instance_name:
            self.query_one("#instance_name", Input).value = self.prefill.instance_name
        else:
            self._regenerate_name()

    # -- data from the engine's cache -------------------------------------------

    def _data(self, topic: Topic) -> Any:
        return self.services.engine.data(topic)

    def currency(self) -> str:
        balance = self._data(Topic.BALANCE)
        return str(balance.currency) if balance is not None else "USD"

    def catalogue(self) -> Catalogue:
        """The live catalogue, rebuilt only when one of its sources was refetched."""
        pricing, specs, stocks = self._data(Topic.PRICING), self._data(Topic.SPECS), self._data(Topic.STOCKS)
        currency = self.currency()
        sources = (pricing, specs, stocks)
        same = (
            self._catalogue is not None
            and self._catalogue.currency == currency
            and all(a is b for a, b in zip(sources, self._catalogue_sources, strict=True))
        )
        if not same:
            data = pricing.pricing_data if pricing is not None else None
            self._catalogue = Catalogue.build(currency, data, specs, stocks)
            self._catalogue_sources = sources
        assert self._catalogue is not None
        return self._catalogue

    def account(self) -> AccountView:
        engine = self.services.engine
        balance = self._data(Topic.BALANCE)
        keys = self._data(Topic.SSH_KEYS) or {}
        instances = self._data(Topic.INSTANCES) or {}
        scripts = self._data(Topic.SCRIPTS) or {}
        loaded = {
            name
            for name, topics in (
                ("ssh_keys", (Topic.SSH_KEYS,)),
                ("images", (Topic.OS_IMAGES, Topic.IMAGES)),
                ("volumes", (Topic.VOLUMES,)),
                ("scripts", (Topic.SCRIPTS,)),
            )
            if all(engine.states[t].loaded for t in topics)
        }
        return AccountView(
            balance=balance.balance if balance is not None else None,
            ssh_keys=frozenset(k.name for k in keys.values()) | self._created_keys,
            images=tuple(
                image_choices((self._data(Topic.OS_IMAGES) or {}).values(), (self._data(Topic.IMAGES) or {}).values())
            ),
            volumes=self._data(Topic.VOLUMES) or {},
            instance_names=frozenset(vm.vm_name for vm in instances.values()),
            script_ids=frozenset(scripts),
            budget_min_hours=self.budget_min_hours,
            loaded=frozenset(loaded),
        )

    # -- options ----------------------------------------------------------------

    def _set_options(self, selector: str, options: Options, *, fallback_first: bool = False) -> None:
        """Replace a Select's options only when they changed, keeping its value if still offered."""
        select: Select[Any] = self.query_one(selector, Select)
        signature = [(_plain(label), value) for label, value in options]
        if self._option_cache.get(selector) == signature:
            return
        self._option_cache[selector] = signature
        current = select.value
        select.set_options(options)
        values = [value for _, value in options]
        if current in values:
            select.value = current
        elif fallback_first and values:
            select.value = values[0]

    def _options(self, draft: DeployDraft, catalogue: Catalogue, account: AccountView) -> dict[str, Options]:
        """Every Select's options for this draft, by widget id."""
        offer = catalogue.models.get(draft.gpu_model or "")
        scripts = self._data(Topic.SCRIPTS) or {}
        return {
            "gpu_model": model_options(catalogue, draft.region),
            "gpu_count": count_options(catalogue, draft.gpu_model),
            "region": region_options(catalogue, draft.gpu_model),
            "image_name": image_options(account.images_in(draft.region)),
            "volume_id": boot_volume_options(account.bootable(), draft.region),
            "ssh_key": ssh_key_options(account.ssh_keys),
            "vol-type": volume_type_options(catalogue, offer.tier if offer else None),
            "startup": startup_options((s.script_id, s.name) for s in scripts.values()),
        }

    def _sync_options(self) -> None:
        draft = self.draft()
        account = self.account()
        fallback = {"gpu_count", "image_name", "vol-type", "startup"}
        for widget_id, options in self._options(draft, self.catalogue(), account).items():
            self._set_options(f"#{widget_id}", options, fallback_first=widget_id in fallback)
        self._sync_attachable(account, draft.region)

    @staticmethod
    def _attachable(account: AccountView, region: str | None) -> Options:
        volumes = sorted(account.attachable(), key=lambda v: (v.region != region, v.name))
        return [(volume_label(v, region), v.volume_id) for v in volumes]

    def _sync_attachable(self, account: AccountView, region: str | None) -> None:
        attachable = self._attachable(account, region)
        signature = [(_plain(label), v) for label, v in attachable]
        if self._option_cache.get("#existing_volumes") == signature:
            return
        self._option_cache["#existing_volumes"] = signature
        listing: SelectionList[str] = self.query_one("#existing_volumes", SelectionList)
        chosen = set(listing.selected)
        listing.clear_options()
        listing.add_options([Selection(label, v, v in chosen) for label, v in attachable])
        listing.display = bool(attachable)

    # -- the draft --------------------------------------------------------------

    def _value(self, selector: str) -> Any:
        value = self.query_one(selector, Select).value
        return None if value is Select.NULL else value

    def draft(self) -> DeployDraft:
        """The form's values as the rules read them."""
        ssh = self._value("#ssh_key")
        startup = self._value("#startup") or "none"
        script_id = startup[len(SCRIPT_PREFIX) :] if startup.startswith(SCRIPT_PREFIX) else None
        return DeployDraft(
            gpu_model=self._value("#gpu_model"),
            gpu_count=self._value("#gpu_count") or 1,
            region=self._value("#region"),
            instance_name=self.query_one("#instance_name", Input).value,
            boot=self._value("#boot") or "image",
            image_name=self._value("#image_name"),
            boot_volume_id=self._value("#volume_id"),
            ssh_key=None if ssh == NEW_KEY else ssh,
            new_key=ssh == NEW_KEY,
            new_key_name=self.query_one("#new_key_name", Input).value,
            new_public_key=self.query_one("#new_public_key", Input).value,
            public_ip=self.query_one("#public_ip", Checkbox).value,
            os_volume_gb=self.query_one("#os_volume", Input).value,
            volumes=list(self._new_volumes),
            existing_volumes=list(self.query_one("#existing_volumes", SelectionList).selected),
            security_rules=list(self._rules),
            startup="script" if script_id else startup,
            cloud_init=self.query_one("#cloud_init", TextArea).text,
            script_id=script_id,
        )

    def _regenerate_name(self) -> None:
        """Offer a fresh unique name for the machine, unless the user wrote their own."""
        box = self.query_one("#instance_name", Input)
        if box.value and box.value != self._generated_name:
            return
        draft = self.draft()
        if draft.gpu_model is None:
            return
        taken = self.account().instance_names
        self._generated_name = default_instance_name(draft.gpu_model, draft.gpu_count, taken, self._name_seed)
        box.value = self._generated_name

    # -- reacting to input --------------------------------------------------------

    @on(Select.Changed)
    @on(Input.Changed)
    @on(SelectionList.SelectedChanged)
    @on(TextArea.Changed)
    def _touch(
        self, event: Select.Changed | Input.Changed | SelectionList.SelectedChanged[str] | TextArea.Changed
    ) -> None:
        field = _WIDGET_FIELDS.get(event.control.id or "")
        if field is not None:
            self._touched.add(field)
        if field is Field.MODEL:
            self._touched.add(Field.REGION)

    @on(Select.Changed, "#gpu_model")
    def _model_changed(self) -> None:
        draft = self.draft()
        catalogue = self.catalogue()
        offer = catalogue.models.get(draft.gpu_model or "")
        if offer is not None and draft.region is None:
            in_stock = [r for r in offer.regions if (catalogue.free(offer.name, r) or 0) >= draft.gpu_count]
            self.query_one("#region", Select).value = (in_stock or list(offer.regions))[0]
        self._regenerate_name()
        self._changed()

    @on(Select.Changed, "#gpu_count")
    def _count_changed(self) -> None:
        self._regenerate_name()
        self._changed()

    @on(Select.Changed, "#boot")
    def _boot_changed(self) -> None:
        image = self._value("#boot") != "volume"
        self.query_one("#image_name").display = image
        self.query_one("#volume_id").display = not image
        self._changed()

    @on(Select.Changed, "#ssh_key")
    def _key_changed(self) -> None:
        self.query_one("#new-key-row").display = self._value("#ssh_key") == NEW_KEY
        self._changed()

    @on(Select.Changed, "#startup")
    def _startup_changed(self) -> None:
        self.query_one("#cloud_init").display = self._value("#startup") == "cloud_init"
        self._changed()

    @on(Select.Changed, "#region")
    @on(Select.Changed, "#image_name")
    @on(Select.Changed, "#volume_id")
    @on(Input.Changed, "#instance_name, #new_key_name, #new_public_key, #os_volume")
    @on(Checkbox.Changed)
    @on(SelectionList.SelectedChanged)
    @on(TextArea.Changed)
    def _changed(self) -> None:
        self._sync_options()
        self._check()

    @on(Input.Submitted, "#vol-name, #vol-size")
    @on(Button.Pressed, "#vol-add")
    def _add_volume(self) -> None:
        name = self.query_one("#vol-name", Input)
        size = self.query_one("#vol-size", Input)
        kind = self._value("#vol-type")
        if not name.value.strip():
            name.focus()
            return
        self._new_volumes.append(NewVolume(name.value.strip(), size.value, kind or ""))
        name.value = ""
        self._show_items("#volumes-added", [f"{v.name} · {v.size} GB {v.volume_type}" for v in self._new_volumes])
        self._check()

    @on(Button.Pressed, "#rule-add")
    def _add_rule(self) -> None:
        def added(rule: VMSecurityRuleRequest | None) -> None:
            if rule is not None:
                self._rules.append(rule)
                self._show_items("#rules-list", [_rule_text(r) for r in self._rules])
                self._check()

        self.app.push_screen(SecurityRuleForm(), added)

    def _show_items(self, selector: str, texts: list[str]) -> None:
        listing = self.query_one(selector, OptionList)
        listing.clear_options()
        listing.add_options([Option(text) for text in texts])
        listing.display = bool(texts)

    def action_remove_item(self) -> None:
        """``del`` on an added volume or rule removes it."""
        focused = self.focused
        if not isinstance(focused, OptionList) or focused.highlighted is None:
            return
        index = focused.highlighted
        if focused.id == "volumes-added" and index < len(self._new_volumes):
            del self._new_volumes[index]
            self._show_items("#volumes-added", [f"{v.name} · {v.size} GB {v.volume_type}" for v in self._new_volumes])
        elif focused.id == "rules-list" and index < len(self._rules):
            del self._rules[index]
            self._show_items("#rules-list", [_rule_text(r) for r in self._rules])
        self._check()

    @on(OptionList.OptionSelected, "#alternatives")
    def _take_alternative(self, event: OptionList.OptionSelected) -> None:
        model, _, region = (event.option.id or "").partition("@")
        self.query_one("#gpu_model", Select).value = model
        self.query_one("#region", Select).value = region
        self.query_one("#gpu_model", Select).focus()

    # -- checking -----------------------------------------------------------------

    def _check(self) -> None:
        """Validate, then show every problem, the price, the balance and the request."""
        draft = self.draft()
        catalogue = self.catalogue()
        account = self.account()
        problems = check(draft, catalogue, account)
        if self.services.read_only:
            problems[Field.FORM] = READ_ONLY_REASON
        if self.server_error is not None and self._sent is not None and draft != self._sent:
            self.server_error = None  # the user changed something: the refusal is history
        self.problems = problems
        shown = {
            field: message for field, message in problems.items() if field in self._touched or field in _ALWAYS_SHOWN
        }
        if self.server_error is not None:
            shown[self.server_error[0]] = self.server_error[1]
        for field in Field:
            if field not in _NO_LABEL:
                self._show_error(field, shown.get(field, ""))
        self._show_machine(draft, catalogue, field_problems=problems)
        preview = price_preview(draft, catalogue, account)
        self._paint("#price", preview, lambda: price_table(preview))
        self._paint("#coverage", (account.balance, preview), lambda: balance_line(account, catalogue.currency, preview))
        complete = not problems.keys() - {Field.FORM}
        body = request_json(build_request(draft)) if complete else None
        self._paint(
            "#json", body, lambda: Text(body) if body else Text("Complete the form to see the request.", style="dim")
        )
        self._show_state()

    def _paint(self, selector: str, key: object, content: Callable[[], VisualType]) -> None:
        """Update a Static only when what it shows changed (updates relayout the form)."""
        if selector in self._painted and self._painted[selector] == key:
            return
        self._painted[selector] = key
        self.query_one(selector, Static).update(content())

    def _show_error(self, field: Field, message: str) -> None:
        if self._errors_shown.get(field, "") == message:
            return
        self._errors_shown[field] = message
        label = self.query_one(f"#err-{field.value}", Label)
        label.update(Text(message))
        label.display = bool(message)
        widget_id = FIELD_WIDGETS.get(field)
        if widget_id:
            self.query_one(f"#{widget_id}").set_class(bool(message), "-invalid")

    def _show_machine(self, draft: DeployDraft, catalogue: Catalogue, field_problems: Problems) -> None:
        offer = catalogue.models.get(draft.gpu_model or "")
        tier = f"tier {offer.tier} · max {offer.max_count}" if offer else ""
        self._paint("#tier", tier, lambda: Text(tier))
        stock = stock_line(catalogue, draft.gpu_model, draft.region, draft.gpu_count)
        self._paint("#stock-info", stock, lambda: Text(stock))
        listing = self.query_one("#alternatives", OptionList)
        out = Field.STOCK in field_problems or (self.server_error is not None and self.server_error[0] is Field.STOCK)
        options = (
            [
                Option(alternative_label(alt, catalogue.currency), id=f"{alt.gpu_model}@{alt.region}")
                for alt in alternatives(catalogue, draft.gpu_model, draft.region, draft.gpu_count)
            ]
            if out
            else []
        )
        signature = [o.id for o in options]
        if self._option_cache.get("#alternatives") != signature:
            self._option_cache["#alternatives"] = signature
            listing.clear_options()
            listing.add_options(options)
            listing.highlighted = 0 if options else None
        listing.display = bool(options)
        listing.border_title = "In stock now: enter switches to it" if options else ""

    def can_submit(self) -> bool:
        return self.phase == "editing" and not self.problems

    def _show_state(self) -> None:
        text, tone = self._state_line()
        state = (self.can_submit(), self.phase, text, tone)
        if state == self._state_shown:
            return
        actions_changed = self._state_shown is None or state[:2] != self._state_shown[:2]
        self._state_shown = state
        self.query_one("#submit", Button).disabled = not self.can_submit()
        self.query_one("#check-again").display = self.phase == "unknown"
        reason = self.query_one("#reason", Static)
        reason.set_classes(tone)
        reason.update(Text(text))  # a Text: server words are not markup
        if actions_changed:
            self.refresh_bindings()

    def _state_line(self) -> tuple[str, str]:
        """What the line above the buttons says, and its tone class."""
        if self.phase == "sending":
            return "Deploying… (one request; the form stays until the server answers)", "-busy"
        if self.phase == "checking":
            return "Outcome unknown, checking… (listing instances; nothing is resent)", "-busy"
        if self.phase == "unknown":
            detail = self._unknown_detail
            return (
                f"Outcome unknown: could not list instances ({detail}). Nothing was resent; ctrl+r checks again.",
                "-error",
            )
        if self.problems:
            first = next(iter(self.problems.values()))
            more = len(self.problems) - 1
            return f"Can't deploy yet: {first}" + (f"  (+{more} more)" if more else ""), "-error"
        if self.server_error is not None and self.server_error[0] is Field.FORM:
            return f"Not deployed: {self.server_error[1]}", "-error"
        draft = self.draft()
        preview = price_preview(draft, self.catalogue(), self.account())
        total = rate(preview.total, self.catalogue().currency) if preview else ""
        return f"Ready: ctrl+s deploys {draft.instance_name} at {total}", "-ready"

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "submit":
            return True if self.can_submit() else None
        if action == "check_again":
            return self.phase == "unknown"
        return True

    # -- actions ------------------------------------------------------------------

    def action_toggle_json(self) -> None:
        self.show_json = not self.show_json
        self.query_one("#json-box").display = self.show_json

    def action_cancel(self) -> None:
        if self.phase in ("sending", "checking"):
            self.notify("A deploy is in flight: wait for its answer", severity="warning")
            return
        if self.phase == "unknown":
            self.notify(
                "The deploy's outcome is unknown: the instances list will show it if it exists", severity="warning"
            )
        self.dismiss(None)

    @on(Button.Pressed, "#cancel")
    def _cancel_pressed(self) -> None:
        self.action_cancel()

    @on(Button.Pressed, "#submit")
    def action_submit(self) -> None:
        self._check()
        if not self.can_submit():
            return
        draft = self.draft()
        self._sent = copy.deepcopy(draft)
        self.server_error = None
        self._set_phase("sending")
        self._send(draft)

    @on(Button.Pressed, "#check-again")
    def action_check_again(self) -> None:
        if self.phase == "unknown" and self._sent is not None:
            self._set_phase("checking")
            self._reconcile(self._sent.instance_name, delays=(0.0,))

    def _set_phase(self, phase: Phase) -> None:
        self.phase = phase
        self._show_state()

    # -- sending ------------------------------------------------------------------

    @work(group="deploy-send", exclusive=True)
    async def _send(self, draft: DeployDraft) -> None:
        if draft.new_key and not await self._create_key(draft):
            self._set_phase("editing")
            self._check()
            return
        request = build_request(self.draft() if draft.new_key else draft)
        try:
            response = await self.services.client.deploy(request)
        except BarrackError as error:
            if _is_ambiguous(error):
                self._set_phase("checking")
                await self._find_created(request.instance_name or "", self.RECONCILE_DELAYS)
                return
            self.server_error = (error_field(error, draft), str(error))
            self._set_phase("editing")
            self._check()
            return
        data = response.data
        self._finish(
            DeployResult(data.instance_id, data.vm_name, data.billing.total_hourly_rate, str(data.billing.currency))
        )

    async def _create_key(self, draft: DeployDraft) -> bool:
        """Register the inline key first; on success the form switches to it, so a
        retry after a refused deploy does not create it twice."""
        name = draft.new_key_name.strip()
        client = self.services.client
        try:
            await client.ssh_keys.create(name, draft.new_public_key.strip())
        except AmbiguousOutcomeError:
            try:
                listing = await client.ssh_keys.list()
            except BarrackError as error:
                self.server_error = (Field.NEW_KEY_NAME, f"Could not confirm the key was added: {error}")
                return False
            if all(k.name != name for k in listing.ssh_keys):
                self.server_error = (Field.NEW_KEY_NAME, "The key was not added (no answer from the server); try again")
                return False
        except BarrackError as error:
            where = Field.NEW_KEY if "public" in error.message.casefold() else Field.NEW_KEY_NAME
            self.server_error = (where, str(error))
            return False
        self.services.engine.invalidate(Topic.SSH_KEYS)
        self._created_keys.add(name)
        self._sync_options()
        self.query_one("#ssh_key", Select).value = name
        self.query_one("#new_key_name", Input).value = ""
        self.query_one("#new_public_key", Input).value = ""
        self.query_one("#new-key-row").display = False
        self._sent = self.draft()
        return True

    @work(group="deploy-send", exclusive=True)
    async def _reconcile(self, name: str, delays: tuple[float, ...]) -> None:
        await self._find_created(name, delays)

    async def _find_created(self, name: str, delays: tuple[float, ...]) -> None:
        """After a lost answer: list instances and look for the unique name asked for."""
        error: BarrackError | None = None
        for delay in delays:
            if delay:
                await asyncio.sleep(delay)
            try:
                listing = await self.services.client.instances.list()
            except BarrackError as exc:
                error = exc
                continue
            error = None
            vm = find_instance(listing.instances, name)
            if vm is not None:
                self._finish(
                    DeployResult(
                        vm.instance_id, vm.vm_name, vm.hourly_rate, str(vm.currency or self.currency()), reconciled=True
                    )
                )
                return
        if error is not None:
            self._unknown_detail = str(error)
            self._set_phase("unknown")
            return
        self.server_error = (
            Field.FORM,
            f"No answer came back and no instance named {name} exists: nothing was created. You can deploy again.",
        )
        self._sent = self.draft()
        self._set_phase("editing")
        self._check()

    def _finish(self, result: DeployResult) -> None:
        self.services.engine.invalidate(Topic.INSTANCES, Topic.BALANCE, Topic.VOLUMES, Topic.STOCKS)
        how = " (confirmed by listing after the answer was lost)" if result.reconciled else ""
        self.app.notify(
            f"Deploying {result.vm_name} ({result.instance_id}) at {rate(result.hourly_rate, result.currency)}{how}: "
            "CREATING until it is up",
            title="Deploy sent",
        )
        self.dismiss(result)


def _plain(label: object) -> tuple[str, str]:
    """What an option shows, text and style, to tell whether options changed."""
    if isinstance(label, Text):
        return label.plain, str(label.style)
    return str(label), ""


def _rule_text(rule: VMSecurityRuleRequest) -> str:
    if rule.port_range_min is None:
        ports = "any port"
    elif rule.port_range_min == rule.port_range_max:
        ports = f"port {rule.port_range_min}"
    else:
        ports = f"ports {rule.port_range_min}-{rule.port_range_max}"
    return f"{rule.direction} {rule.protocol} {rule.ethertype} {ports} from {rule.remote_ip_prefix or 'anywhere'}"
