"""Live templates in the shell: an edited template empties what the shell kept of fragments rendered before it."""

from __future__ import annotations

import logging
import threading
from pathlib import Path

from flask import Flask

from common.app import TEMPLATES
from common.web.live import tree_version

from .deps import deps

log = logging.getLogger(__name__)


class TreeWatch:
    """Whether anything under `root` changed since the last look. On Linux, inotify's queue read without blocking:
    the kernel queues an edit's event before the editor's write returns, so a page asked after an edit always sees
    it, for one read per request. Elsewhere (or if inotify refuses), a stat of every file (`tree_version`), which
    under `make run` was a third of the shell's time per page."""

    def __init__(self, root: Path, use_inotify: bool = True):
        self.root = root
        self.inotify = None
        if use_inotify:
            try:
                from inotify_simple import INotify
                from inotify_simple import flags as f

                self.mask = f.MODIFY | f.ATTRIB | f.CLOSE_WRITE | f.CREATE | f.DELETE | f.MOVED_FROM | f.MOVED_TO
                self.mask |= f.DELETE_SELF | f.MOVE_SELF
                self.created_dir = f.ISDIR
                self.inotify = INotify(nonblocking=True)
                self._watch_tree()
            except (ImportError, OSError) as e:  # not Linux, or out of inotify watches: stat every file instead
                log.info("live templates: watching by stat", extra={"reason": repr(e)[:200]})
                self.inotify = None
        if self.inotify is None:
            self.version = tree_version(root)

    def _watch_tree(self) -> None:
        assert self.inotify is not None
        for folder in (self.root, *(p for p in self.root.rglob("*") if p.is_dir())):
            self.inotify.add_watch(str(folder), self.mask)

    def changed(self) -> bool:
        if self.inotify is None:
            version = tree_version(self.root)
            changed, self.version = version != self.version, version
            return changed
        events = self.inotify.read(timeout=0)
        if any(e.mask & self.created_dir for e in events):
            self._watch_tree()  # a new folder (or one moved in) is watched too
        return bool(events)


def watch_templates(app: Flask) -> None:
    """Before each request, ask whether the template tree changed since the last request; on a change, drop the
    fragment cache (the signed-out regions too, and so every kept page), so the next page is rendered from the new
    files (a fresh entry would otherwise keep the old HTML for its max-age, and a stale one for its
    stale-while-revalidate)."""
    lock = threading.Lock()
    watch = TreeWatch(TEMPLATES)

    def check() -> None:
        with lock:  # one reader of the queue at a time; whoever reads an edit drops the caches before answering
            if not watch.changed():
                return
            for client in deps(app).fragments.values():
                client.forget()

    app.before_request(check)
