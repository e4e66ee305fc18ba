"""Forms of classes: the class form (create and edit) and the join-by-code form."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from .catalog import tutorial_choices
from .models import DISPLAY_NAME_MAX, STUDENT_NUMBER_MAX, Classroom

# ASCII only, matched whole: `\d` would accept full-width digits (ap-northeast-１) and `$` a trailing newline.
REGION_RE = re.compile(r"[a-z]{2}(?:-[a-z]+)+-[0-9]{1,2}", re.ASCII)
# A class ends within this window. Outside it the date is a typo, and near year 1 or 9999 the conversion to UTC
# overflows (OverflowError, a 500) before any model validation runs.
ENDS_AT_MIN = datetime(2000, 1, 1, tzinfo=UTC)
ENDS_AT_MAX = datetime(2100, 1, 1, tzinfo=UTC)


class ClassroomForm(forms.ModelForm):
    tutorial = forms.ChoiceField(label=_("Tutorial"), choices=())
    ends_at = forms.DateTimeField(
        label=_("Ends at"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_("When it passes, the class closes and learners on real AWS are asked to clean up."),
    )

    class Meta:
        model = Classroom
        fields = ["name", "tutorial", "region", "allow_real_aws_solve", "ends_at"]
        labels = {"name": _("Name"), "region": _("AWS region")}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["tutorial"].choices = tutorial_choices()

    def clean_region(self) -> str:
        from tutorial.learning.connections import available_regions

        region = self.cleaned_data["region"].strip()
        if not REGION_RE.fullmatch(region) or region not in available_regions():
            raise forms.ValidationError(_("Enter an AWS region such as ap-northeast-1."))
        return region

    def clean_ends_at(self):
        ends_at = self.cleaned_data.get("ends_at")
        if ends_at is None:
            return None
        try:
            in_range = ENDS_AT_MIN <= ends_at.astimezone(UTC) < ENDS_AT_MAX
        except (OverflowError, ValueError):
            in_range = False
        if not in_range:
            raise forms.ValidationError(_("Enter a date between the years 2000 and 2099."))
        return ends_at


class LearnerNameFields(forms.Form):
    """How the learner appears to instructors (used on the sign-up and join forms)."""

    display_name = forms.CharField(
        label=_("Name shown to your instructor"),
        max_length=DISPLAY_NAME_MAX,
        required=False,
        help_text=_("For example your full name. Other learners do not see it."),
    )
    student_number = forms.CharField(
        label=_("Student number (optional)"), max_length=STUDENT_NUMBER_MAX, required=False
    )

    def clean_display_name(self) -> str:
        return " ".join(self.cleaned_data.get("display_name", "").split())

    def clean_student_number(self) -> str:
        value = self.cleaned_data.get("student_number", "").strip()
        if any(not ch.isprintable() for ch in value):
            raise forms.ValidationError(_("Use letters, digits and punctuation only."))
        return value


class JoinForm(forms.Form):
    code = forms.CharField(label=_("Join code"), max_length=16)


class NoteForm(forms.Form):
    text = forms.CharField(
        label=_("Note to the student"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Shown on the student's step page. Leave empty to remove the note."),
    )
