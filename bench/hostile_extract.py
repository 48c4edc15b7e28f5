"""The hostile files (replica/hostile.py): each case alone in its own `python -m extract`
call, then all in ONE call — wall time and the peak memory of the whole process tree (the
command, its workers, LibreOffice), sampled every 20 ms with psutil: the sum of RSS (shared
pages counted in every process, an upper bound) and of PSS (shared pages split between
processes). The baseline of the same run: the real report alone. Then the crawler's own
hostile work (issue 19), in this process: time and the tracemalloc peak of the not-found
check, the pagination count and the text diff on hostile inputs, against an ordinary page.

    .venv/bin/python bench/hostile_extract.py [FOLDER]
Targets (issues 10, 19): within 60 s and under 1 GiB, each case and all together.
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

from bench.measure import tree_pss, tree_rss  # noqa: E402

REAL = ROOT / "tests" / "files" / "samples" / "huaian-2024.pdf"


def tree_memory(proc: psutil.Process) -> tuple[int, int]:
    return tree_rss(proc.pid)[0], tree_pss(proc.pid)


def measured(files: list[Path]) -> tuple[float, int, int, list]:
    """(seconds, peak RSS sum, peak PSS sum, results) of one `python -m extract` call."""
    command = [sys.executable, "-m", "extract", *map(str, files)]
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
    return elapsed, peak_rss, peak_pss, [json.loads(line) for line in out[0].decode("utf-8").splitlines()]


def crawler_work() -> None:
    """The crawler's checks on hostile inputs (in this process): seconds and tracemalloc peak."""
    import random
    import tracemalloc

    from archive.ingest import text_diff
    from crawler import discover

    ordinary = (ROOT / "tests" / "files" / "pages" / "nanhu-2023-jcms.html").read_text(encoding="utf-8")
    words = random.Random(19).choices("政府信息公开工作年度报告申请答复办理", k=20000)
    edited = list(words)
    for i in range(0, 20000, 500):
        edited[i] = "改"
    cases = {
        "short-page check, an ordinary report page": lambda: discover.short_page_kind(ordinary),
        "short-page check, 1.6 MB of 已删除 + 200,000 unclosed <script>":
            lambda: discover.short_page_kind("已删除" + "<script>" * 200000),
        "pagination, an ordinary report page": lambda: discover.pagination(ordinary, "http://a/b/index.html"),
        "pagination, var countPage = 100000000":
            lambda: discover.pagination("<script>var countPage = 100000000;</script>", "http://a/b/index.html"),
        "text diff, one word of 13,600 characters":
            lambda: text_diff("".join(words[:13600]), "".join(words[:6800]) + "改" + "".join(words[6801:13600])),
        "text diff, 40 edits over 20,000 characters": lambda: text_diff("".join(words), "".join(edited)),
        "text diff, 200,000 characters all changed":
            lambda: text_diff("".join(words) * 10, "".join(reversed(words)) * 10),
    }
    for work in cases.values():  # warm: rules compiled, modules imported
        work()
    for what, work in cases.items():
        tracemalloc.start()
        start = time.perf_counter()
        work()
        elapsed = time.perf_counter() - start
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        print(f"  {what:66} {elapsed * 1000:8.1f} ms  peak {peak / 2**20:7.1f} MiB")


def main(folder: Path) -> dict:
    paths = write_all(folder)
    print("Each case alone (one `python -m extract` call each; the real report is the baseline):")
    for name, path in list(paths.items()) + [(REAL.name, REAL)]:
        seconds, rss, pss, (result,) = measured([path])
        what = HOSTILE[name][0] if name in HOSTILE else "the real report (baseline)"
        print(f"  {name:16} {what:52} {seconds:6.1f} s  RSS {rss / 2**20:5.0f} MiB  PSS {pss / 2**20:5.0f} MiB")
    print("\nAll together, in one call:")
    elapsed, peak_rss, peak_pss, results = measured(list(paths.values()) + [REAL])
    for name, result in zip(list(paths) + [REAL.name], results):
        what = HOSTILE[name][0] if name in HOSTILE else "a real report (must be read)"
        print(f"{name:14} {what:48} -> {'; '.join(result['errors'])[:110] or 'read: ' + str(result['report_year'])}")
    print(f"{len(results)} files in {elapsed:.1f} s; peak of the process tree: "
          f"RSS sum {peak_rss / 2**20:.0f} MiB, PSS sum {peak_pss / 2**20:.0f} MiB")
    print("\nThe crawler's checks on hostile inputs (time, tracemalloc peak):")
    crawler_work()
    return {"seconds": elapsed, "peak_rss": peak_rss, "peak_pss": peak_pss, "results": results}


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(tempfile.mkdtemp(prefix="hostile-")))
