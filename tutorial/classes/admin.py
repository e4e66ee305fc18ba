"""Admin: classes with their roster; instructors are granted in Users (permission classes.add_classroom)."""

from django.contrib import admin

from .models import ClassCheck, Classroom, Enrollment


class EnrollmentInline(admin.TabularInline):
    model = Enrollment
    extra = 0
    raw_id_fields = ["user"]
    readonly_fields = ["joined_at"]


@admin.register(Classroom)
class ClassroomAdmin(admin.ModelAdmin):
    list_display = ["name", "instructor", "tutorial", "region", "allow_real_aws_solve", "ends_at", "closed_at"]
    list_filter = ["tutorial", "allow_real_aws_solve"]
    search_fields = ["name", "instructor__username"]
    raw_id_fields = ["instructor"]
    readonly_fields = ["join_code", "created_at", "closed_at"]
    inlines = [EnrollmentInline]


@admin.register(ClassCheck)
class ClassCheckAdmin(admin.ModelAdmin):
    list_display = ["classroom", "step", "started_by", "created_at"]
    raw_id_fields = ["classroom", "started_by"]
