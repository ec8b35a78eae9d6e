"""The deploy form's rules: every invalid combination has a reason, prices match the API's."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import replace

import pytest

from barrack_tui.api.errors import (
    PayloadTooLargeError,
    PaymentRequiredError,
    ServerError,
    ValidationError,
)
from barrack_tui.api.models import (
    GPUStockItem,
    PricingData,
    VMSecurityRuleRequest,
    VolumeResponse,
)
from barrack_tui.deploy_rules import (
    AccountView,
    Catalogue,
    DeployDraft,
    Field,
    ImageChoice,
    NewVolume,
    alternatives,
    build_request,
    check,
    covers,
    default_instance_name,
    error_field,
    find_instance,
    price_preview,
    request_json,
    short_model_name,
)

UBUNTU = "Ubuntu-24.04-CUDA-12.8-Open-Docker"
FOCAL = "Ubuntu-20.04-R535-CUDA-12.2"


def stock(model: str, region: str, free: int) -> GPUStockItem:
    tier = "legacy" if region == "CANADA-1" else "advanced"
    return GPUStockItem(gpu_model=model, region=region, tier=tier, available=free, total=free)


STOCK = [
    stock("RTX-A6000", "CANADA-1", 8),
    stock("L40", "CANADA-1", 4),
    stock("A100-PCIe-80GB", "CANADA-1", 0),
    stock("H100-SXM5-80GB", "FINLAND-1", 16),
    stock("H100-SXM5-80GB", "FINLAND-2", 0),
    stock("H100-SXM5-80GB", "FINLAND-3", 2),
    stock("H200-141GB", "FINLAND-2", 24),
    stock("B200-180GB", "FINLAND-1", 8),
]


def volume(volume_id: str, name: str, region: str, **extra: object) -> VolumeResponse:
    fields: dict[str, object] = {
        "volume_id": volume_id,
        "name": name,
        "size_gb": 500,
        "volume_type": "SSD" if region == "CANADA-1" else "NVMe",
        "region": region,
        "status": "available",
    }
    fields.update(extra)
    return VolumeResponse.model_validate(fields)


VOLUMES = {
    v.volume_id: v
    for v in (
        volume("BRK-AAAAAAV", "archive-canada", "CANADA-1"),
        volume("BRK-BBBBBBV", "scratch-fi1", "FINLAND-1", volume_type="HDD"),
        volume("BRK-CCCCCCV", "boot-fi1", "FINLAND-1", bootable=True, size_gb=200),
        volume("BRK-DDDDDDV", "boot-canada", "CANADA-1", bootable=True),
        volume("BRK-EEEEEEV", "busy-fi1", "FINLAND-1", attached_to="BRK-XYZXYZD", status="in-use"),
        volume("BRK-FFFFFFV", "data-fi1", "FINLAND-1", bootable=False),
    )
}


@pytest.fixture
def catalogue() -> Catalogue:
    return Catalogue.build("USD", stocks=STOCK)


@pytest.fixture
def account() -> AccountView:
    all_regions = ("CANADA-1", "FINLAND-1", "FINLAND-2", "FINLAND-3")
    return AccountView(
        balance=500.0,
        ssh_keys=frozenset({"laptop", "ci-deploy"}),
        images=(ImageChoice(UBUNTU, "Ubuntu 24.04", all_regions), ImageChoice(FOCAL, "Ubuntu 20.04", ("CANADA-1",))),
        volumes=VOLUMES,
        instance_names=frozenset({"taken-name"}),
        script_ids=frozenset({"BRK-SCRIPTT"}),
        loaded=frozenset({"ssh_keys", "images", "volumes", "scripts"}),
    )


def valid(**changes: object) -> DeployDraft:
    draft = DeployDraft(
        gpu_model="H100-SXM5-80GB",
        gpu_count=4,
        region="FINLAND-1",
        instance_name="h100-sxm5-x4-abc",
        image_name=UBUNTU,
        ssh_key="laptop",
    )
    return replace(draft, **changes)  # type: ignore[arg-type]


def rule(**changes: object) -> VMSecurityRuleRequest:
    fields: dict[str, object] = {
        "direction": "ingress",
        "protocol": "tcp",
        "ethertype": "IPv4",
        "port_range_min": 22,
        "port_range_max": 22,
        "remote_ip_prefix": "0.0.0.0/0",
    }
    fields.update(changes)
    return VMSecurityRuleRequest.model_validate(fields)


# -- valid drafts -----------------------------------------------------------------


def test_a_complete_image_deploy_has_no_problem(catalogue: Catalogue, account: AccountView) -> None:
    assert check(valid(), catalogue, account) == {}


def test_a_volume_boot_needs_no_image_nor_key(catalogue: Catalogue, account: AccountView) -> None:
    draft = valid(boot="volume", boot_volume_id="BRK-CCCCCCV", image_name=None, ssh_key=None)
    assert check(draft, catalogue, account) == {}


def test_everything_optional_filled_in_is_still_valid(catalogue: Catalogue, account: AccountView) -> None:
    draft = valid(
        volumes=[NewVolume("weights", "500", "HDD")],
        existing_volumes=["BRK-BBBBBBV"],
        security_rules=[rule(), rule(protocol="icmp", port_range_min=None, port_range_max=None)],
        startup="cloud_init",
        cloud_init="#cloud-config\npackages: [htop]\n",
        public_ip=False,
    )
    assert check(draft, catalogue, account) == {}


# -- every invalid combination, with its reason --------------------------------------


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"gpu_model": None}, Field.MODEL, "Choose a GPU model"),
        ({"gpu_model": "V100"}, Field.MODEL, "Unknown GPU model"),
        ({"region": None}, Field.REGION, "Choose a region"),
        (
            {"region": "CANADA-1"},
            Field.REGION,
            "H100-SXM5-80GB is advanced tier, offered in FINLAND-1, FINLAND-2 or FINLAND-3",
        ),
        (
            {"gpu_model": "RTX-A6000", "gpu_count": 1},
            Field.REGION,
            "RTX-A6000 is legacy tier, offered in CANADA-1 only",
        ),
        ({"region": "MARS-1"}, Field.REGION, "Unknown region"),
        ({"gpu_count": 16}, Field.COUNT, "comes in 1, 2, 4 or 8 GPUs (max 8), not 16"),
        (
            {"gpu_model": "L40", "region": "CANADA-1", "gpu_count": 8},
            Field.COUNT,
            "L40 comes in 1, 2 or 4 GPUs (max 4)",
        ),
        ({"region": "FINLAND-2"}, Field.STOCK, "Out of stock: no H100-SXM5-80GB free in FINLAND-2"),
        ({"region": "FINLAND-3"}, Field.STOCK, "Only 2 x H100-SXM5-80GB free in FINLAND-3 (asked 4)"),
        ({"instance_name": ""}, Field.NAME, "Instance name is required"),
        ({"instance_name": "a/b"}, Field.NAME, "letters, digits"),
        ({"instance_name": "x" * 51}, Field.NAME, "at most 50"),
        ({"instance_name": "taken-name"}, Field.NAME, "exists already"),
        ({"image_name": None}, Field.IMAGE, "Choose an OS image"),
        ({"image_name": FOCAL}, Field.IMAGE, "not offered in FINLAND-1 (only CANADA-1)"),
        ({"image_name": "Windows-95"}, Field.IMAGE, "not found"),
        ({"ssh_key": None}, Field.SSH_KEY, "Choose an SSH key"),
        ({"ssh_key": "gone-key"}, Field.SSH_KEY, "not found"),
        ({"os_volume_gb": "50"}, Field.OS_VOLUME, "from 100 to 1,048,576 GB"),
        ({"os_volume_gb": ""}, Field.OS_VOLUME, "whole number"),
        ({"boot": "volume", "boot_volume_id": None}, Field.BOOT_VOLUME, "Choose a bootable volume in FINLAND-1"),
        ({"boot": "volume", "boot_volume_id": "BRK-DDDDDDV"}, Field.BOOT_VOLUME, "boot-canada is in CANADA-1"),
        ({"boot": "volume", "boot_volume_id": "BRK-FFFFFFV"}, Field.BOOT_VOLUME, "not bootable"),
        ({"boot": "volume", "boot_volume_id": "BRK-NOPENOV"}, Field.BOOT_VOLUME, "not found"),
        ({"existing_volumes": ["BRK-AAAAAAV"]}, Field.EXISTING, "archive-canada is in CANADA-1, not FINLAND-1"),
        ({"existing_volumes": ["BRK-EEEEEEV"]}, Field.EXISTING, "attached to BRK-XYZXYZD"),
        (
            {"volumes": [NewVolume("data", "500", "SSD")]},
            Field.VOLUMES,
            "SSD is not offered on the advanced tier (use HDD or NVMe)",
        ),
        ({"volumes": [NewVolume("data", "20", "HDD")]}, Field.VOLUMES, "from 100"),
        ({"volumes": [NewVolume("archive-canada", "200", "HDD")]}, Field.VOLUMES, "name is used already"),
        ({"volumes": [NewVolume("d", "200", "HDD"), NewVolume("d", "200", "HDD")]}, Field.VOLUMES, "used already"),
        ({"security_rules": [rule(remote_ip_prefix="10.0.0.300/8")]}, Field.RULES, "not a valid CIDR"),
        ({"security_rules": [rule(remote_ip_prefix="10.0.0.0")]}, Field.RULES, "CIDR notation"),
        (
            {"security_rules": [rule(), rule(port_range_min=443, port_range_max=80)]},
            Field.RULES,
            "Rule 2: Min port 443 is above max port 80",
        ),
        ({"security_rules": [rule(ethertype="IPv6")]}, Field.RULES, "not an IPv6 range"),
        ({"startup": "cloud_init", "cloud_init": "x" * (16 * 1024 + 1)}, Field.CLOUD_INIT, "the limit is 16 KB"),
        ({"startup": "script", "script_id": None}, Field.SCRIPT, "Choose a startup script"),
        ({"startup": "script", "script_id": "BRK-GONE00T"}, Field.SCRIPT, "not found"),
        (
            {"new_key": True, "new_key_name": "", "new_public_key": "ssh-ed25519 AAAAC3Nz"},
            Field.NEW_KEY_NAME,
            "required",
        ),
        (
            {"new_key": True, "new_key_name": "laptop", "new_public_key": "ssh-ed25519 AAAAC3Nz"},
            Field.NEW_KEY_NAME,
            "exists already",
        ),
        ({"new_key": True, "new_key_name": "mine", "new_public_key": "hello"}, Field.NEW_KEY, "OpenSSH public key"),
    ],
)
def test_invalid_combinations_are_named(
    catalogue: Catalogue, account: AccountView, changes: dict[str, object], field: Field, words: str
) -> None:
    problems = check(valid(**changes), catalogue, account)
    assert field in problems, problems
    assert words in problems[field]


def test_cloud_init_of_exactly_16_kb_is_allowed(catalogue: Catalogue, account: AccountView) -> None:
    draft = valid(startup="cloud_init", cloud_init="x" * (16 * 1024))
    assert check(draft, catalogue, account) == {}


def test_text_left_in_an_unselected_startup_mode_does_not_count(catalogue: Catalogue, account: AccountView) -> None:
    assert check(valid(startup="none", cloud_init="x" * 20_000), catalogue, account) == {}


def test_references_are_not_called_unknown_before_the_lists_load(catalogue: Catalogue) -> None:
    loading = AccountView(balance=None)
    draft = valid(ssh_key="laptop", existing_volumes=["BRK-AAAAAAV"], startup="script", script_id="BRK-SCRIPTT")
    assert check(draft, catalogue, loading) == {}


def test_unknown_stock_does_not_block(account: AccountView) -> None:
    assert check(valid(region="FINLAND-2"), Catalogue.build("USD"), account) == {}


def test_problems_come_in_form_order(catalogue: Catalogue, account: AccountView) -> None:
    problems = check(valid(gpu_model=None, instance_name="", ssh_key=None), catalogue, account)
    assert list(problems) == [Field.MODEL, Field.NAME, Field.SSH_KEY]


# -- balance ---------------------------------------------------------------------------


def test_balance_must_cover_the_minimum_hours(catalogue: Catalogue, account: AccountView) -> None:
    total = price_preview(valid(), catalogue, account).total  # type: ignore[union-attr]
    just_enough = replace(account, balance=round(total, 4) + 0.01)
    assert check(valid(), catalogue, just_enough) == {}
    low = replace(account, balance=5.0)
    problems = check(valid(), catalogue, low)
    assert list(problems) == [Field.BALANCE]
    assert problems[Field.BALANCE] == "Balance $5.00 is below 1 h of $10.79/h ($10.79 needed)"


def test_the_budget_hours_setting_scales_the_requirement(catalogue: Catalogue, account: AccountView) -> None:
    careful = replace(account, balance=30.0, budget_min_hours=4.0)
    assert "below 4 h of $10.79/h ($43.16 needed)" in check(valid(), catalogue, careful)[Field.BALANCE]


def test_balance_is_not_judged_for_an_impossible_machine(catalogue: Catalogue, account: AccountView) -> None:
    broke = replace(account, balance=0.0)
    assert Field.BALANCE not in check(valid(region="CANADA-1"), catalogue, broke)


# -- stock alternatives -------------------------------------------------------------------


def test_alternatives_are_the_same_model_elsewhere_then_the_cheapest(catalogue: Catalogue) -> None:
    found = alternatives(catalogue, "H100-SXM5-80GB", "FINLAND-2", 4)
    assert [(a.gpu_model, a.region, a.free) for a in found] == [
        ("H100-SXM5-80GB", "FINLAND-1", 16),
        ("RTX-A6000", "CANADA-1", 8),
        ("L40", "CANADA-1", 4),
        ("H200-141GB", "FINLAND-2", 24),
        ("B200-180GB", "FINLAND-1", 8),
    ]
    assert [a.price for a in found[1:]] == sorted(a.price for a in found[1:])


def test_alternatives_need_the_count_to_be_allowed_and_free(catalogue: Catalogue) -> None:
    found = alternatives(catalogue, "H200-141GB", "FINLAND-1", 8, limit=10)
    # RTX-A6000 and L40 stop at 4 GPUs; H100-SXM5 in FINLAND-3 has only 2 free.
    assert [(a.gpu_model, a.region) for a in found] == [
        ("H200-141GB", "FINLAND-2"),
        ("H100-SXM5-80GB", "FINLAND-1"),
        ("B200-180GB", "FINLAND-1"),
    ]


# -- prices -----------------------------------------------------------------------------------


def test_the_preview_matches_the_seed_breakdown(catalogue: Catalogue, account: AccountView) -> None:
    preview = price_preview(valid(), catalogue, account)
    assert preview is not None
    assert preview.gpu.hourly == pytest.approx(10.76)
    assert preview.os_volume is not None
    assert round(preview.os_volume.hourly, 4) == 0.0293  # 100 GB NVMe, as in the seed
    assert round(preview.total, 4) == 10.7893  # the seed's total at list prices
    assert preview.gpu.detail == "4 x H100-SXM5-80GB @ $2.69"


def test_data_volumes_are_priced_per_tb_hour(catalogue: Catalogue, account: AccountView) -> None:
    draft = valid(volumes=[NewVolume("weights", "500", "HDD")], existing_volumes=["BRK-BBBBBBV"])
    preview = price_preview(draft, catalogue, account)
    assert preview is not None
    assert [(line.label, round(line.hourly, 6)) for line in preview.data_volumes] == [
        ("weights", round(0.08 * 500 / 1024, 6)),
        ("scratch-fi1", round(0.08 * 500 / 1024, 6)),
    ]
    assert preview.total == pytest.approx(10.76 + 0.30 * 100 / 1024 + 2 * 0.08 * 500 / 1024)


def test_a_boot_volume_is_the_os_disk(catalogue: Catalogue, account: AccountView) -> None:
    preview = price_preview(valid(boot="volume", boot_volume_id="BRK-CCCCCCV"), catalogue, account)
    assert preview is not None and preview.os_volume is not None
    assert preview.os_volume.hourly == pytest.approx(0.30 * 200 / 1024)
    assert preview.os_volume.detail == "boot-fi1 200 GB NVMe"


def test_no_preview_before_a_model_is_chosen(catalogue: Catalogue, account: AccountView) -> None:
    assert price_preview(valid(gpu_model=None), catalogue, account) is None


def test_live_prices_and_currency_win_over_the_reference() -> None:
    pricing = PricingData.model_validate(
        {
            "gpus": {
                "pricing": {
                    "advanced": {
                        "H100-SXM5-80GB": {
                            "prices": {"USD": 2.5, "EUR": 2.3, "INR": 210},
                            "unit": "per GPU per hour",
                            "max_count": 4,
                        }
                    }
                }
            },
            "volumes": {
                "pricing": {
                    "advanced": {"NVMe": {"prices": {"USD": 0.3, "EUR": 0.4, "INR": 30}, "unit": "per TB per hour"}}
                }
            },
        }
    )
    catalogue = Catalogue.build("EUR", pricing=pricing)
    offer = catalogue.models["H100-SXM5-80GB"]
    assert (offer.price, offer.max_count, offer.counts) == (2.3, 4, (1, 2, 4))
    assert catalogue.models["RTX-A6000"].price == 0.64  # not in the answer: the reference EUR price
    assert catalogue.volume_types("advanced") == ("NVMe",)
    assert catalogue.volume_rate("advanced", "NVMe", 1024) == pytest.approx(0.4)


def test_a_price_missing_in_the_currency_falls_back_to_the_reference() -> None:
    """An answer filtered to one currency has no price in the others: never a None price."""
    pricing = PricingData.model_validate(
        {
            "gpus": {
                "pricing": {
                    "advanced": {
                        "H100-SXM5-80GB": {"prices": {"USD": 2.5}, "unit": "per GPU per hour", "max_count": 4},
                        "NOT-IN-THE-LIST": {"prices": {"USD": 9.0}, "unit": "per GPU per hour", "max_count": 1},
                    }
                }
            },
            "volumes": {"pricing": {"advanced": {"NVMe": {"prices": {"USD": 0.3}, "unit": "per TB per hour"}}}},
        }
    )
    catalogue = Catalogue.build("EUR", pricing=pricing)
    reference = Catalogue.build("EUR")
    assert catalogue.models["H100-SXM5-80GB"].price == reference.models["H100-SXM5-80GB"].price
    assert "NOT-IN-THE-LIST" not in catalogue.models  # nothing to price it with
    assert catalogue.volume_types("advanced") == ()
    assert catalogue.volume_rate("advanced", "NVMe", 1024) == 0.0


def test_covers() -> None:
    assert covers(100.0, 4.0).total_seconds() == 25 * 3600  # type: ignore[union-attr]
    assert covers(None, 4.0) is None
    assert covers(100.0, 0.0) is None


# -- the request ----------------------------------------------------------------------------------


def test_an_image_deploy_request_uses_the_seed_fields() -> None:
    draft = valid(security_rules=[rule()], volumes=[NewVolume("w", "200", "HDD")], existing_volumes=["BRK-BBBBBBV"])
    body = build_request(draft).to_body()
    assert body == {
        "gpu_model": "H100-SXM5-80GB",
        "gpu_count": 4,
        "region": "FINLAND-1",
        "instance_name": "h100-sxm5-x4-abc",
        "image_name": UBUNTU,
        "boot_from_volume": False,
        "ssh_key": "laptop",
        "public_ip": True,
        "security_rules": [
            {
                "direction": "ingress",
                "protocol": "tcp",
                "ethertype": "IPv4",
                "port_range_min": 22,
                "port_range_max": 22,
                "remote_ip_prefix": "0.0.0.0/0",
            }
        ],
        "os_volume": {"size": 100},
        "existing_volumes": ["BRK-BBBBBBV"],
        "volumes": [{"name": "w", "size": 200, "volume_type": "HDD"}],
    }
    assert json.loads(request_json(build_request(draft))) == body


def test_a_volume_boot_request() -> None:
    draft = valid(
        boot="volume",
        boot_volume_id="BRK-CCCCCCV",
        image_name=UBUNTU,
        ssh_key=None,
        startup="script",
        script_id="BRK-SCRIPTT",
    )
    body = build_request(draft).to_body()
    assert body["boot_from_volume"] is True and body["volume_id"] == "BRK-CCCCCCV"
    assert "image_name" not in body and "os_volume" not in body and "ssh_key" not in body
    assert body["script_id"] == "BRK-SCRIPTT" and "cloud_init" not in body


def test_a_new_key_is_named_in_the_request() -> None:
    draft = valid(ssh_key=None, new_key=True, new_key_name=" my-key ", new_public_key="ssh-ed25519 AAAA")
    assert build_request(draft).ssh_key == "my-key"


# -- names and answers ------------------------------------------------------------------------------


def test_short_model_names() -> None:
    assert short_model_name("H100-SXM5-80GB") == "h100-sxm5"
    assert short_model_name("RTX-A6000") == "rtx-a6000"
    assert short_model_name("B300-262GB") == "b300"


def test_default_names_are_readable_stable_and_unique() -> None:
    first = default_instance_name("H100-SXM5-80GB", 4, (), "seed")
    assert first.startswith("h100-sxm5-x4-") and len(first) == len("h100-sxm5-x4-") + 3
    assert default_instance_name("H100-SXM5-80GB", 4, (), "seed") == first
    assert default_instance_name("H100-SXM5-80GB", 4, {first}, "seed") != first


@pytest.mark.parametrize(
    ("error", "field"),
    [
        (PaymentRequiredError("Insufficient credits: balance 1.00 USD", status=402), Field.BALANCE),
        (ServerError("No capacity: 0 x H200-141GB free in FINLAND-3", status=503), Field.STOCK),
        (PayloadTooLargeError("cloud_init is 17,000 bytes", status=413), Field.CLOUD_INIT),
        (ValidationError("Region FINLAND-1 is not valid for RTX-A6000 (legacy tier)", status=400), Field.REGION),
        (ValidationError("gpu_count 8 is not allowed for L40: choose 1, 2 or 4", status=400), Field.COUNT),
        (ValidationError("Instance name 'x' is already used in this account", status=400), Field.NAME),
        (ValidationError("SSH key 'nope' not found (your keys: laptop)", status=404), Field.SSH_KEY),
        (ValidationError("Volume BRK-BBBBBBV (scratch-fi1) is already attached to BRK-1", status=400), Field.EXISTING),
        (ValidationError("Image Foo is not offered in FINLAND-1", status=400), Field.IMAGE),
        (ValidationError("Startup script BRK-X not found", status=404), Field.SCRIPT),
        (ValidationError("Min port 9 is above max port 1", status=400), Field.RULES),
        (ServerError("Internal error", status=500), Field.FORM),
    ],
)
def test_server_refusals_land_on_their_field(error: ValidationError, field: Field) -> None:
    assert error_field(error, valid(existing_volumes=["BRK-BBBBBBV"])) is field


def test_find_instance_by_its_unique_name() -> None:
    class VM:
        def __init__(self, name: str) -> None:
            self.vm_name = name

    vms = [VM("a"), VM("b")]
    assert find_instance(vms, "b") is vms[1]
    assert find_instance(vms, "c") is None


def test_the_rules_do_not_import_textual() -> None:
    code = "import sys, barrack_tui.deploy_rules; print(sorted(m for m in sys.modules if m.split('.')[0] == 'textual'))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
