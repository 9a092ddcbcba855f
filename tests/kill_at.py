"""Run `kerncijfers` with SIGKILL injected from outside, at a file operation the test names.

    python tests/kill_at.py [--no-exchange] (--after-rename-to SUFFIX | --before-rename-to SUFFIX | --after-lock) -- build ...

A test double of the file operations: `os.rename` and `os.replace` are wrapped in this process
only (the kernels it starts are untouched), and the process kills itself with SIGKILL before or
after the first rename whose target path ends with SUFFIX; `--after-lock` kills it once it holds
the build lock. `--no-exchange` makes publication take the two-rename path a system without
renameat2 takes, so a kill can land between the two renames.
"""

from __future__ import annotations

import argparse
import fcntl
import os
import signal
import sys


def _kill() -> None:
    sys.stdout.flush()
    sys.stderr.flush()
    os.kill(os.getpid(), signal.SIGKILL)


def _wrap_renames(suffix: str, after: bool) -> None:
    for name in ("rename", "replace"):
        real = getattr(os, name)

        def wrapped(src, dst, *args, _real=real, **kwargs):
            hit = os.fspath(dst).endswith(suffix)
            if hit and not after:
                _kill()
            result = _real(src, dst, *args, **kwargs)
            if hit and after:
                _kill()
            return result

        setattr(os, name, wrapped)


def _wrap_lock() -> None:
    real = fcntl.flock

    def wrapped(fd, operation):
        result = real(fd, operation)
        if operation & fcntl.LOCK_EX:
            _kill()
        return result

    fcntl.flock = wrapped


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--no-exchange", action="store_true")
    parser.add_argument("--after-rename-to")
    parser.add_argument("--before-rename-to")
    parser.add_argument("--after-lock", action="store_true")
    args, rest = parser.parse_known_args()
    if args.no_exchange:
        from kerncijfers.build import publish

        publish._exchange = lambda a, b: False
    if args.after_rename_to or args.before_rename_to:
        _wrap_renames(args.after_rename_to or args.before_rename_to, after=bool(args.after_rename_to))
    if args.after_lock:
        _wrap_lock()
    from kerncijfers.cli import main as kerncijfers

    sys.argv = ["kerncijfers", *(rest[1:] if rest[:1] == ["--"] else rest)]
    kerncijfers()


if __name__ == "__main__":
    main()
