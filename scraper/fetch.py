"""The one way the scraper touches the network: a polite, cached, fault-tolerant fetcher.

Every request goes through `Fetcher.get`, which
- refuses other hosts than the ones it was given, and URLs that robots.txt disallows
  (parsed with protego; a 4xx robots.txt allows everything, a 5xx one nothing: RFC 9309);
- sends the configured User-Agent, keeps `delay` seconds between two requests to one host
  (or the robots.txt Crawl-delay when longer) and at most `concurrency` requests in flight;
- retries timeouts, connection errors, 5xx and 429 with exponential backoff, honouring
  `Retry-After` up to a cap;
- refuses responses over `max_bytes` while streaming them;
- decodes text by the charset of the headers, else of `<meta>`, else UTF-8, else
  windows-1252 (what browsers do with Latin-1 labels too);
- keeps an HTTP cache on disk: revalidates with ETag / Last-Modified, and with
  `offline=True` answers only from it, without a single request.
"""

from __future__ import annotations

import email.utils
import hashlib
import json
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import httpx
from protego import Protego

from scraper.netsafe import ACCEPT_ENCODING, UnsafeBody, address_problem, read_bounded
from tipbook.files import write_bytes_atomic

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
GONE_STATUSES = frozenset({404, 410})
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
MAX_REDIRECTS = 5
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([a-zA-Z0-9_:.-]+)""", re.I)
_HEADER_CHARSET = re.compile(r"charset\s*=\s*[\"']?([a-zA-Z0-9_:.-]+)", re.I)
# Browsers decode these labels as windows-1252 (WHATWG Encoding Standard), and so do we.
_AS_CP1252 = {"iso-8859-1", "iso8859-1", "latin1", "latin-1", "us-ascii", "ascii", "l1"}


@dataclass(frozen=True)
class FetchSettings:
    """How politely and patiently to fetch (from `tipbook.yml`'s `scrape:` section)."""

    user_agent: str
    delay: float = 1.0
    concurrency: int = 2
    timeout: float = 20.0
    retries: int = 3
    max_bytes: int = 5_000_000
    max_image_bytes: int = 2_000_000  # a bigger image is left out of its tip
    max_retry_after: float = 60.0  # never wait longer than this for a Retry-After
    backoff: float = 1.0  # first retry waits this long, then twice as long each time
    deadline: float = 60.0  # a whole response (headers and body) never takes longer
    # None: local and private addresses are fetched only when a start URL is on one (a
    # mirror on this machine or network, on purpose); True / False decide it.
    allow_private: bool | None = None


@dataclass
class Response:
    """A page as fetched (or served from the cache)."""

    url: str  # as requested
    final_url: str  # after redirects
    status: int
    content: bytes
    headers: dict[str, str]
    from_cache: bool = False  # True for offline answers and 304 revalidations

    @property
    def text(self) -> str:
        return decode_html(self.content, self.headers.get("content-type"))


class FetchError(Exception):
    """A URL that could not be had; `reason` says why in words, `status` the HTTP status.

    `transient` marks failures that outlasted every retry (timeouts, 5xx, 429, lost
    connections), as opposed to refusals (robots.txt, other hosts, size cap, not cached).
    """

    def __init__(
        self,
        url: str,
        reason: str,
        status: int | None = None,
        transient: bool = False,
        disallowed: bool = False,
    ) -> None:
        super().__init__(f"{url}: {reason}")
        self.url = url
        self.reason = reason
        self.status = status
        self.transient = transient
        self.disallowed = disallowed  # robots.txt or another host: not ours to fetch

    @property
    def gone(self) -> bool:
        """The page does not exist (404/410), as opposed to a failure to get it."""
        return self.status in GONE_STATUSES


def decode_html(content: bytes, content_type: str | None) -> str:
    """Decode a page by its declared charset: header, then `<meta>`, then UTF-8/windows-1252."""
    candidates = []
    if content_type:
        match = _HEADER_CHARSET.search(content_type)
        if match:
            candidates.append(match.group(1))
    meta = _META_CHARSET.search(content[:4096])
    if meta:
        candidates.append(meta.group(1).decode("ascii", "ignore"))
    if content.startswith(b"\xef\xbb\xbf"):
        candidates.insert(0, "utf-8-sig")
    for label in candidates:
        name = "cp1252" if label.lower() in _AS_CP1252 else label.lower()
        try:
            return content.decode(name)
        except (LookupError, UnicodeDecodeError):
            continue
    try:
        return content.decode("utf-8")
    except UnicodeDecodeError:
        return content.decode("cp1252", errors="replace")


def is_local_address(url: str) -> bool:
    """True for `localhost` and loopback, private, link-local or reserved IP addresses,
    in any spelling (`127.1`, `0x7f000001`); names are not resolved here."""
    return address_problem(url, allow_private=False, resolve=False) is not None


def origin(url: str) -> str:
    """`scheme://host[:port]` of a URL, lowercased."""
    parts = urlsplit(url)
    return f"{parts.scheme.lower()}://{parts.netloc.lower()}"


class HttpCache:
    """Responses on disk, one JSON record (+ body file) per URL, written atomically."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def _paths(self, url: str) -> tuple[Path, Path]:
        key = hashlib.sha256(url.encode("utf-8")).hexdigest()
        base = self.folder / key[:2] / key
        return base.with_suffix(".json"), base.with_suffix(".body")

    def load(self, url: str) -> tuple[dict[str, Any], bytes] | None:
        meta_path, body_path = self._paths(url)
        try:
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
            body = body_path.read_bytes() if meta.get("has_body") else b""
        except (OSError, ValueError):
            return None
        return meta, body

    def store(self, url: str, meta: dict[str, Any], body: bytes = b"") -> None:
        meta_path, body_path = self._paths(url)
        meta = {**meta, "url": url, "has_body": bool(body)}
        if body:
            write_bytes_atomic(body_path, body, durable=False)
        write_bytes_atomic(
            meta_path, json.dumps(meta, sort_keys=True).encode("utf-8"), durable=False
        )


@dataclass
class _HostState:
    lock: threading.Lock = field(default_factory=threading.Lock)
    next_time: float = 0.0
    robots: Protego | None = None
    robots_error: str = ""
    robots_loaded: bool = False
    crawl_delay: float = 0.0
    robots_lock: threading.Lock = field(default_factory=threading.Lock)


class _HostRules:
    """Per host: the address policy and robots.txt, each settled once per run (a part of
    `Fetcher`, kept apart for its size)."""

    settings: FetchSettings
    _hosts: dict[str, _HostState]
    _hosts_lock: threading.Lock
    _verdicts: dict[str, str | None]
    _local_site: bool

    def _address_problem(self, url: str) -> str | None:
        """`address_problem` once per host and run (a name is resolved once, not per URL)."""
        key = origin(url)
        with self._hosts_lock:
            if key not in self._verdicts:
                self._verdicts[key] = address_problem(url, allow_private=self._local_site)
            return self._verdicts[key]

    def _fetch_one(self, url: str, max_bytes: int | None = None) -> Response:
        raise NotImplementedError  # Fetcher's

    def _host(self, url: str) -> _HostState:
        key = origin(url)
        with self._hosts_lock:
            return self._hosts.setdefault(key, _HostState())

    def _check_robots(self, original: str, url: str) -> None:
        state = self._host(url)
        with state.robots_lock:
            if not state.robots_loaded:
                self._load_robots(url, state)
                state.robots_loaded = True
        if state.robots_error:
            raise FetchError(original, state.robots_error, transient=True)
        if state.robots is not None and not state.robots.can_fetch(url, self._agent_token):
            raise FetchError(original, "disallowed by robots.txt; not fetched", disallowed=True)

    def sitemaps(self, url: str) -> list[str]:
        """The `Sitemap:` URLs of the robots.txt of `url`'s host (read once per host)."""
        try:
            self._check_robots(url, url)
        except FetchError:
            return []
        robots = self._host(url).robots
        return list(robots.sitemaps) if robots is not None else []

    @property
    def _agent_token(self) -> str:
        return self.settings.user_agent.split("/")[0].split()[0] or "tipbook"

    def _load_robots(self, url: str, state: _HostState) -> None:
        robots_url = origin(url) + "/robots.txt"
        try:
            response = self._fetch_one(robots_url)
        except FetchError as error:
            if error.status is not None and error.status >= 500:
                state.robots_error = (
                    f"{robots_url} answered HTTP {error.status}: not crawling the host "
                    "until it answers (RFC 9309)"
                )
                return
            if error.transient:
                # The host is down or overloaded: every URL on it would fail the same way,
                # after the same retries. Say so once per URL, without asking again.
                state.robots_error = error.reason
                return
            raise FetchError(url, error.reason, error.status, error.transient) from None
        if 400 <= response.status < 500:
            return  # no robots.txt: everything is allowed
        if response.status >= 300:
            return
        state.robots = Protego.parse(response.text)
        delay = state.robots.crawl_delay(self._agent_token)
        if delay:
            state.crawl_delay = float(delay)


class Fetcher(_HostRules):
    """Fetch pages of the allowed hosts politely; see the module docstring for the rules."""

    def __init__(
        self,
        settings: FetchSettings,
        *,
        allowed_origins: set[str] | None = None,
        cache_dir: Path | None = None,
        offline: bool = False,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.settings = settings
        self.allowed_origins = {o.lower() for o in (allowed_origins or set())}
        # Scraping a site on this machine or network (a mirror): its neighbours may serve
        # its images too; for any other site, a post does not get to name them.
        self._local_site = (
            settings.allow_private
            if settings.allow_private is not None
            else any(is_local_address(o) for o in self.allowed_origins)
        )
        self.cache = HttpCache(cache_dir) if cache_dir else None
        self.offline = offline
        if offline and self.cache is None:
            raise ValueError("offline fetching needs a cache folder")
        self._sleep = sleep
        self._clock = clock
        self._hosts: dict[str, _HostState] = {}
        self._hosts_lock = threading.Lock()
        self._verdicts: dict[str, str | None] = {}
        self._slots = threading.BoundedSemaphore(max(1, settings.concurrency))
        self._client = httpx.Client(
            headers={
                "User-Agent": settings.user_agent,
                "Accept": "text/html,*/*;q=0.5",
                "Accept-Encoding": ACCEPT_ENCODING,  # decoded by scraper.netsafe, bounded
            },
            timeout=settings.timeout,
            follow_redirects=False,  # each hop is checked against the host and robots rules
            transport=transport,
        )
        self.log: list[tuple[str, int]] = []  # (url, status or 0) of every real request
        self._log_lock = threading.Lock()

    # -- public -------------------------------------------------------------------------

    def is_allowed_host(self, url: str) -> bool:
        return origin(url) in self.allowed_origins

    def get(self, url: str, *, any_host: bool = False, max_bytes: int | None = None) -> Response:
        """Fetch `url`, following same-host redirects; raise `FetchError` with a reason.

        `any_host` lets a page's images come from other hosts, under the same rules
        (robots.txt, delay, cache); `max_bytes` caps this response lower than the setting.
        """
        current = url
        for _hop in range(MAX_REDIRECTS + 1):
            where = "redirects to" if current != url else "is on"
            if not any_host and not self.is_allowed_host(current):
                raise FetchError(
                    url, f"{where} another host ({origin(current)}); not fetched", disallowed=True
                )
            # A router, a cloud metadata service: not requested on a post's say-so.
            problem = self._address_problem(current)
            if problem is not None:
                raise FetchError(
                    url, f"{where} {problem} ({origin(current)}); not fetched", disallowed=True
                )
            self._check_robots(url, current)
            response = self._fetch_one(current, max_bytes)
            if response.status in REDIRECT_STATUSES:
                location = response.headers.get("location")
                if not location:
                    raise FetchError(url, f"HTTP {response.status} without a Location")
                try:
                    current = urljoin(current, location)
                    _ = urlsplit(current).port  # a bad port raises ValueError here
                except ValueError:
                    raise FetchError(url, f"redirects to {location!r}, not an address") from None
                continue
            response.url = url
            if response.status in GONE_STATUSES:
                raise FetchError(url, f"HTTP {response.status} (page not found)", response.status)
            if response.status >= 400:
                raise FetchError(url, f"HTTP {response.status}", response.status)
            return response
        raise FetchError(url, f"more than {MAX_REDIRECTS} redirects")

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def cached_target(self, url: str) -> str:
        """Where `url` leads according to cached redirects (no request is made)."""
        current = url
        for _hop in range(MAX_REDIRECTS):
            cached = self.cache.load(current) if self.cache else None
            if cached is None or not cached[0].get("location"):
                break
            current = urljoin(current, cached[0]["location"])
        return current

    def fetched_at(self, url: str) -> float | None:
        """When the cached copy of `url` was fetched (a Unix time), or None."""
        cached = self.cache.load(url) if self.cache else None
        stamp = cached[0].get("fetched_at") if cached else None
        return float(stamp) if isinstance(stamp, (int, float)) else None

    def remember_redirect(self, url: str, target: str) -> None:
        """Cache a redirect learnt without asking (a `/?p=ID` shortlink the REST API named),
        so `cached_target` follows it; a later `get` still asks the server."""
        if self.cache is not None and not self.offline:
            self.cache.store(url, {"status": 301, "location": target})

    @property
    def request_count(self) -> int:
        with self._log_lock:
            return len(self.log)

    # -- one URL, with cache and retries ------------------------------------------------

    def _fetch_one(self, url: str, max_bytes: int | None = None) -> Response:
        cached = self.cache.load(url) if self.cache else None
        if self.offline:
            if cached is None:
                raise FetchError(
                    url,
                    "not in the cache (no earlier run fetched it): run without {offline}",
                )
            return self._from_cache(url, *cached)
        conditional: dict[str, str] = {}
        if cached and cached[0].get("status") == 200:
            meta = cached[0]
            if meta.get("etag"):
                conditional["If-None-Match"] = meta["etag"]
            if meta.get("last_modified"):
                conditional["If-Modified-Since"] = meta["last_modified"]
        response = self._request_with_retries(url, conditional, max_bytes)
        if response.status == 304 and cached:
            return self._from_cache(url, *cached)
        if self.cache and (
            response.status == 200
            or response.status in GONE_STATUSES
            or response.status in REDIRECT_STATUSES
        ):
            self.cache.store(
                url,
                {
                    "status": response.status,
                    "etag": response.headers.get("etag", ""),
                    "last_modified": response.headers.get("last-modified", ""),
                    "content_type": response.headers.get("content-type", ""),
                    "location": response.headers.get("location", ""),
                    "fetched_at": time.time(),  # for a sitemap's lastmod to compare with
                    # The REST API's totals, needed again when a revalidation answers 304.
                    "wp": {k: v for k, v in response.headers.items() if k.startswith("x-wp-")},
                },
                response.content if response.status == 200 else b"",
            )
        return response

    def _from_cache(self, url: str, meta: dict[str, Any], body: bytes) -> Response:
        headers = {"content-type": meta.get("content_type", "")}
        if meta.get("location"):
            headers["location"] = meta["location"]
        headers.update(meta.get("wp") or {})
        return Response(url, url, int(meta.get("status", 200)), body, headers, from_cache=True)

    def _request_with_retries(
        self, url: str, extra_headers: dict[str, str], max_bytes: int | None = None
    ) -> Response:
        attempts = self.settings.retries + 1
        reason = ""
        for attempt in range(attempts):
            wait = self.settings.backoff * (2**attempt)
            try:
                response = self._request(url, extra_headers, max_bytes)
            except httpx.TimeoutException:
                reason = f"timed out after {self.settings.timeout:g} s"
            except httpx.TransportError as error:
                reason = f"cannot connect ({_short(error)})"
            else:
                if response.status not in RETRY_STATUSES:
                    return response
                reason = f"HTTP {response.status}"
                retry_after = _retry_after(response.headers.get("retry-after"))
                if retry_after is not None:
                    wait = min(retry_after, self.settings.max_retry_after)
                if attempt + 1 == attempts:
                    raise FetchError(
                        url, f"{reason} after {attempts} tries", response.status, transient=True
                    ) from None
            if attempt + 1 < attempts:
                self._sleep(wait)
        raise FetchError(url, f"{reason} after {attempts} tries", transient=True)

    def _request(
        self, url: str, extra_headers: dict[str, str], max_bytes: int | None = None
    ) -> Response:
        with self._slots:
            self._wait_turn(url)
            deadline = time.monotonic() + self.settings.deadline
            status = 0
            try:
                with self._client.stream("GET", url, headers=extra_headers) as response:
                    status = response.status_code
                    content = self._read_capped(url, response, deadline, max_bytes)
                    headers = {k.lower(): v for k, v in response.headers.items()}
            except (httpx.InvalidURL, httpx.UnsupportedProtocol, ValueError, UnicodeError):
                # A post's `<img src="http://1.2.3.999/">` or a bad international name.
                raise FetchError(url, "not a valid address; not fetched") from None
            finally:
                with self._log_lock:
                    self.log.append((url, status))
        return Response(url, url, status, content, headers)

    def _read_capped(
        self, url: str, response: httpx.Response, deadline: float, max_bytes: int | None = None
    ) -> bytes:
        limit = min(self.settings.max_bytes, max_bytes or self.settings.max_bytes)
        declared = response.headers.get("content-length")
        if declared and declared.isdigit() and int(declared) > limit:
            raise FetchError(url, f"response of {int(declared):,} bytes is over the {limit:,} cap")
        try:
            return read_bounded(
                response.iter_raw(), response.headers.get("content-encoding"), limit, deadline
            )
        except UnsafeBody as error:
            raise FetchError(url, str(error)) from None

    def _wait_turn(self, url: str) -> None:
        """Keep `delay` seconds (or the robots.txt Crawl-delay) between requests to a host."""
        state = self._host(url)
        delay = max(self.settings.delay, state.crawl_delay)
        with state.lock:
            now = self._clock()
            if state.next_time > now:
                self._sleep(state.next_time - now)
                now = self._clock()
            state.next_time = now + delay


def _retry_after(value: str | None) -> float | None:
    """Seconds to wait from a Retry-After header (seconds or an HTTP date), or None."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def _short(error: Exception) -> str:
    text = str(error) or type(error).__name__
    return text.splitlines()[0][:120]
