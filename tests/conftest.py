import json
import sys
from pathlib import Path

import os

import pytest
from hypothesis import settings

# Property tests (tests/test_fuzz.py): few examples in the suite, many in `make fuzz`.
settings.register_profile("default", max_examples=20, deadline=None)
settings.register_profile("fuzz", max_examples=1000, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

ROOT = Path(__file__).resolve().parent.parent
FILES = Path(__file__).resolve().parent / "files"
sys.path.insert(0, str(ROOT))


@pytest.fixture
def files() -> Path:
    return FILES


def label(name: str) -> dict:
    return json.loads((FILES / "labels" / f"{name}.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def archive(tmp_path_factory):
    """The bundled replica crawled three times into one archive, each crawl a subprocess:
    1. first crawl; 2. the same portals again (nothing new); 3. edition 2 of the portals
    (one report edited, one deleted, one moved, one redirected to the homepage)."""
    import sqlite_utils

    from .servers import SITES, crawl, free_port, replica, seeds_file

    tmp = tmp_path_factory.mktemp("archive")
    db_path = tmp / "archive.db"
    ports = {name: free_port() for name in SITES}
    runs = {}
    with replica(ports) as sites:
        seeds = seeds_file(tmp / "seeds.yml", sites)
        runs["first"] = crawl(seeds, db_path)
        runs["again"] = crawl(seeds, db_path)
    db = sqlite_utils.Database(db_path)
    after_first = {t: db[t].count for t in ("reports", "applications", "captures", "checks", "changes")}
    first_path = _snapshot(db_path, tmp / "first")
    with replica(ports, edition=2) as sites:
        runs["edited"] = crawl(seeds, db_path)
    # Each crawl publishes a new file (renamed over the old one): open the final one.
    db = sqlite_utils.Database(db_path)
    return {"db": db, "path": db_path, "sites": sites, "runs": runs,
            "after_first": after_first, "first_path": first_path,
            "run_ids": [r["run"] for r in db.query("select distinct run from crawl_runs order by run")]}


def _snapshot(db_path: Path, folder: Path) -> Path:
    """A copy of the archive as it is now (its WARC folder shared), e.g. before edition 2."""
    import sqlite3

    folder.mkdir()
    copy = folder / db_path.name
    with sqlite3.connect(db_path) as src, sqlite3.connect(copy) as dst:
        src.backup(dst)
    (folder / "warcs").symlink_to(db_path.parent / "warcs", target_is_directory=True)
    return copy
