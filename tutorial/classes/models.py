"""Classes and enrollments (built in the classes issue)."""
