"""The one address guard: resolve the host, then refuse loopback, private, link-local,
reserved, multicast and unspecified addresses, whatever the spelling (`2130706433`,
`0x7f000001`, `[::ffff:7f00:1]`, `127.1`): the resolver reads them all, `ipaddress` judges.

Used by crawler.middlewares.SafetyMiddleware on every request (redirects and meta refreshes
included), for crawls and check-site alike; local profiles switch it off.
"""

from __future__ import annotations

import asyncio
import ipaddress

# Address blocks that carry an IPv4 address inside an IPv6 one (judged by the IPv4 inside).
_NAT64 = ipaddress.ip_network("64:ff9b::/96")


def forbidden_address(addr: str) -> bool:
    """True for any address a crawl of the public web must not reach."""
    try:
        ip = ipaddress.ip_address(addr.split("%", 1)[0])
    except ValueError:
        return True  # not an address at all: refuse rather than guess
    if isinstance(ip, ipaddress.IPv6Address):
        inner = ip.ipv4_mapped or ip.sixtofour or (ip.teredo[1] if ip.teredo else None)
        if inner is None and ip in _NAT64:
            inner = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
        if inner is not None and forbidden_address(str(inner)):
            return True
    return (
        not ip.is_global
        or ip.is_loopback
        or ip.is_private
        or ip.is_link_local
        or ip.is_reserved
        or ip.is_multicast
        or ip.is_unspecified
    )


class AddressGuard:
    """Per-crawl cache of verdicts by host (not module state: one guard per crawler)."""

    def __init__(self) -> None:
        self._verdicts: dict[str, bool] = {}  # host -> forbidden

    def cached(self, host: str) -> bool | None:
        return self._verdicts.get(host)

    async def check(self, host: str) -> bool:
        """True if `host` resolves to a forbidden address (any of its addresses)."""
        if host in self._verdicts:
            return self._verdicts[host]
        try:
            infos = await asyncio.get_running_loop().getaddrinfo(host, None)
            addresses = [str(info[4][0]) for info in infos]
        except (OSError, UnicodeError, ValueError):
            addresses = []  # unresolvable: the download fails on its own, counted as error
        verdict = any(forbidden_address(a) for a in addresses)
        self._verdicts[host] = verdict
        return verdict
