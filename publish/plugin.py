"""The archive's Datasette plugin (registered as an entry point in pyproject.toml).

- Chinese search: `escape_fts` — the function Datasette's search box and ?_search= pass the
  query through — is replaced by the bigram phrase query of publish/search.py.
"""
from datasette import hookimpl

from .search import match_query


@hookimpl(trylast=True)  # after Datasette's own prepare_connection, so ours wins
def prepare_connection(conn):
    conn.create_function("escape_fts", 1, match_query)
    conn.create_function("bigram_query", 1, match_query)
