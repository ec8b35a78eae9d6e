"""``client.instances``: list, inspect and act on instances (deploy is ``client.deploy``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from barrack_tui.api.models import (
    AddVMSecurityRuleResponse,
    DeleteVMResponse,
    GetHibernatedVMsResponse,
    GetVMAttachedFirewallsResponse,
    HibernateVMResponse,
    ListUserVMsResponse,
    ListVMsForSnapshotResponse,
    RebootVMResponse,
    RemoveVMSecurityRuleResponse,
    RestoreVMResponse,
    StartVMResponse,
    StopVMResponse,
    ToggleVMPublicIPResponse,
    VMDetailsResponse,
    VMSecurityRuleRequest,
)
from barrack_tui.api.resources._resource import Resource, operation

if TYPE_CHECKING:
    from barrack_tui.api.models import InstanceBillingResponse


class Instances(Resource):
    @operation("listInstances")
    async def list(self, *, page: int | None = None, limit: int | None = None) -> ListUserVMsResponse:
        """Every instance (or one page of ``limit`` when given)."""
        return await self._requester.call(
            "listInstances", ListUserVMsResponse, params={"page": page, "limit": limit}
        )

    @operation("getInstance")
    async def get(self, instance_id: str) -> VMDetailsResponse:
        return await self._requester.call("getInstance", VMDetailsResponse, path={"instance_id": instance_id})

    @operation("deleteInstance")
    async def delete(self, instance_id: str) -> DeleteVMResponse:
        """Start deleting (DELETING, then gone). Safe to retry."""
        return await self._requester.call(
            "deleteInstance",
            DeleteVMResponse,
            path={"instance_id": instance_id},
            gone=DeleteVMResponse(instance_id=instance_id, message="Instance already deleted"),
        )

    @operation("startInstance")
    async def start(self, instance_id: str) -> StartVMResponse:
        return await self._requester.call("startInstance", StartVMResponse, path={"instance_id": instance_id})

    @operation("stopInstance")
    async def stop(self, instance_id: str) -> StopVMResponse:
        return await self._requester.call("stopInstance", StopVMResponse, path={"instance_id": instance_id})

    @operation("rebootInstance")
    async def reboot(self, instance_id: str) -> RebootVMResponse:
        return await self._requester.call(
            "rebootInstance", RebootVMResponse, path={"instance_id": instance_id}
        )

    @operation("hibernateInstance")
    async def hibernate(self, instance_id: str) -> HibernateVMResponse:
        return await self._requester.call(
            "hibernateInstance", HibernateVMResponse, path={"instance_id": instance_id}
        )

    @operation("restoreInstance")
    async def restore(self, instance_id: str) -> RestoreVMResponse:
        """Bring a HIBERNATED instance back (RESTORING, then ACTIVE)."""
        return await self._requester.call(
            "restoreInstance", RestoreVMResponse, path={"instance_id": instance_id}
        )

    @operation("togglePublicIp")
    async def toggle_public_ip(
        self, instance_id: str, public_ip: bool | None = None
    ) -> ToggleVMPublicIPResponse:
        """Set the public IP on or off, or flip it when ``public_ip`` is None; the
        answer says which it is now (ACTIVE instances only)."""
        return await self._requester.call(
            "togglePublicIp",
            ToggleVMPublicIPResponse,
            path={"instance_id": instance_id},
            body=None if public_ip is None else {"public_ip": public_ip},
        )

    @operation("addInstanceSecurityRule")
    async def add_security_rule(
        self, instance_id: str, rule: VMSecurityRuleRequest
    ) -> AddVMSecurityRuleResponse:
        return await self._requester.call(
            "addInstanceSecurityRule",
            AddVMSecurityRuleResponse,
            path={"instance_id": instance_id},
            body=rule.to_body(),
        )

    @operation("removeInstanceSecurityRule")
    async def remove_security_rule(self, instance_id: str, rule_id: str) -> RemoveVMSecurityRuleResponse:
        return await self._requester.call(
            "removeInstanceSecurityRule",
            RemoveVMSecurityRuleResponse,
            path={"instance_id": instance_id, "rule_id": rule_id},
            gone=RemoveVMSecurityRuleResponse(
                instance_id=instance_id, rule_id=rule_id, message="Rule already removed"
            ),
        )

    @operation("getHibernatedCount")
    async def hibernated_count(self) -> GetHibernatedVMsResponse:
        return await self._requester.call("getHibernatedCount", GetHibernatedVMsResponse)

    @operation("getInstanceFirewalls")
    async def firewalls(self, instance_id: str) -> GetVMAttachedFirewallsResponse:
        return await self._requester.call(
            "getInstanceFirewalls", GetVMAttachedFirewallsResponse, path={"instance_id": instance_id}
        )

    @operation("listSnapshotEligibleInstances")
    async def snapshot_eligible(
        self, *, page: int | None = None, limit: int | None = None
    ) -> ListVMsForSnapshotResponse:
        """Instances a snapshot can be taken of now (ACTIVE, legacy tier)."""
        return await self._requester.call(
            "listSnapshotEligibleInstances", ListVMsForSnapshotResponse, params={"page": page, "limit": limit}
        )

    @operation("getInstanceBilling")
    async def billing(
        self, instance_id: str, *, page: int | None = None, limit: int | None = None
    ) -> InstanceBillingResponse:
        # The billing models are built on first use: the instance list, which
        # the console loads first, never needs them.
        from barrack_tui.api.models import InstanceBillingResponse

        return await self._requester.call(
            "getInstanceBilling",
            InstanceBillingResponse,
            path={"instance_id": instance_id},
            params={"page": page, "limit": limit},
        )
