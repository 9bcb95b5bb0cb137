"""Live templates: the shell learns of an edit, an added file, a removal and a new folder on the very next look, with
inotify and with the stat fallback alike."""

from __future__ import annotations

import pytest

from shell.live import TreeWatch


@pytest.mark.parametrize("use_inotify", [True, False], ids=["inotify", "stat"])
def test_every_kind_of_change_is_seen_on_the_next_look_and_only_once(tmp_path, use_inotify):
    (tmp_path / "products").mkdir()
    page = tmp_path / "products" / "_featured.html"
    page.write_text("<section></section>")
    watch = TreeWatch(tmp_path, use_inotify=use_inotify)
    assert (watch.inotify is not None) == use_inotify
    assert not watch.changed()
    page.write_text("<section><p>edited</p></section>")  # an edit, and the next look right after it
    assert watch.changed() and not watch.changed()
    (tmp_path / "products" / "_new.html").write_text("new")
    assert watch.changed() and not watch.changed()
    (tmp_path / "products" / "_new.html").unlink()
    assert watch.changed() and not watch.changed()
    (tmp_path / "emails").mkdir()
    (tmp_path / "emails" / "_order.html").write_text("hello")
    assert watch.changed() and not watch.changed()
    (tmp_path / "emails" / "_order.html").write_text("hello again")  # a file in a folder made after the start
    assert watch.changed() and not watch.changed()
