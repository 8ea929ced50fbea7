class UsernameConverter:
    """What Django's username validator allows: anything else (NUL bytes, slashes)
    is a 404 before any query runs."""

    regex = r"[\w.@+-]{1,150}"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


class TokenConverter:
    """Invite tokens are URL-safe base64 (secrets.token_urlsafe)."""

    regex = r"[A-Za-z0-9_-]{1,64}"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value
