"""What views share: selectors return None for what does not exist, and a view
answers 404 for it (a selector never raises an HTTP answer)."""

from django.http import Http404


def or_404[T](found: T | None, message: str) -> T:
    if found is None:
        raise Http404(message)
    return found
