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
    """Per-crawl cache of verdicts by host (not module state: one guard per crawler).
    `allowed`: addresses or networks let through although not public (an intranet host;
    tests use one loopback address and forbid the rest of 127.0.0.0/8)."""

    def __init__(self, allowed: list[str] | tuple[str, ...] = ()) -> None:
        self._verdicts: dict[str, bool] = {}  # host -> forbidden
        self._allowed = [ipaddress.ip_network(a, strict=False) for a in allowed]

    def forbidden(self, addr: str) -> bool:
        if self._allowed:
            try:
                ip = ipaddress.ip_address(addr.split("%", 1)[0])
            except ValueError:
                return True
            if any(ip in net for net in self._allowed):
                return False
        return forbidden_address(addr)

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
        verdict = any(self.forbidden(a) for a in addresses)
        self._verdicts[host] = verdict
        return verdict
