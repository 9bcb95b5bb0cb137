"""The local process supervisor: infrastructure and every app on 127.0.0.1 (`python -m devstack run`)."""

from .processes import APP_MODULES, INFRA_NAMES, ProcessSpec, process_table
from .stack import PortInUseError, Stack, StackError

__all__ = ["APP_MODULES", "INFRA_NAMES", "PortInUseError", "ProcessSpec", "Stack", "StackError", "process_table"]
