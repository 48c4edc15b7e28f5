"""One loader for the YAML rule files beside this module (report_format.yml, page.yml,
narrative.yml): read once, each a plain dict the caller compiles its patterns from."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml

HERE = Path(__file__).parent


@lru_cache(maxsize=None)
def _text(name: str) -> str:
    return (HERE / name).read_text(encoding="utf-8")


def load(name: str) -> dict:
    """A fresh dict of the rule file `name` (callers cache what they compile from it)."""
    return yaml.safe_load(_text(name))
