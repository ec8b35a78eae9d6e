"""AI chat conversations on disk: one JSON file per conversation, one folder per profile.

Layout: ``<data dir>/chats/<profile>/<conversation id>.json``, files 0600 and
folders 0700 (a conversation can quote account details). Files are replaced
atomically, so a crash mid-save leaves the previous version. A file that
cannot be read is skipped by :meth:`ChatStore.conversations` and reported by
:meth:`ChatStore.load`; it is never overwritten behind the user's back.

No Textual here; the calls are blocking file I/O, so the UI runs them in a
thread (``asyncio.to_thread``).
"""

from __future__ import annotations

import json
import re
import secrets
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Any, Final, Literal

from barrack_tui.atomic_file import write_text_atomically
from barrack_tui.config import check_profile_name, data_dir

SCHEMA_VERSION: Final = 1
CHATS_DIR: Final = "chats"
TITLE_LENGTH: Final = 60
UNTITLED: Final = "New conversation"
_ID: Final = re.compile(r"[a-z0-9][a-z0-9-]{0,63}")

Role = Literal["user", "assistant"]


class ChatStoreError(Exception):
    """A conversation file could not be read or written; ``str()`` names the file and the problem."""

    def __init__(self, path: Path, problem: str) -> None:
        self.path = path
        self.problem = problem
        super().__init__(f"{path}: {problem}")


@dataclass(frozen=True)
class Turn:
    """One message of a conversation.

    ``outcome`` (assistant turns): None for a complete reply, else the marker
    shown after a reply that did not finish ("cancelled", "interrupted: ...").
    ``with_context`` (user turns): the account context was attached when sent.
    """

    role: Role
    content: str
    at: datetime
    model: str | None = None
    outcome: str | None = None
    with_context: bool = False


@dataclass
class Conversation:
    id: str
    created_at: datetime
    updated_at: datetime
    model: str | None = None
    turns: list[Turn] = field(default_factory=list)

    @property
    def title(self) -> str:
        """The first line of the first question, shortened."""
        first = next((t.content for t in self.turns if t.role == "user" and t.content.strip()), "")
        line = first.strip().splitlines()[0] if first.strip() else ""
        if not line:
            return UNTITLED
        return line if len(line) <= TITLE_LENGTH else line[: TITLE_LENGTH - 1].rstrip() + "…"

    def api_messages(self) -> list[dict[str, str]]:
        """The turns as chat-completion messages; empty replies (cancelled before
        the first token) are left out, partial ones are kept as they were shown."""
        return [{"role": t.role, "content": t.content} for t in self.turns if t.content]

    def snapshot(self) -> Conversation:
        """A copy that later appends or replacements of turns do not change (turns are frozen)."""
        return replace(self, turns=list(self.turns))


@dataclass(frozen=True)
class ConversationInfo:
    """What the conversation list shows, without the messages."""

    id: str
    title: str
    updated_at: datetime
    turns: int


def new_conversation_id(now: datetime) -> str:
    """Sortable by creation time, unique enough for one user's history."""
    return f"{now:%Y%m%d-%H%M%S}-{secrets.token_hex(3)}"


def new_conversation(now: datetime, model: str | None = None) -> Conversation:
    return Conversation(new_conversation_id(now), now, now, model)


# -- JSON ------------------------------------------------------------------------


def _time(value: datetime) -> str:
    return value.isoformat()


def conversation_to_dict(conversation: Conversation) -> dict[str, Any]:
    return {
        "version": SCHEMA_VERSION,
        "id": conversation.id,
        "title": conversation.title,
        "created_at": _time(conversation.created_at),
        "updated_at": _time(conversation.updated_at),
        "model": conversation.model,
        "turns": [
            {
                "role": t.role,
                "content": t.content,
                "at": _time(t.at),
                **({"model": t.model} if t.model else {}),
                **({"outcome": t.outcome} if t.outcome else {}),
                **({"with_context": True} if t.with_context else {}),
            }
            for t in conversation.turns
        ],
    }


def _turn(raw: Mapping[str, Any]) -> Turn:
    role = raw["role"]
    if role not in ("user", "assistant"):
        raise ValueError(f"unknown role {role!r}")
    content = raw["content"]
    if not isinstance(content, str):
        raise TypeError("a message's content is not text")
    return Turn(
        role=role,
        content=content,
        at=datetime.fromisoformat(raw["at"]),
        model=raw.get("model"),
        outcome=raw.get("outcome"),
        with_context=bool(raw.get("with_context", False)),
    )


def conversation_from_dict(raw: Mapping[str, Any]) -> Conversation:
    """Raises ``ValueError``/``KeyError``/``TypeError`` on a malformed document."""
    version = raw.get("version")
    if version != SCHEMA_VERSION:
        raise ValueError(f"unsupported format version {version!r} (this version reads {SCHEMA_VERSION})")
    return Conversation(
        id=str(raw["id"]),
        created_at=datetime.fromisoformat(raw["created_at"]),
        updated_at=datetime.fromisoformat(raw["updated_at"]),
        model=raw.get("model"),
        turns=[_turn(t) for t in raw["turns"]],
    )


# -- the store -------------------------------------------------------------------


class ChatStore:
    """The conversations of one profile, in ``directory`` (created on first save)."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self._write_lock = threading.Lock()

    @classmethod
    def for_profile(cls, profile: str, base: Path | None = None) -> ChatStore:
        """The store of ``profile`` under ``base`` (default: the user data directory)."""
        check_profile_name(profile)
        return cls((base if base is not None else data_dir()) / CHATS_DIR / profile)

    def path_of(self, conversation_id: str) -> Path:
        if not _ID.fullmatch(conversation_id):
            raise ValueError(f"not a conversation id: {conversation_id!r}")
        return self.directory / f"{conversation_id}.json"

    def save(self, conversation: Conversation) -> None:
        path = self.path_of(conversation.id)
        text = json.dumps(conversation_to_dict(conversation), ensure_ascii=False, indent=1)
        try:
            with self._write_lock:
                write_text_atomically(path, text, mode=0o600)
        except OSError as exc:
            raise ChatStoreError(path, f"cannot save the conversation ({exc.strerror or exc})") from exc

    def load(self, conversation_id: str) -> Conversation:
        path = self.path_of(conversation_id)
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise ChatStoreError(path, "no such conversation") from None
        except OSError as exc:
            raise ChatStoreError(path, f"cannot read it ({exc.strerror or exc})") from exc
        except ValueError as exc:
            raise ChatStoreError(path, f"not valid JSON ({exc})") from None
        try:
            if not isinstance(raw, dict):
                raise TypeError("not a JSON object")
            return conversation_from_dict(raw)
        except (KeyError, TypeError, ValueError) as exc:
            raise ChatStoreError(path, f"not a conversation file ({exc})") from None

    def conversations(self) -> list[ConversationInfo]:
        """Every readable conversation, most recently updated first."""
        if not self.directory.is_dir():
            return []
        infos = []
        for path in self.directory.glob("*.json"):
            try:
                conversation = self.load(path.stem)
            except (ChatStoreError, ValueError):
                continue
            infos.append(
                ConversationInfo(conversation.id, conversation.title, conversation.updated_at, len(conversation.turns))
            )
        infos.sort(key=lambda info: (info.updated_at, info.id), reverse=True)
        return infos

    def delete(self, conversation_id: str) -> bool:
        """Remove a conversation; False when it was not there."""
        path = self.path_of(conversation_id)
        try:
            path.unlink()
        except FileNotFoundError:
            return False
        except OSError as exc:
            raise ChatStoreError(path, f"cannot delete it ({exc.strerror or exc})") from exc
        return True
