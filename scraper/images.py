"""Keep a post's images: download each once into `content/media/`, checked and capped.

Only real images are kept: the answer must say `image/png|jpeg|gif|webp` *and* its first
bytes must be one (SVG is left out: it can hold scripts). Each is fetched through the one
`Fetcher`, so robots.txt, the delay per host, retries, the size cap (`max_image_bytes`) and
the HTTP cache (a re-run revalidates with ETag / Last-Modified and gets a 304) hold for
images on other hosts too. A file is named by its URL's name and a hash of its bytes (a
changed image gets a new name, the same image is stored once) and written atomically, only
when it is not there yet. An image that cannot be had is left out of its tip with a reason;
it never fails the tip.
"""

from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urljoin, urlsplit

from bs4 import BeautifulSoup

from scraper.fetch import Fetcher, FetchError
from tipbook.files import write_bytes_atomic
from tipbook.model import slugify
from tipbook.text import WEB_URL_PREFIXES

# Below the content folder; not assets/, where the site theme keeps its own files.
MEDIA_DIR = PurePosixPath("media")
IMAGE_TYPES = {
    "image/png": ".png",
    "image/jpeg": ".jpg",
    "image/gif": ".gif",
    "image/webp": ".webp",
}
# Lazy-loading plugins keep the real address in one of these and a placeholder in `src`.
_SRC_ATTRIBUTES = ("data-src", "data-lazy-src", "data-orig-file", "data-original", "src")


def sniff(content: bytes) -> str | None:
    """The image type the bytes start with, or None."""
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if content.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if content.startswith((b"GIF87a", b"GIF89a")):
        return "image/gif"
    if content[:4] == b"RIFF" and content[8:12] == b"WEBP":
        return "image/webp"
    return None


def absolute_images(body_html: str, page_url: str) -> tuple[str, list[str]]:
    """The body with every `<img src>` the absolute URL of the real image, and those URLs."""
    soup = BeautifulSoup(f"<div id='tipbook-images'>{body_html}</div>", "lxml")
    root = soup.find("div", id="tipbook-images")
    if root is None or root.find("img") is None:
        return body_html, []
    urls = []
    for img in root.find_all("img"):
        src = next(
            (
                str(img[name]).strip()
                for name in _SRC_ATTRIBUTES
                if img.get(name) and not str(img[name]).strip().startswith("data:")
            ),
            "",
        )
        url = urljoin(page_url, src) if src else ""
        img.attrs = {"src": url, "alt": str(img.get("alt") or "")}
        if url.startswith(WEB_URL_PREFIXES) and url not in urls:
            urls.append(url)
    return "".join(str(child) for child in root.children), urls


@dataclass
class ImageResult:
    url: str
    path: PurePosixPath | None  # below the content folder, when kept
    reason: str = ""  # why not


class ImageStore:
    """Downloads images once per run (threads share it) into the content folder."""

    def __init__(self, fetcher: Fetcher, content_dir: Path, max_bytes: int) -> None:
        self.fetcher = fetcher
        self.content_dir = content_dir
        self.max_bytes = max_bytes
        self._results: dict[str, ImageResult] = {}
        self._locks: dict[str, threading.Lock] = {}
        self._lock = threading.Lock()

    def get(self, url: str) -> ImageResult:
        with self._lock:
            lock = self._locks.setdefault(url, threading.Lock())
        with lock:
            if url not in self._results:
                self._results[url] = self._download(url)
            return self._results[url]

    def _download(self, url: str) -> ImageResult:
        try:
            response = self.fetcher.get(url, any_host=True, max_bytes=self.max_bytes)
        except FetchError as error:
            return ImageResult(url, None, error.reason)
        declared = response.headers.get("content-type", "").split(";")[0].strip().lower()
        kind = sniff(response.content)
        if declared not in IMAGE_TYPES or kind is None:
            shown = declared or "no Content-Type"
            return ImageResult(url, None, f"not an image ({shown}); left out")
        digest = hashlib.sha256(response.content).hexdigest()[:12]
        stem = slugify(PurePosixPath(unquote(urlsplit(url).path)).stem, 40)
        path = MEDIA_DIR / f"{stem}-{digest}{IMAGE_TYPES[kind]}"
        target = self.content_dir / path
        if not target.exists():
            write_bytes_atomic(target, response.content, durable=False)
        return ImageResult(url, path)
