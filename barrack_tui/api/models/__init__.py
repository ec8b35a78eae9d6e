# ruff: noqa: F401  (the imports below are for type checkers; __all__ is built from _NAMES)
"""Pydantic models of the Barrack API, named after the docs' schema names.

Responses keep unknown fields (``model_extra``); requests reject unknown ones.
Shapes: ``barrack_tui/sim/WIRE.md`` and the documented examples.

Each name is imported from its module on first use (PEP 562), so the console
builds only the model classes its first screen needs (the instances and the
balance); building all ~150 classes at start-up cost ~90 ms. A new model is
added to its module, to ``_NAMES`` and to the imports for type checkers.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

# Type checkers see every name; at run time __getattr__ imports it.
if TYPE_CHECKING:
    from barrack_tui.api.models._base import (
        BarrackModel,
        Envelope,
        ErrorResponse,
        Pagination,
        RequestModel,
    )
    from barrack_tui.api.models.account import (
        Account,
        CreditBalanceResponse,
    )
    from barrack_tui.api.models.ai import (
        AIModel,
        AITransaction,
        ChatChoice,
        ChatCompletionChunk,
        ChatCompletionsRequest,
        ChatCompletionsResponse,
        ChatDelta,
        ChatMessage,
        ChatMessageInput,
        ChatUsage,
        ChunkChoice,
        ModelsResponse,
        ModelUsage,
        StreamOptions,
        UsageHistoryResponse,
        UsageSummaryResponse,
    )
    from barrack_tui.api.models.billing import (
        BillingRecord,
        BillingSummary,
        InstanceBillingResponse,
        SnapshotBillingRecord,
        SnapshotBillingResponse,
        SnapshotBillingSummary,
        VolumeBillingRecord,
        VolumeBillingSummary,
        VolumeHourlyBillingResponse,
    )
    from barrack_tui.api.models.catalog import (
        GPUSpec,
        GPUSpecsResponse,
        GPUStockItem,
        GPUStocksResponse,
        Region,
        RegionsResponse,
    )
    from barrack_tui.api.models.deploy import (
        Billing,
        BillingBreakdown,
        ComputeBilling,
        DataVolumeBilling,
        DeploymentData,
        DeploymentRequest,
        DeploymentResponse,
        GpuBilling,
        InstanceFeatures,
        InstanceSpecs,
        OsVolume,
        OsVolumeBilling,
        StorageBilling,
        VolumeCreate,
    )
    from barrack_tui.api.models.enums import (
        AttachmentStatus,
        BillingStatus,
        BootSource,
        ChatRole,
        Currency,
        Direction,
        Ethertype,
        FirewallStatus,
        ImageStatus,
        IpStatus,
        OpenStrEnum,
        ProtocolEnum,
        ResourceType,
        SnapshotStatus,
        Tier,
        VMStatus,
        VolumeStatus,
        VolumeType,
    )
    from barrack_tui.api.models.firewalls import (
        AddFirewallRuleResponse,
        AttachFirewallRequest,
        AttachFirewallResponse,
        CreateFirewallRequest,
        CreateFirewallResponse,
        DeleteFirewallResponse,
        FirewallAttachment,
        FirewallInstance,
        FirewallResponse,
        GetFirewallDetailsResponse,
        GetSupportedProtocolsResponse,
        ListFirewallInstancesResponse,
        ListFirewallsResponse,
        Protocol,
        RemoveFirewallRuleResponse,
    )
    from barrack_tui.api.models.instance_actions import (
        DeleteVMResponse,
        GetHibernatedVMsResponse,
        HibernateVMResponse,
        RebootVMResponse,
        RestoreVMResponse,
        StartVMResponse,
        StopVMResponse,
        ToggleVMPublicIPResponse,
        VMActionResponse,
    )
    from barrack_tui.api.models.instance_details import (
        AddVMSecurityRuleResponse,
        AttachedFirewall,
        GetVMAttachedFirewallsResponse,
        RemoveVMSecurityRuleResponse,
        StatusChange,
        VMDetailsResponse,
        VMInstance,
        VMVolumeAttachment,
    )
    from barrack_tui.api.models.instances import (
        ListUserVMsResponse,
        ListVMsForSnapshotResponse,
        UserVM,
    )
    from barrack_tui.api.models.os_images import (
        OSImage,
        OSImagesResponse,
    )
    from barrack_tui.api.models.pricing import (
        GpuPricing,
        Price,
        PriceEntry,
        PriceQuote,
        PricingData,
        PricingMetadata,
        PricingRequest,
        PricingResponse,
        SnapshotPricing,
        VolumePricing,
    )
    from barrack_tui.api.models.scripts import (
        BulkDeleteResponse,
        BulkDeleteScriptsRequest,
        CreateScriptRequest,
        Script,
        ScriptCreateResponse,
        ScriptDeleteResponse,
        ScriptDetailResponse,
        ScriptListResponse,
        ScriptUpdateResponse,
        UpdateScriptRequest,
    )
    from barrack_tui.api.models.security import (
        FirewallRule,
        VMSecurityRule,
        VMSecurityRuleRequest,
    )
    from barrack_tui.api.models.snapshots import (
        CreateImageFromSnapshotRequest,
        CreateSnapshotRequest,
        CreateSnapshotResponse,
        DeleteSnapshotResponse,
        GetSnapshotDetailsResponse,
        Image,
        ImageCreateResponse,
        ImageDeleteResponse,
        ImageDetailResponse,
        ImageListResponse,
        ListSnapshotsResponse,
        RestoreSnapshotRequest,
        RestoreSnapshotResponse,
        Snapshot,
        SnapshotImageRelationshipResponse,
    )
    from barrack_tui.api.models.ssh_keys import (
        CreateSSHKeyRequest,
        CreateSSHKeyResponse,
        DeleteSSHKeyResponse,
        GetSSHKeyDetailResponse,
        GetSSHKeysResponse,
        SSHKeyResponse,
    )
    from barrack_tui.api.models.volumes import (
        AttachVolumesRequest,
        AttachVolumesResponse,
        CloneVolumeRequest,
        CloneVolumeResponse,
        CreateVolumeRequest,
        CreateVolumeResponse,
        DeleteVolumeResponse,
        DetachVolumesRequest,
        DetachVolumesResponse,
        GetVolumeDetailsResponse,
        GetVolumeTypesResponse,
        ListVolumesResponse,
        ResizeVolumeRequest,
        ResizeVolumeResponse,
        VolumeResponse,
        VolumeTypeItem,
    )

#: The public names of each module of this package.
_NAMES: dict[str, str] = {
    "_base": "BarrackModel Envelope ErrorResponse Pagination RequestModel",
    "account": "Account CreditBalanceResponse",
    "ai": (
        "AIModel AITransaction ChatChoice ChatCompletionChunk ChatCompletionsRequest "
        "ChatCompletionsResponse ChatDelta ChatMessage ChatMessageInput ChatUsage ChunkChoice "
        "ModelsResponse ModelUsage StreamOptions UsageHistoryResponse UsageSummaryResponse"
    ),
    "billing": (
        "BillingRecord BillingSummary InstanceBillingResponse SnapshotBillingRecord "
        "SnapshotBillingResponse SnapshotBillingSummary VolumeBillingRecord VolumeBillingSummary "
        "VolumeHourlyBillingResponse"
    ),
    "catalog": "GPUSpec GPUSpecsResponse GPUStockItem GPUStocksResponse Region RegionsResponse",
    "deploy": (
        "Billing BillingBreakdown ComputeBilling DataVolumeBilling DeploymentData DeploymentRequest "
        "DeploymentResponse GpuBilling InstanceFeatures InstanceSpecs OsVolume OsVolumeBilling "
        "StorageBilling VolumeCreate"
    ),
    "enums": (
        "AttachmentStatus BillingStatus BootSource ChatRole Currency Direction Ethertype "
        "FirewallStatus ImageStatus IpStatus OpenStrEnum ProtocolEnum ResourceType SnapshotStatus "
        "Tier VMStatus VolumeStatus VolumeType"
    ),
    "firewalls": (
        "AddFirewallRuleResponse AttachFirewallRequest AttachFirewallResponse CreateFirewallRequest "
        "CreateFirewallResponse DeleteFirewallResponse FirewallAttachment FirewallInstance "
        "FirewallResponse GetFirewallDetailsResponse GetSupportedProtocolsResponse "
        "ListFirewallInstancesResponse ListFirewallsResponse Protocol RemoveFirewallRuleResponse"
    ),
    "instance_actions": (
        "DeleteVMResponse GetHibernatedVMsResponse HibernateVMResponse RebootVMResponse "
        "RestoreVMResponse StartVMResponse StopVMResponse ToggleVMPublicIPResponse VMActionResponse"
    ),
    "instance_details": (
        "AddVMSecurityRuleResponse AttachedFirewall GetVMAttachedFirewallsResponse "
        "RemoveVMSecurityRuleResponse StatusChange VMDetailsResponse VMInstance VMVolumeAttachment"
    ),
    "instances": "ListUserVMsResponse ListVMsForSnapshotResponse UserVM",
    "os_images": "OSImage OSImagesResponse",
    "pricing": (
        "GpuPricing Price PriceEntry PriceQuote PricingData PricingMetadata PricingRequest "
        "PricingResponse SnapshotPricing VolumePricing"
    ),
    "scripts": (
        "BulkDeleteResponse BulkDeleteScriptsRequest CreateScriptRequest Script "
        "ScriptCreateResponse ScriptDeleteResponse ScriptDetailResponse ScriptListResponse "
        "ScriptUpdateResponse UpdateScriptRequest"
    ),
    "security": "FirewallRule VMSecurityRule VMSecurityRuleRequest",
    "snapshots": (
        "CreateImageFromSnapshotRequest CreateSnapshotRequest CreateSnapshotResponse "
        "DeleteSnapshotResponse GetSnapshotDetailsResponse Image ImageCreateResponse "
        "ImageDeleteResponse ImageDetailResponse ImageListResponse ListSnapshotsResponse "
        "RestoreSnapshotRequest RestoreSnapshotResponse Snapshot SnapshotImageRelationshipResponse"
    ),
    "ssh_keys": (
        "CreateSSHKeyRequest CreateSSHKeyResponse DeleteSSHKeyResponse GetSSHKeyDetailResponse "
        "GetSSHKeysResponse SSHKeyResponse"
    ),
    "volumes": (
        "AttachVolumesRequest AttachVolumesResponse CloneVolumeRequest CloneVolumeResponse "
        "CreateVolumeRequest CreateVolumeResponse DeleteVolumeResponse DetachVolumesRequest "
        "DetachVolumesResponse GetVolumeDetailsResponse GetVolumeTypesResponse ListVolumesResponse "
        "ResizeVolumeRequest ResizeVolumeResponse VolumeResponse VolumeTypeItem"
    ),
}
_MODULE_OF: dict[str, str] = {
    name: module for module, names in _NAMES.items() for name in names.split()
}
__all__ = sorted(_MODULE_OF)  # noqa: PLE0605


def __getattr__(name: str) -> Any:
    module = _MODULE_OF.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f"{__name__}.{module}"), name)
    globals()[name] = value  # looked up once, then a plain module attribute
    return value


def __dir__() -> list[str]:
    return __all__
