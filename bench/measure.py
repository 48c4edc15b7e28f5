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


def tree_pss(pid: int) -> int:
    """The tree's summed PSS (crawler/concurrency.py `pss`): what it occupies, each shared page
    once (summed RSS counts Chromium's and the forked workers' shared pages once per process)."""
    from crawler.concurrency import pss

    kids, total, todo = _children(), 0, [pid]
    while todo:
        p = todo.pop()
        todo.extend(kids.get(p, []))
        total += pss(p) or 0
    return total


def tree_rss(pid: int, cpu: dict | None = None, named: dict | None = None,
             waited: dict | None = None) -> tuple[int, list[str]]:
    """(resident bytes of pid and its descendants, their command names). With `cpu`, each
    process's CPU seconds so far are noted there: pid -> (parent, own, its reaped children's);
    with `named`, each process's command name: pid -> name; with `waited`, the seconds its main
    thread was ready to run and waited for a core (/proc/PID/schedstat: the machine's load)."""
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
            if waited is not None:
                waited[p] = int(Path(f"/proc/{p}/schedstat").read_text().split()[1]) / 1e9
        except OSError:
            continue
        for line in status.splitlines():
            if line.startswith("Name:"):
                names.append(line.split(None, 1)[1])
                if named is not None:
                    named[p] = names[-1]
            if line.startswith("VmRSS:"):
                total += int(line.split()[1]) * 1024
    return total, names


class PeakMemory:
    """Samples a process tree's memory in a thread: peak bytes and every name seen; and the
    CPU seconds of the top process alone (`main_cpu`) and of its children with everything
    they reaped (`children_cpu`: extraction workers are reaped by their forkserver)."""

    def __init__(self, pid: int, every: float = 0.2, pss: bool = False):
        self.pid, self.every, self.peak, self.names = pid, every, 0, set()
        self.pss, self.peak_pss = pss, 0  # with `pss`, the tree's proportional set size too
        self._next_pss = 0.0
        self.cpu_seen: dict[int, tuple] = {}
        self.name_of: dict[int, str] = {}
        self.waited: dict[int, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self):
        while not self._stop.is_set():
            rss, names = tree_rss(self.pid, self.cpu_seen, self.name_of, self.waited)
            self.peak = max(self.peak, rss)
            if self.pss and time.monotonic() >= self._next_pss:  # smaps walks page tables: 1/s
                self.peak_pss = max(self.peak_pss, tree_pss(self.pid))
                self._next_pss = time.monotonic() + 1.0
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

    @property
    def sampled_cpu(self) -> float:
        """The own CPU seconds of every process of the tree seen, as last sampled."""
        return sum(own for _parent, own, _reaped in self.cpu_seen.values())

    def cpu_by_name(self) -> dict[str, float]:
        """Own CPU seconds of the processes seen, summed by command name (as last sampled: a
        process's last moments before it exits are missed)."""
        totals: dict[str, float] = {}
        for pid, (_parent, own, _reaped) in self.cpu_seen.items():
            name = self.name_of.get(pid, "?")
            totals[name] = totals.get(name, 0.0) + own
        return totals


def _become_subreaper() -> None:
    """Linux: the command's orphans (an extraction worker whose forkserver ended first, a
    Chromium whose driver did) are re-parented to this process instead of init, so that their
    CPU seconds can still be collected (RUSAGE_CHILDREN counts only what is reaped)."""
    try:
        import ctypes
        ctypes.CDLL(None, use_errno=True).prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER
    except (OSError, AttributeError):
        pass


def _reap_orphans(pids, seconds: float = 15.0) -> None:
    """Reap the command's processes that were re-parented here (see _become_subreaper)."""
    waiting, deadline = set(pids), time.monotonic() + seconds
    while waiting and time.monotonic() < deadline:
        for pid in list(waiting):
            try:
                done, _status = os.waitpid(pid, os.WNOHANG)
            except ChildProcessError:  # not ours (reaped in the tree, or by init): nothing to collect
                waiting.discard(pid)
                continue
            if done:
                waiting.discard(pid)
        if waiting:
            time.sleep(0.1)


def run_measured(args: list[str], timeout: float = 1800, pss: bool = False,
                 **kwargs) -> tuple[subprocess.CompletedProcess, float, PeakMemory]:
    """Run a command to its end: (result with stdout/stderr, wall seconds, peak memory). Its
    CPU seconds (`peak.cpu`) are those of its whole process tree: what the tree reaped, its
    orphans reaped here, and never less than the processes' own times as sampled."""
    import resource

    _become_subreaper()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kwargs)
    peak = PeakMemory(proc.pid, pss=pss)
    try:
        out, err = proc.communicate(timeout=timeout)
    finally:
        peak.stop()
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    _reap_orphans(pid for pid in peak.cpu_seen if pid != proc.pid)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)  # the command's CPU (its reaped children too)
    reaped = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    peak.cpu = max(reaped, peak.sampled_cpu)
    return subprocess.CompletedProcess(args, proc.returncode, out, err), time.perf_counter() - start, peak
