"""Build the mirror into a folder and serve it until interrupted.

    .venv/bin/python -m benchmarks.mirror /tmp/mirror [--pristine] [--block-theme] [--no-rest]

prints the base URL; then e.g. `tipbook scrape --source-base https://cssamerica.com URL…`.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from benchmarks.mirror.build import build_mirror
from benchmarks.mirror.server import MirrorServer


def main() -> None:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    out = Path(args[0]) if args else Path(tempfile.mkdtemp(prefix="mirror-"))
    out.mkdir(parents=True, exist_ok=True)
    offhost = MirrorServer(Path(tempfile.mkdtemp(prefix="offhost-"))).start()
    # --pristine: the seeds' text only, without the test extras (for scraping content/).
    # --block-theme: the second theme's markup; --no-rest: the REST API answers 401.
    theme = "block" if "--block-theme" in sys.argv else "classic"
    mirror = build_mirror(out, "" if "--pristine" in sys.argv else offhost.base_url, theme=theme)
    server = MirrorServer(out).start()
    if "--no-rest" in sys.argv:
        server.rest_status = 401
    print(server.base_url, flush=True)
    for path in (*mirror.start_paths, mirror.external_path):
        print(server.url(path), flush=True)
    try:
        server._thread.join()  # type: ignore[union-attr]
    except KeyboardInterrupt:
        server.stop()
        offhost.stop()


if __name__ == "__main__":
    main()
