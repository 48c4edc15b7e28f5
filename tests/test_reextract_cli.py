"""`python -m archive.reextract` on a small archive made through the one ingest path: it
re-reads the WARC captures in the bounded workers, shows progress as plain lines when not on
a terminal, says why a report failed, and refuses a file that is not SQLite in one line."""
import shutil
import subprocess
import sys

import pytest

from archive.ingest import ingest_report
from archive.records import ReportPage
from archive.schema import open_archive
from archive.warc import WarcCapture

from .conftest import FILES, ROOT, label

PAGE = FILES / "pages" / "nanhu-2023-jcms.html"


@pytest.fixture
def small_archive(tmp_path):
    db = open_archive(tmp_path / "archive.db")
    body = PAGE.read_bytes()
    capture = WarcCapture(db, tmp_path / "warcs", "run1", base=tmp_path)
    capture_id, _ = capture.store("http://127.0.0.1:1/nanhu.html", body, content_type="text/html; charset=utf-8")
    capture.close()
    page = ReportPage(portal=None, url="http://127.0.0.1:1/nanhu.html", final_url="http://127.0.0.1:1/nanhu.html",
                      list_title=None, fetched_at="2024-01-10T00:00:00+00:00", capture_id=capture_id,
                      capture_new=True, status=200, content_type="text/html; charset=utf-8", body=body)
    assert ingest_report(db, page).kind == "new"
    db.execute("PRAGMA journal_mode=DELETE")
    db.conn.close()
    return tmp_path / "archive.db"


def reextract(path):
    return subprocess.run([sys.executable, "-m", "archive.reextract", str(path)], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)


def test_reextract_reads_the_captures_again(small_archive):
    import sqlite_utils

    proc = reextract(small_archive)
    assert proc.returncode == 0, proc.stderr
    assert "re-extracted 1 reports" in proc.stdout
    assert "1/1 reports (100%)" in proc.stderr and "\r" not in proc.stderr  # plain lines in a log
    db = sqlite_utils.Database(small_archive)
    cells = {}
    for row in db["applications"].rows:
        cells.setdefault(row["row_key"], {})[row["column_key"]] = row["value"]
    assert cells == label("nanhu-2023")["applications"]


def test_a_missing_warc_folder_is_named(small_archive, tmp_path):
    moved = tmp_path / "elsewhere"
    moved.mkdir()
    shutil.copy(small_archive, moved / "archive.db")
    proc = reextract(moved / "archive.db")
    assert proc.returncode == 1
    assert "warcs/ folder missing beside archive.db" in proc.stderr
    assert "Traceback" not in proc.stderr


@pytest.mark.parametrize("content", [b"", b"this is a text file, not a database\n", b"%PDF-1.4 ..."])
def test_a_file_that_is_not_sqlite_is_refused_in_one_line(tmp_path, content):
    path = tmp_path / "archive.db"
    path.write_bytes(content)
    proc = reextract(path)
    assert proc.returncode == 2 and proc.stdout == ""
    assert proc.stderr.strip().count("\n") == 0 and "not an SQLite database" in proc.stderr
    assert path.read_bytes() == content  # untouched


def test_progress_on_a_terminal_is_a_bar():
    import io

    from archive.progress import Progress

    class Terminal(io.StringIO):
        def isatty(self):
            return True

    out = Terminal()
    progress = Progress(3, "reports", out)
    for _ in range(3):
        progress.update()
    progress.write("report 2 (http://x): warcs/ folder missing beside archive.db")
    progress.close()
    text = out.getvalue()
    assert "3/3" in text and "reports/s" in text and "warcs/ folder missing" in text


def test_an_sqlite_file_that_is_not_an_archive_is_left_alone(tmp_path):
    import sqlite3

    path = tmp_path / "other.db"
    with sqlite3.connect(path) as conn:
        conn.execute("create table notes (text)")
    before = path.read_bytes()
    proc = reextract(path)
    assert proc.returncode == 2 and "not an archive (no captures, reports table)" in proc.stderr
    assert path.read_bytes() == before


def test_a_damaged_capture_is_recorded_and_the_others_go_on(tmp_path):
    """64 KB of zeros over one WARC record: that report is one recorded error, the next is read."""
    import sqlite_utils

    db = open_archive(tmp_path / "archive.db")
    body = PAGE.read_bytes()
    capture = WarcCapture(db, tmp_path / "warcs", "run1", base=tmp_path)
    ids = []
    for name in ("whole", "damaged"):
        url = f"http://127.0.0.1:1/{name}.html"
        capture_id, _ = capture.store(url, body + name.encode(), content_type="text/html; charset=utf-8")
        ids.append(capture_id)
        page = ReportPage(portal=None, url=url, final_url=url, list_title=None, fetched_at="2024-01-10T00:00:00+00:00",
                          capture_id=capture_id, capture_new=True, status=200,
                          content_type="text/html; charset=utf-8", body=body + name.encode())
        assert ingest_report(db, page).kind == "new"
    capture.close()
    row = db["captures"].get(ids[1])  # the last record: the zeros run past it to the file's end
    db.execute("PRAGMA journal_mode=DELETE")
    db.conn.close()
    with open(tmp_path / row["warc_file"], "r+b") as warc:
        warc.seek(row["warc_offset"])
        warc.write(b"\0" * 65536)
    proc = reextract(tmp_path / "archive.db")
    assert proc.returncode == 1 and "Traceback" not in proc.stderr, proc.stderr[-2000:]
    assert "re-extracted 1 reports" in proc.stdout and "1 errors" in proc.stdout
    errors = list(sqlite_utils.Database(tmp_path / "archive.db")["errors"].rows_where("stage = 'reextract'"))
    assert [e["url"] for e in errors] == ["http://127.0.0.1:1/damaged.html"]
