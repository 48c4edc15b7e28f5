"""Benchmarks: `make bench [PART=extract|crawl|recrawl|queries|distributed] [SIZE=small]`.

Every figure is a ratio against a baseline measured in the same run (the machines are
noisy); the table goes to stdout and to bench/RESULTS.md."""
