"""`make bench`: the assistant's speed beside a stock `rasa init` bot and a bare Sanic echo.

Run with `python -m tools.bench`; the report goes to reports/bench/ (summary.md, results.json).
"""
