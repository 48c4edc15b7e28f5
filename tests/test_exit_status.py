"""What a command says when the archive cannot be written or read: one line and a non-zero
exit, nothing half-made left behind, nothing archived lost. The full disk is a real small
filesystem (a tmpfs mounted in a private mount namespace), not a simulation."""
import os
import shutil
import subprocess
import sys

import pytest

from archive import snapshot
from archive.schema import open_archive

from .servers import BIN, ROOT

NAMESPACES = shutil.which("unshare") and subprocess.run(
    ["unshare", "-rm", "sh", "-c", "mount -t tmpfs -o size=64k tmpfs /mnt"], capture_output=True).returncode == 0


def _archive(path):
    db = open_archive(path)
    db["errors"].insert_all({"run": "r", "stage": "x", "message": "y" * 1000} for _ in range(2000))  # ~2 MB
    db.conn.close()
    return path


def _publish_in(options: str, tmp_path):
    working = _archive(tmp_path / "archive.working.db")
    target = tmp_path / "small"
    target.mkdir()
    script = (f"import sys; sys.path.insert(0, {str(ROOT)!r}); from archive import snapshot; "
              f"snapshot.publish({str(working)!r}, {str(target / 'archive.db')!r})")
    check = f"ls -A {target}"
    return subprocess.run(["unshare", "-rm", "sh", "-c",
                           f"mount -t tmpfs -o {options} tmpfs {target} && {sys.executable} -c \"{script}\"; "
                           f"echo LEFT; {check}"], capture_output=True, text=True, timeout=120)


@pytest.mark.skipif(not NAMESPACES, reason="no mount namespaces here")
@pytest.mark.parametrize("options,why", [("size=256k", "the disk is full"), ("ro", "no permission to write")])
def test_a_publish_that_cannot_be_written_says_why_and_leaves_nothing(tmp_path, options, why):
    proc = _publish_in(options, tmp_path)
    assert "PublishFailed" in proc.stderr and why in proc.stderr, proc.stderr[-2000:]
    assert proc.stdout.split("LEFT", 1)[1].strip() == ""  # no temporary file left on the full disk
    assert open_archive(tmp_path / "archive.working.db")["errors"].count == 2000  # nothing lost


def test_stale_temporary_files_of_killed_publishes_are_removed(tmp_path):
    published = _archive(tmp_path / "archive.db")
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    pid = int(dead.stdout)
    stale = [tmp_path / f".archive.db.{pid}.tmp", tmp_path / f"..archive.db.{pid}.tmp.{pid}.part",
             tmp_path / f".archive.working.db.{pid}.part"]
    alive = tmp_path / f".archive.db.{os.getpid()}.tmp"
    for path in stale + [alive]:
        path.write_bytes(b"x" * 1000)
    snapshot.prepare_working(published)
    assert not any(path.exists() for path in stale) and alive.exists()


@pytest.fixture()
def truncated(tmp_path):
    path = _archive(tmp_path / "archive.db")
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 3])
    return path


def test_every_command_gives_one_line_for_a_truncated_archive(truncated, tmp_path):
    seeds = tmp_path / "seeds.yml"
    seeds.write_text("- {id: p, name: p, url: 'http://127.0.0.1:9/'}\n", encoding="utf-8")
    commands = {
        "crawl": [str(BIN / "scrapy"), "crawl", "reports", "-a", f"seeds={seeds}", "-s", f"ARCHIVE_DB={truncated}"],
        "serve": [sys.executable, "-m", "publish.serve", str(truncated), "--port", "1"],
        "reextract": [sys.executable, "-m", "archive.reextract", str(truncated)],
    }
    for name, command in commands.items():
        proc = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=120)
        assert proc.returncode == 2, (name, proc.stderr[-2000:])
        assert "Traceback" not in proc.stderr and "truncated" in proc.stderr, (name, proc.stderr[-2000:])
        assert len(proc.stderr.strip().splitlines()) == 1, (name, proc.stderr)


@pytest.mark.skipif(not NAMESPACES, reason="no mount namespaces here")
def test_a_crawl_onto_a_full_disk_stops_before_it_starts_in_one_line(tmp_path):
    seeds = tmp_path / "seeds.yml"
    seeds.write_text("- {id: p, name: p, url: 'http://127.0.0.1:9/'}\n", encoding="utf-8")
    target = tmp_path / "small"
    target.mkdir()
    proc = subprocess.run(["unshare", "-rm", "sh", "-c",
                           f"mount -t tmpfs -o size=1m tmpfs {target} && {BIN / 'scrapy'} crawl reports "
                           f"-a seeds={seeds} -s ARCHIVE_DB={target / 'archive.db'}"],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2 and "the disk is full" in proc.stderr, proc.stderr[-2000:]
    assert len(proc.stderr.strip().splitlines()) == 1 and "Traceback" not in proc.stderr


@pytest.mark.skipif(not NAMESPACES, reason="no mount namespaces here")
def test_a_disk_that_fills_up_mid_crawl_stops_it_in_one_line(tmp_path):
    from .servers import free_port, replica, seeds_file

    target = tmp_path / "small"
    target.mkdir()
    with replica({"hostile": free_port()}) as sites:
        seeds = seeds_file(tmp_path / "seeds.yml", sites)
        proc = subprocess.run(["unshare", "-rm", "sh", "-c",
                               f"mount -t tmpfs -o size=3m tmpfs {target} && {BIN / 'scrapy'} crawl reports "
                               f"-a seeds={seeds} -s ARCHIVE_DB={target / 'archive.db'} -s CRAWL_MIN_FREE_MB=0 "
                               "-s DOWNLOAD_DELAY=0 -s AUTOTHROTTLE_ENABLED=False -s DOWNLOAD_TIMEOUT=5 "
                               "-s PORTAL_PAGE_BUDGET=10 -s LOG_LEVEL=WARNING"],
                              cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 74, proc.stderr[-3000:]
    assert "Traceback" not in proc.stderr and "ERROR" not in proc.stderr, proc.stderr[-3000:]
    assert proc.stderr.count("crawl not published: the archive's disk filled up") == 1
