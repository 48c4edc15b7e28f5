"""Chinese full-text search on SQLite 3.40 with FTS5: overlapping character bigrams.

SQLite's `trigram` tokenizer finds nothing for 2-character queries (复议, 收费), and the
`unicode61` tokenizer treats a run of Chinese characters as one token. So the index stores
Chinese text as overlapping bigrams (依申请公开 → 依申 申请 请公 公开) and a query term is
turned into the phrase of its bigrams: a phrase of consecutive bigrams matches exactly the
texts that contain the term, for any term of two or more characters. Latin words and numbers
stay whole. The same function builds the index (archive/store.py) and the query (the
Datasette plugin's `escape_fts`).

Without Datasette: `python -m archive.search ARCHIVE_DB TERM…` prints the matching reports
with the sentence that holds the term, and the MATCH expression to use in sqlite3
(`MATCH '"行政 政复 复议"'`: a plain `MATCH '行政复议'` finds nothing, since the index
holds bigrams). `report_text.full_text LIKE '%行政复议%'` is the slower plain-SQL way.
"""
from __future__ import annotations

import argparse
import re
import sqlite3
import sys
from pathlib import Path

_RUNS = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+|[0-9A-Za-z\u00c0-\u024f]+")
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


def tokens(text: str) -> list[str]:
    out = []
    for run in _RUNS.findall(text or ""):
        if _CJK.match(run):
            out.extend([run] if len(run) == 1 else [run[i:i + 2] for i in range(len(run) - 1)])
        else:
            out.append(run.lower())
    return out


_CJK_BREAK = re.compile(r"(?<=[\u3400-\u9fff])\s+(?=[\u3400-\u9fff])")


def full_text(body: str | None, attached: list[str]) -> str:
    """A report's whole text: its page's, then its files' (a PDF's lines break inside words:
    the breaks between Chinese characters are not text, and are dropped)."""
    return "\n".join([body or ""] + [_CJK_BREAK.sub("", text) for text in attached if text]).strip()


def index_text(text: str) -> str:
    return " ".join(tokens(text))


def match_query(query: str) -> str:
    """An FTS5 MATCH expression: every term (split on white space) as a phrase, all required."""
    phrases = []
    for term in (query or "").split():
        words = tokens(term)
        if words:
            phrases.append('"' + " ".join(words) + '"')
    return " ".join(phrases) or '""'


def sentence(text: str, term: str, limit: int = 160) -> str | None:
    """The sentence of `text` that holds `term` (white space between Chinese characters ignored)."""
    flat = re.sub(r"(?<=[\u3400-\u9fff])\s+(?=[\u3400-\u9fff])", "", text or "")
    at = flat.find(term)
    if at < 0:
        return None
    start = max(flat.rfind(c, 0, at) for c in "。！？；\n") + 1
    ends = [i for i in (flat.find(c, at) for c in "。！？；\n") if i >= 0]
    end = min(ends) + 1 if ends else len(flat)
    found = flat[start:end].strip()
    return found if len(found) <= limit else found[:limit - 1] + "…"


SEARCH_SQL = """select r.id, r.organ, r.report_year, r.status, r.final_url, t.full_text
from reports_fts f join reports r on r.id = f.rowid join report_text t on t.report_id = r.id
where reports_fts match ? order by r.report_year desc, r.id limit ?"""


def search(db_path: Path, terms: list[str], limit: int = 50) -> list[dict]:
    """Reports matching every term (as the site's search does), newest year first."""
    query = match_query(" ".join(terms))
    with sqlite3.connect(f"file:{db_path}?mode=ro", uri=True) as conn:
        rows = conn.execute(SEARCH_SQL, [query, limit]).fetchall()
    return [{"report_id": i, "organ": organ, "report_year": year, "status": status, "url": url,
             "sentence": sentence(text, terms[0])} for i, organ, year, status, url, text in rows]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m archive.search", description="Search an archive's reports.")
    parser.add_argument("db", type=Path)
    parser.add_argument("terms", nargs="+", help="words that must all occur (Chinese: two characters or more)")
    parser.add_argument("--limit", type=int, default=50)
    args = parser.parse_args(argv)
    if not args.db.is_file():
        print(f"no archive at {args.db}", file=sys.stderr)
        return 2
    print(f"-- in sqlite3: select rowid from reports_fts where reports_fts match '{match_query(' '.join(args.terms))}'")
    try:
        found = search(args.db, args.terms, args.limit)
    except sqlite3.DatabaseError as exc:
        hint = "; an archive from before report_text: any command that writes it (make reextract) " \
               "upgrades it" if "report_text" in str(exc) else ""
        print(f"{args.db}: cannot search ({exc}){hint}", file=sys.stderr)
        return 2
    for row in found:
        mark = "" if row["status"] == "current" else f" [{row['status']}]"
        print(f"report {row['report_id']}: {row['organ']} {row['report_year']}{mark} {row['url']}")
        if row["sentence"]:
            print(f"    {row['sentence']}")
    print(f"{len(found)} reports")
    return 0


if __name__ == "__main__":
    sys.exit(main())
