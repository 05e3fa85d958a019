"""The claims matrix: each company claim against the critics' sentences (contested, corroborated,
not addressed), and the reverse view, each critic allegation against the company's sentences
(addressed or not). `counterpoint claims` / `counterpoint allegations` and the app show it.

Build: extract statements (rules, or an LLM when configured), give each a theme, retrieve the
other side's best passages for it, score their sentences against it, and let a judge label the
pair. The finished `Matrix` is cached as JSON under the case's folder, named by the index state,
so a second build of an unchanged index is a file read.
"""

from __future__ import annotations

import hashlib
import os
import time
from pathlib import Path
from typing import TYPE_CHECKING

from counterpoint.errors import InputError, LLMError
from counterpoint.matrix.candidates import CandidateFinder
from counterpoint.matrix.claims import RuleExtractor
from counterpoint.matrix.judge import RuleJudge
from counterpoint.matrix.models import (
    ClaimExtractor,
    Matrix,
    RelationJudge,
)
from counterpoint.matrix.themes import theme_of

if TYPE_CHECKING:
    from counterpoint.config import Settings
    from counterpoint.matrix.inputs import MatrixInputs

MATRIX_VERSION = "5"  # bump when extraction, scoring or judging changes: old caches are ignored
MODES = ("rules", "llm")


def default_mode(settings: Settings) -> str:
    """`llm` when an LLM is configured (as for answers), else `rules`."""
    return "llm" if settings.llm_configured else "rules"


def check_mode(mode: str | None, settings: Settings) -> str:
    """The mode asked for (default: `default_mode`); an unknown one is refused."""
    mode = mode or default_mode(settings)
    if mode not in MODES:
        raise InputError(f"unknown matrix mode '{mode}': use rules or llm")
    return mode


def build_matrix(inputs: MatrixInputs, mode: str | None = None, rebuild: bool = False) -> Matrix:
    """The matrix of the current index, from the cache when the index has not changed."""
    mode = check_mode(mode, inputs.settings)
    key = index_key(inputs, mode)
    saved = None if rebuild else _load(_path(inputs, key))
    if saved is not None:
        return saved
    matrix = _build(inputs, mode)
    matrix.index_key = key
    _save(_path(inputs, key), matrix)
    return matrix


def saved_matrix(inputs: MatrixInputs, mode: str | None = None) -> Matrix | None:
    """The matrix of the current index if one was built before (by the CLI or the app), else
    None: never builds, so callers that must not wait minutes (the brief's export) can use it."""
    mode = mode or default_mode(inputs.settings)
    return _load(_path(inputs, index_key(inputs, mode)))


def _path(inputs: MatrixInputs, key: str) -> Path:
    return Path(inputs.settings.case_dir) / "matrix" / f"{key}.json"


def _load(path: Path) -> Matrix | None:
    try:
        return Matrix.model_validate_json(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None  # none yet, or a damaged copy: the caller builds a fresh one


def index_key(inputs: MatrixInputs, mode: str) -> str:
    """Names one index state and build: every chunk id (content hashes), versions, mode."""
    from ingest.pipeline import PIPELINE_VERSION

    ids = inputs.store.ids()
    model = inputs.settings.llm_model or "" if mode == "llm" else ""
    head = f"{MATRIX_VERSION}/{PIPELINE_VERSION}/{mode}/{model}"
    return hashlib.sha256("\n".join([head, *sorted(ids)]).encode()).hexdigest()[:24]


def _save(path: Path, matrix: Matrix) -> None:
    # Write aside, then rename: a reader (another process) never sees half a file.
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.{os.getpid()}")
    try:
        partial.write_text(matrix.model_dump_json(), encoding="utf-8")
        os.replace(partial, path)
    except OSError:
        partial.unlink(missing_ok=True)  # a read-only data folder: no cache, still a matrix


def _build(inputs: MatrixInputs, mode: str) -> Matrix:
    rules = RuleExtractor(inputs.store, inputs.embedder)
    if mode == "llm":
        try:
            from counterpoint.matrix.llm import LLMExtractor, LLMJudge

            return _run(inputs, rules, LLMExtractor(inputs, rules=rules), LLMJudge(inputs), "llm")
        except (ImportError, LLMError) as exc:
            notice = f"the LLM matrix failed ({exc}); showing the rules matrix instead."
            inputs.notify(notice)
            matrix = _run(inputs, rules, rules, RuleJudge(), "rules")
            matrix.notice = notice
            return matrix
    return _run(inputs, rules, rules, RuleJudge(), "rules")


def _run(
    inputs: MatrixInputs,
    rules: RuleExtractor,
    extractor: ClaimExtractor,
    judge: RelationJudge,
    mode: str,
) -> Matrix:
    started = time.perf_counter()
    claims, allegations = extractor.extract("company"), extractor.extract("critic")
    extracted = time.perf_counter()
    finder = CandidateFinder(inputs.retriever, rules)
    finder.prepare([*claims, *allegations])
    for statement in [*claims, *allegations]:
        statement.theme = theme_of(statement.text, finder.vectors[statement.text], rules.embedder)
    claim_rows = [judge.judge_claim(c, finder.candidates(c, "critic")) for c in claims]
    allegation_rows = [
        judge.judge_allegation(a, finder.candidates(a, "company")) for a in allegations
    ]
    done = time.perf_counter()
    return Matrix(
        mode=mode,
        claims=claim_rows,
        allegations=allegation_rows,
        timings_ms={
            "extract": round((extracted - started) * 1000, 1),
            "judge": round((done - extracted) * 1000, 1),
            "total": round((done - started) * 1000, 1),
        },
    )


def select(
    matrix: Matrix,
    theme: str | None = None,
    relation: str | None = None,
    coverage: str | None = None,
) -> Matrix:
    """A copy of the matrix keeping only rows of that theme / relation / coverage; unaddressed
    allegations first (the list an analyst reads first)."""
    claims = [
        row
        for row in matrix.claims
        if (not theme or row.claim.theme == theme) and (not relation or row.relation == relation)
    ]
    allegations = [
        row
        for row in matrix.allegations
        if (not theme or row.allegation.theme == theme)
        and (not coverage or row.coverage == coverage)
    ]
    allegations.sort(key=lambda row: row.coverage != "unaddressed")
    return matrix.model_copy(update={"claims": claims, "allegations": allegations})
