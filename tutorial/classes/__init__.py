"""Classes, enrollments and the instructor's live progress dashboard."""
