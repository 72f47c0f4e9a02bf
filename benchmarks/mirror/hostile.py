"""A hostile web server on loopback: each path answers with one attack, byte for byte.

`HostileServer().start()` listens on an ephemeral 127.0.0.1 port; `serve(path, answer)`
sets what a path answers, where an answer is a function writing to the raw socket file
(so a test can trickle bytes, stack encodings or lie in headers). The builders below make
the attacks of issue #21: compression bombs, an entity bomb, a slow trickle.
"""

from __future__ import annotations

import contextlib
import functools
import struct
import threading
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import BinaryIO

Answer = Callable[[BinaryIO], None]
GIB = 1 << 30


@dataclass
class HostileServer:
    answers: dict[str, Answer] = field(default_factory=dict)
    requests: list[str] = field(default_factory=list)
    base_url: str = ""
    _server: ThreadingHTTPServer | None = None

    def serve(self, path: str, answer: Answer) -> str:
        self.answers[path] = answer
        return self.base_url + path

    def start(self) -> HostileServer:
        hostile = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                hostile.requests.append(self.path)
                answer = hostile.answers.get(self.path.split("?")[0])
                if answer is None:
                    answer = plain(404, "text/plain", b"not found")
                # The client giving up (a broken pipe) is what an attack is for.
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    answer(self.wfile)
                self.close_connection = True

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.base_url = f"http://127.0.0.1:{self._server.server_address[1]}"
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()


def _head(status: int, headers: dict[str, str]) -> bytes:
    lines = [f"HTTP/1.1 {status} X"] + [f"{k}: {v}" for k, v in headers.items()]
    return ("\r\n".join([*lines, "Connection: close", "", ""])).encode("latin-1")


def plain(status: int, content_type: str, body: bytes, **extra: str) -> Answer:
    headers = {"Content-Type": content_type, "Content-Length": str(len(body)), **extra}

    def answer(out: BinaryIO) -> None:
        out.write(_head(status, headers) + body)

    return answer


@functools.cache
def gzip_of_zeros(size: int, layers: int) -> bytes:
    """`size` zero bytes (whole MiB) gzipped `layers` times (1 GiB twice gzipped is about
    2.5 KB). Each layer is the one below gzipped again, so the gigabyte is made once."""
    if layers > 1:
        packer = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
        return packer.compress(gzip_of_zeros(size, layers - 1)) + packer.flush()
    # Deflate starts afresh after a full flush, so every MiB of zeros compresses to the same
    # bytes: one compressed MiB repeated, in gzip's frame (RFC 1952: header, deflate data,
    # CRC-32 and size). Compressing the gigabyte itself takes 10 s or more.
    packer = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    block = bytes(1 << 20)
    chunk = packer.compress(block) + packer.flush(zlib.Z_FULL_FLUSH)
    crc = 0
    for _ in range(size >> 20):
        crc = zlib.crc32(block, crc)
    header = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff"  # gzip, deflate, no name, mtime 0
    trailer = struct.pack("<II", crc, size & 0xFFFFFFFF)
    return header + chunk * (size >> 20) + packer.flush() + trailer


def compression_bomb(content_type: str, size: int = GIB, layers: int = 2) -> Answer:
    """A body of `size` zeros once decoded, sent gzipped `layers` times, as the header says."""
    body = gzip_of_zeros(size, layers)
    encoding = ", ".join(["gzip"] * layers)
    return plain(200, content_type, body, **{"Content-Encoding": encoding})


def entity_bomb_feed(references: int = 20_000, entity_size: int = 30_000) -> Answer:
    """An RSS feed with one big internal entity referenced `references` times (~100 KB)."""
    entity = "A" * entity_size
    refs = "&big;" * references
    feed = (
        f'<?xml version="1.0"?>\n<!DOCTYPE rss [<!ENTITY big "{entity}">]>\n'
        '<rss version="2.0"><channel><title>Tips</title>'
        f"<item><title>Bomb</title><link>http://127.0.0.1/bomb/</link>"
        f"<description>{refs}</description></item></channel></rss>"
    ).encode()
    return plain(200, "application/rss+xml", feed)


def trickle(content_type: str, seconds: float, every: float = 0.25) -> Answer:
    """Headers at once, then one byte every `every` seconds for `seconds` (then the end)."""
    count = int(seconds / every)

    def answer(out: BinaryIO) -> None:
        out.write(_head(200, {"Content-Type": content_type, "Content-Length": str(count)}))
        out.flush()
        for _ in range(count):
            time.sleep(every)
            out.write(b"a")
            out.flush()

    return answer
