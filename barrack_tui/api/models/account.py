"""Credit balance (getCreditBalance)."""

from __future__ import annotations

from barrack_tui.api.models._base import BarrackModel, Envelope
from barrack_tui.api.models.enums import Currency


class Account(BarrackModel):
    email: str | None = None
    name: str | None = None


class CreditBalanceResponse(Envelope):
    balance: float
    currency: Currency
    account: Account | None = None
