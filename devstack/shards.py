"""Shard keys per collection for a sharded MongoDB, and `python -m devstack.shards` writing the mongosh script
that shards them (deploy/mongo/shard-init.js, run by compose's `sharded` profile; `--check` fails on drift).

A key is what the hot path's queries name, so each goes to one shard (tests/contract/deploy/test_shard_keys.py checks
the orders service's flow against it). Collections not listed stay unsharded on their database's primary shard:
small ones (the catalog, accounts: looked up by email and unique on it) gain nothing from sharding.
"""

from __future__ import annotations

import argparse
import json
import sys

from .processes import ROOT

OUT = ROOT / "deploy" / "mongo" / "shard-init.js"
# database (the service) -> collection -> (shard key, why)
SHARD_KEYS: dict[str, dict[str, tuple[dict, str]]] = {
    "orders": {
        # Ranged on user_id (random hex, so evenly spread): the Idempotency-Key's unique index must start with the
        # shard key, and a hashed key cannot prefix it. A customer's orders and their listing live on one shard.
        "orders": ({"user_id": 1}, "placing (idempotency lookup) and listing name the customer"),
        "inbox": ({"_id": "hashed"}, "a consumer looks up one event id"),
    },
    "inventory": {
        "stock": ({"_id": "hashed"}, "one SKU a reservation line"),
        "reservations": ({"_id": "hashed"}, "_id is the order id the saga events carry"),
        "inbox": ({"_id": "hashed"}, "a consumer looks up one event id"),
    },
    "payments": {
        "charges": ({"_id": "hashed"}, "_id is the order id the saga events carry"),
        "payment_methods": ({"_id": "hashed"}, "looked up by token"),
        "inbox": ({"_id": "hashed"}, "a consumer looks up one event id"),
    },
    "notifications": {
        "deliveries": ({"_id": "hashed"}, "one delivery per event"),
        "inbox": ({"_id": "hashed"}, "a consumer looks up one event id"),
    },
    "users": {"profiles": ({"_id": "hashed"}, "_id is the user id every profile call names")},
}


def script() -> str:
    lines = [
        "// Written by `python -m devstack.shards` from its SHARD_KEYS: edit that, not this file.",
        "// Idempotent: shardCollection on an already sharded collection with the same key is a no-op.",
    ]
    for db, collections in SHARD_KEYS.items():
        lines.append(f"sh.enableSharding({json.dumps(db)});")
        for name, (key, why) in collections.items():
            lines.append(f"sh.shardCollection({json.dumps(f'{db}.{name}')}, {json.dumps(key)});  // {why}")
    return "\n".join(lines) + "\n"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m devstack.shards", description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if the committed script differs")
    args = parser.parse_args(argv)
    text = script()
    if OUT.exists() and OUT.read_text() == text:
        print("up to date")
        return 0
    if args.check:
        print(f"stale: {OUT} (run python -m devstack.shards)")
        return 1
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(text)
    print(f"wrote {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
