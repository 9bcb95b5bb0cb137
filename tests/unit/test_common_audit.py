"""An audit entry's facts: short scalars, markup kept as text (that an entry is written only with its change, in
its transaction, is tested on the real server: tests/contract/api/test_admin_audit.py)."""

from __future__ import annotations

from datetime import UTC, datetime

from common.mongo.audit import MAX_TEXT, facts


def test_facts_are_short_scalars_whatever_the_document_holds():
    doc = {
        "_id": "x",
        "id": "x",
        "holds": [{"order_id": "o"}],
        "name": "<script>x</script>" + "y" * 500,
        "countries": ["US", "GB"],
        "price": 900,
        "inclusive": True,
        "ends_at": datetime(2027, 1, 1, tzinfo=UTC),
        "free_over": None,
    }
    kept = facts(doc)
    assert set(kept) == {"name", "countries", "price", "inclusive", "ends_at", "free_over"}
    assert kept["name"].startswith("<script>") and len(kept["name"]) == MAX_TEXT  # text, cut; escaped when shown
    assert kept["countries"] == "US, GB" and kept["price"] == 900 and kept["inclusive"] is True
    assert kept["ends_at"] == "2027-01-01 00:00:00+00:00" and kept["free_over"] is None
    assert facts(None) == {} and facts(doc, ("price",)) == {"price": 900}
