"""Redaction of keys in text and log records, and a client that never shows its key."""

from __future__ import annotations

import logging
from collections.abc import Callable

import httpx
import pytest
from api_helpers import TEST_KEY
from pydantic import SecretStr

from barrack_tui.api import AuthError, BarrackClient
from barrack_tui.api.redaction import (
    RedactingFilter,
    install_log_redaction,
    redact,
    register_secret,
)

MakeClient = Callable[..., BarrackClient]


@pytest.mark.parametrize(
    "text",
    [
        "key sk_live_AbC123-xyz in a message",
        "X-API-Key: opaque-value-77",
        "{'x-api-key': 'opaque-value-77'}",
        "Headers([(b'x-api-key', b'opaque-value-77')])",
        'x-api-key="opaque-value-77"',
    ],
)
def test_keys_and_header_values_are_masked(text: str) -> None:
    cleaned = redact(text)
    assert "sk_live_AbC123" not in cleaned and "opaque-value-77" not in cleaned
    assert "***" in cleaned


def test_registered_secrets_of_any_shape_are_masked() -> None:
    register_secret("plainsecret-0xCAFE")
    assert redact("token=plainsecret-0xCAFE;") == "token=***;"
    assert redact("nothing to hide") == "nothing to hide"


def test_the_filter_rewrites_messages_args_and_tracebacks() -> None:
    record = logging.LogRecord("barrack_tui.x", logging.INFO, __file__, 1, "sent %s", ("sk_abc_123",), None)
    try:
        raise RuntimeError("bad key sk_abc_123")
    except RuntimeError as exc:
        record.exc_info = (type(exc), exc, exc.__traceback__)
    assert RedactingFilter().filter(record)
    assert record.getMessage() == "sent ***"
    assert record.exc_text is not None and "sk_abc_123" not in record.exc_text and "***" in record.exc_text


def test_the_filter_reaches_existing_child_loggers() -> None:
    child = logging.getLogger("barrack_tui.some.child")
    installed = install_log_redaction()
    assert installed in child.filters
    assert installed in logging.getLogger("httpcore.http11").filters
    assert installed in logging.getLogger("httpx").filters


def test_the_client_repr_and_auth_do_not_show_the_key() -> None:
    client = BarrackClient(SecretStr(TEST_KEY), "http://barrack.test/api/")
    texts = [
        repr(client),
        str(client),
        repr(client._requester.http.auth),
        repr(client._requester.http.headers),
    ]
    assert all(TEST_KEY not in t for t in texts)


def test_bad_keys_are_refused_without_echoing_them() -> None:
    with pytest.raises(ValueError) as caught:
        BarrackClient("sk_bad\nkey")
    assert "sk_bad" not in str(caught.value)
    with pytest.raises(ValueError):
        BarrackClient("   ")


async def test_a_key_echoed_by_the_server_is_masked_in_the_error(mock_client: MakeClient) -> None:
    def handle(request: httpx.Request) -> httpx.Response:
        key = request.headers["x-api-key"]
        return httpx.Response(
            401,
            json={
                "success": False,
                "message": f"Invalid API key {key}",
                "error": "invalid_api_key",
                "request_id": "r9",
            },
        )

    async with mock_client(handle) as client:
        with pytest.raises(AuthError) as caught:
            await client.balance.get()
    err = caught.value
    for text in (str(err), repr(err), err.message, err.body or ""):
        assert TEST_KEY not in text
    assert str(err) == "401 Unauthorized: Invalid API key *** (request r9)"
