"""Path converters shared by the apps' URLs, registered when this module is first imported."""

from django.urls import register_converter


class UsernameConverter:
    """What Django's username validator allows: anything else (NUL bytes, slashes)
    is a 404 before any query runs."""

    regex = r"[\w.@+-]{1,150}"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(UsernameConverter, "username")
