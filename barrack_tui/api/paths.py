"""Every Barrack API path, in one table.

Only ``POST /deploy-server/`` and ``POST /pricing/`` are confirmed by the docs;
every other path was chosen by convention from the endpoint's title and may be
wrong. Correct a path here and both the client and the bundled simulator follow.

Keys are the ``operationId`` values of the vendored ``openapi.json``.
"""

from __future__ import annotations

from typing import Final, NamedTuple


class Route(NamedTuple):
    method: str
    path: str
    confirmed: bool = False

    def url(self, **params: str) -> str:
        """The path with its ``{placeholders}`` filled in."""
        return self.path.format(**params)


def _p(method: str, path: str) -> Route:
    return Route(method, path, False)


ROUTES: Final[dict[str, Route]] = {
    # Balance and catalogue
    "getCreditBalance": _p("GET", "/balance/"),
    "getGpuStocks": _p("GET", "/gpu-stocks/"),
    "getGpuSpecs": _p("GET", "/gpu-specs/"),
    "listRegions": _p("GET", "/regions/"),
    "getPricing": _p("GET", "/pricing/"),
    "postPricing": Route("POST", "/pricing/", True),
    # Deploy
    "createInstance": Route("POST", "/deploy-server/", True),
    # Instances
    "listInstances": _p("GET", "/instances/"),
    "getInstance": _p("GET", "/instances/{instance_id}/"),
    "deleteInstance": _p("DELETE", "/instances/{instance_id}/"),
    "getInstanceBilling": _p("GET", "/instances/{instance_id}/billing/"),
    "startInstance": _p("POST", "/instances/{instance_id}/start/"),
    "stopInstance": _p("POST", "/instances/{instance_id}/stop/"),
    "rebootInstance": _p("POST", "/instances/{instance_id}/reboot/"),
    "hibernateInstance": _p("POST", "/instances/{instance_id}/hibernate/"),
    "restoreInstance": _p("POST", "/instances/{instance_id}/restore/"),
    "togglePublicIp": _p("POST", "/instances/{instance_id}/toggle-public-ip/"),
    "addInstanceSecurityRule": _p("POST", "/instances/{instance_id}/security-rules/"),
    "removeInstanceSecurityRule": _p(
        "DELETE", "/instances/{instance_id}/security-rules/{rule_id}/"
    ),
    "getHibernatedCount": _p("GET", "/instances/hibernated/count/"),
    "getInstanceFirewalls": _p("GET", "/instances/{instance_id}/firewalls/"),
    "listSnapshotEligibleInstances": _p("GET", "/instances/snapshot-eligible/"),
    # OS images and SSH keys
    "listOsImages": _p("GET", "/os-images/"),
    "listSshKeys": _p("GET", "/ssh-keys/"),
    "createSshKey": _p("POST", "/ssh-keys/"),
    "getSshKey": _p("GET", "/ssh-keys/{key_id}/"),
    "deleteSshKey": _p("DELETE", "/ssh-keys/{key_id}/"),
    # Volumes
    "listVolumes": _p("GET", "/volumes/"),
    "createVolume": _p("POST", "/volumes/"),
    "getVolume": _p("GET", "/volumes/{volume_id}/"),
    "deleteVolume": _p("DELETE", "/volumes/{volume_id}/"),
    "resizeVolume": _p("POST", "/volumes/{volume_id}/resize/"),
    "cloneVolume": _p("POST", "/volumes/{volume_id}/clone/"),
    "attachVolumes": _p("POST", "/instances/{instance_id}/volumes/attach/"),
    "detachVolumes": _p("POST", "/instances/{instance_id}/volumes/detach/"),
    "listVolumeTypes": _p("GET", "/volumes/types/"),
    "getVolumeBilling": _p("GET", "/volumes/billing/"),
    # Firewalls
    "listFirewalls": _p("GET", "/firewalls/"),
    "createFirewall": _p("POST", "/firewalls/"),
    "getFirewall": _p("GET", "/firewalls/{firewall_id}/"),
    "deleteFirewall": _p("DELETE", "/firewalls/{firewall_id}/"),
    "getSupportedProtocols": _p("GET", "/firewalls/protocols/"),
    "listFirewallAttachableInstances": _p("GET", "/firewalls/available-instances/"),
    "addFirewallRule": _p("POST", "/firewalls/{firewall_id}/rules/"),
    "removeFirewallRule": _p("DELETE", "/firewalls/{firewall_id}/rules/{rule_id}/"),
    "attachFirewall": _p("POST", "/firewalls/{firewall_id}/attach/"),
    # Startup scripts
    "listScripts": _p("GET", "/scripts/"),
    "createScript": _p("POST", "/scripts/"),
    "getScript": _p("GET", "/scripts/{script_id}/"),
    "updateScript": _p("PUT", "/scripts/{script_id}/"),
    "deleteScript": _p("DELETE", "/scripts/{script_id}/"),
    "deleteScripts": _p("POST", "/scripts/bulk-delete/"),
    # Snapshots and custom images
    "listSnapshots": _p("GET", "/snapshots/"),
    "createSnapshot": _p("POST", "/snapshots/"),
    "getSnapshot": _p("GET", "/snapshots/{snapshot_id}/"),
    "deleteSnapshot": _p("DELETE", "/snapshots/{snapshot_id}/"),
    "restoreSnapshot": _p("POST", "/snapshots/{snapshot_id}/restore/"),
    "getSnapshotBilling": _p("GET", "/snapshots/billing/"),
    "listCustomImages": _p("GET", "/images/"),
    "getImage": _p("GET", "/images/{image_id}/"),
    "deleteImage": _p("DELETE", "/images/{image_id}/"),
    "createImageFromSnapshot": _p("POST", "/snapshots/{snapshot_id}/image/"),
    "getSnapshotImageRelationshipBySnapshot": _p("GET", "/snapshots/{snapshot_id}/image/"),
    "getSnapshotImageRelationshipByImage": _p("GET", "/images/{image_id}/snapshot/"),
    # AI
    "chatWithAi": _p("POST", "/ai/chat/completions/"),
    "listAiModels": _p("GET", "/ai/models/"),
    "getAiUsageHistory": _p("GET", "/ai/usage/history/"),
    "getAiUsageSummary": _p("GET", "/ai/usage/summary/"),
}

# POSTs that create something: never replayed once they may have reached the server.
CREATING_OPERATIONS: Final[frozenset[str]] = frozenset(
    {
        "createInstance",
        "createVolume",
        "cloneVolume",
        "createSnapshot",
        "restoreSnapshot",
        "createImageFromSnapshot",
        "createFirewall",
        "createSshKey",
        "createScript",
        "chatWithAi",
    }
)

# Operations that change the account. ``--read-only`` refuses these before
# anything is sent; the pricing POST only reads, and asking the assistant
# changes no resource.
MUTATING_OPERATIONS: Final[frozenset[str]] = frozenset(
    op for op, route in ROUTES.items() if route.method != "GET"
) - {"postPricing", "chatWithAi"}
