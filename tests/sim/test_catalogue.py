"""Balance, pricing, stock, specs and regions: one price table, taken from the catalogue."""

from __future__ import annotations

from barrack_tui.catalog import GPU_MODELS

from .conftest import Sim, error_of


async def test_balance(demo: Sim) -> None:
    doc = (await demo.get("balance/")).json()
    assert doc["currency"] == "USD"
    assert doc["balance"] > 0
    assert doc["account"] == {"email": "demo@example.com", "name": "Demo Lab"}


async def test_pricing_lists_every_model_in_the_documented_shape(demo: Sim) -> None:
    data = (await demo.get("pricing/")).json()["pricing_data"]
    assert set(data) == {"volumes", "snapshots", "gpus", "metadata"}
    gpus = data["gpus"]["pricing"]
    listed = {name for tier in gpus.values() for name in tier}
    assert listed == set(GPU_MODELS)
    assert gpus["advanced"]["H100-SXM5-80GB"] == {
        "prices": GPU_MODELS["H100-SXM5-80GB"].prices,
        "max_count": 8,
        "unit": "per GPU per hour",
    }
    assert data["volumes"]["pricing"]["advanced"]["NVMe"]["prices"]["USD"] == 0.3
    assert data["snapshots"]["pricing"]["legacy"]["fixed_size_gb"] == 100
    assert data["metadata"]["supported_tiers"] == ["legacy", "advanced"]
    assert data["metadata"]["timestamp"] == 1748779200


async def test_pricing_filters_and_quote(demo: Sim) -> None:
    query = {"tier": "legacy", "currency": "EUR", "resource_type": "gpus", "gpu_model": "RTX-A6000", "gpu_count": 2}
    data = (await demo.get("pricing/", **query)).json()["pricing_data"]
    assert set(data) == {"gpus", "quote", "metadata"}
    assert data["gpus"]["pricing"] == {
        "legacy": {"RTX-A6000": {"prices": {"EUR": 0.64}, "max_count": 4, "unit": "per GPU per hour"}}
    }
    assert data["quote"] == {
        "gpu_model": "RTX-A6000",
        "gpu_count": 2,
        "tier": "legacy",
        "currency": "EUR",
        "hourly_rate": 1.28,
    }
    posted = (await demo.post("pricing/", query)).json()["pricing_data"]
    assert posted["quote"] == data["quote"]
    status, _, text = error_of(await demo.get("pricing/", currency="GBP"))
    assert status == 400 and "Unknown currency 'GBP'" in text
    status, _, text = error_of(await demo.post("pricing/", {"gpu_model": "RTX-A6000", "gpu_count": 8}))
    assert "gpu_count 8 is not allowed for RTX-A6000" in text


async def test_stock_specs_and_regions(demo: Sim) -> None:
    stocks = (await demo.get("gpu-stocks/")).json()["stocks"]
    assert len(stocks) == sum(len(m.regions) for m in GPU_MODELS.values())
    for item in stocks:
        assert item["region"] in GPU_MODELS[item["gpu_model"]].regions
        assert 0 <= item["available"] <= item["total"]
    specs = {s["gpu_model"]: s for s in (await demo.get("gpu-specs/")).json()["specs"]}
    assert specs["RTX-A6000"]["gpu_counts"] == [1, 2, 4]
    assert specs["H100-SXM5-80GB"]["vcpus_per_gpu"] * 4 == 176
    regions = (await demo.get("regions/")).json()["regions"]
    assert [(r["name"], r["tier"], r["country"]) for r in regions] == [
        ("CANADA-1", "legacy", "Canada"),
        ("FINLAND-1", "advanced", "Finland"),
        ("FINLAND-2", "advanced", "Finland"),
        ("FINLAND-3", "advanced", "Finland"),
    ]
