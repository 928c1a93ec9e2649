"""The resolver: records in, scored and decided links with evidence out.

Per record: normalised text → mentions → candidates with comparison levels → match probability
(Fellegi–Sunter, or the supervised matcher once stewards have labelled enough pairs) → two
thresholds → steward verdicts override → `Link` rows with a waterfall as evidence. Probabilities
are computed for a whole batch of records at once (numpy), the per-record work is dict lookups.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path

import numpy as np

from ingest.atomic import write_text_atomic
from ingest.errors import ModelError, StaleModelError
from ingest.normalize import join_cjk, normalize_text, parse_masked_id
from ingest.records import CreditRecord, Dataset, Event, SubjectType
from resolution.batch import ScoredPair, score_batch
from resolution.credit_batch import is_credit_person, score_credit_persons
from resolution.credit_model import CreditPersonScorer
from resolution.decisions import StewardDecisions
from resolution.features import FIRM_LEVELS, PERSON_LEVELS, RecordContext
from resolution.fs_model import FellegiSunterModel
from resolution.gazetteer import Gazetteer
from resolution.links import Decision, Link
from resolution.scoring import start_model
from resolution.supervised import SupervisedMatcher

FORMAT = "credgraph.resolver"


@dataclass(frozen=True, slots=True)
class ResolverConfig:
    """Small frozen settings handed down from the edge (CLI, API)."""

    auto_threshold: float = 0.8
    review_threshold: float = 0.5
    keep_floor: float = 0.02  # rejected candidates below this are not written out
    fit_em: bool = True
    fit_sample: int = 50_000  # records used for EM
    random_pairs: int = 20_000
    workers: int = 1
    batch_size: int = 2_000
    seed: int = 0


@dataclass(frozen=True, slots=True)
class Candidate:
    """One candidate entity for a free text (POST /resolve)."""

    entity_type: str
    entity_id: str
    entity_name: str
    score: float
    decision: Decision
    evidence: str
    contributions: list[dict[str, object]]
    mention: str


def split_units(contexts: Sequence[RecordContext]) -> tuple[list[RecordContext], list[RecordContext]]:
    """(masked person credit records, the rest), each in input order: the two are scored by
    different models, the first all together against one fitted credit model."""
    credit = [c for c in contexts if is_credit_person(c)]
    return credit, [c for c in contexts if not is_credit_person(c)]


class Resolver:
    """Resolves events and masked credit records against one registry."""

    def __init__(
        self,
        gz: Gazetteer,
        config: ResolverConfig,
        firm_model: FellegiSunterModel | None = None,
        person_model: FellegiSunterModel | None = None,
        decisions: StewardDecisions | None = None,
        supervised: dict[str, SupervisedMatcher] | None = None,
        credit_model: CreditPersonScorer | None = None,
    ) -> None:
        self.gz = gz
        self.config = config
        self.models = {
            "firm": firm_model or start_model("firm"),
            "person": person_model or start_model("person"),
        }
        self.decisions = decisions or StewardDecisions()
        self.supervised = supervised or {}
        self.credit = credit_model
        self._explained: dict[tuple[str, tuple[int, ...]], list[dict[str, object]]] = {}

    @classmethod
    def from_dataset(
        cls, ds: Dataset, config: ResolverConfig | None = None, decisions: StewardDecisions | None = None
    ) -> Resolver:
        resolver = cls(Gazetteer(ds), config or ResolverConfig(), decisions=decisions)
        resolver.fit_credit(ds)
        return resolver

    def fit_credit(self, ds: Dataset) -> CreditPersonScorer | None:
        """The masked person credit records' own model, fitted on this dataset's records (none when
        it has no such record: the model is then fitted on the first records resolved)."""
        contexts = [
            c
            for c in (self.credit_context(r) for r in ds.credit_records if r.needs_resolution)
            if is_credit_person(c)
        ]
        return self.credit_scorer(contexts, refit=True) if contexts else self.credit

    def credit_scorer(self, contexts: Sequence[RecordContext], refit: bool = False) -> CreditPersonScorer:
        """The credit model; fitted on `contexts` (u always, m and the prior by EM unless the config
        says not to) when the resolver has none yet."""
        if self.credit is None or refit:
            scorer = CreditPersonScorer(self.gz)
            scorer.estimate_level_u(contexts, seed=self.config.seed)
            if self.config.fit_em:
                scorer.fit(contexts)
            self.credit = scorer
        return self.credit

    # ------------------------------------------------------------------ identity
    @property
    def model_version(self) -> str:
        """Content hash of the models and thresholds: same settings, same version."""
        blob = json.dumps(
            {
                "models": {k: _rounded(m.to_dict()) for k, m in self.models.items()},
                "credit": _rounded(self.credit.to_dict()) if self.credit is not None else None,
                "supervised": {k: s.to_dict() for k, s in self.supervised.items()},
                "auto": self.config.auto_threshold,
                "review": self.config.review_threshold,
            },
            sort_keys=True,
            ensure_ascii=False,
        )
        kind = "sup" if self.supervised else "fs"
        return f"er-{kind}-{hashlib.sha256(blob.encode()).hexdigest()[:10]}"

    # ------------------------------------------------------------------ contexts
    def event_context(self, e: Event) -> RecordContext:
        region = e.region_code or self.gz.region_of_text(e.location)
        return RecordContext("events", e.event_id, join_cjk(e.text), e.raw_text, region, e.location)

    def credit_context(self, r: CreditRecord) -> RecordContext:
        mask = parse_masked_id(r.masked_id) if r.masked_id else None
        region = self.gz.region_of_text(normalize_text(r.authority)) if r.authority else None
        return RecordContext(
            "credit_records",
            r.record_id,
            join_cjk(r.subject_name),  # lists pad two-character names: 王  芳
            r.subject_name,
            region,
            None,
            subject_type=r.subject_type.value,
            masked=mask,
        )

    # ------------------------------------------------------------------ resolving
    def resolve_events(self, events: Iterable[Event]) -> list[Link]:
        return self.resolve_contexts([self.event_context(e) for e in events])

    def resolve_credit_records(self, records: Iterable[CreditRecord]) -> list[Link]:
        return self.resolve_contexts([self.credit_context(r) for r in records if r.needs_resolution])

    def resolve_contexts(self, contexts: Sequence[RecordContext]) -> list[Link]:
        credit, others = split_units(contexts)
        if credit:
            self.credit_scorer(credit)
        version = self.model_version
        out = self.credit_unit_links(credit, version) if credit else []
        return out + self._resolve_others(others, version)

    def credit_unit_links(self, contexts: Sequence[RecordContext], version: str) -> list[Link]:
        """Links of masked person credit records, scored by the credit model (fitted beforehand)."""
        floor = self.config.keep_floor
        return [
            sp.to_link(version)
            for sp in score_credit_persons(self, contexts)
            if not (sp.decision is Decision.REJECTED and sp.score < floor and not sp.steward)
        ]

    def unit_links(self, contexts: Sequence[RecordContext], version: str) -> list[Link]:
        """Links of one unit of work: at most `batch_size` records, scored together (the unit the
        forked workers and the Spark executors get, so every engine writes the same rows)."""
        floor = self.config.keep_floor
        return [
            sp.to_link(version)
            for sp in score_batch(self, contexts)
            if not (sp.decision is Decision.REJECTED and sp.score < floor and not sp.steward)
        ]

    def _resolve_others(self, contexts: Sequence[RecordContext], version: str) -> list[Link]:
        if self.config.workers > 1 and len(contexts) > 4 * self.config.batch_size:
            from resolution.parallel import resolve_parallel

            return resolve_parallel(self, contexts, version)
        out: list[Link] = []
        step = self.config.batch_size
        for i in range(0, len(contexts), step):
            out.extend(self.unit_links(contexts[i : i + step], version))
        return out

    def resolve_text(
        self, text: str, region_code: str | None = None, occurred_at: datetime | None = None
    ) -> list[Candidate]:
        """Candidates for a free text, best first (occurred_at is accepted for the API; unused)."""
        norm = join_cjk(normalize_text(text))
        ctx = RecordContext("text", "-", norm, text, region_code, None)
        pairs = sorted(score_batch(self, [ctx], steward=False), key=lambda p: -p.score)
        return [p.to_candidate(self.gz) for p in pairs if p.score >= self.config.keep_floor]

    # ------------------------------------------------------------------ persistence
    def save(self, directory: str | Path) -> Path:
        d = Path(directory)
        d.mkdir(parents=True, exist_ok=True)
        self.models["firm"].save(d / "fs_firm.json")
        self.models["person"].save(d / "fs_person.json")
        if self.credit is not None:
            self.credit.save(d / "credit_person.json")
        for k, s in self.supervised.items():
            s.save(d / f"supervised_{k}.json")
        meta = {
            "format": FORMAT,
            "config": asdict(self.config),
            "model_version": self.model_version,
            "supervised": sorted(self.supervised),
        }
        write_text_atomic(d / "resolver.json", json.dumps(meta, ensure_ascii=False, indent=1))
        return d

    @classmethod
    def load(cls, directory: str | Path, ds: Dataset, decisions: StewardDecisions | None = None) -> Resolver:
        d = Path(directory)
        try:
            meta = json.loads((d / "resolver.json").read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as exc:
            raise ModelError(f"no saved resolver in {d}: {exc}") from exc
        if meta.get("format") != FORMAT:
            raise ModelError(f"{d}/resolver.json is not a {FORMAT} file")
        known = set(ResolverConfig.__dataclass_fields__)
        config = ResolverConfig(**{k: v for k, v in meta["config"].items() if k in known})
        sup = {k: SupervisedMatcher.load(d / f"supervised_{k}.json") for k in meta.get("supervised", [])}
        gz = Gazetteer(ds)
        credit = (
            CreditPersonScorer.load(d / "credit_person.json", gz)
            if (d / "credit_person.json").exists()
            else None
        )
        firm_model = FellegiSunterModel.load(d / "fs_firm.json")
        person_model = FellegiSunterModel.load(d / "fs_person.json")
        _check_levels(d, "firm", firm_model, FIRM_LEVELS)
        _check_levels(d, "person", person_model, PERSON_LEVELS)
        resolver = cls(
            gz,
            config,
            firm_model,
            person_model,
            decisions,
            sup,
            credit,
        )
        if credit is None:  # saved before credit records had a model of their own
            resolver.fit_credit(ds)
        return resolver

    def probabilities(self, entity_type: str, gamma: np.ndarray) -> np.ndarray:
        """Match probability per pair: supervised matcher when trained, else Fellegi–Sunter."""
        if len(gamma) == 0:
            return np.zeros(0)
        sup = self.supervised.get(entity_type)
        if sup is not None:
            from resolution.training import supervised_features

            return sup.predict_proba(supervised_features(self.models[entity_type], gamma))
        return self.models[entity_type].probability(gamma)


def _check_levels(
    d: Path, entity_type: str, model: FellegiSunterModel, levels: dict[str, tuple[str, ...]]
) -> None:
    """Refuse a matcher fitted on other comparison levels than this version computes: its m and u
    would be read at the wrong levels (or past the end) without any error."""
    saved = {s.name: tuple(s.levels) for s in model.specs}
    if saved != {k: tuple(v) for k, v in levels.items()}:
        changed = sorted(k for k in set(saved) | set(levels) if saved.get(k) != tuple(levels.get(k, ())))
        raise StaleModelError(
            f"{d}: the saved {entity_type} matcher was fitted on other comparison levels than this "
            f"version computes ({', '.join(changed)}); retrain it: credgraph retrain --matcher DATA_DIR"
        )


def _rounded(obj: object) -> object:
    """Floats to 8 significant digits, so a saved and reloaded model keeps its version."""
    if isinstance(obj, float):
        return float(f"{obj:.8g}")
    if isinstance(obj, dict):
        return {k: _rounded(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_rounded(v) for v in obj]
    return obj


__all__ = ["Candidate", "Resolver", "ResolverConfig", "ScoredPair", "SubjectType"]
