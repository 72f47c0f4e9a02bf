"""What a hostile web server cannot do to a scrape: the address policy and bounded reading.

- `address_problem`: every host is parsed with `ipaddress` after its IPv4 spelling is
  normalised the way `inet_aton` (and so a browser or curl) reads it (`127.1`, `2130706433`,
  `0x7f000001`, `0177.0.0.1`), and a name is resolved first; loopback, private, link-local,
  reserved and cloud-metadata addresses are refused unless the scrape is of a private
  mirror on purpose (then only the metadata addresses are).
- `read_bounded`: a body is read raw and decoded here, not by httpx, so the size cap holds
  before decompression and after it (a 1.8 KB gzip bomb is refused at the cap, never
  inflated), stacked or unknown encodings are refused, and the whole body has a deadline
  (a server sending a byte every few seconds cannot hold a request open).
"""

from __future__ import annotations

import ipaddress
import re
import socket
import time
import zlib
from collections.abc import Iterator
from urllib.parse import urlsplit

# The metadata services of the clouds (AWS, GCP, Azure: 169.254.169.254; AWS over IPv6;
# Alibaba): never fetched, not even for a private mirror.
METADATA_ADDRESSES = frozenset(
    ipaddress.ip_address(a) for a in ("169.254.169.254", "fd00:ec2::254", "100.100.100.200")
)
# What may be a numeric IPv4 host in one of inet_aton's spellings (decimal, octal, hex parts).
_NUMERIC_HOST = re.compile(r"^(0x[0-9a-f]*|[0-9]+)(\.(0x[0-9a-f]*|[0-9]+)){0,3}$", re.I)
# Only these content codings are asked for (Accept-Encoding) and decoded.
ACCEPT_ENCODING = "gzip, deflate"


class UnsafeBody(Exception):
    """A body refused while reading it; the message says why in words."""


Address = ipaddress.IPv4Address | ipaddress.IPv6Address


def host_addresses(host: str, resolve: bool = True) -> list[Address]:
    """The addresses `host` stands for: a literal in any spelling, else what the name resolves to.

    Raises ValueError for a host that looks numeric but is no address (`1.2.3.999`).
    """
    host = _ascii_host(host).strip("[]").rstrip(".").lower()
    try:
        return [ipaddress.ip_address(host)]
    except ValueError:
        pass
    if _NUMERIC_HOST.match(host):
        try:
            # inet_aton reads every legacy IPv4 form; hand-parsing them is what lets one slip.
            return [ipaddress.IPv4Address(socket.inet_aton(host))]
        except OSError:
            raise ValueError(f"{host} is not an IP address") from None
    if not resolve:
        return []
    try:
        infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError):
        return []  # not resolvable: the request fails by itself, as one failure
    found = []
    for info in infos:
        try:
            found.append(ipaddress.ip_address(str(info[4][0]).split("%")[0]))
        except ValueError:
            continue
    return found


def _ascii_host(host: str) -> str:
    """`host` as the HTTP client will connect to it: a non-ASCII host goes through IDNA,
    which maps the dots of other scripts (`169。254。169。254`) and full-width digits to
    ASCII, so a literal address in them is read as the address it becomes.

    Raises ValueError for a host IDNA refuses (the client would refuse it too)."""
    if host.isascii():
        return host
    try:
        return host.encode("idna").decode("ascii")
    except UnicodeError:
        raise ValueError(f"{host} is not a valid host name") from None


def is_private(address: Address) -> bool:
    """Loopback, private, link-local, reserved or otherwise not a public address."""
    mapped = getattr(address, "ipv4_mapped", None)
    if mapped is not None:
        address = mapped
    return not address.is_global or address in METADATA_ADDRESSES


def address_problem(url: str, allow_private: bool, resolve: bool = True) -> str | None:
    """Why `url`'s host may not be fetched (in words), or None when it may."""
    try:
        host = (urlsplit(url).hostname or "").rstrip(".")
    except ValueError:
        return "is not a valid address"
    if host in ("localhost",) or host.endswith(".localhost"):
        return None if allow_private else "a local or private network address"
    try:
        # A private mirror on purpose may name anything but a metadata address, and its
        # literals say so without a DNS request.
        addresses = host_addresses(host, resolve=resolve and not allow_private)
    except ValueError:
        return "is not a valid address"
    for address in addresses:
        if address in METADATA_ADDRESSES or getattr(address, "ipv4_mapped", None) in (
            METADATA_ADDRESSES
        ):
            return "a cloud metadata address"
        if not allow_private and is_private(address):
            return "a local or private network address"
    return None


def read_bounded(
    raw: Iterator[bytes], content_encoding: str | None, limit: int, deadline: float
) -> bytes:
    """The decoded body from its raw chunks, at most `limit` bytes either side of decoding.

    `deadline` is a `time.monotonic()` time: past it the body is refused, however slowly
    it still trickles in. Raises `UnsafeBody`.
    """
    decoder = _decoder(content_encoding)
    chunks: list[bytes] = []
    raw_size = size = 0
    for chunk in raw:
        raw_size += len(chunk)
        if raw_size > limit:
            raise UnsafeBody(f"response is over the {limit:,}-byte cap; not read further")
        for piece in decoder.feed(chunk, limit - size + 1):
            size += len(piece)
            if size > limit:
                raise UnsafeBody(
                    f"response decompresses to over the {limit:,}-byte cap; not read further"
                )
            chunks.append(piece)
        if time.monotonic() > deadline:
            raise UnsafeBody("response took longer than the whole-request deadline; not read on")
    for piece in decoder.flush(limit - size + 1):
        size += len(piece)
        if size > limit:
            raise UnsafeBody(f"response decompresses to over the {limit:,}-byte cap")
        chunks.append(piece)
    return b"".join(chunks)


class _Identity:
    def feed(self, data: bytes, room: int) -> Iterator[bytes]:
        yield data

    def flush(self, room: int) -> Iterator[bytes]:
        yield from ()


class _Inflate:
    """gzip or deflate, never producing more than `room` bytes per step (zlib's max_length)."""

    def __init__(self, gzip: bool) -> None:
        self._gzip = gzip
        self._z = zlib.decompressobj(16 + zlib.MAX_WBITS if gzip else zlib.MAX_WBITS)
        self._started = False

    def feed(self, data: bytes, room: int) -> Iterator[bytes]:
        if not self._started and not self._gzip:
            self._started = True
            try:
                probe = zlib.decompressobj(zlib.MAX_WBITS)
                probe.decompress(data[:2])
            except zlib.error:
                # "deflate" sent as raw DEFLATE without the zlib header, as some servers do.
                self._z = zlib.decompressobj(-zlib.MAX_WBITS)
        try:
            out = self._z.decompress(data, max(room, 1))
            yield out
            while self._z.unconsumed_tail:
                out = self._z.decompress(self._z.unconsumed_tail, max(room, 1))
                yield out
        except zlib.error as error:
            raise UnsafeBody(f"response is not valid compressed data ({error})") from None

    def flush(self, room: int) -> Iterator[bytes]:
        try:
            yield self._z.flush(max(room, 1))
        except zlib.error as error:
            raise UnsafeBody(f"response is not valid compressed data ({error})") from None


def _decoder(content_encoding: str | None) -> _Identity | _Inflate:
    codings = [
        c.strip().lower()
        for c in (content_encoding or "").split(",")
        if c.strip() and c.strip().lower() != "identity"
    ]
    if not codings:
        return _Identity()
    if len(codings) > 1:
        raise UnsafeBody(f"response has stacked encodings ({content_encoding}); refused")
    if codings[0] in ("gzip", "x-gzip"):
        return _Inflate(gzip=True)
    if codings[0] == "deflate":
        return _Inflate(gzip=False)
    raise UnsafeBody(f"response has an encoding tipbook did not ask for ({codings[0]}); refused")
