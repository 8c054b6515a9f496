"""Analysis over reports and the store: rates, comparisons, grouped stats and charts."""

from gongkai.analysis.compare import Comparison, compare
from gongkai.analysis.rates import RATE_DEFS, Rate, rates

__all__ = ["RATE_DEFS", "Comparison", "Rate", "compare", "rates"]
