"""One crawl per store and source at a time: an advisory file lock the kernel releases on exit
(also after SIGKILL), so a crashed run never leaves a stale lock behind."""

from __future__ import annotations

import fcntl
import os
import re
from pathlib import Path


class RunLock:
    """`<store>.<source>.lock` beside the store file, held for the whole crawl."""

    def __init__(self, db_path: str | Path, source: str) -> None:
        safe = re.sub(r"[^A-Za-z0-9._-]+", "_", source)
        self.path = Path(f"{db_path}.{safe}.lock")
        self.handle = None

    def acquire(self) -> bool:
        """Take the lock; False when another live process holds it."""
        handle = open(self.path, "a+")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            return False
        handle.seek(0)
        handle.truncate()
        handle.write(f"{os.getpid()}\n")
        handle.flush()
        self.handle = handle
        return True

    def holder(self) -> str:
        """The pid written by the holder, for messages."""
        try:
            return self.path.read_text().strip() or "?"
        except OSError:
            return "?"

    def release(self) -> None:
        if self.handle is not None:
            fcntl.flock(self.handle, fcntl.LOCK_UN)
            self.handle.close()
            self.handle = None
