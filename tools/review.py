"""`make review`: a clinician or content editor signs the answers, one by one, in the terminal.

Each answer that is unreviewed or changed since it was signed is shown with what changed and the
source statements it cites (with the article's own sentence when the stored article is on this
machine); accept signs it in bot/content/reviews.yml, skip leaves it for later.

    python -m tools.review                      walk through the answers to review
    python -m tools.review --list               print them with their statements, change nothing
    python -m tools.review --sign "Name, RN"    sign them all without questions (scripts)
"""

from __future__ import annotations

import argparse
import difflib
import sys
from pathlib import Path
from typing import Callable, Sequence, TextIO

from bot.content.review import REVIEWS_FILE, Item, Record, all_items, load_reviews, sign
from bot.content.statements import Statements, statements


def pending_items(path: Path) -> tuple[list[Item], dict[str, Record]]:
    records = load_reviews(path)
    items = [item for item in all_items()
             if item.key not in records or records[item.key].fingerprint != item.fingerprint]
    return items, records


def describe(item: Item, record: Record | None, known: Statements) -> str:
    """What the reviewer reads for one answer."""
    lines = [f"== {item.key} =="]
    if record is None:
        lines.append("Never reviewed.")
    else:
        lines.append(f"Changed since {record.reviewer}, {record.credential} signed it on "
                     f"{record.date.isoformat()}:")
        lines.extend(f"  {line}" for line in difflib.unified_diff(
            record.text.splitlines(), item.text.splitlines(), "signed", "now", lineterm="", n=0)
            if not line.startswith(("---", "+++", "@@")))
    lines.append(item.text)
    if not item.statements:
        lines.append("Cites no source statement: the clinic's own safety advice; check it "
                     "against the clinic's protocol.")
    article = known.article_text(item.source, item.language) if item.source else None
    for statement_id in item.statements:
        lines.append(f"  [{statement_id}] {known.by_id[statement_id].fact}")
        sentence = known.sentence(statement_id, article, item.language) if article else None
        if sentence:
            lines.append(f"      article: {sentence}")
    return "\n".join(lines)


def split_signature(signature: str) -> tuple[str, str]:
    """'Jane Doe, RN' -> ('Jane Doe', 'RN')."""
    name, _, credential = signature.rpartition(",")
    if not name.strip() or not credential.strip():
        raise SystemExit('Sign as "Name, credential", for example "Jane Doe, RN".')
    return name.strip(), credential.strip()


def walk_through(items: list[Item], records: dict[str, Record], path: Path,
                 ask: Callable[[str], str], out: TextIO) -> int:
    """Asks about each answer; returns how many were signed."""
    known = statements()
    signed = 0
    try:
        name = ask("Your name: ").strip()
        credential = ask("Your credential (for example MD, RN, NP): ").strip()
        if not name or not credential:
            print("A review needs a name and a credential; nothing was signed.", file=out)
            return 0
        for index, item in enumerate(items, start=1):
            print(f"\n[{index}/{len(items)}] {describe(item, records.get(item.key), known)}",
                  file=out)
            answer = ""
            while answer not in {"a", "s", "q"}:
                answer = ask("[a]ccept, [s]kip, [q]uit: ").strip().lower()[:1]
            if answer == "q":
                break
            if answer == "a":
                sign([item], name, credential, path)
                signed += 1
    except EOFError:
        pass
    print(f"\nSigned {signed} of {len(items)}.", file=out)
    return signed


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--list", action="store_true", help="print the answers to review")
    parser.add_argument("--sign", metavar='"NAME, CREDENTIAL"', help="sign all without asking")
    parser.add_argument("--reviews", type=Path, default=REVIEWS_FILE, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    signature = split_signature(args.sign) if args.sign else None
    items, records = pending_items(args.reviews)
    if not items:
        print("Every answer is reviewed.")
        return 0
    if args.list:
        known = statements()
        print(f"{len(items)} answers to review:\n")
        print("\n\n".join(describe(item, records.get(item.key), known) for item in items))
        return 0
    if signature:
        name, credential = signature
        sign(items, name, credential, args.reviews)
        print(f"Signed {len(items)} answers as {name}, {credential}.")
        return 0

    walk_through(items, records, args.reviews, input, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
