"""A Slowloris client for the servers' tests: one header line every 0.2 s, never the blank
line that ends the head (a header line resets an idle timeout, not a head deadline)."""

from __future__ import annotations

import contextlib
import socket
import time

import pytest


def seconds_until_cut_off(port: int, give_up_after: float) -> float:
    """Trickle headers at 127.0.0.1:`port` until the server closes the connection; how long
    that took (the test fails if it never does within `give_up_after` seconds)."""
    with socket.create_connection(("127.0.0.1", port)) as client:
        client.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        started = time.monotonic()
        with pytest.raises(OSError):
            while time.monotonic() - started < give_up_after:
                time.sleep(0.2)
                client.sendall(b"X-Slow: yes\r\n")
                client.setblocking(False)
                with contextlib.suppress(BlockingIOError):
                    if client.recv(1024) == b"":
                        raise ConnectionResetError("closed by the server")
                client.setblocking(True)
        return time.monotonic() - started
