"""``client.instances``: list, inspect and act on instances (deploy is ``client.deploy``).

Models are looked up on the package when a method runs (``models.X``), so each
loads on first use: the list, which the console shows first, needs only its own.
"""

from __future__ import annotations

from barrack_tui.api import models
from barrack_tui.api.resources._resource import Resource, operation


class Instances(Resource):
    @operation("listInstances")
    async def list(self, *, page: int | None = None, limit: int | None = None) -> models.ListUserVMsResponse:
        """Every instance (or one page of ``limit`` when given)."""
        return await self._requester.call(
            "listInstances", models.ListUserVMsResponse, params={"page": page, "limit": limit}
        )

    @operation("getInstance")
    async def get(self, instance_id: str) -> models.VMDetailsResponse:
        return await self._requester.call("getInstance", models.VMDetailsResponse, path={"instance_id": instance_id})

    @operation("deleteInstance")
    async def delete(self, instance_id: str) -> models.DeleteVMResponse:
        """Start deleting (DELETING, then gone). Safe to retry."""
        return await self._requester.call(
            "deleteInstance",
            models.DeleteVMResponse,
            path={"instance_id": instance_id},
            gone=models.DeleteVMResponse(instance_id=instance_id, message="Instance already deleted"),
        )

    @operation("startInstance")
    async def start(self, instance_id: str) -> models.StartVMResponse:
        return await self._requester.call("startInstance", models.StartVMResponse, path={"instance_id": instance_id})

    @operation("stopInstance")
    async def stop(self, instance_id: str) -> models.StopVMResponse:
        return await self._requester.call("stopInstance", models.StopVMResponse, path={"instance_id": instance_id})

    @operation("rebootInstance")
    async def reboot(self, instance_id: str) -> models.RebootVMResponse:
        return await self._requester.call(
            "rebootInstance", models.RebootVMResponse, path={"instance_id": instance_id}
        )

    @operation("hibernateInstance")
    async def hibernate(self, instance_id: str) -> models.HibernateVMResponse:
        return await self._requester.call(
            "hibernateInstance", models.HibernateVMResponse, path={"instance_id": instance_id}
        )

    @operation("restoreInstance")
    async def restore(self, instance_id: str) -> models.RestoreVMResponse:
        """Bring a HIBERNATED instance back (RESTORING, then ACTIVE)."""
        return await self._requester.call(
            "restoreInstance", models.RestoreVMResponse, path={"instance_id": instance_id}
        )

    @operation("togglePublicIp")
    async def toggle_public_ip(
        self, instance_id: str, public_ip: bool | None = None
    ) -> models.ToggleVMPublicIPResponse:
        """Set the public IP on or off, or flip it when ``public_ip`` is None; the
        answer says which it is now (ACTIVE instances only)."""
        return await self._requester.call(
            "togglePublicIp",
            models.ToggleVMPublicIPResponse,
            path={"instance_id": instance_id},
            body=None if public_ip is None else {"public_ip": public_ip},
        )

    @operation("addInstanceSecurityRule")
    async def add_security_rule(
        self, instance_id: str, rule: models.VMSecurityRuleRequest
    ) -> models.AddVMSecurityRuleResponse:
        return await self._requester.call(
            "addInstanceSecurityRule",
            models.AddVMSecurityRuleResponse,
            path={"instance_id": instance_id},
            body=rule.to_body(),
        )

    @operation("removeInstanceSecurityRule")
    async def remove_security_rule(self, instance_id: str, rule_id: str) -> models.RemoveVMSecurityRuleResponse:
        return await self._requester.call(
            "removeInstanceSecurityRule",
            models.RemoveVMSecurityRuleResponse,
            path={"instance_id": instance_id, "rule_id": rule_id},
            gone=models.RemoveVMSecurityRuleResponse(
                instance_id=instance_id, rule_id=rule_id, message="Rule already removed"
            ),
        )

    @operation("getHibernatedCount")
    async def hibernated_count(self) -> models.GetHibernatedVMsResponse:
        return await self._requester.call("getHibernatedCount", models.GetHibernatedVMsResponse)

    @operation("getInstanceFirewalls")
    async def firewalls(self, instance_id: str) -> models.GetVMAttachedFirewallsResponse:
        return await self._requester.call(
            "getInstanceFirewalls", models.GetVMAttachedFirewallsResponse, path={"instance_id": instance_id}
        )

    @operation("listSnapshotEligibleInstances")
    async def snapshot_eligible(
        self, *, page: int | None = None, limit: int | None = None
    ) -> models.ListVMsForSnapshotResponse:
        """Instances a snapshot can be taken of now (ACTIVE, legacy tier)."""
        return await self._requester.call(
            "listSnapshotEligibleInstances", models.ListVMsForSnapshotResponse, params={"page": page, "limit": limit}
        )

    @operation("getInstanceBilling")
    async def billing(
        self, instance_id: str, *, page: int | None = None, limit: int | None = None
    ) -> models.InstanceBillingResponse:
        return await self._requester.call(
            "getInstanceBilling",
            models.InstanceBillingResponse,
            path={"instance_id": instance_id},
            params={"page": page, "limit": limit},
        )
