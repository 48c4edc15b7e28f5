"""Bounded extraction (extract/bounded.py, extract/limits.py): the hostile files of
replica/hostile.py in one `python -m extract` call each end as one clear error, the real
report beside them is read, and the memory and time limits stop a worker for real.
(Speed and memory figures: bench/hostile_extract.py.)"""
import json
import subprocess
import sys

import pytest

from extract.bounded import Pool, extract_bounded
from extract.limits import Limits
from replica.hostile import HOSTILE, write_all

from .conftest import FILES, ROOT, label

REAL_PDF = FILES / "samples" / "huaian-2024.pdf"


@pytest.fixture(scope="session")
def hostile(tmp_path_factory):
    return write_all(tmp_path_factory.mktemp("hostile"))


def test_hostile_files_in_one_call(hostile):
    proc = subprocess.run([sys.executable, "-m", "extract", *map(str, hostile.values()), str(REAL_PDF)],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)
    results = [json.loads(line) for line in proc.stdout.splitlines()]
    assert proc.returncode == 1 and len(results) == len(hostile) + 1, proc.stderr[-2000:]
    assert "Traceback" not in proc.stderr
    for name, result in zip(hostile, results):
        what, error, _ = HOSTILE[name]
        assert result["source"] == str(hostile[name])
        assert result["errors"] and error in result["errors"][0], (name, what, result["errors"])
        numbers = [v for cols in result["applications"].values() for v in cols.values() if v is not None]
        assert numbers == [], name  # nothing invented from words, signs or dates
    real = results[-1]
    assert real["errors"] == [] and real["applications"] == label("huaian-2024")["applications"]


def test_the_messages_say_what_is_wrong(hostile):
    by_name = {name: extract_bounded(path.read_bytes(), str(path)) for name, path in hostile.items()
               if name in ("empty.pdf", "random.pdf", "bomb.docx", "encrypted.pdf")}
    assert by_name["empty.pdf"]["errors"] == ["empty file: nothing to read"]
    assert by_name["random.pdf"]["errors"] == ["not a PDF (no %PDF header)"]
    assert "EXTRACT_INFLATED_MB" in by_name["bomb.docx"]["refused"]
    assert "refused" not in by_name["encrypted.pdf"]  # unreadable, not over a limit


def test_memory_limit_stops_a_worker(hostile):
    # 120,000 rows read for real (cell limit lifted) in a worker of 200 MB address space.
    result = extract_bounded(hostile["rows.html"].read_bytes(), "rows.html", "",
                             Limits(cells=10**7, memory_mb=200))
    assert "EXTRACT_MEMORY_MB" in result["refused"] and result["applications"] == {}


def test_time_limit_kills_a_worker():
    result = extract_bounded(REAL_PDF.read_bytes(), "huaian.pdf", "", Limits(seconds=0.2))
    assert result["refused"] == "took longer than 0.2 s (EXTRACT_SECONDS); stopped, not read"


def test_limits_from_the_environment():
    limits = Limits.from_env({"EXTRACT_MEMORY_MB": "1024", "EXTRACT_SECONDS": "2.5", "EXTRACT_WORKERS": "3"})
    assert (limits.memory_mb, limits.seconds, limits.worker_count()) == (1024, 2.5, 3)
    assert Limits.from_env({}).pages == Limits().pages


def test_pool_keeps_order_and_passes_known_answers(hostile):
    page = (FILES / "samples" / "nanhu-2023.txt").read_bytes()
    jobs = [(page, "a.txt", ""), {"source": "known", "errors": ["x"]}, (b"", "b.txt", ""), (page, "c.txt", "")]
    with Pool(workers=2) as pool:
        results = list(pool.map(jobs, ahead=2))
    assert [r["source"] for r in results] == ["a.txt", "known", "b.txt", "c.txt"]
    assert results[0]["applications"]["new_received"]["total"] == 18 == results[3]["applications"]["new_received"]["total"]


def test_a_worker_that_dies_is_an_error_on_its_document():
    import os
    import signal
    import threading
    import time

    import psutil

    me = psutil.Process()
    before = {p.pid for p in me.children(recursive=True)}
    answer = {}
    thread = threading.Thread(target=lambda: answer.update(extract_bounded(
        REAL_PDF.read_bytes(), "huaian.pdf", "", Limits(seconds=120))))
    thread.start()
    for _ in range(200):  # the new worker: a grandchild, forked by the forkserver
        workers = [p for p in me.children(recursive=True) if p.pid not in before and p.ppid() != me.pid]
        if workers:
            break
        time.sleep(0.05)
    os.kill(workers[0].pid, signal.SIGKILL)
    thread.join(60)
    assert answer["refused"].startswith("the extraction worker died (SIGKILL)")
    page = (FILES / "samples" / "nanhu-2023.txt").read_bytes()  # and the next document is read
    assert extract_bounded(page, "next.txt")["applications"]["new_received"]["total"] == 18


def test_pool_workers_read_several_documents_within_the_limits_of_each(hostile):
    """A pool keeps its workers for several documents; the limits hold for each, and a
    document that exhausts its resident worker ends as it would in a fresh one."""
    import psutil

    page = (FILES / "samples" / "nanhu-2023.txt").read_bytes()
    me = psutil.Process()
    with Pool(workers=1, limits=Limits(cells=10**7, memory_mb=200, seconds=30)) as pool:
        first = [pool.submit(page, f"{n}.txt").result() for n in range(3)]
        workers = {p.pid for p in me.children(recursive=True) if p.ppid() != me.pid}
        assert len(workers) == 1  # one resident worker read the three
        memory = pool.submit(hostile["rows.html"].read_bytes(), "rows.html").result()
        after = pool.submit(page, "after.txt").result()
    assert all(r["applications"]["new_received"]["total"] == 18 for r in first + [after])
    assert "EXTRACT_MEMORY_MB" in memory["refused"] and memory["applications"] == {}
    with Pool(workers=1, limits=Limits(seconds=0.2)) as pool:
        slow = pool.submit(REAL_PDF.read_bytes(), "huaian.pdf").result()
        assert slow["refused"] == "took longer than 0.2 s (EXTRACT_SECONDS); stopped, not read"
        assert pool.submit(b"", "empty.txt").result()["errors"] == ["empty file: nothing to read"]
