"""tipbook: the Customer Service Tip of the Week archive as a living handbook."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("tipbook")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0"
