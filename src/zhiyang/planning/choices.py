"""Choices of the planning app. Treatment codes are ``works.choices.Treatment`` (shared)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from zhiyang.works.choices import Treatment

__all__ = ["Category", "Method", "Objective", "RunStatus", "ScenarioStatus", "Treatment"]


class Category(models.TextChoices):
    PREVENTIVE = "preventive", _("Preventive")
    CORRECTIVE = "corrective", _("Corrective")
    REHABILITATION = "rehabilitation", _("Rehabilitation")


class Objective(models.TextChoices):
    MAX_BENEFIT = "max_benefit", _("Maximise the condition benefit within the budget")
    MIN_COST_TO_TARGET = "min_cost_to_target", _("Minimise the cost to reach a 优良率 target")


class Method(models.TextChoices):
    MILP = "milp", _("Exact (MILP, HiGHS)")
    IBC = "ibc", _("Incremental benefit-cost (HDM-4 style)")
    WORST_FIRST = "worst-first", _("Worst first")


class ScenarioStatus(models.TextChoices):
    DRAFT = "draft", _("Not run yet")
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    SOLVED = "solved", _("Solved")
    FAILED = "failed", _("Failed")


class RunStatus(models.TextChoices):
    """The optimiser's status of one budget level (analytics.optimize.STATUSES)."""

    OPTIMAL = "optimal", _("Optimal")
    TIME_LIMIT = "time_limit", _("Time limit reached")
    HEURISTIC = "heuristic", _("Heuristic solution")
    INFEASIBLE = "infeasible", _("Infeasible")
    NO_SOLUTION = "no_solution", _("No solution")
    ERROR = "error", _("Solver error")
