class TokenConverter:
    """Invite tokens are URL-safe base64 (secrets.token_urlsafe)."""

    regex = r"[A-Za-z0-9_-]{1,64}"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value
