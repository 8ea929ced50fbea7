"""{% calendar_feed_section %}: the study calendar's section on progress's own
calendar page (the account page shows it through its slot, mlepath.slots)."""

from django import template

from progress.account_section import TEMPLATE, calendar_section

register = template.Library()
register.inclusion_tag(TEMPLATE, takes_context=True, name="calendar_feed_section")(calendar_section)
