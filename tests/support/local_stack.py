"""A private stack as `make run` starts it (live templates, data kept under a data folder), on free ports."""

from __future__ import annotations

import os
from pathlib import Path

from devstack import Stack
from devstack.probes import free_port, port_is_free
from devstack.processes import process_table


def free_offset() -> int:
    """An offset at which every port of the process table is free right now."""
    for _ in range(50):
        offset = free_port() - 27017  # the database's base port, the highest: every port stays < 65536
        if offset > 0 and all(
            port_is_free(s.port) for s in process_table({"FRAGMART_PORT_OFFSET": str(offset)}).values()
        ):
            return offset
    raise RuntimeError("no free offset found")


def local_stack(folder: Path) -> Stack:
    """Its logs, mail and data in `folder`, never the var/ of a running `make run`."""
    env = {**os.environ, "LIVE_TEMPLATES": "1"}
    return Stack(offset=free_offset(), env=env, var_dir=folder, data_dir=folder / "data")
