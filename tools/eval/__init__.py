"""`make eval`: the assistant's topic accuracy on held-out questions beside two baselines.

Run with `python -m tools.eval`; the report goes to reports/eval/ (summary.md, results.json,
confusion-matrix PNGs, the cross-validation output). Modules, one per concern: data (held-out
set, training data, topic contract), metrics (pure arithmetic), assistant (the real stack),
tfidf_baseline, embedding_runner + embedding_baseline (MiniLM in .venv-eval),
cross_validation (`rasa test nlu`), plots and report.
"""
