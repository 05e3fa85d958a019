"""The case an assistant works on: which one (asked for, else the only one), its settings,
and making a new one. `Assistant` is a `CaseWork`; nothing else is."""

from __future__ import annotations

from collections.abc import Callable
from functools import cached_property
from pathlib import Path

from counterpoint.config import Settings
from counterpoint.errors import InputError


class CaseWork:
    """The case half of the `Assistant`: `base_settings` is the configuration, `settings` the
    case's (its collection, its folder, its source folder)."""

    base_settings: Settings
    requested_case: str | None
    notify: Callable[[str], None]
    store: object  # the Assistant's ChunkStore of the case
    embedder: object  # and its embedder

    @cached_property
    def client(self):  # noqa: ANN201 - a chromadb client
        from counterpoint.chroma import open_client

        return open_client(self.base_settings)

    @cached_property
    def case(self):  # noqa: ANN201 - counterpoint.cases.Case
        """The case this assistant works on (resolved on first use)."""
        from counterpoint.adoption import adopt_unscoped
        from counterpoint.cases import Case, resolve_case

        def heir() -> Case:
            return self.corpus_case() or Case("default", "Default")

        if adopted := adopt_unscoped(self.client, self.base_settings, heir):
            self.notify(
                f"the index made before cases is now the case '{adopted.id}' ({adopted.name})"
            )
        return resolve_case(self.client, self.base_settings, self.requested_case, self.corpus_case)

    @cached_property
    def settings(self) -> Settings:
        """The settings of this assistant's case: its collection, folder and corpus folder."""
        from counterpoint.cases import bind

        return bind(self.base_settings, self.case)

    def corpus_case(self):  # noqa: ANN201 - a Case, or None without a manifest
        """The case the configured corpus folder's manifest describes (the bundled one)."""
        from ingest.manifest import MANIFEST_NAME, load_manifest

        path = self.base_settings.corpus_dir / MANIFEST_NAME
        return load_manifest(path).case if path.is_file() else None

    def use_case(self, case) -> None:  # noqa: ANN001 - a Case
        """Work on `case` from now on (an ingest of its manifest); refused when another case
        was asked for by name."""
        if self.requested_case and self.requested_case != case.id:
            raise InputError(
                f"{case.root or 'the manifest'} describes the case '{case.id}', "
                f"not '{self.requested_case}'"
            )
        if self.__dict__.get("case") != case:
            for name in ("case", "settings", "store", "retriever"):
                self.__dict__.pop(name, None)
            self.__dict__["case"] = case

    def create_case(self, name: str, case_id: str | None = None):  # noqa: ANN201 - a Case
        """Make a new, empty case (id from its name unless given) and work on it."""
        from counterpoint.cases import Case, case_id_from, check_case_id, find_case
        from counterpoint.errors import CaseError

        case_id = check_case_id(case_id or case_id_from(name))
        if find_case(self.client, self.base_settings, case_id) is not None:
            raise CaseError(f"there is a case '{case_id}' already")
        self.requested_case = case_id
        self.use_case(Case(case_id, name.strip() or case_id))
        self.store.describe_case()  # opening the store makes the case's collection
        return self.case

    def ingest_portfolio(self, folder: Path, progress: bool = True, prune: bool = False):  # noqa: ANN201
        """Ingest a folder of case folders, each into its own case (`ingest.portfolio`);
        returns the `PortfolioReport`. Refused with `--case`: the folders name their cases."""
        from ingest.portfolio import ingest_portfolio

        if self.requested_case:
            raise InputError(
                f"{folder} is a folder of case folders, each naming its case: leave out --case"
            )

        def open_case(case):  # noqa: ANN001, ANN202 - a Case -> an Ingestor
            self.use_case(case)
            self.store.describe_case()
            return self.ingestor(progress=False)  # the run's one bar is the portfolio's

        return ingest_portfolio(folder, open_case, progress, prune)

    def cases(self):  # noqa: ANN201 - a list of counterpoint.cases.Case
        """Every case in the store, by id."""
        from counterpoint.cases import list_cases

        return list_cases(self.client, self.base_settings)

    def for_case(self, case_id: str | None):  # noqa: ANN201 - an Assistant of the same kind
        """An assistant on another case sharing this one's client and embedder (the page
        opens one per case and loads the embedder once)."""
        other = type(self)(self.base_settings, self.notify, case=case_id)
        other.__dict__["client"] = self.client
        other.__dict__["embedder"] = self.embedder
        return other
