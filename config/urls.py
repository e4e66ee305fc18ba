"""URLs. Pages live under /ja/ and /en/; the sandbox gateway and admin do not depend on a language."""

from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("sandbox-aws/", include("provisioning.sandbox.urls")),
    path("admin/", admin.site.urls),
]

urlpatterns += i18n_patterns(
    path("accounts/", include("tutorial.learning.account_urls")),
    path("learn/", include("tutorial.learning.urls")),
    path("classes/", include("tutorial.classes.urls")),
    path("sandbox/console/", include("tutorial.console.urls")),
    path("", include("tutorial.urls")),
    prefix_default_language=True,
)
