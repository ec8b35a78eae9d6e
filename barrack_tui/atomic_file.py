"""Replace a file's contents so that readers see the old file or the new one, never half."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path


def write_text_atomically(path: Path, text: str, *, mode: int) -> None:
    """Write ``text`` to ``path`` through a temporary file in the same directory.

    The temporary file is created with mode 0600 (``mkstemp``), so a secret is
    never readable by others even for a moment; it is switched to ``mode``
    before it replaces ``path``. Missing parent directories are created 0700.
    """
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as stream:
            stream.write(text)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise
