"""Extraction speed and memory on the saved real reports: prints reports/second and peak RSS.

    .venv/bin/python bench/extract_speed.py [ROUNDS]
"""
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from extract import extract_file  # noqa: E402


def main(rounds: int = 20) -> None:
    files = sorted((ROOT / "tests" / "files" / "samples").iterdir())
    start = time.perf_counter()
    for _ in range(rounds):
        for path in files:
            extract_file(path)
    elapsed = time.perf_counter() - start
    n = rounds * len(files)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{n} extractions in {elapsed:.2f} s: {n / elapsed:.1f} reports/s, "
          f"{1000 * elapsed / n:.1f} ms each; peak RSS {peak_mb:.0f} MB")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 20)
