"""Admin for the learner's data. Encrypted secrets are neither shown nor editable here."""

from django.contrib import admin

from .models import Connection, RecipeJob, Result, Run, SectionProgress


@admin.register(Connection)
class ConnectionAdmin(admin.ModelAdmin):
    list_display = ("user", "kind", "region", "account_id", "sandbox_account", "allows_provisioning", "validated_at")
    list_filter = ("kind",)
    search_fields = ("user__username", "account_id", "sandbox_account")
    exclude = ("access_key_id_encrypted", "secret_access_key_encrypted")
    readonly_fields = ("external_id", "validated_at", "account_id")


class ResultInline(admin.TabularInline):
    model = Result
    extra = 0
    fields = ("check_id", "section", "status", "message_en", "transient")
    readonly_fields = fields
    can_delete = False


@admin.register(Run)
class RunAdmin(admin.ModelAdmin):
    list_display = ("pk", "user", "tutorial", "step", "state", "trigger", "created_at", "aws_api_calls", "error_code")
    list_filter = ("state", "trigger", "tutorial", "step")
    search_fields = ("user__username",)
    inlines = [ResultInline]


@admin.register(SectionProgress)
class SectionProgressAdmin(admin.ModelAdmin):
    list_display = ("user", "tutorial", "step", "section", "complete", "updated_at")
    list_filter = ("complete", "tutorial", "step", "section")


@admin.register(RecipeJob)
class RecipeJobAdmin(admin.ModelAdmin):
    list_display = ("pk", "user", "recipe", "section", "state", "progress", "created_at")
    list_filter = ("recipe", "state")
