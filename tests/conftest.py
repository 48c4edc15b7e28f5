import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FILES = Path(__file__).resolve().parent / "files"
sys.path.insert(0, str(ROOT))


@pytest.fixture
def files() -> Path:
    return FILES


def label(name: str) -> dict:
    return json.loads((FILES / "labels" / f"{name}.json").read_text(encoding="utf-8"))
