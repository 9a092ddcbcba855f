"""Where a build reads and writes. Passed explicitly; nothing else resolves paths.

Only the standard library is imported here, so the no-op build path stays fast.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


#: The deliveries one build validates, written by the build into the staged validated folder and read by
#: the first validation notebook (`pipeline.validate_to_stage`); see `build.kernels` for why.
BATCH_FILE = ".batch.json"

#: A brief's approval record (kerncijfers.approval), in data/briefs/<slug>/.
APPROVAL_RECORD = "vastgesteld.json"


@dataclass(frozen=True)
class Layout:
    """The folders of one build: the project's code and a data tree with its outputs."""

    root: Path  # the repository: notebooks/, expectations/, src/
    data_dir: Path  # raw/, validated/, published/, briefs.yml
    out_dir: Path  # reports/

    @classmethod
    def make(cls, root: Path | None = None, data_dir: Path | None = None, out_dir: Path | None = None) -> "Layout":
        root = Path(root or find_root()).resolve()
        return cls(
            root=root,
            data_dir=Path(data_dir).resolve() if data_dir else root / "data",
            out_dir=Path(out_dir).resolve() if out_dir else root / "reports",
        )

    @property
    def raw(self) -> Path:
        return self.data_dir / "raw"

    @property
    def validated(self) -> Path:
        return self.data_dir / "validated"

    @property
    def published(self) -> Path:
        # The printed letters are part of the project, also when building a synthetic tree.
        own = self.data_dir / "published"
        return own if own.is_dir() else self.root / "data" / "published"

    @property
    def briefs(self) -> Path:
        return self.data_dir / "briefs.yml"

    def approval_record(self, slug: str) -> Path:
        """The brief's approval record (kerncijfers.approval); absent while the brief is a concept."""
        return self.data_dir / "briefs" / slug / APPROVAL_RECORD

    def staged_approval_record(self, slug: str) -> Path:
        """Where a revising build keeps the brief's new record until it publishes (beside stage/validated)."""
        return self.stage / "briefs" / slug / APPROVAL_RECORD

    @property
    def expectations(self) -> Path:
        return self.root / "expectations"

    @property
    def notebooks(self) -> Path:
        return self.root / "notebooks"

    @property
    def state_dir(self) -> Path:
        """Volatile build state (hashes, lock, logs): never diffed, never published."""
        return self.data_dir / ".kerncijfers"

    @property
    def stage(self) -> Path:
        """Staging area on the same file system as the outputs, so moves are atomic renames."""
        return self.state_dir / "stage"


def find_root(start: Path | None = None) -> Path:
    """The repository root: the nearest folder upwards with `expectations/` and `notebooks/`."""
    here = Path(start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / "expectations").is_dir() and (folder / "notebooks").is_dir():
            return folder
    raise FileNotFoundError(
        f"not inside a kerncijfers checkout (no expectations/ and notebooks/ above {here.name}); run from the repository"
    )
