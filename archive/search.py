"""Chinese full-text search on SQLite 3.40 with FTS5: overlapping character bigrams.

SQLite's `trigram` tokenizer finds nothing for 2-character queries (复议, 收费), and the
`unicode61` tokenizer treats a run of Chinese characters as one token. So the index stores
Chinese text as overlapping bigrams (依申请公开 → 依申 申请 请公 公开) and a query term is
turned into the phrase of its bigrams: a phrase of consecutive bigrams matches exactly the
texts that contain the term, for any term of two or more characters. Latin words and numbers
stay whole. The same function builds the index (archive/store.py) and the query (the
Datasette plugin's `escape_fts`).
"""
from __future__ import annotations

import re

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
