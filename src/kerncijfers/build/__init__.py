"""The build, in the order it runs: raw -> validated -> reports.

- `plan`     hashes every input of every step: which steps a full build has, and their keys
- `state`    what the last build recorded, and which steps are stale
- `lock`     one build at a time
- `kernels`  the two kept-alive kernels and what each loads as it starts
- `stage`    the steps themselves, writing into the stage
- `publish`  journaled publication of the stage, and the recovery of an interrupted one
- `run`      `run_build`: the above, top to bottom

The modules import each other, never this package: it only names what the rest of the
project imports. Only the standard library is imported at the top of each, so a build
with nothing to do reads and hashes some files and stops.
"""

from kerncijfers.build.errors import BuildFailed, BuildLocked, PublicationBroken
from kerncijfers.build.plan import Step, brief_keys, code_hash, delivery_files, plan
from kerncijfers.build.publish import JOURNAL, Move, recover
from kerncijfers.build.lock import LOCK_FILE
from kerncijfers.build.run import BuildResult, run_build
from kerncijfers.build.state import STATE_FILE, read_state

__all__ = [
    "JOURNAL", "LOCK_FILE", "STATE_FILE", "BuildFailed", "BuildLocked", "BuildResult", "Move", "PublicationBroken",
    "Step", "brief_keys", "code_hash", "delivery_files", "plan", "read_state", "recover", "run_build",
]
