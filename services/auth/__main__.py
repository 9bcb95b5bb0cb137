"""Operator commands for the auth service: `python -m services.auth rotate-keys [--keys-dir DIR]`."""

from __future__ import annotations

import argparse
from pathlib import Path

from common.settings import load_settings

from .keys import ROOT, key_files, rotate_keys


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m services.auth")
    commands = parser.add_subparsers(dest="command", required=True)
    rotate = commands.add_parser("rotate-keys", help="add a new signing key; the previous one keeps verifying")
    rotate.add_argument("--keys-dir", help="the keys folder (default: KEYS_DIR, else .keys)")
    args = parser.parse_args(argv)
    folder = Path(args.keys_dir or load_settings("auth").keys_dir)
    folder = folder if folder.is_absolute() else ROOT / folder
    key = rotate_keys(folder)
    print(f"new signing key {key.kid} in {folder}; kept: {', '.join(p.name for p in key_files(folder))}")
    print("restart the auth service (a rolling restart in production) to sign with it")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
