"""The archive: the one package that writes the database and the WARC files.

    crawler ──▶ archive ◀── publish        extract is pure (bytes in, a report out)

- `schema`: every table, named migrations, views; `open_archive(path)`.
- `ingest`: bytes + where they came from → extract → validate → save, one transaction per
  report; used by the crawl pipeline, `reextract` and any loader.
- `store`: the writes ingest is made of (reports, cells, checks, history, R5 across years).
- `runs`: crawl bookkeeping (runs per portal, errors, report columns, revalidation).
- `warc`: the WARC writer and reader; `search`: the bigram full-text index
  (`python -m archive.search DB TERM`).
- `organs`: one organ across years, its kind and level (imports nothing of the archive);
  `regroup`: `python -m archive.regroup [ARCHIVE_DB]` applies its rules again.
- `views`: the views and label rows for SQL users; `lock`: the one lock per archive;
  `snapshot`: the working file and its atomic publication.
- `reextract`: `python -m archive.reextract [ARCHIVE_DB]`.
"""
