"""The client's network address, as far as our own infrastructure vouches for it."""

from django.conf import settings


def client_address(request) -> str:
    """REMOTE_ADDR; behind TRUSTED_PROXY_COUNT proxies, the address the outermost
    of them saw, read from the right of X-Forwarded-For. Entries further left
    were written by the client and prove nothing: a forged header cannot pick
    the address that rate limits count."""
    hops = settings.TRUSTED_PROXY_COUNT
    if hops:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if len(forwarded) >= hops:
            return forwarded[-hops]
    return request.META.get("REMOTE_ADDR", "")
