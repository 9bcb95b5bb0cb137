"""Live templates for a designer's `make run`: a version of the template tree, and stylesheet URLs that follow edits."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path


def tree_version(*roots: Path) -> tuple[int, int]:
    """(newest mtime in ns, file count) over every file under `roots`: changes when a file is edited, added or
    removed. About 60 stat calls, so it is asked once per request in live mode only."""
    newest, count = 0, 0
    stack = [str(r) for r in roots]
    while stack:
        with os.scandir(stack.pop()) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    stack.append(entry.path)
                else:
                    count += 1
                    newest = max(newest, entry.stat().st_mtime_ns)
    return newest, count


def live_static_url(static: Path):
    """static_url for live mode: the hash follows the file's content at every render, so an edited stylesheet
    gets a new URL (the year-long cache of the old one never pins it)."""

    def static_url(path: str) -> str:
        try:
            digest = hashlib.sha256((static / path).read_bytes()).hexdigest()[:10]
        except OSError:
            digest = "0"
        return f"/static/{path}?v={digest}"

    return static_url
