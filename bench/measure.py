"""Measuring helpers: CPU time of a callable, a cProfile summary, and the peak memory of a
process and all its children (read from /proc while it runs)."""
from __future__ import annotations

import cProfile
import io
import os
import pstats
import subprocess
import threading
import time
from pathlib import Path


def cpu_seconds(fn, rounds: int = 1) -> float:
    """Least CPU time of `rounds` runs of fn(): the least disturbed by other processes."""
    best = float("inf")
    for _ in range(rounds):
        start = time.process_time()
        fn()
        best = min(best, time.process_time() - start)
    return best


def profile_top(fn, entries: int = 12) -> list[str]:
    """The entries of fn()'s profile with the most time of their own."""
    profile = cProfile.Profile()
    profile.runcall(fn)
    out = io.StringIO()
    stats = pstats.Stats(profile, stream=out).sort_stats("tottime")
    stats.print_stats(entries)
    lines = [line.rstrip() for line in out.getvalue().splitlines()]
    start = next((i for i, line in enumerate(lines) if line.lstrip().startswith("ncalls")), 0)
    root = str(Path(__file__).resolve().parent.parent) + "/"
    return [line.replace(root, "") for line in lines[start:] if line.strip()]


def _children() -> dict[int, list[int]]:
    kids: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        kids.setdefault(ppid, []).append(int(entry))
    return kids


_TICK = os.sysconf("SC_CLK_TCK")


def tree_rss(pid: int, cpu: dict | None = None) -> tuple[int, list[str]]:
    """(resident bytes of pid and its descendants, their command names). With `cpu`, each
    process's CPU seconds so far are noted there: pid -> (parent, own, its reaped children's)."""
    kids, total, names, todo = _children(), 0, [], [pid]
    while todo:
        p = todo.pop()
        todo.extend(kids.get(p, []))
        try:
            status = Path(f"/proc/{p}/status").read_text()
            if cpu is not None:
                fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
                cpu[p] = (int(fields[1]), (int(fields[11]) + int(fields[12])) / _TICK,
                          (int(fields[13]) + int(fields[14])) / _TICK)
        except OSError:
            continue
        for line in status.splitlines():
            if line.startswith("Name:"):
                names.append(line.split(None, 1)[1])
            if line.startswith("VmRSS:"):
                total += int(line.split()[1]) * 1024
    return total, names


class PeakMemory:
    """Samples a process tree's memory in a thread: peak bytes and every name seen; and the
    CPU seconds of the top process alone (`main_cpu`) and of its children with everything
    they reaped (`children_cpu`: extraction workers are reaped by their forkserver)."""

    def __init__(self, pid: int, every: float = 0.2):
        self.pid, self.every, self.peak, self.names = pid, every, 0, set()
        self.cpu_seen: dict[int, tuple] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self):
        while not self._stop.is_set():
            rss, names = tree_rss(self.pid, self.cpu_seen)
            self.peak = max(self.peak, rss)
            self.names.update(names)
            self._stop.wait(self.every)

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()

    @property
    def main_cpu(self) -> float:
        return self.cpu_seen.get(self.pid, (0, 0.0, 0.0))[1]

    @property
    def children_cpu(self) -> float:
        return sum(own + reaped for parent, own, reaped in self.cpu_seen.values() if parent == self.pid)


def run_measured(args: list[str], timeout: float = 1800, **kwargs) -> tuple[subprocess.CompletedProcess, float, PeakMemory]:
    """Run a command to its end: (result with stdout/stderr, wall seconds, peak memory)."""
    import resource

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kwargs)
    peak = PeakMemory(proc.pid)
    try:
        out, err = proc.communicate(timeout=timeout)
    finally:
        peak.stop()
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)  # the command's CPU (its reaped children too)
    peak.cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return subprocess.CompletedProcess(args, proc.returncode, out, err), time.perf_counter() - start, peak
