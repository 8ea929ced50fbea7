"""Date formats per language, by Django's names (templates write
|date:"DATE_FORMAT", never a pattern of one language)."""
