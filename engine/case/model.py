"""The case file, format case/1 (spec/case-format.md): pydantic models with the spec's names.

Vocabularies (sentence types, record kinds, categories, duties) live in rules/ and are checked
by engine.case.checks, so that a rule change never needs a code change here.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, StrictFloat, StrictInt, model_validator

# Numbers are strict: `years: true` is not one year, and `"3"` is not three. No infinite or NaN values.


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


class LengthSpec(Strict):
    """A term: exactly one of days, weeks, months or years."""

    days: StrictInt | None = Field(default=None, gt=0)
    weeks: StrictInt | None = Field(default=None, gt=0)
    months: StrictInt | None = Field(default=None, gt=0)
    years: StrictInt | None = Field(default=None, gt=0)

    @model_validator(mode="after")
    def _exactly_one(self) -> LengthSpec:
        given = [u for u in ("days", "weeks", "months", "years") if getattr(self, u) is not None]
        if len(given) != 1:
            raise ValueError("give exactly one of days, weeks, months or years")
        return self

    @property
    def unit(self) -> str:
        return next(u for u in ("days", "weeks", "months", "years") if getattr(self, u) is not None)

    @property
    def amount(self) -> int:
        return getattr(self, self.unit)


Length = LengthSpec | Literal["none", "until_further_order"]


class Sentence(Strict):
    type: str = Field(description="a sentence type from rules/legal/sentence-types.yaml")
    start: date | None = Field(default=None, description="defaults to the record's date")
    length: Length | None = None
    paid_on: date | None = Field(default=None, description="compensation_order: the day paid in full")
    endorsement: bool | None = Field(default=None, description="motoring_fine, penalty_notice: licence endorsed")
    consecutive: bool = Field(default=False, description="runs after the previous sentence of the record")
    custody_form: str | None = Field(default=None, description="custody: determinate, life, extended, ...")


class Record(Strict):
    id: str = Field(min_length=1)
    kind: str = Field(description="a record kind from rules/legal/record-kinds.yaml")
    date: date
    offence_date: date | None = None
    offence: str | None = None
    offence_category: str | None = None
    specified_offence: bool | None = None
    schedule_18: bool | None = None
    summary_only: bool | None = None
    conditions_end: date | Literal["running"] | None = Field(
        default=None, description="conditional cautions: the day the conditions ended; running: not ended on "
        "assessed_on; absent or null: not known")
    sentences: list[Sentence] = Field(default_factory=list)
    self_disclosed: bool | None = None
    applicant_account: str | None = None


class Applicant(Strict):
    ref: str | None = None
    name: str | None = Field(default=None, description="for the applicant's letter only; never in exports")
    date_of_birth: date


class Role(Strict):
    title: str | None = None
    check_level: str
    barred_list_checks: list[str] = Field(default_factory=list)
    regulated_activity: list[str] = Field(default_factory=list)
    duties: list[str] = Field(default_factory=list)
    setting: str | None = None
    team: str | None = Field(default=None, description="the team the post is in")
    peers_in_team: StrictInt | None = Field(default=None, ge=0, description="peer workers already in that team")


class Certificate(Strict):
    issued_on: date | None = None
    barred: dict[str, bool | None] = Field(default_factory=dict)
    police_information: bool | None = None


class IllnessEpisode(Strict):
    """A period of mental ill-health. Clinical detail: shown to occupational health only."""

    id: str = Field(min_length=1)
    start: date
    end: date | None = Field(default=None, description="absent while the episode continues")
    summary: str | None = Field(default=None, description="clinical text, OH only")
    linked_records: list[str] = Field(default_factory=list,
                                      description="records the applicant or a clinician links to this episode")
    linked_by: Literal["applicant", "clinician", "both"] | None = None


class WellbeingPlan(Strict):
    exists: bool
    names_triggers: bool | None = None
    early_warning_signs: bool | None = None
    reviewed_on: date | None = None


class FitNote(Strict):
    status: Literal["not_fit", "may_be_fit"]
    advice: list[Literal["phased_return", "altered_hours", "amended_duties", "workplace_adaptations"]] = \
        Field(default_factory=list)
    until: date | None = None


class Absence(Strict):
    occasions_12_months: StrictInt = Field(ge=0)
    days_12_months: StrictInt = Field(ge=0)


class OhAssessment(Strict):
    """Occupational health's own assessment: without it the person has not been assessed by OH, whatever else
    the health part holds (so "assessed, nothing found" can be recorded, and nothing is inferred)."""

    assessed_on: date
    assessed_by: str = Field(min_length=1, description="who assessed: a clinician's name or role")
    outcome: Literal["fit", "fit_with_adjustments", "temporarily_unfit", "further_assessment"] | None = Field(
        default=None, description="the outcome the clinician recorded; the rules' outcome is shown beside it")


class FormerCareTeam(Strict):
    team: str = Field(min_length=1)
    care_ended_on: date = Field(description="the last day that team provided the person's care")


class Health(Strict):
    """The health and occupational-health part. Clinical detail: occupational health only."""

    oh_assessment: OhAssessment | None = None

    illness_episodes: list[IllnessEpisode] = Field(default_factory=list)
    wellbeing_plan: WellbeingPlan | None = None
    functional_needs: list[str] = Field(default_factory=list, description="from rules/oh/needs.yaml")
    own_care_team: str | None = Field(default=None, description="the team currently providing the person's care")
    former_care_teams: list[FormerCareTeam] = Field(default_factory=list,
                                                    description="teams that provided the person's care in the past")
    fit_note: FitNote | None = None
    absence: Absence | None = None
    hours_wanted: StrictFloat | None = Field(default=None, gt=0, description="hours a week the person wants to work")
    on_benefits: bool | None = None
    returning_after_illness: bool | None = None
    out_of_work_since: date | None = Field(default=None, description="when the person last left paid work")
    restraint_opt_out: bool | None = Field(default=None, description="asks not to take part in physical restraint "
                                           "or forced medication")


class Evidence(Strict):
    """Evidence of change since the offending, for the panel."""

    references: StrictInt | None = Field(default=None, ge=0, description="supportive references received")
    training_completed: list[str] = Field(default_factory=list)
    account_received: bool | None = Field(default=None, description="the applicant's own account was received")


class Case(Strict):
    format: Literal["case/1"]
    case_id: str = Field(min_length=1)
    assessed_on: date | None = Field(default=None, description="defaults to today at the command line")
    jurisdiction: str = "england_wales"
    applicant: Applicant
    role: Role
    certificate: Certificate | None = None
    records: list[Record] = Field(default_factory=list)
    health: Health | None = None
    evidence: Evidence | None = None
