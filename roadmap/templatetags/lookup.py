from django import template

register = template.Library()


@register.filter
def get_item(mapping, key):
    """``{{ statuses|get_item:topic.pk }}``: look a key up in a dict."""
    return mapping.get(key) if mapping else None
