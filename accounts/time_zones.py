"""One rule for every date a person reads: in their own time zone. Requests of
a signed-in user run in theirs (TimeZoneMiddleware), so templates' date
filters and timezone.localdate() give their day; mail the worker sends runs in
its recipient's (`with timezone.override(zone_of(user))`)."""

import zoneinfo

from django.utils import timezone


def zone_of(user) -> zoneinfo.ZoneInfo:
    """The user's time zone (the account's setting), UTC if unset or unknown."""
    try:
        return zoneinfo.ZoneInfo(getattr(user, "time_zone", "") or "UTC")
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")


class TimeZoneMiddleware:
    """Activates the signed-in user's time zone for the request (after
    AuthenticationMiddleware); visitors read UTC, the site's default."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return self.get_response(request)
        with timezone.override(zone_of(user)):
            return self.get_response(request)
