"""The client's network address, as far as our own infrastructure vouches for it."""

import ipaddress

from django.conf import settings


def client_address(request) -> str:
    """REMOTE_ADDR; behind TRUSTED_PROXY_COUNT proxies, the address the outermost
    of them saw, read from the right of X-Forwarded-For. Entries further left
    were written by the client and prove nothing: a forged header cannot pick
    the address that rate limits count."""
    hops = settings.TRUSTED_PROXY_COUNT
    address = request.META.get("REMOTE_ADDR", "")
    if hops:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if len(forwarded) >= hops:
            address = forwarded[-hops]
    return _network(address)


def _network(address: str) -> str:
    """An IPv6 address as its /64: one subscriber gets a whole /64 and may use
    any address in it, so rate limits count the network, not the address."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if ip.version == 4:
        return str(ip)
    if ip.ipv4_mapped is not None:  # ::ffff:192.0.2.1 is 192.0.2.1
        return str(ip.ipv4_mapped)
    return str(ipaddress.ip_network(f"{ip}/64", strict=False))
