"""Renders deploy/nginx.conf.template with the profile's ports and limits.

`python -m tools.prod.nginx OUT_DIR` writes OUT_DIR/nginx.conf. Values come from the
environment that scripts/prod/env.sh sets; the reply to a client over its rate limit comes from
the vetted content, like every other reply.
"""

from __future__ import annotations

import json
import os
import re
import sys
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
    per_minute = int(environ.get("RATE_LIMIT_PER_MIN", "60"))
    return {
        "NGINX_DIR": str(nginx_dir),
        "PROXY_PORT": environ.get("PROXY_PORT", "8000"),
        "WIDGET_PORT": environ.get("WIDGET_PORT", "8080"),
        "MAX_BODY": environ.get("MAX_BODY", "64k"),
        "RATE_LIMIT_PER_MIN": str(per_minute),
        "RATE_LIMIT_BURST": environ.get("RATE_LIMIT_BURST", str(max(per_minute // 3, 1))),
        "TRUSTED_PROXIES": environ.get("TRUSTED_PROXIES", "127.0.0.1"),
        "RASA_SERVERS": "\n    ".join(
            f"server 127.0.0.1:{port} max_fails=1 fail_timeout=5s;" for port in ports
        ),
        "RATE_LIMIT_REPLY": rate_limited_reply(),
    }


def render(template: str, filled: Mapping[str, str]) -> str:
    missing = sorted(set(PLACEHOLDER.findall(template)) - set(filled))
    if missing:
        raise KeyError(f"no value for {', '.join(missing)} in the nginx template")
    return PLACEHOLDER.sub(lambda match: filled[match.group(1)], template)


def main(out_dir: str) -> None:
    nginx_dir = Path(out_dir).resolve()
    for sub in ("", "body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (nginx_dir / sub).mkdir(parents=True, exist_ok=True)
    conf = render(TEMPLATE.read_text(), values(os.environ, nginx_dir))
    (nginx_dir / "nginx.conf").write_text(conf)


if __name__ == "__main__":
    main(sys.argv[1])
