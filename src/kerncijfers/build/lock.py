"""One build at a time per data tree (`data/.kerncijfers/build.lock`)."""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import os
from contextlib import contextmanager

from kerncijfers.build.errors import BuildLocked
from kerncijfers.paths import Layout

LOCK_FILE = "build.lock"


@contextmanager
def build_lock(layout: Layout):
    """Hold the lock while the block runs; BuildLocked when another build holds it.

    The file names the holder (pid, start) for the refusal message. It stays when a build is
    killed; the flock does not (the OS releases it with the process), so a stale file never blocks.
    """
    layout.state_dir.mkdir(parents=True, exist_ok=True)
    fd = os.open(layout.state_dir / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.read(fd, 4096).decode(errors="replace").strip() or "{}"
            try:
                info = json.loads(holder)
            except ValueError:
                info = {}
            raise BuildLocked(
                f"a build is already running since {info.get('started', 'an unknown time')} (pid {info.get('pid', '?')}); "
                "wait for it to finish, or stop it, then build again"
            ) from None
        os.ftruncate(fd, 0)
        os.write(fd, json.dumps({"pid": os.getpid(), "started": dt.datetime.now().isoformat(timespec="seconds")}).encode())
        yield
    finally:
        os.close(fd)  # closing releases the flock
