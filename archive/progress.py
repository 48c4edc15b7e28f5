"""Progress of a long run: a tqdm bar on a terminal (done/total, rate, time left), plain
lines in a log (cron) — one every PLAIN_EVERY seconds and one at the end."""
from __future__ import annotations

import sys
import time

PLAIN_EVERY = 30.0  # seconds between plain progress lines


class Progress:
    def __init__(self, total: int, what: str, stream=None):
        self.total, self.what, self.done = total, what, 0
        self.stream = stream or sys.stderr
        self.started = self._last = time.monotonic()
        self.bar = None
        if self.stream.isatty():
            from tqdm import tqdm

            self.bar = tqdm(total=total, unit=" " + what, file=self.stream, dynamic_ncols=True)

    def update(self, n: int = 1) -> None:
        self.done += n
        if self.bar is not None:
            self.bar.update(n)
        elif time.monotonic() - self._last >= PLAIN_EVERY:
            self._last = time.monotonic()
            self.stream.write(self.line() + "\n")
            self.stream.flush()

    def line(self) -> str:
        elapsed = max(time.monotonic() - self.started, 1e-9)
        rate = self.done / elapsed
        left = (self.total - self.done) / rate if rate else 0
        return (f"{self.done}/{self.total} {self.what} ({100 * self.done / max(self.total, 1):.0f}%), "
                f"{rate:.1f}/s, {_duration(left)} left")

    def write(self, message: str) -> None:
        """A message (a failure) printed without breaking the bar."""
        if self.bar is not None:
            self.bar.write(message, file=self.stream)
        else:
            self.stream.write(message + "\n")
            self.stream.flush()

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
        else:
            self.stream.write(self.line().replace(", 0s left", "") + " — done\n")
            self.stream.flush()


def _duration(seconds: float) -> str:
    seconds = int(seconds)
    if seconds >= 3600:
        return f"{seconds // 3600}h{seconds % 3600 // 60:02d}m"
    if seconds >= 60:
        return f"{seconds // 60}m{seconds % 60:02d}s"
    return f"{seconds}s"
