"""Renders deploy/nginx.conf.template with the profile's ports and limits.

`python -m tools.prod.nginx OUT_DIR` writes OUT_DIR/nginx.conf. Values come from the
environment that scripts/prod/env.sh sets; the reply to a client over its rate limit comes from
the vetted content, like every other reply.

The profile's nginx listens on loopback and reaches its servers there, and keeps its pid, temp
files and logs in OUT_DIR. In a container (the Dockerfile's `proxy` target) other values come
from the environment: PROXY_LISTEN (`0.0.0.0:8000`), RASA_UPSTREAMS (`rasa-1:5005
rasa-2:5005`), WIDGET_UPSTREAM (`widget:8080`), NGINX_ACCESS_LOG and NGINX_ERROR_LOG
(`/dev/stdout`, `stderr`); `--run-dir` names where nginx keeps its pid and temp files when that
is not OUT_DIR.
"""

from __future__ import annotations

import argparse
import json
import os
import re
from collections.abc import Mapping
from pathlib import Path

from bot.content.render import apology
from bot.contract import FALLBACK, TOPIC_FIELD

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = ROOT / "deploy" / "nginx.conf.template"
RATE_LIMITED = "rate_limited"
PLACEHOLDER = re.compile(r"\{\{([A-Z_]+)\}\}")


def rate_limited_reply() -> str:
    """The REST channel's reply list, as JSON written inside an nginx single-quoted string:
    nginx reads a backslash there as an escape ("\\n" would reach the client as a line break
    inside a JSON string), so JSON's backslashes are doubled and a quote is spelled \\u0027."""
    body = [{"recipient_id": "", "text": apology(RATE_LIMITED)},
            {"recipient_id": "", "custom": {TOPIC_FIELD: FALLBACK, "reason": RATE_LIMITED}}]
    return json.dumps(body).replace("\\", "\\\\").replace("'", "\\u0027")


def values(environ: Mapping[str, str], nginx_dir: Path) -> dict[str, str]:
    ports = environ.get("RASA_PORTS", "5005 5006").split()
    rasa = environ.get("RASA_UPSTREAMS", "").split() or [f"127.0.0.1:{port}" for port in ports]
    per_minute = int(environ.get("RATE_LIMIT_PER_MIN", "60"))
    return {
        "NGINX_DIR": str(nginx_dir),
        "PROXY_LISTEN": environ.get("PROXY_LISTEN")
        or f"127.0.0.1:{environ.get('PROXY_PORT', '8000')}",
        "WIDGET_SERVER": environ.get("WIDGET_UPSTREAM")
        or f"127.0.0.1:{environ.get('WIDGET_PORT', '8080')}",
        "ACCESS_LOG": environ.get("NGINX_ACCESS_LOG") or str(nginx_dir / "access.log"),
        "ERROR_LOG": environ.get("NGINX_ERROR_LOG") or str(nginx_dir / "error.log"),
        "MAX_BODY": environ.get("MAX_BODY", "64k"),
        "RATE_LIMIT_PER_MIN": str(per_minute),
        "RATE_LIMIT_BURST": environ.get("RATE_LIMIT_BURST", str(max(per_minute // 3, 1))),
        "TRUSTED_PROXIES": environ.get("TRUSTED_PROXIES", "127.0.0.1"),
        "RASA_SERVERS": "\n    ".join(
            f"server {server} max_fails=1 fail_timeout=5s;" for server in rasa
        ),
        "RATE_LIMIT_REPLY": rate_limited_reply(),
    }


def render(template: str, filled: Mapping[str, str]) -> str:
    missing = sorted(set(PLACEHOLDER.findall(template)) - set(filled))
    if missing:
        raise KeyError(f"no value for {', '.join(missing)} in the nginx template")
    return PLACEHOLDER.sub(lambda match: filled[match.group(1)], template)


def main(out_dir: str, run_dir: str | None = None) -> None:
    out = Path(out_dir).resolve()
    out.mkdir(parents=True, exist_ok=True)
    nginx_dir = Path(run_dir) if run_dir else out
    if not run_dir:
        for sub in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
            (nginx_dir / sub).mkdir(exist_ok=True)
    conf = render(TEMPLATE.read_text(), values(os.environ, nginx_dir))
    (out / "nginx.conf").write_text(conf)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out_dir", help="where nginx.conf is written")
    parser.add_argument("--run-dir", help="nginx's pid and temp files (default: OUT_DIR)")
    arguments = parser.parse_args()
    main(arguments.out_dir, arguments.run_dir)
