"""The image's HEALTHCHECK: asks the server this container runs for its health page.

The image has no curl; this reads the server's command line from /proc (with or without an
init process in front of it) to know which server it is and on which port it listens:
Rasa answers GET / once its model is loaded, the action server and the widget server GET
/health. Exit 0 when the page answers 200, 1 otherwise (also when no server runs, as in the
purge job). Kubernetes does not use it: its probes are in deploy/k8s/.
"""

from __future__ import annotations

import sys
import urllib.request
from pathlib import Path

# module -> (default port, health path), as deploy/docker/entrypoint.sh starts them
SERVERS = {
    "bot.serve": (5005, "/"),
    "actions.server": (5055, "/health"),
    "bot.widget_server": (8080, "/health"),
}


def server_url(argv: list[str]) -> str | None:
    """The health URL of a `python -m <server> ... --port N` command line, else None."""
    if "-m" not in argv[:-1]:
        return None
    module = argv[argv.index("-m") + 1]
    if module not in SERVERS:
        return None
    port, path = SERVERS[module]
    if "--port" in argv[:-1]:
        port = int(argv[argv.index("--port") + 1])
    return f"http://127.0.0.1:{port}{path}"


def find_server(proc: Path = Path("/proc")) -> str | None:
    for cmdline in sorted(proc.glob("[0-9]*/cmdline"), key=lambda p: int(p.parent.name)):
        try:
            argv = cmdline.read_bytes().decode(errors="replace").split("\0")
        except OSError:
            continue  # the process ended meanwhile
        url = server_url([arg for arg in argv if arg])
        if url:
            return url
    return None


def main() -> int:
    url = find_server()
    if url is None:
        print("no server runs in this container", file=sys.stderr)
        return 1
    try:
        with urllib.request.urlopen(url, timeout=4) as response:  # noqa: S310 - loopback only
            return 0 if response.status == 200 else 1
    except OSError as error:
        print(f"{url}: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
