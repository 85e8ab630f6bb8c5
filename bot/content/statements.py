"""The source statements that answers cite (statements.yml): facts in the project's words, each
with a stable id and, per edition of the article, the words that find its sentence."""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Mapping

import yaml

from bot.contract import ENGLISH

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
    # Per language of the article's editions: the first words of the statement's sentence.
    locate: Mapping[str, str]


@dataclass(frozen=True)
class Statements:
    # Per source, per language: the stored article's file name.
    articles: Mapping[str, Mapping[str, str]]
    by_id: Mapping[str, Statement]

    def in_edition(self, language: str) -> set[str]:
        """The ids of the statements that the edition in `language` makes."""
        return {key for key, statement in self.by_id.items() if language in statement.locate}

    def article_text(self, source: str, language: str = ENGLISH) -> str | None:
        """The stored article of a source, when this machine has it (it is not in the repo)."""
        name = self.articles.get(source, {}).get(language)
        path = article_dir() / name if name else None
        return path.read_text(encoding="utf-8") if path and path.is_file() else None

    def sentence(self, statement_id: str, article: str, language: str = ENGLISH) -> str | None:
        """The article's sentence that a statement locates: from its first words to the next
        full stop (the stored text runs some sentences together)."""
        locate = self.by_id[statement_id].locate.get(language)
        start = article.find(locate) if locate else -1
        if start < 0:
            return None
        end = article.find(".", start)
        return " ".join(article[start : end + 1 if end >= 0 else None].split())


def load_statements(path: Path = STATEMENTS_FILE) -> Statements:
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    return Statements(
        articles={key: dict(value["articles"])
                  for key, value in (raw.get("sources") or {}).items()},
        by_id={key: Statement(id=key, fact=" ".join(str(value["fact"]).split()),
                              locate={lang: str(words) for lang, words in value["locate"].items()})
               for key, value in (raw.get("statements") or {}).items()},
    )


@lru_cache(maxsize=1)
def statements() -> Statements:
    return load_statements()
