"""{% slot "name" argument=value %}: what the higher apps put in a lower app's
page (mlepath.slots), each part rendered by its own template."""

from django import template
from django.utils.html import format_html_join

from mlepath import slots

register = template.Library()


@register.simple_tag(takes_context=True)
def slot(context, name, **arguments):
    parts = []
    for filler in slots.fillers(name):
        part = context.template.engine.get_template(filler.template_name)
        values = context.new(filler.context(context, **arguments))
        # As an inclusion tag does: the part's forms need the page's CSRF token.
        if (token := context.get("csrf_token")) is not None:
            values["csrf_token"] = token
        parts.append(part.render(values))
    # Each part is a rendered template (escaped by it): joined as it is.
    return format_html_join("", "{}", ((part,) for part in parts))
