"""Forms of classes: the class form (create and edit) and the join-by-code form."""

from __future__ import annotations

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from .catalog import tutorial_choices
from .models import Classroom

REGION_RE = re.compile(r"^[a-z]{2}(-gov)?-[a-z]+-\d$")


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
        region = self.cleaned_data["region"].strip()
        if not REGION_RE.match(region):
            raise forms.ValidationError(_("Enter an AWS region such as ap-northeast-1."))
        return region


class JoinForm(forms.Form):
    code = forms.CharField(label=_("Join code"), max_length=16)
