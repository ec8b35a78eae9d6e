"""What makes a deploy request valid, what it will cost, and what else is in stock.

The deploy form asks these functions after every keystroke, so every rule the
server enforces (simulator-rules.md, the seed page) is caught here first, with
a message for the field it concerns. Pure: no Textual, no I/O; the live data
(prices, specs, stock, balance, keys, images, volumes) comes in as values.

Live data wins over the reference catalogue (``barrack_tui.catalog``), which
only fills the gaps while the pricing, specs and stock endpoints have not
answered yet.
"""

from __future__ import annotations

import json
import random
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Final, Literal, Protocol

from barrack_tui import validation
from barrack_tui.api.models import (
    DeploymentRequest,
    OsVolume,
    VMSecurityRuleRequest,
    VolumeCreate,
)
from barrack_tui.catalog import (
    GPU_COUNTS,
    GPU_MODELS,
    OS_VOLUME_TYPE,
    REGIONS,
    REGIONS_BY_TIER,
    SNAPSHOT_PRICE,
    VOLUME_MIN_GB,
    VOLUME_PRICES,
    list_price,
    volume_hourly_rate,
)
from barrack_tui.format import money, rate

if TYPE_CHECKING:
    from barrack_tui.api.errors import BarrackError
    from barrack_tui.api.models import GPUSpec, GPUStockItem, PricingData

DEFAULT_BUDGET_MIN_HOURS: Final = 1.0
DEFAULT_OS_VOLUME_GB: Final = VOLUME_MIN_GB
BootKind = Literal["image", "volume"]
StartupKind = Literal["none", "cloud_init", "script"]


class Field(StrEnum):
    """Where a problem is shown: one entry per field of the form, in form order."""

    MODEL = "gpu_model"
    COUNT = "gpu_count"
    REGION = "region"
    STOCK = "stock"
    NAME = "instance_name"
    IMAGE = "image_name"
    BOOT_VOLUME = "volume_id"
    SSH_KEY = "ssh_key"
    NEW_KEY_NAME = "new_key_name"
    NEW_KEY = "new_public_key"
    OS_VOLUME = "os_volume"
    VOLUMES = "volumes"
    EXISTING = "existing_volumes"
    RULES = "security_rules"
    CLOUD_INIT = "cloud_init"
    SCRIPT = "script_id"
    BALANCE = "balance"
    FORM = "form"


Problems = dict[Field, str]


# --------------------------------------------------------------- the catalogue


@dataclass(frozen=True, slots=True)
class ModelOffer:
    """One GPU model as it can be ordered now, priced in the account's currency."""

    name: str
    tier: str
    regions: tuple[str, ...]
    counts: tuple[int, ...]
    max_count: int
    price: float
    """Per GPU-hour."""
    vram_gb: int
    vcpus_per_gpu: int
    ram_gb_per_gpu: int
    architecture: str


@dataclass(frozen=True, slots=True)
class Catalogue:
    """Models, storage prices and stock, from the API where it answered."""

    currency: str
    models: dict[str, ModelOffer]
    volume_prices: dict[str, dict[str, float]]
    """tier -> volume type -> price per TB-hour."""
    snapshot_price: float | None
    stock: dict[tuple[str, str], int]
    """(model, region) -> free GPUs; empty until the stock endpoint answered."""

    @classmethod
    def build(
        cls,
        currency: str = "USD",
        pricing: PricingData | None = None,
        specs: Mapping[str, GPUSpec] | None = None,
        stocks: Iterable[GPUStockItem] | None = None,
    ) -> Catalogue:
        prices = _gpu_prices(pricing, currency)
        models: dict[str, ModelOffer] = {}
        names = [*GPU_MODELS, *(n for n in (specs or {}) if n not in GPU_MODELS)]
        names += [n for n in prices if n not in names]
        for name in names:
            offer = _offer(name, currency, prices.get(name), (specs or {}).get(name))
            if offer is not None:
                models[name] = offer
        stock = {(s.gpu_model, s.region): s.available for s in stocks or ()}
        return cls(currency, models, _volume_prices(pricing, currency), _snapshot_price(pricing, currency), stock)

    @property
    def stock_known(self) -> bool:
        return bool(self.stock)

    def free(self, model: str, region: str) -> int | None:
        """Free GPUs of ``model`` in ``region``; None while stock is unknown."""
        if not self.stock_known:
            return None
        return self.stock.get((model, region), 0)

    def volume_types(self, tier: str) -> tuple[str, ...]:
        return tuple(self.volume_prices.get(tier, {}))

    def volume_rate(self, tier: str, volume_type: str, size_gb: int) -> float:
        """$/h of a volume: price per TB-hour x GB / 1024 (0 when the type has no price)."""
        price = self.volume_prices.get(tier, {}).get(volume_type)
        return volume_hourly_rate(price, size_gb) if price is not None else 0.0


def _gpu_prices(pricing: PricingData | None, currency: str) -> dict[str, tuple[str, float, int | None]]:
    """model -> (tier, price per GPU-hour, max_count) from the pricing endpoint.

    A model with no price in ``currency`` is left out (the built-in list may price it).
    """
    found: dict[str, tuple[str, float, int | None]] = {}
    if pricing is None or pricing.gpus is None:
        return found
    for tier, models in pricing.gpus.pricing.items():
        for name, entry in models.items():
            price = entry.prices.in_currency(currency)
            if price is not None:
                found[name] = (str(tier), price, entry.max_count)
    return found


def _offer(
    name: str, currency: str, priced: tuple[str, float, int | None] | None, spec: GPUSpec | None
) -> ModelOffer | None:
    ref = GPU_MODELS.get(name)
    tier = str(spec.tier) if spec else priced[0] if priced else ref.tier if ref else None
    if tier is None:
        return None
    if priced is not None:
        price = priced[1]
    elif ref is not None:
        price = list_price(ref.prices, currency)
    else:
        return None
    max_count = (spec.max_count if spec else None) or (priced[2] if priced else None) or (ref.max_count if ref else 1)
    counts = tuple(spec.gpu_counts) if spec and spec.gpu_counts else tuple(c for c in GPU_COUNTS if c <= max_count)
    return ModelOffer(
        name=name,
        tier=tier,
        regions=REGIONS_BY_TIER.get(tier, ()),  # type: ignore[call-overload]
        counts=counts,
        max_count=max_count,
        price=price,
        vram_gb=spec.vram_gb if spec else ref.vram_gb if ref else 0,
        vcpus_per_gpu=spec.vcpus_per_gpu if spec else ref.vcpus_per_gpu if ref else 0,
        ram_gb_per_gpu=spec.ram_gb_per_gpu if spec else ref.ram_gb_per_gpu if ref else 0,
        architecture=(spec.architecture if spec else None) or (ref.architecture if ref else ""),
    )


def _volume_prices(pricing: PricingData | None, currency: str) -> dict[str, dict[str, float]]:
    if pricing is not None and pricing.volumes is not None:
        return {
            str(tier): {
                str(kind): price
                for kind, entry in kinds.items()
                if (price := entry.prices.in_currency(currency)) is not None
            }
            for tier, kinds in pricing.volumes.pricing.items()
        }
    return {
        tier: {kind: list_price(prices, currency) for kind, prices in kinds.items()}
        for tier, kinds in VOLUME_PRICES.items()
    }


def _snapshot_price(pricing: PricingData | None, currency: str) -> float | None:
    if pricing is not None and pricing.snapshots is not None:
        entry = pricing.snapshots.pricing.get("legacy")  # type: ignore[call-overload]
        return entry.prices.in_currency(currency) if entry else None
    return list_price(SNAPSHOT_PRICE, currency)


def tier_of(region: str) -> str | None:
    for tier, regions in REGIONS_BY_TIER.items():
        if region in regions:
            return tier
    return None


@dataclass(frozen=True, slots=True)
class Alternative:
    """Somewhere the wanted number of GPUs is free now."""

    gpu_model: str
    region: str
    tier: str
    price: float
    free: int


def alternatives(
    catalogue: Catalogue, model: str | None, region: str | None, count: int, limit: int = 5
) -> list[Alternative]:
    """Where ``count`` GPUs are free now, other than (model, region).

    The same model in another region comes first (same machine, same price),
    then other models that come in that count, cheapest per GPU-hour first.
    """
    found: list[tuple[tuple[int, float, str, str], Alternative]] = []
    for offer in catalogue.models.values():
        if count not in offer.counts:
            continue
        for where in offer.regions:
            free = catalogue.free(offer.name, where)
            if free is None or free < count or (offer.name, where) == (model, region):
                continue
            rank = (0 if offer.name == model else 1, offer.price, offer.name, where)
            found.append((rank, Alternative(offer.name, where, offer.tier, offer.price, free)))
    return [alt for _, alt in sorted(found, key=lambda pair: pair[0])[:limit]]


# ------------------------------------------------------------ account context


class VolumeLike(Protocol):
    volume_id: str
    name: str
    region: str
    size_gb: int
    volume_type: str
    status: str
    bootable: bool
    attached_to: str | None


@dataclass(frozen=True, slots=True)
class ImageChoice:
    """An OS image or a ready custom image, and the regions it can boot in."""

    name: str
    label: str
    regions: tuple[str, ...]


def image_choices(os_images: Iterable[Any], custom_images: Iterable[Any]) -> list[ImageChoice]:
    """OS images first (as listed), then custom images that are ready."""
    choices = [ImageChoice(i.name, i.description or i.name, tuple(i.regions)) for i in os_images]
    for image in custom_images:
        if str(image.status).upper() == "SUCCESS":
            choices.append(ImageChoice(image.name, f"{image.name} (custom)", (image.region,)))
    return choices


@dataclass(frozen=True, slots=True)
class AccountView:
    """What the form checks against besides the catalogue."""

    balance: float | None = None
    ssh_keys: frozenset[str] = frozenset()
    images: tuple[ImageChoice, ...] = ()
    volumes: Mapping[str, VolumeLike] = field(default_factory=dict)
    instance_names: frozenset[str] = frozenset()
    script_ids: frozenset[str] = frozenset()
    budget_min_hours: float = DEFAULT_BUDGET_MIN_HOURS
    loaded: frozenset[str] = frozenset()
    """Which of "ssh_keys", "images", "volumes", "scripts" have been fetched;
    until then a reference to one is not reported as unknown."""

    def images_in(self, region: str | None) -> list[ImageChoice]:
        return [i for i in self.images if region is None or region in i.regions]

    def attachable(self) -> list[VolumeLike]:
        """Volumes free to attach: not attached and available, any region."""
        return [v for v in self.volumes.values() if v.attached_to is None and str(v.status) == "available"]

    def bootable(self) -> list[VolumeLike]:
        return [v for v in self.attachable() if v.bootable]


# -------------------------------------------------------------- the form state


@dataclass(frozen=True, slots=True)
class NewVolume:
    """A data volume to create with the instance (size as typed)."""

    name: str
    size: str
    volume_type: str


@dataclass(slots=True)
class DeployDraft:
    """Everything the form holds, as entered (numbers as typed)."""

    gpu_model: str | None = None
    gpu_count: int = 1
    region: str | None = None
    instance_name: str = ""
    boot: BootKind = "image"
    image_name: str | None = None
    boot_volume_id: str | None = None
    ssh_key: str | None = None
    """An existing key's name; ignored while ``new_key`` is set."""
    new_key: bool = False
    new_key_name: str = ""
    new_public_key: str = ""
    public_ip: bool = True
    os_volume_gb: str = str(DEFAULT_OS_VOLUME_GB)
    volumes: list[NewVolume] = field(default_factory=list)
    existing_volumes: list[str] = field(default_factory=list)
    security_rules: list[VMSecurityRuleRequest] = field(default_factory=list)
    startup: StartupKind = "none"
    cloud_init: str = ""
    script_id: str | None = None

    @property
    def key_name(self) -> str | None:
        """The key the request will name: the one to create, or the one chosen."""
        return self.new_key_name.strip() if self.new_key else self.ssh_key


@dataclass(frozen=True, slots=True)
class DeployPrefill:
    """Values to open the form with (e.g. from a row of the pricing screen)."""

    gpu_model: str | None = None
    region: str | None = None
    gpu_count: int = 1
    instance_name: str | None = None
    image_name: str | None = None
    ssh_key: str | None = None


# ------------------------------------------------------------------ the checks


def _choices(values: Sequence[object]) -> str:
    texts = [str(v) for v in values]
    if len(texts) <= 1:
        return "".join(texts)
    return f"{', '.join(texts[:-1])} or {texts[-1]}"


def check(draft: DeployDraft, catalogue: Catalogue, account: AccountView) -> Problems:
    """Every problem of the draft, by field, in form order; empty when it can be sent."""
    problems: Problems = {}
    offer = _check_machine(draft, catalogue, problems)
    name_problem = validation.resource_name(draft.instance_name, "Instance name")
    if name_problem is None and draft.instance_name in account.instance_names:
        name_problem = f"An instance named {draft.instance_name!r} exists already: names are unique"
    if name_problem:
        problems[Field.NAME] = name_problem
    if draft.boot == "image":
        _check_image_boot(draft, account, problems)
    else:
        _check_volume_boot(draft, account, problems)
    _check_ssh_key(draft, account, problems)
    _check_data_volumes(draft, catalogue, offer, account, problems)
    _check_rules(draft, problems)
    _check_startup(draft, account, problems)
    if offer is not None and not problems.keys() & {Field.REGION, Field.COUNT}:
        _check_balance(draft, catalogue, account, problems)
    return {f: problems[f] for f in Field if f in problems}


def _check_machine(draft: DeployDraft, catalogue: Catalogue, problems: Problems) -> ModelOffer | None:
    offer = catalogue.models.get(draft.gpu_model or "")
    if not draft.gpu_model:
        problems[Field.MODEL] = "Choose a GPU model"
    elif offer is None:
        problems[Field.MODEL] = f"Unknown GPU model {draft.gpu_model!r}"
    if not draft.region:
        problems[Field.REGION] = "Choose a region"
    elif tier_of(draft.region) is None:
        problems[Field.REGION] = f"Unknown region {draft.region!r}: choose {_choices(REGIONS)}"
    elif offer is not None and draft.region not in offer.regions:
        problems[Field.REGION] = (
            f"{offer.name} is {offer.tier} tier, offered in {_choices(offer.regions)} only; "
            f"{draft.region} is {tier_of(draft.region)} tier"
        )
    if offer is None:
        return None
    if draft.gpu_count not in offer.counts:
        problems[Field.COUNT] = (
            f"{offer.name} comes in {_choices(offer.counts)} GPUs (max {offer.max_count}), not {draft.gpu_count}"
        )
    elif Field.REGION not in problems and draft.region:
        free = catalogue.free(offer.name, draft.region)
        if free is not None and free < draft.gpu_count:
            problems[Field.STOCK] = (
                f"Out of stock: no {offer.name} free in {draft.region}"
                if free == 0
                else f"Only {free} x {offer.name} free in {draft.region} (asked {draft.gpu_count})"
            )
    return offer


def _check_image_boot(draft: DeployDraft, account: AccountView, problems: Problems) -> None:
    if not draft.image_name:
        problems[Field.IMAGE] = "Choose an OS image: an image deploy needs an image and an SSH key"
    elif draft.region and "images" in account.loaded:
        known = {i.name: i for i in account.images}
        image = known.get(draft.image_name)
        if image is None:
            problems[Field.IMAGE] = f"Image {draft.image_name!r} not found"
        elif draft.region not in image.regions:
            problems[Field.IMAGE] = (
                f"Image {draft.image_name} is not offered in {draft.region} (only {_choices(image.regions)})"
            )
    size = validation.volume_size(draft.os_volume_gb)
    if size:
        problems[Field.OS_VOLUME] = f"OS disk: {size}"


def _check_volume_boot(draft: DeployDraft, account: AccountView, problems: Problems) -> None:
    if not draft.boot_volume_id:
        where = f" in {draft.region}" if draft.region else ""
        problems[Field.BOOT_VOLUME] = f"Choose a bootable volume{where}: a volume boot needs one"
        return
    if "volumes" not in account.loaded:
        return
    volume = account.volumes.get(draft.boot_volume_id)
    if volume is None:
        problems[Field.BOOT_VOLUME] = f"Volume {draft.boot_volume_id} not found"
    elif not volume.bootable:
        problems[Field.BOOT_VOLUME] = f"Volume {volume.name} is not bootable"
    elif draft.region and volume.region != draft.region:
        problems[Field.BOOT_VOLUME] = (
            f"Boot volume {volume.name} is in {volume.region}, not {draft.region}: a volume boots in its own region"
        )
    elif volume.attached_to is not None:
        problems[Field.BOOT_VOLUME] = f"Volume {volume.name} is attached to {volume.attached_to}"
    elif str(volume.status) != "available":
        problems[Field.BOOT_VOLUME] = f"Volume {volume.name} is {volume.status}; it must be available"


def _check_ssh_key(draft: DeployDraft, account: AccountView, problems: Problems) -> None:
    if draft.new_key:
        name = validation.ssh_key_name(draft.new_key_name.strip())
        if name is None and draft.new_key_name.strip() in account.ssh_keys:
            name = f"A key named {draft.new_key_name.strip()!r} exists already: choose it from the list"
        if name:
            problems[Field.NEW_KEY_NAME] = name
        key = validation.public_key(draft.new_public_key)
        if key:
            problems[Field.NEW_KEY] = key
        return
    if draft.ssh_key is None:
        if draft.boot == "image":
            problems[Field.SSH_KEY] = "Choose an SSH key (or add one): an image deploy needs one to log in"
    elif "ssh_keys" in account.loaded and draft.ssh_key not in account.ssh_keys:
        problems[Field.SSH_KEY] = f"SSH key {draft.ssh_key!r} not found"


def _check_data_volumes(
    draft: DeployDraft, catalogue: Catalogue, offer: ModelOffer | None, account: AccountView, problems: Problems
) -> None:
    taken = {v.name for v in account.volumes.values()}
    seen: set[str] = set()
    for spec in draft.volumes:
        what = f"Volume {spec.name or '(unnamed)'}"
        problem = validation.resource_name(spec.name, "Volume name") or (
            f"{what}: the name is used already" if spec.name in taken or spec.name in seen else None
        )
        size = validation.volume_size(spec.size)
        if problem is None and size:
            problem = f"{what}: {size}"
        if problem is None and offer is not None:
            types = catalogue.volume_types(offer.tier)
            if spec.volume_type not in types:
                problem = f"{what}: {spec.volume_type} is not offered on the {offer.tier} tier (use {_choices(types)})"
        seen.add(spec.name)
        if problem:
            problems[Field.VOLUMES] = problem
            break
    for volume_id in draft.existing_volumes:
        volume = account.volumes.get(volume_id)
        if volume is None:
            if "volumes" in account.loaded:
                problems[Field.EXISTING] = f"Volume {volume_id} not found"
                break
            continue
        if draft.region and volume.region != draft.region:
            problems[Field.EXISTING] = (
                f"Volume {volume.name} is in {volume.region}, not {draft.region}: volumes attach in their own region"
            )
        elif volume.attached_to is not None:
            problems[Field.EXISTING] = f"Volume {volume.name} is attached to {volume.attached_to} already"
        elif volume_id == draft.boot_volume_id and draft.boot == "volume":
            problems[Field.EXISTING] = f"Volume {volume.name} is the boot volume"
        else:
            continue
        break


def _check_rules(draft: DeployDraft, problems: Problems) -> None:
    for number, rule in enumerate(draft.security_rules, 1):
        low = "" if rule.port_range_min is None else str(rule.port_range_min)
        high = "" if rule.port_range_max is None else str(rule.port_range_max)
        problem = validation.port_range(str(rule.protocol), low, high) or validation.cidr(
            rule.remote_ip_prefix or "", str(rule.ethertype)
        )
        if problem:
            problems[Field.RULES] = f"Rule {number}: {problem}"
            return


def _check_startup(draft: DeployDraft, account: AccountView, problems: Problems) -> None:
    if draft.startup == "cloud_init":
        problem = validation.cloud_init(draft.cloud_init)
        if problem:
            problems[Field.CLOUD_INIT] = problem
    elif draft.startup == "script":
        if not draft.script_id:
            problems[Field.SCRIPT] = "Choose a startup script"
        elif "scripts" in account.loaded and draft.script_id not in account.script_ids:
            problems[Field.SCRIPT] = f"Startup script {draft.script_id} not found"


def _check_balance(draft: DeployDraft, catalogue: Catalogue, account: AccountView, problems: Problems) -> None:
    if account.balance is None:
        return
    preview = price_preview(draft, catalogue, account)
    if preview is None:
        return
    needed = preview.total * account.budget_min_hours
    if account.balance < needed:
        hours = account.budget_min_hours
        problems[Field.BALANCE] = (
            f"Balance {money(account.balance, catalogue.currency)} is below {hours:g} h of "
            f"{rate(preview.total, catalogue.currency)} ({money(needed, catalogue.currency)} needed)"
        )


# -------------------------------------------------------------- price preview


@dataclass(frozen=True, slots=True)
class PriceLine:
    label: str
    detail: str
    hourly: float


@dataclass(frozen=True, slots=True)
class PricePreview:
    """The request's $/h, broken down like the API's billing breakdown."""

    currency: str
    gpu: PriceLine
    os_volume: PriceLine | None
    data_volumes: tuple[PriceLine, ...]

    @property
    def data_total(self) -> float:
        return sum(line.hourly for line in self.data_volumes)

    @property
    def total(self) -> float:
        return self.gpu.hourly + (self.os_volume.hourly if self.os_volume else 0.0) + self.data_total


def _whole(text: str) -> int | None:
    text = text.strip()
    return int(text) if text.isdigit() else None


def price_preview(draft: DeployDraft, catalogue: Catalogue, account: AccountView) -> PricePreview | None:
    """The hourly rate of the draft, or None until a model is chosen."""
    offer = catalogue.models.get(draft.gpu_model or "")
    if offer is None:
        return None
    tier = offer.tier
    gpu = PriceLine(
        "GPU",
        f"{draft.gpu_count} x {offer.name} @ {money(offer.price, catalogue.currency)}",
        offer.price * draft.gpu_count,
    )
    os_line: PriceLine | None = None
    if draft.boot == "image":
        size = _whole(draft.os_volume_gb)
        if size:
            kind = OS_VOLUME_TYPE.get(tier, "SSD")  # type: ignore[call-overload]
            os_line = PriceLine("OS volume", f"{size} GB {kind}", catalogue.volume_rate(tier, kind, size))
    else:
        boot = account.volumes.get(draft.boot_volume_id or "")
        if boot is not None:
            os_line = PriceLine(
                "OS volume",
                f"{boot.name} {boot.size_gb} GB {boot.volume_type}",
                catalogue.volume_rate(tier, str(boot.volume_type), boot.size_gb),
            )
    data: list[PriceLine] = []
    for spec in draft.volumes:
        size = _whole(spec.size)
        if size:
            data.append(
                PriceLine(
                    spec.name, f"new {size} GB {spec.volume_type}", catalogue.volume_rate(tier, spec.volume_type, size)
                )
            )
    for volume_id in draft.existing_volumes:
        volume = account.volumes.get(volume_id)
        if volume is not None:
            data.append(
                PriceLine(
                    volume.name,
                    f"{volume.size_gb} GB {volume.volume_type}",
                    catalogue.volume_rate(tier, str(volume.volume_type), volume.size_gb),
                )
            )
    return PricePreview(catalogue.currency, gpu, os_line, tuple(data))


def covers(balance: float | None, hourly: float) -> timedelta | None:
    """How long the balance pays for ``hourly`` (None when unknown or free)."""
    if balance is None or hourly <= 0:
        return None
    return timedelta(hours=max(balance, 0.0) / hourly)


# -------------------------------------------------------------------- request


def build_request(draft: DeployDraft) -> DeploymentRequest:
    """The exact body to POST. Call only when :func:`check` found no problem."""
    assert draft.gpu_model and draft.region
    image = draft.boot == "image"
    startup_text = draft.cloud_init if draft.startup == "cloud_init" and draft.cloud_init.strip() else None
    size = _whole(draft.os_volume_gb)
    return DeploymentRequest(
        gpu_model=draft.gpu_model,
        gpu_count=draft.gpu_count,
        region=draft.region,
        instance_name=draft.instance_name,
        image_name=draft.image_name if image else None,
        volume_id=None if image else draft.boot_volume_id,
        boot_from_volume=not image,
        ssh_key=draft.key_name,
        public_ip=draft.public_ip,
        security_rules=list(draft.security_rules) or None,
        cloud_init=startup_text,
        os_volume=OsVolume(size=size) if image and size else None,
        existing_volumes=list(draft.existing_volumes) or None,
        volumes=[VolumeCreate(name=v.name, size=int(v.size), volume_type=v.volume_type) for v in draft.volumes] or None,
        script_id=draft.script_id if draft.startup == "script" else None,
    )


def request_json(request: DeploymentRequest) -> str:
    """The body as it goes on the wire, indented for reading."""
    return json.dumps(request.to_body(), indent=2, ensure_ascii=False)


# ------------------------------------------------------------------- naming


_SIZE_SUFFIX: Final = re.compile(r"-\d+GB$", re.IGNORECASE)


def short_model_name(model: str) -> str:
    """``H100-SXM5-80GB`` -> ``h100-sxm5``: the model without its memory size."""
    return _SIZE_SUFFIX.sub("", model).lower()


def default_instance_name(model: str, count: int, taken: Iterable[str], seed: str) -> str:
    """``h100-sxm5-x4-qzk``: readable, unique in the account, the same for the same seed.

    The name is what an ambiguous deploy is reconciled by, so it must be unique.
    """
    used = set(taken)
    rng = random.Random(seed)
    while True:
        suffix = "".join(rng.choices("abcdefghijklmnopqrstuvwxyz", k=3))
        name = f"{short_model_name(model)}-x{count}-{suffix}"
        if name not in used:
            return name


# ------------------------------------------------------ answers from the server


def error_field(error: BarrackError, draft: DeployDraft) -> Field:
    """Which field a refused deploy concerns, from its status and the server's words."""
    status = error.status
    message = error.message.casefold()
    if status == 402:
        return Field.BALANCE
    if status == 503:
        return Field.STOCK
    if status == 413:
        return Field.CLOUD_INIT if draft.startup == "cloud_init" or "cloud" in message else Field.FORM
    if status not in (400, 404, 422):
        return Field.FORM
    keywords: tuple[tuple[tuple[str, ...], Field], ...] = (
        (("cloud_init", "cloud-init"), Field.CLOUD_INIT),
        (("gpu_count",), Field.COUNT),
        (("gpu model",), Field.MODEL),
        (("unknown region", "is not valid for"), Field.REGION),
        (("instance name", "instance_name"), Field.NAME),
        (("ssh key", "ssh_key", "public key"), Field.SSH_KEY),
        (("volume_id", "boot_from_volume", "volume boot"), Field.BOOT_VOLUME),
    )
    for words, where in keywords:
        if any(w in message for w in words):
            return where
    if draft.boot_volume_id and draft.boot_volume_id.casefold() in message:
        return Field.BOOT_VOLUME
    if any(v.casefold() in message for v in draft.existing_volumes):
        return Field.EXISTING
    for words, where in (
        (("os_volume",), Field.OS_VOLUME),
        (("volume",), Field.VOLUMES),
        (("image",), Field.IMAGE),
        (("script",), Field.SCRIPT),
        (("port", "cidr", "remote_ip_prefix", "rule"), Field.RULES),
    ):
        if any(w in message for w in words):
            return where
    return Field.FORM


def find_instance(instances: Iterable[Any], name: str) -> Any | None:
    """The instance called ``name`` (names are unique per account), if it exists."""
    return next((vm for vm in instances if vm.vm_name == name), None)
