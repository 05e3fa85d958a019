"""A portfolio ingest: a folder of case folders, one company under review each.

`counterpoint ingest DIR`: each subfolder holding a `corpus.toml`, or `company/` and `critic/`
subfolders, is a case (`ingest.manifest.load_case_folder`); DIR itself may be one case folder.
Every case is brought in line with its folder as `counterpoint ingest` does for one corpus:
incrementally, each document written in one request, so an interrupted run is finished by
running it again. One progress bar counts the documents of the whole run; a file that cannot be
indexed is one line naming it and why, and the run goes on.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from counterpoint.cases import Case
from counterpoint.errors import IngestError, ManifestError
from ingest.manifest import Manifest, is_case_folder, load_case_folder

if TYPE_CHECKING:
    from ingest.pipeline import Ingestor, IngestReport

OpenCase = Callable[[Case], "Ingestor"]  # an ingestor writing into that case's collection


@dataclass
class PortfolioReport:
    """What a portfolio ingest did: each case's `IngestReport`, and what it refused."""

    cases: dict[str, IngestReport] = field(default_factory=dict)
    refused: list[tuple[str, str]] = field(default_factory=list)  # (file or folder, reason)
    seconds: float = 0.0

    def summary(self) -> str:
        """One line for the terminal."""
        reports = list(self.cases.values())
        count = {
            name: sum(len(getattr(r, name)) for r in reports)
            for name in ("added", "updated", "unchanged", "removed")
        }
        documents = count["added"] + count["updated"] + count["unchanged"]
        written = sum(r.chunks_written for r in reports)
        return (
            f"{len(reports)} cases, {documents} documents ({count['added']} added, "
            f"{count['updated']} updated, {count['unchanged']} unchanged, {count['removed']} "
            f"removed), {len(self.refused)} refused; {written} chunks embedded; "
            f"{self.seconds:.1f} s"
        )


def case_folders(root: Path) -> list[Path]:
    """The case folders of a portfolio folder (or the folder itself, when it is one)."""
    if not root.is_dir():
        raise IngestError(f"{root}: not a folder")
    if is_case_folder(root):
        return [root]
    found = [p for p in sorted(root.iterdir()) if p.is_dir() and not p.name.startswith(".")]
    found = [p for p in found if is_case_folder(p)]
    if not found:
        raise IngestError(
            f"{root} holds no case folders: each needs a corpus.toml, or company/ and critic/ "
            "subfolders"
        )
    return found


def read_portfolio(root: Path, report: PortfolioReport) -> list[Manifest]:
    """Each case folder's manifest; a broken one, or a second folder claiming a case id, is
    refused into `report`."""
    manifests: dict[str, Manifest] = {}
    for folder in case_folders(root):
        try:
            manifest = load_case_folder(folder)
        except ManifestError as exc:
            report.refused.append((str(folder), str(exc)))
            continue
        taken = manifests.get(manifest.case.id)
        if taken is not None:
            reason = f"the case id '{manifest.case.id}' is already {taken.root}'s"
            report.refused.append((str(folder), reason))
            continue
        manifests[manifest.case.id] = manifest
    return list(manifests.values())


def ingest_portfolio(
    root: Path, open_case: OpenCase, progress: bool = True, prune: bool = False
) -> PortfolioReport:
    """Ingest every case folder under `root`; see the module's docstring."""
    from tqdm import tqdm

    started = time.perf_counter()
    report = PortfolioReport()
    manifests = read_portfolio(root, report)
    for folder, reason in report.refused:
        print(f"refused {folder}: {reason}", file=sys.stderr)
    # The bar counts bytes, not documents: one 170-page report is most of a run's time.
    total = sum(_size(m.resolve(entry)) for m in manifests for entry in m.documents)
    bar = tqdm(total=total, unit="B", unit_scale=True, desc="ingest", disable=not progress)
    with bar:

        def done(path: Path, reason: str | None) -> None:
            if reason:
                report.refused.append((str(path), reason))
                tqdm.write(f"refused {path}: {reason}", file=sys.stderr)
            bar.update(_size(path))

        for manifest in manifests:
            try:
                ingestor = open_case(manifest.case)
                report.cases[manifest.case.id] = ingestor.ingest_manifest(manifest, prune, done)
            except (IngestError, ManifestError) as exc:  # e.g. a manifest that would wipe it
                report.refused.append((str(manifest.root), str(exc)))
                tqdm.write(f"refused {manifest.root}: {exc}", file=sys.stderr)
    report.seconds = time.perf_counter() - started
    return report


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:  # gone or unreadable: refused in its turn, with the reason
        return 0
