"""Confusion-matrix pictures: where each system sends the questions it gets wrong."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path


def confusion_png(matrix: Sequence[Sequence[int]], labels: Sequence[str], path: Path,
                  title: str, columns: Sequence[str] | None = None,
                  xlabel: str = "scored as (expected topic if returned, else first returned topic)",
                  ylabel: str = "expected topic") -> Path:
    """Writes a labelled, count-annotated confusion matrix (rows expected, columns scored).

    Columns default to the row labels; a matrix with other columns has no diagonal."""
    square = columns is None
    columns = labels if columns is None else columns
    import matplotlib

    matplotlib.use("Agg")  # no display on servers and in CI
    import matplotlib.pyplot as plt

    size = max(6.0, 0.45 * max(len(labels), len(columns)) + 3.0)
    figure, axes = plt.subplots(figsize=(size + 1.0, size))
    try:
        image = axes.imshow(matrix, cmap="Blues", interpolation="nearest")
        figure.colorbar(image, ax=axes, fraction=0.046, pad=0.04)
        axes.set_xticks(range(len(columns)))
        axes.set_yticks(range(len(labels)))
        axes.set_xticklabels(columns, rotation=60, ha="right", rotation_mode="anchor", fontsize=9)
        axes.set_yticklabels(labels, fontsize=9)
        axes.set_xlabel(xlabel)
        axes.set_ylabel(ylabel)
        axes.set_title(title)
        peak = max((max(row) for row in matrix), default=0)
        for i, row in enumerate(matrix):
            for j, count in enumerate(row):
                if not count:
                    continue
                # Errors in red so they stand out; dark cells get white digits.
                right = i == j or not square
                colour = "white" if count > peak / 2 else ("black" if right else "darkred")
                axes.text(j, i, str(count), ha="center", va="center", fontsize=8,
                          color=colour, fontweight="normal" if right else "bold")
        figure.tight_layout()
        path.parent.mkdir(parents=True, exist_ok=True)
        figure.savefig(path, dpi=120)
    finally:
        plt.close(figure)
    return path
