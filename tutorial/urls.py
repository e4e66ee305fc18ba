"""URL routes (filled in by the issue that builds them)."""

app_name = "tutorial"

urlpatterns: list = []
