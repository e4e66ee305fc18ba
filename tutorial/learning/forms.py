"""Forms of the learner's side: sign up and the three ways to connect AWS.

Forms only check shape; whether a connection works is decided by the services (connections.py), which turn every
failure into one message that the view attaches to the form.
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import UserCreationForm
from django.utils.translation import gettext_lazy as _

COMMON_REGIONS = (
    "ap-northeast-1",
    "ap-northeast-3",
    "us-east-1",
    "us-west-2",
    "eu-west-1",
    "eu-central-1",
    "ap-southeast-1",
)


def _learner_name_fields() -> dict:
    """The classes app's name fields (display name, student number), shown to instructors."""
    from tutorial.classes.forms import LearnerNameFields

    return dict(LearnerNameFields.base_fields)


class SignupForm(UserCreationForm):
    email = forms.EmailField(label=_("Email"), required=True, help_text=_("Used only to reset your password."))

    class Meta(UserCreationForm.Meta):
        model = get_user_model()
        fields = ("username", "email")

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        from tutorial.classes.forms import LearnerNameFields

        for name, field in _learner_name_fields().items():
            self.fields[name] = field.__deepcopy__({})
            cleaner = getattr(LearnerNameFields, f"clean_{name}", None)
            if cleaner is not None:
                setattr(self, f"clean_{name}", cleaner.__get__(self))

    def save(self, commit: bool = True):
        user = super().save(commit=commit)
        if commit:
            from tutorial.classes.services import learner_profile_set

            learner_profile_set(
                user=user,
                display_name=self.cleaned_data.get("display_name", ""),
                student_number=self.cleaned_data.get("student_number", ""),
            )
        return user


class _RegionMixin(forms.Form):
    region = forms.CharField(
        label=_("Region"),
        max_length=32,
        initial=settings.AWS_DEFAULT_REGION,
        widget=forms.TextInput(attrs={"list": "aws-regions", "autocomplete": "off", "spellcheck": "false"}),
    )


class SandboxConnectForm(_RegionMixin):
    pass


class RoleConnectForm(_RegionMixin):
    role_arn = forms.CharField(
        label=_("Role ARN"),
        max_length=2048,
        widget=forms.TextInput(
            attrs={"placeholder": "arn:aws:iam::123456789012:role/handson-lab-access", "spellcheck": "false"}
        ),
    )
    allows_provisioning = forms.BooleanField(
        label=_("I deployed the stack with AllowProvisioning=true (“do it for me”)"), required=False
    )
    field_order = ["role_arn", "region", "allows_provisioning"]


class KeysConnectForm(_RegionMixin):
    access_key_id = forms.CharField(
        label=_("Access key ID"), max_length=128, widget=forms.TextInput(attrs={"autocomplete": "off"})
    )
    # render_value=False: a secret is never sent back to the browser, not even after a failed save.
    secret_access_key = forms.CharField(
        label=_("Secret access key"),
        max_length=256,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
    )
    field_order = ["access_key_id", "secret_access_key", "region"]
