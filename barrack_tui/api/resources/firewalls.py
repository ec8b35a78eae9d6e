"""``client.firewalls``."""

from __future__ import annotations

from collections.abc import Sequence

from barrack_tui.api.models import (
    AddFirewallRuleResponse,
    AttachFirewallRequest,
    AttachFirewallResponse,
    CreateFirewallRequest,
    CreateFirewallResponse,
    DeleteFirewallResponse,
    GetFirewallDetailsResponse,
    GetSupportedProtocolsResponse,
    ListFirewallInstancesResponse,
    ListFirewallsResponse,
    RemoveFirewallRuleResponse,
    VMSecurityRuleRequest,
)
from barrack_tui.api.resources._resource import Resource, operation


class Firewalls(Resource):
    @operation("listFirewalls")
    async def list(self, *, page: int | None = None, limit: int | None = None) -> ListFirewallsResponse:
        return await self._requester.call(
            "listFirewalls", ListFirewallsResponse, params={"page": page, "limit": limit}
        )

    @operation("createFirewall")
    async def create(
        self,
        name: str,
        region: str,
        *,
        description: str | None = None,
        rules: Sequence[VMSecurityRuleRequest] | None = None,
    ) -> CreateFirewallResponse:
        body = CreateFirewallRequest(
            name=name,
            region=region,
            description=description,
            rules=list(rules) if rules is not None else None,
        )
        return await self._requester.call("createFirewall", CreateFirewallResponse, body=body.to_body())

    @operation("getFirewall")
    async def get(self, firewall_id: str) -> GetFirewallDetailsResponse:
        return await self._requester.call(
            "getFirewall", GetFirewallDetailsResponse, path={"firewall_id": firewall_id}
        )

    @operation("deleteFirewall")
    async def delete(self, firewall_id: str) -> DeleteFirewallResponse:
        """Delete a firewall that has no attachments."""
        return await self._requester.call(
            "deleteFirewall",
            DeleteFirewallResponse,
            path={"firewall_id": firewall_id},
            gone=DeleteFirewallResponse(firewall_id=firewall_id, message="Firewall already deleted"),
        )

    @operation("getSupportedProtocols")
    async def protocols(self) -> GetSupportedProtocolsResponse:
        return await self._requester.call("getSupportedProtocols", GetSupportedProtocolsResponse)

    @operation("listFirewallAttachableInstances")
    async def attachable_instances(
        self, *, region: str | None = None, page: int | None = None, limit: int | None = None
    ) -> ListFirewallInstancesResponse:
        """ACTIVE instances a firewall can be attached to, only in ``region`` when given."""
        return await self._requester.call(
            "listFirewallAttachableInstances",
            ListFirewallInstancesResponse,
            params={"region": region, "page": page, "limit": limit},
        )

    @operation("addFirewallRule")
    async def add_rule(self, firewall_id: str, rule: VMSecurityRuleRequest) -> AddFirewallRuleResponse:
        return await self._requester.call(
            "addFirewallRule", AddFirewallRuleResponse, path={"firewall_id": firewall_id}, body=rule.to_body()
        )

    @operation("removeFirewallRule")
    async def remove_rule(self, firewall_id: str, rule_id: str) -> RemoveFirewallRuleResponse:
        return await self._requester.call(
            "removeFirewallRule",
            RemoveFirewallRuleResponse,
            path={"firewall_id": firewall_id, "rule_id": rule_id},
            gone=RemoveFirewallRuleResponse(
                firewall_id=firewall_id, rule_id=rule_id, message="Rule already removed"
            ),
        )

    @operation("attachFirewall")
    async def attach(self, firewall_id: str, instance_ids: Sequence[str]) -> AttachFirewallResponse:
        body = AttachFirewallRequest(instance_ids=list(instance_ids))
        return await self._requester.call(
            "attachFirewall", AttachFirewallResponse, path={"firewall_id": firewall_id}, body=body.to_body()
        )
