"""What the roadmap app tells the apps above it (which it may not import)."""

from django.dispatch import Signal

# Sent by services.content_changed, in the transaction of a content write: what
# is kept per learner against the content (progress.summary) is brought up to it.
content_changed = Signal()
