"""Writes tests/fixtures/article_10grams.txt: the SHA-256 of every 10-word run of both editions of
the source article (English and Spanish), so that `make test` can check that no project file
copies the article without the article being in the repository.

    python -m tools.article_grams      (reads $ARTICLE_DIR, default ../shared/source)
"""

from __future__ import annotations

import hashlib
import re
import sys
from pathlib import Path

from bot.content.statements import ARTICLE_DIR_ENV, article_dir

N_WORDS = 10
FIXTURE = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "article_10grams.txt"
HEADER = (
    "# SHA-256 hex digests of every 10-word run of the copyrighted MedlinePlus article 002113, "
    "English and Spanish editions.\n"
    "# Word rule of copycheck.py: re.findall(r\"[^\\W_]+\", text.lower()) on the text before "
    "\"References\", 10 words joined by one space, sha256 of the UTF-8 bytes; unique, sorted.\n"
)


def words(text: str) -> list[str]:
    return re.findall(r"[^\W_]+", text.lower())


def digests(text: str) -> set[str]:
    found = words(text.split("References")[0])
    return {hashlib.sha256(" ".join(found[i : i + N_WORDS]).encode("utf-8")).hexdigest()
            for i in range(len(found) - N_WORDS + 1)}


def main() -> int:
    articles = sorted(article_dir().glob("*.txt"))
    if len(articles) < 2:
        print(f"Both editions are needed in {article_dir()} (set {ARTICLE_DIR_ENV}).")
        return 1
    found = set().union(*(digests(path.read_text(encoding="utf-8")) for path in articles))
    FIXTURE.write_text(HEADER + "".join(f"{digest}\n" for digest in sorted(found)),
                       encoding="utf-8")
    print(f"{len(found)} digests from {len(articles)} articles in {FIXTURE}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
