"""Chat conversations on disk: round trips, ordering, permissions, damaged files."""

from __future__ import annotations

import json
import stat
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from barrack_tui.chat_store import (
    UNTITLED,
    ChatStore,
    ChatStoreError,
    Conversation,
    Turn,
    new_conversation,
)

T0 = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)


def conversation(question: str = "Why is my-vm still CREATING?", minutes: int = 0) -> Conversation:
    at = T0 + timedelta(minutes=minutes)
    chat = new_conversation(at, "barrack-assistant-small")
    chat.turns += [
        Turn("user", question, at, with_context=True),
        Turn("assistant", "It is **booting**.\n\n```bash\nnvidia-smi\n```", at, model="barrack-assistant-small"),
    ]
    chat.updated_at = at
    return chat


@pytest.fixture
def store(tmp_path: Path) -> ChatStore:
    return ChatStore(tmp_path / "chats" / "default")


def test_a_saved_conversation_loads_back_identical(store: ChatStore) -> None:
    chat = conversation()
    chat.turns.append(Turn("assistant", "partial ans", T0, model="m", outcome="cancelled"))
    store.save(chat)
    assert store.load(chat.id) == chat


def test_files_are_private_to_the_user(store: ChatStore) -> None:
    chat = conversation()
    store.save(chat)
    path = store.path_of(chat.id)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(store.directory.stat().st_mode) == 0o700


def test_list_is_newest_first_with_titles_and_counts(store: ChatStore) -> None:
    older, newer = conversation("first question", 0), conversation("second question\nwith detail", 5)
    store.save(newer)
    store.save(older)
    infos = store.conversations()
    assert [i.id for i in infos] == [newer.id, older.id]
    assert [i.title for i in infos] == ["second question", "first question"]
    assert infos[0].turns == 2


def test_titles_are_shortened_and_an_empty_chat_is_untitled() -> None:
    long = conversation("x" * 200)
    assert len(long.title) == 60 and long.title.endswith("…")
    assert new_conversation(T0).title == UNTITLED


def test_a_damaged_file_is_skipped_in_the_list_and_named_when_opened(store: ChatStore) -> None:
    good = conversation()
    store.save(good)
    broken = store.directory / "20261127-120000-abcdef.json"
    broken.write_text("{not json", encoding="utf-8")
    assert [i.id for i in store.conversations()] == [good.id]
    with pytest.raises(ChatStoreError) as caught:
        store.load("20261127-120000-abcdef")
    assert str(broken) in str(caught.value) and "not valid JSON" in str(caught.value)


def test_a_file_of_another_format_version_is_refused(store: ChatStore) -> None:
    chat = conversation()
    store.save(chat)
    path = store.path_of(chat.id)
    raw = json.loads(path.read_text())
    raw["version"] = 99
    path.write_text(json.dumps(raw))
    with pytest.raises(ChatStoreError, match="unsupported format version 99"):
        store.load(chat.id)


def test_ids_cannot_escape_the_directory(store: ChatStore) -> None:
    with pytest.raises(ValueError):
        store.path_of("../../etc/passwd")
    with pytest.raises(ValueError):
        store.load("a/b")


def test_missing_conversation_and_delete(store: ChatStore) -> None:
    chat = conversation()
    store.save(chat)
    assert store.delete(chat.id) is True
    assert store.delete(chat.id) is False
    with pytest.raises(ChatStoreError, match="no such conversation"):
        store.load(chat.id)
    assert store.conversations() == []


def test_each_profile_has_its_own_folder_in_the_data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BARRACK_TUI_DATA_DIR", str(tmp_path / "data"))
    work, demo = ChatStore.for_profile("work"), ChatStore.for_profile("demo")
    work.save(conversation())
    assert work.directory == tmp_path / "data" / "chats" / "work"
    assert len(work.conversations()) == 1 and demo.conversations() == []
    with pytest.raises(ValueError):
        ChatStore.for_profile("../other")


def test_api_messages_leave_out_empty_replies_but_keep_partial_ones() -> None:
    chat = new_conversation(T0)
    chat.turns += [
        Turn("user", "one", T0),
        Turn("assistant", "", T0, outcome="cancelled"),
        Turn("user", "two", T0),
        Turn("assistant", "half an ans", T0, outcome="interrupted: dropped"),
    ]
    assert chat.api_messages() == [
        {"role": "user", "content": "one"},
        {"role": "user", "content": "two"},
        {"role": "assistant", "content": "half an ans"},
    ]


def test_a_snapshot_does_not_see_later_turns() -> None:
    chat = conversation()
    copy = chat.snapshot()
    chat.turns.append(Turn("user", "more", T0))
    assert len(copy.turns) == 2 and len(chat.turns) == 3
