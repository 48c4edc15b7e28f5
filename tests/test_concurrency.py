"""The adaptive limit's memory measure (crawler/concurrency.py): the crawl and its workers'
PSS, without the browser's processes (bounded on their own by BROWSER_MEMORY_MB)."""
import subprocess
import sys
import time

from crawler.concurrency import tree_memory

MB = 2**20
# a child that holds 200 MB of its own pages and says so
HOLD = "import sys, time; b = bytearray(200 * 2**20); b[::4096] = b'x' * len(b[::4096]); print('ok', flush=True); time.sleep(60)"


def _child(program: str) -> subprocess.Popen:
    proc = subprocess.Popen([program, "-c", HOLD], stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "ok"
    return proc


def test_the_measure_counts_a_worker_and_not_the_browser(tmp_path):
    # the Playwright driver as it runs: .../playwright/driver/node (here Python under that name)
    driver = tmp_path / "playwright" / "driver" / "node"
    driver.parent.mkdir(parents=True)
    driver.symlink_to(sys.executable)
    before = tree_memory()
    worker = _child(sys.executable)
    try:
        with_worker = tree_memory()
        browser = _child(str(driver))
        try:
            time.sleep(0.2)
            with_browser = tree_memory()
        finally:
            browser.kill()
    finally:
        worker.kill()
    assert with_worker - before > 190 * MB  # the worker's own pages are counted
    assert abs(with_browser - with_worker) < 20 * MB  # the browser's are not
