"""The legacy import's runs (one document each): when, what was read and changed, the rows refused, the high-water
mark the next run starts from."""

from __future__ import annotations

from pymongo import DESCENDING


class ImportRunRepository:
    def __init__(self, runs):
        self.runs = runs

    def add(self, run: dict) -> dict:
        self.runs.insert_one(dict(run))
        return run

    def last(self, source: str) -> dict | None:
        return self.runs.find_one({"source": source}, sort=[("finished_at", DESCENDING), ("_id", DESCENDING)])

    def high_water(self, source: str) -> str | None:
        """The newest mark any run of this source reached (a failed run keeps the last good one)."""
        found = self.runs.find_one({"source": source, "high_water": {"$ne": None}}, sort=[("high_water", DESCENDING)])
        return found["high_water"] if found else None
