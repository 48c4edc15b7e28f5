"""Bounded extraction: every document is read in a worker process, within the limits of
extract/limits.py (`extract_bounded`: a process of its own; a Pool: resident workers, below).

- Memory: the worker's address space is capped (RLIMIT_AS); running out ends that document.
- Time: a worker still busy after `seconds` is killed with its whole process group
  (LibreOffice included).
- Size, decompression and pages: checked on the bytes before any parser sees them.
- A worker that dies (a crash, the memory cap, the time limit) gives one error on that
  document; the caller goes on with the next.

A refused document comes back as the extractor's usual failed result with `refused` set
(the reason), so callers can tell "not read, on purpose" from "read, with problems".
Workers are forked from a forkserver that has the extractor imported once: starting one
costs milliseconds, and a crawler's threads are never forked. A Pool keeps its workers for
up to RESIDENT_DOCUMENTS documents each (a fresh process pays ~10 ms of page faults and cold
caches per document, a quarter of a report page's extraction); the limits hold per document,
and a document that ran out of memory or killed its resident worker is tried once more in a
fresh one, so it ends as it would have there.

    pool = Pool()                          # one worker per core (EXTRACT_WORKERS)
    result = pool.submit(data, url, content_type).result()
    for result in pool.map(jobs): ...      # in order, a few documents ahead
    result = await pool.extract(data, url, content_type)   # asyncio (the crawl)
"""
from __future__ import annotations

import asyncio
import multiprocessing
import os
import resource
import signal
import threading
from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Iterable, Iterator

from . import limits as limits_mod
from .limits import LimitExceeded, Limits

_context = None


WORKER_NAME = "bounded-extraction"


def _mp():
    global _context
    if _context is None:
        _context = multiprocessing.get_context("forkserver")
        _context.set_forkserver_preload(["extract.bounded", "extract.report", "extract.pdf", "extract.warm"])
        _skip_main_reimport()
    return _context


def _skip_main_reimport() -> None:
    """multiprocessing imports the caller's main module again in every new process (for
    `scrapy crawl`: all of Scrapy, for each document). Our workers run a function of this
    module and need no main module, so their preparation data leaves it out; processes that
    are not ours are untouched."""
    from multiprocessing import spawn

    original = spawn.get_preparation_data
    if getattr(original, "bounded", False):
        return

    def preparation_data(name):
        data = original(name)
        if name.startswith(WORKER_NAME):
            data.pop("init_main_from_path", None)
            data.pop("init_main_from_name", None)
        return data

    preparation_data.bounded = True
    spawn.get_preparation_data = preparation_data


def refused(source: str, reason: str) -> dict:
    from .report import failed

    result = failed(source, reason).as_dict()
    result["refused"] = reason
    return result


def unreadable(result: dict) -> str | None:
    """The reason a document could not be read at all (the extractor's `failed` result,
    which has no title), or None."""
    return result["errors"][0] if "title" not in result and result.get("errors") else None


# --- in the worker -----------------------------------------------------------------------

def _worker(conn, data: bytes, source: str, content_type: str, limits: Limits) -> None:
    os.setsid()  # its own process group: a kill reaches LibreOffice too
    _die_with_parent()
    limits_mod.use(limits)
    cap = limits.memory_mb * 2**20
    resource.setrlimit(resource.RLIMIT_AS, (cap, resource.getrlimit(resource.RLIMIT_AS)[1]))
    # A backstop if the caller itself is killed and cannot enforce the time limit: CPU time.
    cpu = int(limits.seconds) + 10
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, resource.getrlimit(resource.RLIMIT_CPU)[1]))
    try:
        result = extract_here(data, source, content_type, limits)
    except MemoryError:
        result = refused(source, f"ran out of memory: over the limit of {limits.memory_mb} MB "
                                 "(EXTRACT_MEMORY_MB); not read")
    conn.send(result)
    conn.close()


def _die_with_parent() -> None:
    """Linux: the worker is killed when the forkserver (which ends with the caller) ends."""
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def extract_here(data: bytes, source: str, content_type: str = "", limits: Limits | None = None) -> dict:
    """The checks, then the extractor, in this process (the worker's body). The typed
    Report crosses the process boundary as its JSON object (`as_dict()`, provenance included)."""
    from .document import UnreadableDocument
    from .report import extract_bytes, failed

    limits = limits or limits_mod.current()
    try:
        precheck(data, source, content_type, limits)
        return extract_bytes(data, source, content_type).as_dict()
    except LimitExceeded as exc:
        return refused(source, str(exc))
    except UnreadableDocument as exc:
        return failed(source, str(exc)).as_dict()
    except MemoryError:
        raise
    except Exception as exc:  # one bad document must not end the run
        return failed(source, f"extractor failed: {type(exc).__name__}: {exc}").as_dict()


def precheck(data: bytes, source: str, content_type: str, limits: Limits) -> None:
    """What the bytes alone tell: empty, not what their name says, over a limit, encrypted."""
    from .document import UnreadableDocument, sniff_kind

    if not data.strip():
        raise UnreadableDocument("empty file: nothing to read")
    named_pdf = Path(source.split("?")[0]).suffix.lower() == ".pdf" or "application/pdf" in content_type.lower()
    if named_pdf and b"%PDF" not in data[:1024]:
        raise UnreadableDocument("not a PDF (no %PDF header)")
    kind = sniff_kind(data, source, content_type)
    if kind in ("html", "text") and _binary(data[:4096]):
        raise UnreadableDocument(f"binary data, not a {kind} page (control bytes in its first 4 KB)")
    limits_mod.check_bytes(data, kind, limits)
    if kind == "pdf":
        _check_pdf(data, limits)


def _binary(head: bytes) -> bool:
    """NUL or many control bytes: no text encoding a portal uses produces them."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return False  # UTF-16 text has NULs
    controls = sum(1 for b in head if b < 9 or 13 < b < 27 or 27 < b < 32)
    return b"\0" in head or controls > len(head) // 20


def _check_pdf(data: bytes, limits: Limits) -> None:
    """Encryption and the page count, from the PDF's catalog (no page is parsed)."""
    import io

    from pdfminer.pdfdocument import PDFDocument, PDFPasswordIncorrect
    from pdfminer.pdfparser import PDFParser
    from pdfminer.pdftypes import resolve1

    from .document import UnreadableDocument

    try:
        document = PDFDocument(PDFParser(io.BytesIO(data)))
        count = resolve1(resolve1(document.catalog.get("Pages")).get("Count"))
    except PDFPasswordIncorrect as exc:
        raise UnreadableDocument("encrypted PDF: it opens only with a password (not read)") from exc
    except Exception:
        return  # damaged: the reader says how
    if isinstance(count, int):
        limits_mod.check_pdf_pages(count, limits)
    # The declared /Count may lie: the pages present are counted too (their dictionaries
    # only, no content parsed), up to one past the limit.
    from itertools import islice

    from pdfminer.pdfpage import PDFPage

    try:
        present = sum(1 for _ in islice(PDFPage.create_pages(document), limits.pages + 1))
    except Exception:
        return
    if present > limits.pages:
        raise limits_mod._refuse(f"a PDF holding more than {limits.pages} pages (its /Count says {count})",
                                 "pages", limits.pages)


def _serve(conn, limits: Limits, documents: int) -> None:
    """A resident worker: up to `documents` documents, one after the other, each within the
    limits (the CPU backstop is set anew for each). Ends after a MemoryError: its heap is
    not to be trusted with the next document."""
    os.setsid()
    _die_with_parent()
    limits_mod.use(limits)
    cap = limits.memory_mb * 2**20
    resource.setrlimit(resource.RLIMIT_AS, (cap, resource.getrlimit(resource.RLIMIT_AS)[1]))
    for _ in range(documents):
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        if job is None:
            return
        data, source, content_type = job
        usage = resource.getrusage(resource.RUSAGE_SELF)
        cpu = int(usage.ru_utime + usage.ru_stime + limits.seconds) + 10
        resource.setrlimit(resource.RLIMIT_CPU, (cpu, resource.getrlimit(resource.RLIMIT_CPU)[1]))
        try:
            result = extract_here(data, source, content_type, limits)
        except MemoryError:
            conn.send(None)  # the caller reads it again in a fresh worker
            return
        conn.send(result)


# --- in the caller -----------------------------------------------------------------------

def _too_large(data: bytes, source: str, limits: Limits) -> dict | None:
    if len(data) > limits.input_mb * 2**20:  # not even handed to a worker
        return refused(source, f"a file of {len(data) / 2**20:.1f} MB: over the limit of {limits.input_mb} MB "
                               "(EXTRACT_INPUT_MB); not read")
    return None


def _timed_out(limits: Limits) -> str:
    return f"took longer than {limits.seconds:g} s (EXTRACT_SECONDS); stopped, not read"


def extract_bounded(data: bytes, source: str, content_type: str = "", limits: Limits | None = None) -> dict:
    """Extract one document in a worker process; blocks until it is done or killed."""
    limits = limits or limits_mod.current()
    too_large = _too_large(data, source, limits)
    if too_large:
        return too_large
    ctx = _mp()
    receive, send = ctx.Pipe(duplex=False)
    process = ctx.Process(target=_worker, args=(send, data, source, content_type, limits), daemon=True,
                          name=f"{WORKER_NAME}-{source[-80:]}")
    process.start()
    send.close()
    try:
        if receive.poll(limits.seconds):
            try:
                return receive.recv()
            except (EOFError, OSError):
                pass  # died before answering
            process.join(5)
            return refused(source, _death(process.exitcode, limits))
        _kill(process)
        return refused(source, _timed_out(limits))
    finally:
        receive.close()
        if process.is_alive():
            process.join(2)
        if process.is_alive():
            _kill(process)
        process.join()
        process.close()


def _kill(process) -> None:
    for kill in (lambda: os.killpg(process.pid, signal.SIGKILL), process.kill):
        try:
            kill()
        except (ProcessLookupError, PermissionError, OSError):
            pass
    process.join(5)


def _death(exitcode: int | None, limits: Limits) -> str:
    if exitcode == -signal.SIGXCPU:
        return f"used more than {int(limits.seconds) + 10} s of CPU (EXTRACT_SECONDS); stopped, not read"
    if exitcode is not None and exitcode < 0:
        name = signal.Signals(-exitcode).name
        return (f"the extraction worker died ({name}), most likely out of its {limits.memory_mb} MB "
                "(EXTRACT_MEMORY_MB); not read")
    return f"the extraction worker died (exit status {exitcode}); not read"


RESIDENT_DOCUMENTS = 32  # documents one pool worker reads before a fresh one replaces it


class _Resident:
    """One pool thread's worker process, kept for several documents."""

    def __init__(self, limits: Limits):
        ctx = _mp()
        self.limits = limits
        self.conn, child = ctx.Pipe(duplex=True)
        self.process = ctx.Process(target=_serve, args=(child, limits, RESIDENT_DOCUMENTS), daemon=True,
                                   name=f"{WORKER_NAME}-resident")
        self.process.start()
        child.close()
        self.served = 0

    def extract(self, data: bytes, source: str, content_type: str) -> dict | None:
        """The result, or None when this worker could not read the document for a reason of
        its own (it died, ran out of memory, or was gone already): the caller retires it."""
        try:
            self.conn.send((data, source, content_type))
        except (OSError, ValueError):
            return None
        if not self.conn.poll(self.limits.seconds):
            _kill(self.process)
            return refused(source, _timed_out(self.limits))
        try:
            result = self.conn.recv()
        except (EOFError, OSError):
            return None
        self.served += 1
        return result

    @property
    def spent(self) -> bool:
        return self.served >= RESIDENT_DOCUMENTS or not self.process.is_alive()

    def close(self) -> None:
        try:
            self.conn.send(None)
        except (OSError, ValueError):
            pass
        self.process.join(2)
        if self.process.is_alive():
            _kill(self.process)
        self.conn.close()
        self.process.join()
        self.process.close()


class Pool:
    """Up to `workers` documents extracted at once, each in a bounded worker process; a
    worker reads several documents in turn (RESIDENT_DOCUMENTS), one at a time."""

    def __init__(self, workers: int | None = None, limits: Limits | None = None):
        self.limits = limits or Limits.from_env()
        self.workers = workers or self.limits.worker_count()
        self._threads = ThreadPoolExecutor(self.workers, thread_name_prefix="extract")
        self._local = threading.local()
        self._residents: list[_Resident] = []
        self._lock = threading.Lock()

    def submit(self, data: bytes, source: str, content_type: str = "") -> Future:
        return self._threads.submit(self._extract, data, source, content_type)

    def _extract(self, data: bytes, source: str, content_type: str) -> dict:
        too_large = _too_large(data, source, self.limits)
        if too_large:
            return too_large
        resident = getattr(self._local, "resident", None)
        if resident is None:
            resident = self._local.resident = _Resident(self.limits)
            with self._lock:
                self._residents.append(resident)
        result = resident.extract(data, source, content_type)
        if result is None or resident.spent or result.get("refused") == _timed_out(self.limits):
            self._retire(resident)
        if result is None:  # as it would end in a fresh worker of its own
            result = extract_bounded(data, source, content_type, self.limits)
        return result

    def _retire(self, resident: _Resident) -> None:
        self._local.resident = None
        with self._lock:
            self._residents.remove(resident)
        resident.close()

    async def extract(self, data: bytes, source: str, content_type: str = "") -> dict:
        return await asyncio.wrap_future(self.submit(data, source, content_type))

    def map(self, jobs: Iterable[tuple], ahead: int | None = None) -> Iterator[dict]:
        """Results of (data, source, content_type) jobs in their order; only a few jobs are
        held in memory at once. A job that is a result already (a dict) keeps its place."""
        pending: deque[Future] = deque()
        ahead = ahead or 2 * self.workers
        for job in jobs:
            if isinstance(job, dict):
                future = Future()
                future.set_result(job)
            else:
                future = self.submit(*job)
            pending.append(future)
            if len(pending) >= ahead:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()

    def close(self) -> None:
        self._threads.shutdown(wait=True, cancel_futures=True)
        with self._lock:
            residents, self._residents = self._residents, []
        for resident in residents:
            resident.close()

    def __enter__(self) -> "Pool":
        return self

    def __exit__(self, *exc) -> None:
        self.close()
