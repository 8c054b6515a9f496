"""The office's round: collect a batch, match it to the roster, summarise, recheck."""

from gongkai.round.collect import Collection, Item, Skipped, ZipLimits, collect
from gongkai.round.model import STATUS_LABELS, Entry, Recheck, Round, UnitRow, apply_baseline, build_round
from gongkai.round.roster import Roster, RosterError, Unit
from gongkai.round.run import run_round

__all__ = [
    "STATUS_LABELS",
    "Collection",
    "Entry",
    "Item",
    "Recheck",
    "Roster",
    "RosterError",
    "Round",
    "Skipped",
    "Unit",
    "UnitRow",
    "ZipLimits",
    "apply_baseline",
    "build_round",
    "collect",
    "run_round",
]
