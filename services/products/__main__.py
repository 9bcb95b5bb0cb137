"""Commands of the products service: `python -m services.products import-legacy --url … [--mapping FILE]`."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import UTC, datetime

import yaml
from pydantic import ValidationError

from common.settings import load_settings

from .catalog_client import ApiError, CatalogClient
from .legacy_import import run_import
from .legacy_source import DEFAULT_MAPPING, load_mapping, read_rows


def import_legacy(args) -> int:
    """Read the legacy table since the last run's mark, upsert through the admin API, record the run."""
    settings = load_settings("products-import")
    if not (settings.admin_email and settings.admin_password):
        print("set ADMIN_EMAIL and ADMIN_PASSWORD (an admin account) in the environment", file=sys.stderr)
        return 2
    url = args.url or settings.secret("legacy_db_url")
    if not url:
        print("give --url, or set LEGACY_DB_URL or LEGACY_DB_URL_FILE", file=sys.stderr)
        return 2
    try:
        mapping = load_mapping(args.mapping)
    except (OSError, yaml.YAMLError, ValidationError) as e:
        print(f"import-legacy: the mapping {args.mapping or DEFAULT_MAPPING} is not usable: {e}", file=sys.stderr)
        return 2
    api = CatalogClient.sign_in(args.gateway or settings.gateway_url, settings.admin_email, settings.admin_password)
    mark = None if args.full else api.high_water()
    since = datetime.fromisoformat(mark) if mark else None
    report = run_import(read_rows(url, mapping, since), api, since, datetime.now(UTC))
    api.record(report.as_json())
    print(json.dumps(report.as_json(), indent=2))
    return 0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m services.products", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    legacy = commands.add_parser("import-legacy", help="import products and stock from a legacy SQL table")
    legacy.add_argument(
        "--url", required=True, help="SQLAlchemy URL, e.g. oracle+oracledb://user:pw@host:1521/?service_name=ORCL"
    )
    legacy.add_argument("--mapping", help=f"YAML column mapping (default: {DEFAULT_MAPPING.name})")
    legacy.add_argument("--gateway", help="the shop's gateway URL (default: GATEWAY_URL)")
    legacy.add_argument("--full", action="store_true", help="read every row, not only those changed since the last run")
    args = parser.parse_args(argv)
    try:
        return import_legacy(args)
    except ApiError as e:
        print(f"import-legacy: {e}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
