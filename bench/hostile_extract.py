"""The hostile files (replica/hostile.py) in ONE `python -m extract` call: wall time and the
peak memory of the whole process tree (the command, its workers, LibreOffice), sampled
every 20 ms with psutil: the sum of RSS (shared pages counted in every process, an upper
bound) and of PSS (shared pages split between processes).

    .venv/bin/python bench/hostile_extract.py [FOLDER]
Target (issue 10): within 60 s and under 1 GiB.
"""
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from replica.hostile import HOSTILE, write_all  # noqa: E402

REAL = ROOT / "tests" / "files" / "samples" / "huaian-2024.pdf"


def tree_memory(proc: psutil.Process) -> tuple[int, int]:
    rss = pss = 0
    for p in [proc] + proc.children(recursive=True):
        try:
            info = p.memory_full_info()
            rss, pss = rss + info.rss, pss + info.pss
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            pass
    return rss, pss


def main(folder: Path) -> dict:
    paths = write_all(folder)
    command = [sys.executable, "-m", "extract", *map(str, paths.values()), str(REAL)]
    start = time.perf_counter()
    child = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    proc = psutil.Process(child.pid)
    peak_rss = peak_pss = 0
    out = []
    import threading

    reader = threading.Thread(target=lambda: out.append(child.stdout.read()))
    reader.start()
    while child.poll() is None:
        rss, pss = tree_memory(proc)
        peak_rss, peak_pss = max(peak_rss, rss), max(peak_pss, pss)
        time.sleep(0.02)
    reader.join()
    elapsed = time.perf_counter() - start
    results = [json.loads(line) for line in out[0].decode("utf-8").splitlines()]
    for name, result in zip(list(paths) + [REAL.name], results):
        what = HOSTILE[name][0] if name in HOSTILE else "a real report (must be read)"
        print(f"{name:14} {what:48} -> {'; '.join(result['errors'])[:110] or 'read: ' + str(result['report_year'])}")
    print(f"{len(results)} files in {elapsed:.1f} s; peak of the process tree: "
          f"RSS sum {peak_rss / 2**20:.0f} MiB, PSS sum {peak_pss / 2**20:.0f} MiB")
    return {"seconds": elapsed, "peak_rss": peak_rss, "peak_pss": peak_pss, "results": results}


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(tempfile.mkdtemp(prefix="hostile-")))
