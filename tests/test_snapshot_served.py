"""The site serves what it offers for download: after a crawl publishes a new snapshot
(renamed over the served file), the pages show the new one, as `/<name>.db` downloads it."""
import hashlib
import shutil
import sqlite3
import urllib.parse
import urllib.request

from archive import snapshot

from .servers import datasette, get_json


def test_pages_show_the_snapshot_published_after_they_started(archive, tmp_path):
    served = tmp_path / "x.db"
    shutil.copy(archive["first_path"], served)  # the archive after its first crawl
    changes = "select count(*) as n from changes"
    query = urllib.parse.quote(changes)
    with datasette(served) as base:
        assert get_json(f"{base}/x.json?sql={query}&_shape=array") == [{"n": 0}]
        snapshot.publish(archive["path"], served)  # what a crawl's end does: rename over it
        expected = sqlite3.connect(archive["path"]).execute(changes).fetchone()[0]
        assert expected > 0
        assert get_json(f"{base}/x.json?sql={query}&_shape=array") == [{"n": expected}]
        assert get_json(f"{base}/x/changes.json?_shape=array&_size=max").__len__() == expected
        with urllib.request.urlopen(f"{base}/x.db", timeout=30) as response:
            downloaded = response.read()
        assert hashlib.sha256(downloaded).digest() == hashlib.sha256(served.read_bytes()).digest()
