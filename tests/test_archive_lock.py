"""One lock per archive whatever the command: a crawl, the demo build and a re-extraction
on one database meet at `<db>.lock` — the second says who holds it and exits 75, instead
of a "database is locked" traceback."""
import subprocess
import sys

from archive.lock import ArchiveLock

from .servers import BIN, ROOT, demo_build


def test_every_writing_command_takes_the_one_lock(tmp_path):
    db = tmp_path / "x.db"
    seeds = tmp_path / "seeds.yml"
    seeds.write_text("- name: 甲\n  url: http://127.0.0.1:9/\n", encoding="utf-8")
    commands = {
        "crawl": [str(BIN / "scrapy"), "crawl", "reports", "-a", f"seeds={seeds}", "-s", f"ARCHIVE_DB={db}"],
        "reextract": [sys.executable, "-m", "archive.reextract", str(db)],
    }
    from archive.schema import open_archive

    open_archive(db).conn.close()  # an (empty) archive, so reextract gets as far as the lock
    with ArchiveLock(db, "demo build"):  # as `make archive` holds it while it builds
        for name, command in commands.items():
            run = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=120)
            assert run.returncode == 75, (name, run.stderr)
            assert f"another command is writing this archive (lock {db}.lock, pid " in run.stderr, name
            assert "(demo build))" in run.stderr and "Traceback" not in run.stderr, name
        build = demo_build(db, ROOT / "seeds" / "demo.yml", {})
        assert build.returncode == 75 and "another command is writing this archive" in build.stderr
    with ArchiveLock(db, "crawl") as held:  # released by the holder, taken by the next
        assert held.path.read_text().startswith("pid ")
