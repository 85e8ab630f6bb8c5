"""The image (Dockerfile, deploy/docker/) and the one-host compose file (deploy/compose.yaml)
run the project's real entry points with what they need: hadolint and checkov check how the
files are written (`make validate-deploy`), these check what they start. No container runtime
is needed: the entry point script runs here with a stand-in `python` that records what it was
asked to start, and that command line is read by each server's own argument parser."""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, fields
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import yaml
from rasa.cli.arguments.run import set_run_arguments

from bot.log_secrets import SECRET_NAME
from bot.settings import ClinicSettings, load_settings
from tools.prod import nginx

ROOT = Path(__file__).resolve().parents[2]
DOCKERFILE = ROOT / "Dockerfile"
ENTRYPOINT = ROOT / "deploy" / "docker" / "entrypoint.sh"
HEALTHCHECK = ROOT / "deploy" / "docker" / "healthcheck.py"
COMPOSE = ROOT / "deploy" / "compose.yaml"
VARIABLE = re.compile(r"\$\{(\w+)\}")
# A secret may only be interpolated, and without a default: ${NAME:?why} or ${NAME:-} (empty).
SECRET_VALUE = re.compile(r"^\$\{(\w+)(:\?[^}]*|:-)\}$")
# The module and argument parser behind each role of the entry point.
ROLES = {
    "rasa": "bot.serve",
    "actions": "actions.server",
    "widget": "bot.widget_server",
    "purge": "bot.privacy.retention",
}
# Enough of what the servers read for every role to start (values of no consequence).
SETTINGS = {
    "RASA_AUTH_TOKEN": "rasa-token-for-tests", "ACTION_SERVER_TOKEN": "action-token-for-tests",
    "DB_HOST": "postgres", "DB_PORT": "5432", "DB_NAME": "rasa", "DB_USER": "rasa",
    "DB_PASSWORD": "db-password-for-tests", "REDIS_HOST": "redis", "REDIS_PORT": "6379",
    "ACTION_ENDPOINT_URL": "http://actions:5055/webhook", "RASA_URL": "https://chat.example.org",
    "CORS_ORIGINS": "https://chat.example.org",
}


def entrypoint_roles() -> set[str]:
    """The roles deploy/docker/entrypoint.sh's `case` knows."""
    return set(re.findall(r"^  (\w+)\)$", ENTRYPOINT.read_text(), re.MULTILINE))


# --- The Dockerfile ----------------------------------------------------------------------


@dataclass
class Stage:
    name: str
    base: str
    instructions: list[tuple[str, str]]

    def all(self, keyword: str) -> list[str]:
        return [argument for key, argument in self.instructions if key == keyword]


def stages() -> dict[str, Stage]:
    """The Dockerfile's stages by name, each with its instructions (continuations joined)."""
    text = re.sub(r"\\\n\s*", " ", DOCKERFILE.read_text())
    found: dict[str, Stage] = {}
    current: Stage | None = None
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        keyword, _, argument = line.partition(" ")
        if keyword.upper() == "FROM":
            base, _, name = argument.partition(" AS ")
            current = found[name.strip()] = Stage(name.strip(), base.strip(), [])
        elif current is not None:
            current.instructions.append((keyword.upper(), argument.strip()))
    return found


def test_the_image_is_built_in_stages_and_runs_unprivileged() -> None:
    built = stages()
    assert {"widget", "venv", "builder", "proxy", "runtime"} <= set(built)
    assert list(built)[-1] == "runtime", "a plain `docker build` makes the servers' image"
    runtime = built["runtime"]
    # Nothing of the build tools: the runtime stage starts from the slim base again.
    assert runtime.base == built["venv"].base
    assert not runtime.all("RUN")[1:], "one RUN only: the user"
    for stage in (runtime, built["proxy"]):
        (user,) = stage.all("USER")
        uid = user.split(":")[0]
        assert uid.isdigit() and uid != "0", stage.name
        assert stage.all("HEALTHCHECK"), stage.name
    assert json.loads(runtime.all("ENTRYPOINT")[0]) == ["/app/deploy/docker/entrypoint.sh"]
    assert json.loads(runtime.all("CMD")[0]) == ["rasa"]
    assert "healthcheck.py" in runtime.all("HEALTHCHECK")[0]
    assert os.access(ENTRYPOINT, os.X_OK), "git must keep the entry point executable"


def makefile_recipe(target: str) -> list[str]:
    """The commands of a Makefile rule, with the few variables they use filled in."""
    text = (ROOT / "Makefile").read_text()
    names = dict(re.findall(r"^(\w+) := (.+)$", text, re.MULTILINE))
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(f"{target}:"))
    recipe = []
    for line in lines[start + 1:]:
        if not line.startswith("\t"):
            break
        command = line.strip()
        for _ in range(3):
            command = re.sub(r"\$\((\w+)\)", lambda m: names.get(m.group(1), m.group(0)),
                             command)
        recipe.append(command.replace(".venv/bin/", ""))
    return recipe


def test_the_build_runs_the_makefiles_commands() -> None:
    """The image's pipelines and model are built as `make spacy-model` and `make train`
    build them, so the image serves what the tests tested."""
    builder = " && ".join(stages()["builder"].all("RUN"))
    for target in ("$(SPACY_MODEL)/meta.json", "$(SPANISH_SPACY_MODEL)/meta.json", "$(MODEL)"):
        for command in makefile_recipe(target):
            assert command in builder, command
    install = " ".join(stages()["venv"].all("RUN"))
    for requirement in ("pip==24.0", "-r requirements.lock",
                        "--no-deps -r requirements-nodeps.txt"):
        assert requirement in install
    widget = " ".join(stages()["widget"].all("RUN"))
    assert "npm ci --prefix widget" in widget and "node widget/build.mjs" in widget


def runtime_paths() -> set[str]:
    """What the runtime stage copies into /app, as paths relative to it."""
    paths = set()
    for copy in stages()["runtime"].all("COPY"):
        words = json.loads(copy.split(" ", 1)[1]) if "[" in copy else copy.split()
        sources = [word for word in words if not word.startswith("--")][:-1]
        paths |= {source.removeprefix("/app/") for source in sources}
    return paths


def test_the_image_holds_what_the_servers_read() -> None:
    paths = runtime_paths()
    needed = {".venv", "bot", "actions", "models", "build/spacy", "build/widget", "widget/demo",
              "credentials.yml", "domain.yml", "deploy/endpoints.prod.yml", "deploy/docker"}
    assert needed <= paths, needed - paths
    # config.yml names the spaCy pipelines by path: they are in the image.
    config = yaml.safe_load((ROOT / "config.yml").read_text())
    spacy_paths = [c["model"] for c in config["pipeline"] if c["name"] == "SpacyNLP"]
    assert all(path.startswith("build/spacy/") for path in spacy_paths)


def test_no_secret_reaches_the_build() -> None:
    ignored = (ROOT / ".dockerignore").read_text().splitlines()
    assert "deploy/secrets.env" in ignored and "**/*.env" in ignored
    for stage in stages().values():
        for key, argument in stage.instructions:
            if key in ("ARG", "ENV"):
                names = re.findall(r"(\w+)=", argument) or [argument.split("=")[0]]
                assert not [n for n in names if SECRET_NAME.search(n)], (stage.name, argument)


# --- The entry point ---------------------------------------------------------------------


@dataclass
class Started:
    returncode: int
    argv: list[str]
    env: dict[str, str]
    stderr: str


@pytest.fixture()
def start(tmp_path: Path) -> Iterator[Any]:
    """Runs the entry point with a stand-in `python` that records what it would have started
    (`python -m bot.settings`, which the entry point asks for the CORS origins, runs really)."""
    stub = tmp_path / "bin" / "python"
    stub.parent.mkdir()
    stub.write_text(
        "#!/bin/sh\n"
        'if [ "$1" = "-m" ] && [ "$2" = "bot.settings" ]; then exec "$REAL_PYTHON" "$@"; fi\n'
        'printf "%s\\0" "$@" > "$RECORD/argv"\n'
        'env -0 > "$RECORD/env"\n')
    stub.chmod(0o755)

    def run(*args: str, **environ: str) -> Started:
        env = {"PATH": f"{stub.parent}:/usr/bin:/bin", "REAL_PYTHON": sys.executable,
               "PYTHONPATH": str(ROOT), "RECORD": str(tmp_path), **environ}
        for name in ("argv", "env"):
            (tmp_path / name).unlink(missing_ok=True)
        result = subprocess.run([str(ENTRYPOINT), *args], cwd=ROOT, env=env, text=True,
                                capture_output=True, timeout=60)
        recorded = tmp_path / "argv"
        argv = recorded.read_text().split("\0")[:-1] if recorded.exists() else []
        env_file = tmp_path / "env"
        started_env = dict(item.split("=", 1) for item in env_file.read_text().split("\0")
                           if "=" in item) if env_file.exists() else {}
        return Started(result.returncode, argv, started_env, result.stderr)

    yield run


def parse(module: str, args: list[str]) -> argparse.Namespace:
    """The module's own command line parser reads the arguments (an unknown one fails)."""
    if module == "bot.serve":
        assert args[0] == "run"
        parser = argparse.ArgumentParser()
        set_run_arguments(parser)
        return parser.parse_args(args[1:])
    return importlib.import_module(module).parse_args(args)  # type: ignore[no-any-return]


@pytest.mark.parametrize("role", sorted(ROLES))
def test_each_role_starts_the_projects_real_entry_point(start: Any, role: str) -> None:
    started = start(role, **SETTINGS)
    assert started.returncode == 0, started.stderr
    assert started.argv[0] == "-m"
    module = started.argv[1]
    assert module == ROLES[role]
    assert importlib.util.find_spec(module) is not None
    arguments = parse(module, started.argv[2:])
    for name in ("endpoints", "credentials"):
        path = getattr(arguments, name, None)
        if path:
            assert (ROOT / path).is_file(), path
    if role == "rasa":
        assert arguments.endpoints == "deploy/endpoints.prod.yml"
        assert arguments.model == "models/calcifications.tar.gz"
        assert arguments.enable_api and arguments.auth_token == SETTINGS["RASA_AUTH_TOKEN"]
        assert arguments.cors == ["https://chat.example.org"]
    if role in ("widget", "purge"):
        assert arguments.endpoints == "deploy/endpoints.prod.yml"
    # Rasa refuses to start while a variable credentials.yml names is unset: every one is set.
    needed = set(VARIABLE.findall((ROOT / "credentials.yml").read_text()))
    assert needed <= set(started.env), needed - set(started.env)


def test_the_roles_are_the_ones_the_image_documents() -> None:
    assert entrypoint_roles() == set(ROLES)


def test_extra_arguments_reach_the_server(start: Any) -> None:
    started = start("purge", "--dry-run", "--days", "30", **SETTINGS)
    assert started.argv[-3:] == ["--dry-run", "--days", "30"]
    assert parse(started.argv[1], started.argv[2:]).dry_run


def test_rasas_cors_origins_default_to_the_widgets_allowed_origins(start: Any) -> None:
    settings = {k: v for k, v in SETTINGS.items() if k != "CORS_ORIGINS"}
    origins = "https://a.example.org,https://b.example.org"
    started = start("rasa", ALLOWED_ORIGINS=origins, **settings)
    expected = load_settings(environ={"ALLOWED_ORIGINS": origins}).origins
    assert parse("bot.serve", started.argv[2:]).cors == expected
    # "*" is an origin, not a file pattern of the working directory.
    started = start("rasa", **{**SETTINGS, "CORS_ORIGINS": "*"})
    assert parse("bot.serve", started.argv[2:]).cors == ["*"]


@pytest.mark.parametrize(("role", "missing"), [
    ("rasa", "RASA_AUTH_TOKEN"), ("rasa", "ACTION_SERVER_TOKEN"), ("rasa", "DB_PASSWORD"),
    ("rasa", "REDIS_HOST"), ("actions", "ACTION_SERVER_TOKEN"), ("widget", "DB_PASSWORD"),
    ("widget", "RASA_URL"), ("purge", "DB_PASSWORD"),
])
def test_a_missing_secret_or_setting_stops_the_container(start: Any, role: str,
                                                         missing: str) -> None:
    for value in (None, ""):
        settings = {k: v for k, v in SETTINGS.items() if k != missing}
        if value is not None:
            settings[missing] = value
        started = start(role, **settings)
        assert started.returncode == 64
        assert missing in started.stderr
        assert started.argv == [], "nothing was started"


def test_the_metrics_directory_is_emptied_at_every_start(start: Any, tmp_path: Path) -> None:
    metrics = tmp_path / "metrics"
    (metrics / "old").mkdir(parents=True)
    (metrics / "counter_1.db").write_text("figures of the last run")
    started = start("actions", PROMETHEUS_MULTIPROC_DIR=str(metrics), **SETTINGS)
    assert started.returncode == 0
    assert metrics.is_dir() and not list(metrics.iterdir())


def test_the_metrics_directory_exists_for_every_role(start: Any, tmp_path: Path) -> None:
    """bot.metrics fails at import when PROMETHEUS_MULTIPROC_DIR names a missing directory."""
    for role in ("widget", "purge"):
        metrics = tmp_path / f"metrics-{role}"
        assert start(role, PROMETHEUS_MULTIPROC_DIR=str(metrics), **SETTINGS).returncode == 0
        assert metrics.is_dir()


def test_another_command_runs_as_given(start: Any) -> None:
    started = start("python", "-m", "tools.review", "--list")
    assert started.argv == ["-m", "tools.review", "--list"]


# --- The health check --------------------------------------------------------------------


def healthcheck() -> ModuleType:
    spec = importlib.util.spec_from_file_location("healthcheck", HEALTHCHECK)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize(("argv", "url"), [
    (["python", "-m", "bot.serve", "run", "--port", "5006"], "http://127.0.0.1:5006/"),
    (["python", "-m", "bot.serve", "run"], "http://127.0.0.1:5005/"),
    (["/app/.venv/bin/python", "-m", "actions.server", "--port", "5055"],
     "http://127.0.0.1:5055/health"),
    (["python", "-m", "bot.widget_server", "--port", "8080"], "http://127.0.0.1:8080/health"),
    (["/sbin/docker-init", "--", "/app/deploy/docker/entrypoint.sh", "rasa"], None),
    (["python", "-m", "bot.privacy.retention"], None),
    (["python", "-m"], None),
])
def test_the_health_check_finds_the_server_of_its_container(argv: list[str],
                                                             url: str | None) -> None:
    assert healthcheck().server_url(argv) == url


def test_the_health_checks_ports_are_the_entry_points(start: Any) -> None:
    check = healthcheck()
    for role, module in ROLES.items():
        if module in check.SERVERS:
            started = start(role, **SETTINGS)
            assert check.server_url(["python", *started.argv]) is not None


def test_the_health_check_reads_the_processes(tmp_path: Path) -> None:
    for pid, argv in ((1, ["/sbin/docker-init", "--", "entrypoint.sh"]),
                      (7, ["python", "-m", "actions.server", "--port", "5056"])):
        (tmp_path / str(pid)).mkdir()
        (tmp_path / str(pid) / "cmdline").write_bytes(b"\0".join(a.encode() for a in argv))
    assert healthcheck().find_server(tmp_path) == "http://127.0.0.1:5056/health"


# --- The compose file --------------------------------------------------------------------


def compose() -> dict[str, Any]:
    return yaml.safe_load(COMPOSE.read_text())  # anchors and merge keys resolved


def services() -> dict[str, dict[str, Any]]:
    return {name: service for name, service in compose()["services"].items()}


def test_compose_runs_the_production_profiles_parts() -> None:
    found = services()
    assert {"rasa-1", "rasa-2", "actions", "widget", "postgres", "redis", "proxy",
            "purge"} == set(found)
    for name, service in found.items():
        if "command" in service and service.get("image", "").startswith("${IMAGE"):
            assert service["command"][0] in entrypoint_roles(), name
        for dependency, condition in (service.get("depends_on") or {}).items():
            assert condition == {"condition": "service_healthy"}, (name, dependency)
            assert found[dependency]["healthcheck"].get("test"), dependency
        if name != "purge":
            assert service["healthcheck"]["test"], name


def test_only_the_proxy_is_published_and_only_rasa_reaches_the_action_server() -> None:
    found = services()
    assert [name for name, service in found.items() if service.get("ports")] == ["proxy"]
    networks = compose()["networks"]
    on = {network: {name for name, service in found.items() if network in service["networks"]}
          for network in networks}
    assert set(found["actions"]["networks"]) == {"actions"}
    assert networks["actions"]["internal"] is True
    assert on["actions"] == {"actions", "rasa-1", "rasa-2"}
    assert networks["data"]["internal"] is True
    assert set(found["postgres"]["networks"]) == set(found["redis"]["networks"]) == {"data"}


def test_postgres_keeps_its_data_in_a_named_volume() -> None:
    (volume,) = services()["postgres"]["volumes"]
    name, path = volume.split(":")[:2]
    assert name in compose()["volumes"] and path == "/var/lib/postgresql/data"


def test_every_secret_comes_from_the_env_file_and_each_server_gets_only_its_own() -> None:
    found = services()
    for name, service in found.items():
        for variable, value in (service.get("environment") or {}).items():
            if SECRET_NAME.search(variable):
                assert SECRET_VALUE.match(str(value)), (name, variable, value)
    example = {line.split("=")[0] for line in
               (ROOT / "deploy" / "secrets.env.example").read_text().splitlines()
               if line and not line.startswith("#")}
    secrets = {service: {v for v in (found[service].get("environment") or {})
                         if SECRET_NAME.search(v)} for service in found}
    assert secrets["actions"] == {"ACTION_SERVER_TOKEN"}
    assert secrets["widget"] == {"DB_PASSWORD", "INSIGHTS_TOKEN"}
    assert secrets["purge"] == {"DB_PASSWORD"}
    assert secrets["rasa-1"] <= example and "INSIGHTS_TOKEN" not in secrets["rasa-1"]


def test_the_clinics_settings_reach_every_server_that_shows_them() -> None:
    settings = {field.name.upper() for field in fields(ClinicSettings)}
    for name in ("rasa-1", "rasa-2", "actions", "widget"):
        environment = services()[name]["environment"]
        assert settings <= set(environment), (name, settings - set(environment))


def test_rasa_in_compose_gets_every_variable_its_configuration_names() -> None:
    needed = {name for path in ("deploy/endpoints.prod.yml", "credentials.yml")
              for name in VARIABLE.findall((ROOT / path).read_text())}
    for name in ("rasa-1", "rasa-2"):
        environment = services()[name]["environment"]
        assert needed | {"RASA_AUTH_TOKEN"} <= set(environment), needed - set(environment)
        assert environment["ACTION_ENDPOINT_URL"] == "http://actions:5055/webhook"
        assert environment["DB_HOST"] == "postgres" and environment["REDIS_HOST"] == "redis"


# --- nginx for compose -------------------------------------------------------------------


def proxy_config() -> str:
    """nginx.conf as the Dockerfile's proxy-config stage renders it, from its ARG defaults."""
    stage = stages()["proxy-config"]
    arguments = dict(argument.partition("=")[::2] for argument in stage.all("ARG"))
    arguments = {name: value.strip('"') for name, value in arguments.items()}
    (command,) = stage.all("RUN")
    assert "python -m tools.prod.nginx /out --run-dir /tmp" in command
    # NAME=value or NAME="$ARGUMENT" before the command
    environ = {name: arguments[value[2:-1]] if value.startswith('"$') else value
               for name, value in re.findall(r"(\w+)=(\S+) ", command.split("python -m")[0])}
    assert set(arguments) <= set(environ), "every build argument reaches the renderer"
    return nginx.render(nginx.TEMPLATE.read_text(), nginx.values(environ, Path("/tmp")))


def test_the_proxy_sends_to_the_compose_services_as_the_profiles_nginx_does() -> None:
    config = proxy_config()
    rasa = [name for name in services() if name.startswith("rasa-")]
    for name in rasa:
        assert config.count(f"server {name}:5005 ") == 2, "both upstreams, sticky one too"
    assert "hash $remote_addr consistent;" in config
    assert "server widget:8080;" in config
    assert "listen 0.0.0.0:8000;" in config
    assert re.search(r"location = /metrics \{\s*return 404;", config)
    assert "access_log /dev/stdout plain;" in config and "error_log stderr warn;" in config
    assert "8000" in services()["proxy"]["ports"][0].rsplit(":", 1)[1]


def test_the_profiles_own_nginx_config_is_unchanged(tmp_path: Path) -> None:
    config = nginx.render(nginx.TEMPLATE.read_text(), nginx.values({}, tmp_path))
    assert "listen 127.0.0.1:8000;" in config
    assert "server 127.0.0.1:5005 max_fails=1 fail_timeout=5s;" in config
    assert "server 127.0.0.1:8080;" in config
    assert f"access_log {tmp_path}/access.log plain;" in config
