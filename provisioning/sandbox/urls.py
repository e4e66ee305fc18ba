"""The learner gateway to the sandbox AWS, mounted at /sandbox-aws/ (outside i18n): every path goes to one view."""

from django.urls import re_path
from django.views.decorators.csrf import csrf_exempt

from provisioning.sandbox.gateway import sandbox_gateway

app_name = "sandbox"

# An AWS API endpoint authenticated by SigV4, not by a browser session: CSRF does not apply.
urlpatterns = [re_path(r"^(?P<path>.*)$", csrf_exempt(sandbox_gateway), name="gateway")]
