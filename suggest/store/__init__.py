"""Persistence for suggestion sets, reviewer decisions, proposals, API keys and the audit trail."""

from .db import make_engine, migrate
from .protocol import DecisionStore
from .store import Store

__all__ = ["DecisionStore", "Store", "make_engine", "migrate"]
