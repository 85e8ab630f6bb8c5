"""The source statements that answers cite (statements.yml): facts in the project's words, each
with a stable id and the words that find its sentence in the stored article."""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Mapping

import yaml

STATEMENTS_FILE = Path(__file__).with_name("statements.yml")
# Where the stored article lives: ../shared/source next to the project, unless set.
ARTICLE_DIR_ENV = "ARTICLE_DIR"
DEFAULT_ARTICLE_DIR = Path(__file__).resolve().parents[3] / "shared" / "source"


def article_dir() -> Path:
    return Path(os.environ.get(ARTICLE_DIR_ENV) or DEFAULT_ARTICLE_DIR)


@dataclass(frozen=True)
class Statement:
    id: str
    fact: str
    locate: str


@dataclass(frozen=True)
class Statements:
    articles: Mapping[str, str]
    by_id: Mapping[str, Statement]

    def article_text(self, source: str) -> str | None:
        """The stored article of a source, when this machine has it (it is not in the repo)."""
        name = self.articles.get(source)
        path = article_dir() / name if name else None
        return path.read_text(encoding="utf-8") if path and path.is_file() else None

    def sentence(self, statement_id: str, article: str) -> str | None:
        """The article's sentence that a statement locates: from its first words to the next
        full stop (the stored text runs some sentences together)."""
        start = article.find(self.by_id[statement_id].locate)
        if start < 0:
            return None
        end = article.find(".", start)
        return " ".join(article[start : end + 1 if end >= 0 else None].split())


def load_statements(path: Path = STATEMENTS_FILE) -> Statements:
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    return Statements(
        articles={key: value["article"] for key, value in (raw.get("sources") or {}).items()},
        by_id={key: Statement(id=key, fact=" ".join(str(value["fact"]).split()),
                              locate=str(value["locate"]))
               for key, value in (raw.get("statements") or {}).items()},
    )


@lru_cache(maxsize=1)
def statements() -> Statements:
    return load_statements()
