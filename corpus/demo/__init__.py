"""Offline demo portal: five outlets' pages rendered from content data, served on 127.0.0.1.

``DemoServer`` serves it, ``build_site`` renders it, ``expected`` describes its ground truth.
"""

from __future__ import annotations

from corpus.demo.expected import Expected, ExpectedArticle, ExpectedLink, expected
from corpus.demo.server import DemoServer
from corpus.demo.site import build_site

__all__ = ["DemoServer", "Expected", "ExpectedArticle", "ExpectedLink", "build_site", "expected"]
