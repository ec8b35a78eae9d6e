"""The volume modals: create, clone, resize and attach, each checked before it sends.

Every form sends its own request (see ``resource_forms``): a refusal from the
server shows inside the form with the values kept.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.widgets import Checkbox, Input, OptionList, Select, Static
from textual.widgets.option_list import Option

from barrack_tui import validation
from barrack_tui.api.models import (
    AttachVolumesResponse,
    CreateVolumeRequest,
    GetVolumeTypesResponse,
    OSImage,
    UserVM,
    VolumeResponse,
)
from barrack_tui.catalog import (
    REGIONS,
    VOLUME_MAX_GB,
    VOLUME_PRICES,
    list_price,
    tier_of_region,
    volume_hourly_rate,
)
from barrack_tui.format import money, rate
from barrack_tui.resources import style_path
from barrack_tui.screens.resource_forms import CssPaths, ResourceForm, field_row

HOURS_PER_MONTH = 730
FORM_CSS: CssPaths = [style_path("resource_forms.tcss"), style_path("volumes.tcss")]


@dataclass(frozen=True)
class VolumePricing:
    """Volume types and their price per TB-hour, by tier.

    From ``client.volumes.types()`` when it answered, else the catalogue's
    documented prices.
    """

    prices: Mapping[str, Mapping[str, float]]
    currency: str = "USD"

    @classmethod
    def from_catalog(cls, currency: str = "USD") -> VolumePricing:
        prices = {
            tier: {
                vtype: list_price(by_currency, currency) for vtype, by_currency in types.items()
            }
            for tier, types in VOLUME_PRICES.items()
        }
        return cls(prices, currency)

    @classmethod
    def from_response(cls, response: GetVolumeTypesResponse) -> VolumePricing:
        prices: dict[str, dict[str, float]] = {}
        currency = "USD"
        for item in response.volume_types:
            prices.setdefault(str(item.tier), {})[str(item.volume_type)] = item.price_per_tb_hour
            currency = str(item.currency)
        return cls(prices, currency) if prices else cls.from_catalog()

    def types_for(self, tier: str | None) -> list[str]:
        return list(self.prices.get(tier or "", {}))

    def hourly(self, tier: str | None, volume_type: str, size_gb: int) -> float | None:
        price = self.prices.get(tier or "", {}).get(volume_type)
        return None if price is None else volume_hourly_rate(price, size_gb)


def rate_line(hourly: float | None, currency: str) -> str:
    """``$0.0977/h (about $71.29/month)``."""
    if hourly is None:
        return "—"
    return f"{rate(hourly, currency)} (about {money(hourly * HOURS_PER_MONTH, currency)}/month)"


def name_problem(name: str, taken: Iterable[str], what: str = "Volume") -> str | None:
    problem = validation.resource_name(name, f"{what} name")
    if problem is None and name in set(taken):
        problem = f"A {what.lower()} named {name!r} already exists"
    return problem


class CreateVolumeForm(ResourceForm[CreateVolumeRequest, VolumeResponse]):
    """Name, region, a type valid for the region's tier, size, and an OS image if bootable."""

    CSS_PATH: ClassVar[CssPaths] = FORM_CSS
    FIELDS: ClassVar[tuple[str, ...]] = ("name", "region", "volume_type", "size", "bootable", "image_name")

    def __init__(
        self,
        submit: Callable[[CreateVolumeRequest], Awaitable[VolumeResponse]],
        *,
        pricing: VolumePricing,
        os_images: Sequence[OSImage],
        taken_names: Iterable[str],
        region: str | None = None,
        regions: Sequence[str] = REGIONS,
    ) -> None:
        super().__init__("Create a volume", submit, submit_label="Create", busy_label="Creating…")
        self.pricing = pricing
        self.os_images = list(os_images)
        self.taken_names = frozenset(taken_names)
        self.region_choices = list(regions)
        self.initial_region = region if region in self.region_choices else self.region_choices[0]
        self._types_region: str | None = None
        self._images_region: str | None = None

    def compose_body(self) -> ComposeResult:
        yield from field_row("name", "Name", Input(placeholder="datasets", id="name"))
        region_options = [(f"{r}  ({tier_of_region(r)})", r) for r in self.region_choices]
        yield from field_row(
            "region",
            "Region",
            Select(region_options, value=self.initial_region, allow_blank=False, id="region"),
        )
        yield from field_row("volume_type", "Type", Select([], prompt="Type", id="volume_type"))
        yield from field_row("size", "Size (GB)", Input(value="100", restrict=r"\d*", id="size"))
        yield from field_row("bootable", "Bootable", Checkbox("Install an OS image on it", id="bootable"))
        yield from field_row("image_name", "OS image", Select([], prompt="OS image", id="image_name"))

    @property
    def chosen_region(self) -> str:
        return self.text("region")

    @property
    def tier(self) -> str | None:
        return tier_of_region(self.chosen_region)

    def values_changed(self) -> None:
        """Offer only the types of the region's tier and the images of the region."""
        region = self.chosen_region
        if region != self._types_region:
            self._types_region = region
            types = self.pricing.types_for(self.tier)
            select = self.query_one("#volume_type", Select)
            prices = self.pricing.prices.get(self.tier or "", {})
            select.set_options([(f"{t}  ({money(prices[t], self.pricing.currency)}/TB-h)", t) for t in types])
            if types:
                select.value = types[0]
        bootable = bool(self.value("bootable"))
        self.query_one("#image_name-row").display = bootable
        if bootable and region != self._images_region:
            self._images_region = region
            names = [image.name for image in self.os_images if not image.regions or region in image.regions]
            self.query_one("#image_name", Select).set_options([(n, n) for n in names])

    def problems(self) -> Mapping[str, str]:
        problems: dict[str, str] = {}
        name = name_problem(self.text("name"), self.taken_names)
        if name:
            problems["name"] = name
        types = self.pricing.types_for(self.tier)
        if self.tier is None:
            problems["region"] = f"{self.chosen_region or 'No region'} is not a Barrack region"
        elif self.text("volume_type") not in types:
            problems["volume_type"] = (
                f"Choose a type offered on the {self.tier} tier: {', '.join(types) or 'none'}"
            )
        size = validation.volume_size(self.text("size"))
        if size:
            problems["size"] = size
        if self.value("bootable"):
            image = self.text("image_name")
            offered = {i.name for i in self.os_images if not i.regions or self.chosen_region in i.regions}
            if not image:
                problems["image_name"] = "A bootable volume needs the OS image to install"
            elif image not in offered:
                problems["image_name"] = f"{image} is not offered in {self.chosen_region}"
        return problems

    def preview(self) -> str | Text:
        size = self.text("size")
        if validation.volume_size(size) or not self.text("volume_type"):
            return ""
        hourly = self.pricing.hourly(self.tier, self.text("volume_type"), int(size))
        return f"Costs {rate_line(hourly, self.pricing.currency)} while unattached; attached, it bills with the instance."

    def build(self) -> CreateVolumeRequest:
        bootable = bool(self.value("bootable"))
        return CreateVolumeRequest(
            name=self.text("name"),
            size=int(self.text("size")),
            volume_type=self.text("volume_type"),
            region=self.chosen_region,
            bootable=bootable or None,
            image_name=self.text("image_name") if bootable else None,
        )


class CloneVolumeForm(ResourceForm[str, VolumeResponse]):
    """A copy of a volume under a new name, in the same region."""

    CSS_PATH: ClassVar[CssPaths] = FORM_CSS
    FIELDS: ClassVar[tuple[str, ...]] = ("name",)

    def __init__(
        self,
        source: VolumeResponse,
        submit: Callable[[str], Awaitable[VolumeResponse]],
        *,
        taken_names: Iterable[str],
        currency: str = "USD",
    ) -> None:
        super().__init__(f"Clone {source.name}", submit, submit_label="Clone", busy_label="Cloning…")
        self.source = source
        self.taken_names = frozenset(taken_names)
        self.currency = currency

    def compose_body(self) -> ComposeResult:
        v = self.source
        yield Static(
            f"A new {v.size_gb:,} GB {v.volume_type} volume in {v.region} with a copy of the data"
            + (f" (bootable: {v.image_name})" if v.bootable else ""),
            id="note",
        )
        yield from field_row("name", "New name", Input(value=f"{v.name}-clone", id="name"))

    def problems(self) -> Mapping[str, str]:
        problem = name_problem(self.text("name"), self.taken_names)
        return {"name": problem} if problem else {}

    def preview(self) -> str | Text:
        return f"The clone costs {rate_line(self.source.hourly_rate, self.currency)} while unattached."

    def build(self) -> str:
        return self.text("name")


class ResizeVolumeForm(ResourceForm[int, VolumeResponse]):
    """Grow a volume; shows the $/h before and after."""

    CSS_PATH: ClassVar[CssPaths] = FORM_CSS
    FIELDS: ClassVar[tuple[str, ...]] = ("size",)

    def __init__(
        self,
        volume: VolumeResponse,
        submit: Callable[[int], Awaitable[VolumeResponse]],
        *,
        pricing: VolumePricing,
    ) -> None:
        super().__init__(f"Resize {volume.name}", submit, submit_label="Resize", busy_label="Resizing…")
        self.volume = volume
        self.pricing = pricing

    def compose_body(self) -> ComposeResult:
        v = self.volume
        yield Static(f"Now {v.size_gb:,} GB {v.volume_type} in {v.region}. Volumes only grow.", id="note")
        yield from field_row("size", "New size (GB)", Input(value=str(v.size_gb), restrict=r"\d*", id="size"))

    def problems(self) -> Mapping[str, str]:
        text = self.text("size")
        problem = validation.volume_size(text)
        if problem is None and int(text) <= self.volume.size_gb:
            problem = f"A volume can only grow: enter more than {self.volume.size_gb:,} GB"
        return {"size": problem} if problem else {}

    def new_rate(self, size_gb: int) -> float | None:
        v = self.volume
        hourly = self.pricing.hourly(
            str(v.tier) if v.tier else tier_of_region(v.region), str(v.volume_type), size_gb
        )
        if hourly is None and v.hourly_rate is not None and v.size_gb:
            hourly = v.hourly_rate * size_gb / v.size_gb
        return hourly

    def preview(self) -> str | Text:
        v = self.volume
        currency = self.pricing.currency
        text = self.text("size")
        now = Text(f"Now {rate(v.hourly_rate, currency)}")
        if not text.isdigit() or int(text) <= v.size_gb or int(text) > VOLUME_MAX_GB:
            return now
        hourly = self.new_rate(int(text))
        if hourly is None:
            return now
        now.append(f"  →  {int(text):,} GB: ")
        now.append(rate(hourly, currency), style="bold")
        if v.hourly_rate is not None:
            now.append(f"  (+{rate(hourly - v.hourly_rate, currency)})")
        return now

    def build(self) -> int:
        return int(self.text("size"))


def attach_candidates(volume: VolumeResponse, instances: Iterable[UserVM]) -> tuple[list[UserVM], str | None]:
    """The instances ``volume`` can attach to (ACTIVE, same region), or why there are none."""
    same_region = [vm for vm in instances if vm.region == volume.region]
    active = sorted((vm for vm in same_region if vm.status == "ACTIVE"), key=lambda vm: vm.vm_name)
    if active:
        return active, None
    if not same_region:
        return [], f"No instance in {volume.region}: volumes attach only to instances in their own region"
    states = ", ".join(f"{vm.vm_name} is {vm.status}" for vm in same_region[:4])
    more = f" and {len(same_region) - 4} more" if len(same_region) > 4 else ""
    return [], f"No ACTIVE instance in {volume.region} ({states}{more}); attaching needs an ACTIVE instance"


class AttachVolumeForm(ResourceForm[str, AttachVolumesResponse]):
    """Pick the instance to attach a volume to, among the ones that can take it."""

    CSS_PATH: ClassVar[CssPaths] = FORM_CSS
    FIELDS: ClassVar[tuple[str, ...]] = ("instance",)

    def __init__(
        self,
        volume: VolumeResponse,
        instances: Iterable[UserVM],
        submit: Callable[[str], Awaitable[AttachVolumesResponse]],
        *,
        currency: str = "USD",
    ) -> None:
        super().__init__(f"Attach {volume.name}", submit, submit_label="Attach", busy_label="Attaching…")
        self.volume = volume
        self.currency = currency
        self.candidates, self.reason = attach_candidates(volume, instances)

    def compose_body(self) -> ComposeResult:
        v = self.volume
        yield Static(
            f"{v.size_gb:,} GB {v.volume_type} in {v.region}: ACTIVE instances in {v.region}", id="note"
        )
        options = [
            Option(f"{vm.vm_name}  {vm.instance_id}  {vm.gpu_model} x{vm.gpu_count}", id=vm.instance_id)
            for vm in self.candidates
        ]
        yield from field_row("instance", "Instance", OptionList(*options, id="instance"))

    def ready(self) -> None:
        if self.candidates:
            self.query_one("#instance", OptionList).highlighted = 0
        else:
            self.query_one("#submit").disabled = True
            self.show_error(self.reason or "")

    def problems(self) -> Mapping[str, str]:
        if not self.candidates:
            return {"instance": self.reason or "No instance can take this volume"}
        if self.value("instance") is None:
            return {"instance": "Choose an instance"}
        return {}

    def preview(self) -> str | Text:
        if not self.candidates:
            return ""
        added = rate(self.volume.hourly_rate, self.currency)
        return f"Once attached it bills with the instance ({added} added to its rate)."

    @on(OptionList.OptionSelected, "#instance")
    def _picked(self) -> None:
        self.action_submit()

    def build(self) -> str:
        return self.text("instance")
