"""A status in words has one home, Status's labels (issue #26, item 3): the
templates show them through the status_label filter and write none out."""

import re
from pathlib import Path

from django.conf import settings
from django.template import Context, Template

from progress.models import Status

TEMPLATES = Path(settings.BASE_DIR) / "templates"


def test_the_filter_says_each_status_as_status_labels_it():
    template = Template("{% load statuses %}{{ value|status_label }}")
    for status in Status:
        assert template.render(Context({"value": status.value})) == status.label
    assert template.render(Context({"value": ""})) == "Not started"
    assert template.render(Context({"value": "nonsense"})) == ""


def test_no_template_writes_a_status_label_out_after_comparing_a_status():
    # e.g. {% if status == statuses.DONE %}Done{% elif ... %}: a second copy of the labels.
    labels = "|".join(re.escape(str(status.label)) for status in Status)
    # Written as it is, or marked for translation: a second copy either way.
    written_out = re.compile(rf"statuses\.[A-Z_]+ %\}}\s*(?:\{{% translate \")?({labels})\b", re.IGNORECASE)
    found = {
        path.relative_to(TEMPLATES).as_posix(): match.group(0)
        for path in TEMPLATES.rglob("*.html")
        for match in written_out.finditer(path.read_text())
    }
    assert found == {}
