"""Helpers shared by the client tests (imported by name: this directory is on sys.path)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pydantic

from barrack_tui.api.models.enums import OpenStrEnum

TEST_KEY = "sk_test_client_key_0001"
DATA = Path(__file__).parent / "data"


class RecordingSleep:
    """An injected ``sleep`` that returns at once and remembers what was asked."""

    def __init__(self) -> None:
        self.delays: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.delays.append(seconds)


def envelope(**keys: Any) -> dict[str, Any]:
    return {"success": True, "message": "ok", "request_id": "req00001", **keys}


def error_body(code: str, message: str, request_id: str = "a1b2c3d4") -> dict[str, Any]:
    return {"success": False, "message": message, "error": code, "request_id": request_id}


def load(name: str) -> Any:
    return json.loads((DATA / name).read_text())


def assert_fully_typed(value: Any, where: str = "body") -> None:
    """No key left unmodelled anywhere and no raw dict where a model belongs."""
    if isinstance(value, pydantic.BaseModel):
        assert not value.model_extra, f"{where}: unmodelled keys {sorted(value.model_extra)}"
        for name in type(value).model_fields:
            assert_fully_typed(getattr(value, name), f"{where}.{name}")
    elif isinstance(value, dict):  # only mappings of models (the pricing tables) are allowed
        for key, item in value.items():
            assert isinstance(item, (pydantic.BaseModel, dict)), f"{where}[{key!r}] is raw JSON"
            assert_fully_typed(key, f"{where} key")
            assert_fully_typed(item, f"{where}[{key!r}]")
    elif isinstance(value, list):
        for i, item in enumerate(value):
            assert not isinstance(item, dict), f"{where}[{i}] is a raw dict"
            assert_fully_typed(item, f"{where}[{i}]")
    elif isinstance(value, OpenStrEnum):
        assert value.known, f"{where}: {value!r} is not a documented value"
