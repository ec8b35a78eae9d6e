"""POST /deploy-server/: the seed's shape and every rule before it deploys."""

from __future__ import annotations

import pytest

from .conftest import Sim, deploy_body, error_of


async def test_201_has_the_seed_shape(empty: Sim) -> None:
    body = deploy_body(gpu_model="H100-SXM5-80GB", gpu_count=4, region="FINLAND-1", instance_name="barrack-h100s-xyz")
    response = await empty.post("deploy-server/", body)
    assert response.status_code == 201
    doc = response.json()
    assert set(doc) == {"success", "message", "request_id", "timestamp", "data", "tier"}
    assert doc["tier"] == "advanced"
    assert doc["timestamp"] == "2025-06-01T12:00:00Z"
    data = doc["data"]
    assert data["instance_id"].startswith("BRK-") and len(data["instance_id"]) == 11
    assert data["status"] == "CREATING"
    assert (data["ip_address"], data["ip_status"]) == (None, "pending")
    assert data["boot_source"] == "image"
    assert data["operating_system"] == "Ubuntu 24.04 + CUDA 12.8 Open + Docker"
    assert data["specs"] == {
        "gpu_type": "H100-SXM5-80GB",
        "gpu_count": 4,
        "ram_gb": 740,
        "vcpus": 176,
        "storage_gb": 100,
    }
    billing = data["billing"]
    assert billing["breakdown"]["compute"]["gpu"] == {"model": "H100-SXM5-80GB", "count": 4, "hourly_rate": 10.76}
    assert billing["breakdown"]["storage"]["os_volume"] == {"size_gb": 100, "type": "NVMe", "hourly_rate": 0.0293}
    assert billing["breakdown"]["storage"]["data_volumes"] == []
    assert billing["total_hourly_rate"] == 10.7893
    assert billing["currency"] == "USD"
    assert data["features"] == {"startup_script_configured": False}


async def test_data_volumes_count_in_the_rate(empty: Sim) -> None:
    body = deploy_body(volumes=[{"name": "data-1", "size": 1024, "volume_type": "SSD"}])
    data = (await empty.post("deploy-server/", body)).json()["data"]
    storage = data["billing"]["breakdown"]["storage"]
    assert storage["data_volumes"] == [{"name": "data-1", "size_gb": 1024, "type": "SSD", "hourly_rate": 0.1}]
    assert storage["os_volume"]["type"] == "SSD"  # legacy tier
    assert data["billing"]["total_hourly_rate"] == round(0.59 + 0.1 * 100 / 1024 + 0.1, 4)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"region": "FINLAND-1"}, "Region FINLAND-1 is not valid for RTX-A6000 (legacy tier): use CANADA-1"),
        (
            {"gpu_model": "H100-SXM5-80GB"},
            "Region CANADA-1 is not valid for H100-SXM5-80GB (advanced tier): use FINLAND-1 or FINLAND-2 or FINLAND-3",
        ),
        ({"gpu_model": "V100"}, "Unknown GPU model 'V100'"),
        ({"region": "MARS-1"}, "Unknown region 'MARS-1'"),
        ({"gpu_count": 8}, "gpu_count 8 is not allowed for RTX-A6000: choose 1, 2 or 4"),
        ({"gpu_count": 3}, "gpu_count 3 is not allowed"),
        ({"gpu_count": "two"}, "Field 'gpu_count' must be a whole number"),
        ({"instance_name": "bad/name"}, "may use only letters, digits, spaces"),
        ({"instance_name": "x" * 51}, "51 characters long; at most 50"),
        ({"image_name": None}, "Image-based deploy needs image_name and ssh_key"),
        ({"ssh_key": None}, "Image-based deploy needs ssh_key"),
        ({"os_volume": {"size": 50}}, "os_volume.size 50 GB is out of range"),
        ({"volume_id": "BRK-AAAAAAV"}, "set boot_from_volume to true"),
        (
            {
                "security_rules": [
                    {"direction": "ingress", "protocol": "icmp", "port_range_min": 1, "port_range_max": 2}
                ]
            },
            "ICMP rules take no ports",
        ),
        (
            {
                "security_rules": [
                    {"direction": "ingress", "protocol": "tcp", "port_range_min": 90, "port_range_max": 80}
                ]
            },
            "port_range_min 90 is above port_range_max 80",
        ),
        (
            {"security_rules": [{"direction": "ingress", "protocol": "tcp", "remote_ip_prefix": "10.0.0.300/8"}]},
            "not a valid CIDR",
        ),
        (
            {"volumes": [{"name": "v", "size": 100, "volume_type": "NVMe"}]},
            "Volume type 'NVMe' is not offered on the legacy tier: use SSD",
        ),
    ],
)
async def test_validation_errors_name_the_problem(empty: Sim, overrides: dict[str, object], message: str) -> None:
    status, code, text = error_of(await empty.post("deploy-server/", deploy_body(**overrides)))
    assert (status, code) == (400, "validation_error")
    assert message in text
    assert not empty.world.instances


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"image_name": "Windows-11"}, "Image 'Windows-11' not found in CANADA-1; available there: Ubuntu-24.04"),
        ({"ssh_key": "nobody"}, "SSH key 'nobody' not found (your keys: laptop-ed25519)"),
        ({"script_id": "BRK-NOPE00T"}, "Startup script BRK-NOPE00T not found"),
        ({"existing_volumes": ["BRK-NOPE00V"]}, "Volume BRK-NOPE00V not found"),
        ({"boot_from_volume": True, "volume_id": "BRK-NOPE00V"}, "Volume BRK-NOPE00V not found"),
    ],
)
async def test_unknown_references_are_404(empty: Sim, overrides: dict[str, object], message: str) -> None:
    status, code, text = error_of(await empty.post("deploy-server/", deploy_body(**overrides)))
    assert (status, code) == (404, "not_found")
    assert message in text


async def test_instance_names_are_unique_and_generated_when_missing(empty: Sim) -> None:
    assert (await empty.post("deploy-server/", deploy_body())).status_code == 201
    status, _, text = error_of(await empty.post("deploy-server/", deploy_body()))
    assert status == 400 and "'test-vm' is already used" in text
    generated = (await empty.post("deploy-server/", deploy_body(instance_name=None))).json()["data"]["vm_name"]
    assert generated.startswith("barrack-a6000-")


async def test_cloud_init_over_16_kb_is_413(empty: Sim) -> None:
    ok = await empty.post("deploy-server/", deploy_body(cloud_init="x" * 16384))
    assert ok.status_code == 201
    assert ok.json()["data"]["features"]["startup_script_configured"] is True
    status, code, text = error_of(
        await empty.post("deploy-server/", deploy_body(instance_name="b", cloud_init="x" * 16385))
    )
    assert (status, code) == (413, "payload_too_large")
    assert "16,385 bytes; the limit is 16,384 bytes" in text


async def test_balance_below_one_hour_is_402(empty: Sim) -> None:
    empty.world.set_balance(3.2)
    body = deploy_body(gpu_model="H100-SXM5-80GB", gpu_count=4, region="FINLAND-1")
    status, code, text = error_of(await empty.post("deploy-server/", body))
    assert (status, code) == (402, "insufficient_balance")
    assert text == "Insufficient Credits: balance 3.20 USD, this instance needs 10.79 USD for one hour"
    empty.world.set_balance(10.79)
    assert (await empty.post("deploy-server/", body)).status_code == 201


async def test_no_capacity_is_503_naming_stock_elsewhere(empty: Sim) -> None:
    world = empty.world
    world.set_free("H100-SXM5-80GB", "FINLAND-1", 8)
    world.set_free("H100-SXM5-80GB", "FINLAND-2", 2)
    world.set_free("H100-SXM5-80GB", "FINLAND-3", 0)
    body = deploy_body(gpu_model="H100-SXM5-80GB", gpu_count=4, region="FINLAND-2")
    status, code, text = error_of(await empty.post("deploy-server/", body))
    assert (status, code) == (503, "no_capacity")
    assert text == "No capacity: 2 x H100-SXM5-80GB free in FINLAND-2 (asked 4); in stock elsewhere: FINLAND-1 (8)"


async def test_deploy_takes_stock(empty: Sim) -> None:
    before = empty.world.stock_of("RTX-A6000", "CANADA-1").available
    await empty.post("deploy-server/", deploy_body(gpu_count=2))
    stocks = (await empty.get("gpu-stocks/")).json()["stocks"]
    a6000 = next(s for s in stocks if s["gpu_model"] == "RTX-A6000")
    assert a6000["available"] == before - 2


async def test_volume_boot(demo: Sim) -> None:
    created = await demo.post(
        "volumes/",
        {
            "name": "boot-2",
            "size": 200,
            "volume_type": "NVMe",
            "region": "FINLAND-3",
            "bootable": True,
            "image_name": "Ubuntu-24.04-CUDA-12.8-Open",
        },
    )
    boot_id = created.json()["volume"]["volume_id"]
    demo.advance(5)  # creating -> available
    demo.world.set_free("H100-SXM5-80GB", "FINLAND-3", 8)
    response = await demo.post(
        "deploy-server/",
        {
            "gpu_model": "H100-SXM5-80GB",
            "gpu_count": 1,
            "region": "FINLAND-3",
            "volume_id": boot_id,
            "boot_from_volume": True,
            "instance_name": "from-volume",
        },
    )
    assert response.status_code == 201, response.text
    data = response.json()["data"]
    assert data["boot_source"] == "volume"
    assert data["specs"]["storage_gb"] == 200
    volume = (await demo.get(f"volumes/{boot_id}/")).json()["volume"]
    assert (volume["attached_to"], volume["is_boot"], volume["status"]) == (data["instance_id"], True, "in-use")
    # A volume in another region, or one that is not bootable, cannot boot it.
    other = await demo.post("volumes/", {"name": "plain", "size": 100, "volume_type": "HDD", "region": "FINLAND-3"})
    demo.advance(5)
    status, _, text = error_of(
        await demo.post(
            "deploy-server/",
            {
                "gpu_model": "H100-SXM5-80GB",
                "gpu_count": 1,
                "region": "FINLAND-3",
                "volume_id": other.json()["volume"]["volume_id"],
                "boot_from_volume": True,
            },
        )
    )
    assert status == 400 and "is not bootable" in text
    status, _, text = error_of(
        await demo.post(
            "deploy-server/",
            {
                "gpu_model": "H100-SXM5-80GB",
                "gpu_count": 1,
                "region": "FINLAND-1",
                "volume_id": boot_id,
                "boot_from_volume": True,
            },
        )
    )
    assert status == 400 and "is in FINLAND-3, not FINLAND-1" in text


async def test_custom_image_deploys_only_in_its_region(demo: Sim) -> None:
    image = next(iter(demo.world.images.values()))
    demo.world.set_free("RTX-A6000", "CANADA-1", 4)
    ok = await demo.post("deploy-server/", deploy_body(image_name=image.name, instance_name="from-image"))
    assert ok.status_code == 201
    assert ok.json()["data"]["operating_system"] == image.operating_system
    demo.world.set_free("H100-SXM5-80GB", "FINLAND-1", 8)
    status, _, text = error_of(
        await demo.post(
            "deploy-server/",
            deploy_body(gpu_model="H100-SXM5-80GB", region="FINLAND-1", image_name=image.name, instance_name="x"),
        )
    )
    assert status == 400 and "custom images are region-scoped" in text
