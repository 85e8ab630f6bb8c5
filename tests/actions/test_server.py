"""The action server's token check and worker setting (the running server: tests/e2e)."""

from __future__ import annotations

import pytest

from actions import server

TOKEN = "s3cret-token"


def test_without_a_configured_token_everything_is_served() -> None:
    assert server.is_authorised("/webhook", {}, "")


def test_health_is_always_open() -> None:
    assert server.is_authorised("/health", {}, TOKEN)


@pytest.mark.parametrize(
    "headers", [{}, {"X-Action-Token": ""}, {"X-Action-Token": "wrong"}, {"Other": TOKEN}]
)
def test_webhook_without_the_right_token_is_refused(headers: dict[str, str]) -> None:
    assert not server.is_authorised("/webhook", headers, TOKEN)
    assert not server.is_authorised("/actions", headers, TOKEN)


def test_webhook_with_the_token_is_served() -> None:
    assert server.is_authorised("/webhook", {"X-Action-Token": TOKEN}, TOKEN)


@pytest.mark.parametrize(("value", "workers"), [(None, 1), ("", 1), ("3", 3), (2, 2)])
def test_worker_count(value: str | int | None, workers: int) -> None:
    assert server.worker_count(value) == workers


@pytest.mark.parametrize("value", ["0", "-2", "many"])
def test_nonsense_worker_counts_are_refused(value: str) -> None:
    with pytest.raises(ValueError):
        server.worker_count(value)


def test_options_default_to_the_projects_actions_and_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("ACTION_SERVER_WORKERS", "4")
    args = server.parse_args(["--port", "6000"])
    assert (args.actions, args.port, args.workers, args.cors) == ("actions", 6000, "4", None)
