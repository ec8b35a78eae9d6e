"""Volumes, firewalls, SSH keys, scripts, snapshots and images: the guide's rules."""

from __future__ import annotations

from typing import Any

import pytest

from barrack_tui.sim.sshkeys import ed25519_pair

from .conftest import Sim, deploy_body, error_of


async def _active(sim: Sim, **overrides: Any) -> str:
    response = await sim.post("deploy-server/", deploy_body(**overrides))
    assert response.status_code == 201, response.text
    sim.advance(90)
    return response.json()["data"]["instance_id"]  # type: ignore[no-any-return]


async def _volume(sim: Sim, **overrides: Any) -> dict[str, Any]:
    body = {"name": "data", "size": 500, "volume_type": "SSD", "region": "CANADA-1", **overrides}
    response = await sim.post("volumes/", body)
    assert response.status_code == 200, response.text
    sim.advance(5)
    return response.json()["volume"]  # type: ignore[no-any-return]


# ------------------------------------------------------------------ volumes


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"size": 99}, "Volume size 99 GB is out of range: 100 to 1,048,576 GB"),
        ({"volume_type": "NVMe"}, "not offered on the legacy tier: use SSD"),
        ({"region": "FINLAND-1", "volume_type": "SSD"}, "use HDD or NVMe"),
        ({"bootable": True}, "A bootable volume needs image_name"),
        ({"name": ""}, "Field 'name' is required"),
    ],
)
async def test_volume_create_rules(empty: Sim, body: dict[str, Any], message: str) -> None:
    base = {"name": "data", "size": 500, "volume_type": "SSD", "region": "CANADA-1"}
    status, _, text = error_of(await empty.post("volumes/", {**base, **body}))
    assert status == 400 and message in text


async def test_volume_names_are_unique(empty: Sim) -> None:
    await _volume(empty)
    status, _, text = error_of(await empty.post("volumes/", {"name": "data", "size": 100, "region": "CANADA-1"}))
    assert status == 400 and "already used" in text


async def test_attach_detach_delete(empty: Sim) -> None:
    instance_id = await _active(empty)
    vol = await _volume(empty)
    other_region = await _volume(empty, name="far", region="FINLAND-1", volume_type="HDD")
    status, _, text = error_of(
        await empty.post(f"instances/{instance_id}/volumes/attach/", {"volume_ids": [other_region["volume_id"]]})
    )
    assert status == 400 and "volumes attach only in their own region" in text
    assert (
        await empty.post(f"instances/{instance_id}/volumes/attach/", {"volume_ids": [vol["volume_id"]]})
    ).status_code == 200
    got = (await empty.get(f"volumes/{vol['volume_id']}/")).json()["volume"]
    assert (got["status"], got["attached_to"], got["is_boot"]) == ("in-use", instance_id, False)
    status, code, text = error_of(await empty.delete(f"volumes/{vol['volume_id']}/"))
    assert (status, code) == (400, "invalid_state") and "detach it first" in text
    status, _, text = error_of(
        await empty.post(f"instances/{instance_id}/volumes/attach/", {"volume_ids": [vol["volume_id"]]})
    )
    assert "already attached" in text
    boot_id = empty.world.instances[instance_id].boot_volume_id
    status, _, text = error_of(await empty.post(f"instances/{instance_id}/volumes/detach/", {"volume_ids": [boot_id]}))
    assert status == 400 and "is the boot volume" in text
    detached = await empty.post(f"instances/{instance_id}/volumes/detach/", {"volume_ids": [vol["volume_id"]]})
    assert detached.json()["detached"] == [vol["volume_id"]]
    assert (await empty.delete(f"volumes/{vol['volume_id']}/")).json()["volume_id"] == vol["volume_id"]
    assert (await empty.get(f"volumes/{vol['volume_id']}/")).status_code == 404


async def test_attach_needs_an_active_instance(empty: Sim) -> None:
    instance_id = await _active(empty)
    vol = await _volume(empty)
    await empty.post(f"instances/{instance_id}/stop/")
    status, code, text = error_of(
        await empty.post(f"instances/{instance_id}/volumes/attach/", {"volume_ids": [vol["volume_id"]]})
    )
    assert (status, code) == (400, "invalid_state") and "attaching volumes needs ACTIVE" in text


async def test_resize_grows_only_and_clone_copies(empty: Sim) -> None:
    vol = await _volume(empty)
    status, _, text = error_of(await empty.post(f"volumes/{vol['volume_id']}/resize/", {"size": 400}))
    assert status == 400 and "can only grow it" in text
    grown = (await empty.post(f"volumes/{vol['volume_id']}/resize/", {"size": 2048})).json()["volume"]
    assert (grown["size_gb"], grown["hourly_rate"]) == (2048, 0.2)
    clone = (await empty.post(f"volumes/{vol['volume_id']}/clone/", {"name": "data-copy"})).json()["volume"]
    assert (clone["size_gb"], clone["region"], clone["status"]) == (2048, "CANADA-1", "creating")
    assert clone["volume_id"] != vol["volume_id"]


async def test_volume_types(empty: Sim) -> None:
    types = (await empty.get("volumes/types/")).json()["volume_types"]
    assert {(t["tier"], t["volume_type"], t["price_per_tb_hour"]) for t in types} == {
        ("legacy", "SSD", 0.1),
        ("advanced", "HDD", 0.08),
        ("advanced", "NVMe", 0.3),
    }


# ---------------------------------------------------------------- firewalls


async def test_firewall_lifecycle(empty: Sim) -> None:
    instance_id = await _active(empty)
    created = await empty.post(
        "firewalls/",
        {
            "name": "web",
            "region": "CANADA-1",
            "description": "web",
            "rules": [{"direction": "ingress", "protocol": "tcp", "port_range_min": 443, "port_range_max": 443}],
        },
    )
    fw = created.json()["firewall"]
    assert fw["status"] == "SUCCESS" and len(fw["rules"]) == 1
    rule = (
        await empty.post(
            f"firewalls/{fw['firewall_id']}/rules/",
            {"direction": "egress", "protocol": "udp", "ethertype": "IPv6", "remote_ip_prefix": "::/0"},
        )
    ).json()["rule"]
    assert rule["ethertype"] == "IPv6"
    attached = (await empty.post(f"firewalls/{fw['firewall_id']}/attach/", {"instance_ids": [instance_id]})).json()
    assert attached["attachments"] == [{"instance_id": instance_id, "vm_name": "test-vm", "status": "SUCCESS"}]
    assert (await empty.get(f"instances/{instance_id}/firewalls/")).json()["firewalls"][0]["firewall_id"] == fw[
        "firewall_id"
    ]
    status, code, text = error_of(await empty.delete(f"firewalls/{fw['firewall_id']}/"))
    assert (status, code) == (400, "invalid_state") and "cannot be deleted" in text
    removed = (await empty.delete(f"firewalls/{fw['firewall_id']}/rules/{rule['rule_id']}/")).json()
    assert removed["rule_id"] == rule["rule_id"]
    # Deleting the instance frees the firewall.
    await empty.delete(f"instances/{instance_id}/")
    empty.advance(10)
    assert (await empty.delete(f"firewalls/{fw['firewall_id']}/")).status_code == 200


async def test_firewall_rules_and_limits(empty: Sim) -> None:
    status, _, text = error_of(
        await empty.post(
            "firewalls/",
            {
                "name": "x",
                "region": "CANADA-1",
                "rules": [
                    {"direction": "ingress", "protocol": "tcp", "ethertype": "IPv6", "remote_ip_prefix": "10.0.0.0/8"}
                ],
            },
        )
    )
    assert status == 400 and "is IPv4 but the rule's ethertype is IPv6" in text
    status, _, text = error_of(
        await empty.post("firewalls/", {"name": "x", "region": "CANADA-1", "description": "d" * 256})
    )
    assert "at most 255" in text
    for n in range(25):
        assert (await empty.post("firewalls/", {"name": f"fw-{n}", "region": "CANADA-1"})).status_code == 200
    status, _, text = error_of(await empty.post("firewalls/", {"name": "one-too-many", "region": "CANADA-1"}))
    assert status == 400 and "25 firewalls" in text


async def test_firewall_attach_rules(demo: Sim) -> None:
    fw = next(f for f in demo.world.firewalls.values() if f.region == "FINLAND-1")
    canada = demo.id_of("sdxl-render-01")
    status, _, text = error_of(await demo.post(f"firewalls/{fw.firewall_id}/attach/", {"instance_ids": [canada]}))
    assert status == 400 and "firewalls attach only in their own region" in text
    shutoff = demo.id_of("whisper-batch")
    canada_fw = next(f for f in demo.world.firewalls.values() if f.region == "CANADA-1")
    status, code, text = error_of(
        await demo.post(f"firewalls/{canada_fw.firewall_id}/attach/", {"instance_ids": [shutoff]})
    )
    assert (status, code) == (400, "invalid_state") and "is SHUTOFF" in text
    available = (await demo.get("firewalls/available-instances/", region="CANADA-1")).json()["instances"]
    assert available and all(i["region"] == "CANADA-1" for i in available)
    protocols = (await demo.get("firewalls/protocols/")).json()["protocols"]
    assert {p["name"]: p["supports_ports"] for p in protocols} == {"tcp": True, "udp": True, "icmp": False}


# ----------------------------------------------------------------- SSH keys


async def test_generated_keys_are_real_openssh_pairs(empty: Sim) -> None:
    doc = (await empty.post("ssh-keys/", {"name": "fresh"})).json()
    assert doc["private_key"].startswith("-----BEGIN OPENSSH PRIVATE KEY-----\n")
    key = doc["ssh_key"]
    assert key["key_type"] == "ssh-ed25519"
    assert key["fingerprint"].startswith("SHA256:")
    assert key["in_use"] is False
    assert "private_key" not in (await empty.get(f"ssh-keys/{key['key_id']}/")).json()


async def test_imported_keys_are_checked(empty: Sim) -> None:
    pair = ed25519_pair(bytes(32), b"abcd", "me@laptop")
    imported = (await empty.post("ssh-keys/", {"name": "imported", "public_key": pair.public.line})).json()
    assert imported["ssh_key"]["fingerprint"] == pair.public.fingerprint
    assert "private_key" not in imported
    status, _, text = error_of(await empty.post("ssh-keys/", {"name": "again", "public_key": pair.public.line}))
    assert status == 400 and "already registered as 'imported'" in text
    status, _, text = error_of(await empty.post("ssh-keys/", {"name": "bad", "public_key": "ssh-ed25519 not-base64!"}))
    assert status == 400 and "not valid base64" in text
    status, _, text = error_of(await empty.post("ssh-keys/", {"name": "bad", "public_key": "ssh-foo AAAA"}))
    assert "key type 'ssh-foo' is not accepted" in text
    status, _, text = error_of(await empty.post("ssh-keys/", {"name": "has space"}))
    assert status == 400 and "may use only letters, digits, '-', '_' and '.'" in text


async def test_a_key_in_use_cannot_be_deleted(demo: Sim) -> None:
    key = demo.world.find_ssh_key("laptop-ed25519")
    status, code, text = error_of(await demo.delete(f"ssh-keys/{key.key_id}/"))
    assert (status, code) == (400, "invalid_state")
    assert text.startswith("SSH key laptop-ed25519 is used by ")
    spare = (await demo.post("ssh-keys/", {"name": "spare"})).json()["ssh_key"]
    assert (await demo.delete(f"ssh-keys/{spare['key_id']}/")).json()["key_id"] == spare["key_id"]


# ------------------------------------------------------------------ scripts


async def test_scripts_crud(empty: Sim) -> None:
    script = (await empty.post("scripts/", {"name": "hello", "content": "#!/bin/sh\necho hi\n"})).json()["script"]
    empty.advance(60)
    updated = (await empty.put(f"scripts/{script['script_id']}/", {"content": "echo bye"})).json()["script"]
    assert (updated["name"], updated["content"]) == ("hello", "echo bye")
    assert updated["updated_at"] > updated["created_at"]
    status, code, _ = error_of(await empty.post("scripts/", {"name": "big", "content": "x" * (16 * 1024 + 1)}))
    assert (status, code) == (413, "payload_too_large")
    other = (await empty.post("scripts/", {"name": "other", "content": "true"})).json()["script"]
    bulk = (await empty.post("scripts/bulk-delete/", {"script_ids": [script["script_id"], "BRK-NOPE00T"]})).json()
    assert (bulk["deleted"], bulk["not_found"]) == ([script["script_id"]], ["BRK-NOPE00T"])
    assert (await empty.delete(f"scripts/{other['script_id']}/")).status_code == 200
    assert (await empty.get("scripts/")).json()["scripts"] == []


# ------------------------------------------------------ snapshots and images


async def test_snapshot_rules(demo: Sim) -> None:
    advanced = demo.id_of("llama-finetune-01")
    status, _, text = error_of(await demo.post("snapshots/", {"instance_id": advanced, "name": "s"}))
    assert status == 400 and "legacy tier only" in text
    shutoff = demo.id_of("whisper-batch")
    status, code, text = error_of(await demo.post("snapshots/", {"instance_id": shutoff, "name": "s"}))
    assert (status, code) == (400, "invalid_state") and "a snapshot needs ACTIVE" in text


async def test_snapshot_restore_and_image(demo: Sim) -> None:
    source = demo.id_of("mixtral-dev")
    snap = (await demo.post("snapshots/", {"instance_id": source, "name": "fresh-snap"})).json()["snapshot"]
    assert snap["status"] == "CREATING"
    status, code, _ = error_of(await demo.post(f"snapshots/{snap['snapshot_id']}/restore/"))
    assert (status, code) == (400, "invalid_state")
    demo.advance(45)
    assert (await demo.get(f"snapshots/{snap['snapshot_id']}/")).json()["snapshot"]["status"] == "SUCCESS"
    demo.world.set_free("H100-PCIe-80GB", "CANADA-1", 8)
    restored = (await demo.post(f"snapshots/{snap['snapshot_id']}/restore/")).json()["instance"]
    assert restored["vm_name"] == "fresh-snap-restored"
    assert restored["status"] == "CREATING" and restored["region"] == "CANADA-1"
    assert restored["instance_id"] != source
    image = (await demo.post(f"snapshots/{snap['snapshot_id']}/image/", {"name": "fresh-image"})).json()["image"]
    assert (image["status"], image["snapshot_id"]) == ("Creating", snap["snapshot_id"])
    status, _, text = error_of(await demo.post(f"snapshots/{snap['snapshot_id']}/image/", {"name": "second"}))
    assert "already has image" in text
    by_snapshot = (await demo.get(f"snapshots/{snap['snapshot_id']}/image/")).json()
    assert by_snapshot["image_id"] == image["image_id"]
    demo.advance(30)
    assert (await demo.get(f"images/{image['image_id']}/")).json()["image"]["status"] == "SUCCESS"
    # Deleting the snapshot keeps the image.
    await demo.delete(f"snapshots/{snap['snapshot_id']}/")
    by_image = (await demo.get(f"images/{image['image_id']}/snapshot/")).json()
    assert (by_image["image_id"], by_image["snapshot_id"], by_image["snapshot"]) == (image["image_id"], None, None)
    assert (await demo.delete(f"images/{image['image_id']}/")).json()["image_id"] == image["image_id"]


async def test_os_images_by_region(empty: Sim) -> None:
    finland = (await empty.get("os-images/", region="FINLAND-1")).json()["images"]
    canada = (await empty.get("os-images/", region="CANADA-1")).json()["images"]
    assert len(canada) > len(finland)
    assert all("FINLAND-1" in image["regions"] for image in finland)
    status, _, _ = error_of(await empty.get("os-images/", region="MARS-1"))
    assert status == 400
