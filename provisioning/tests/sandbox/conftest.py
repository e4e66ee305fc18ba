"""Fixtures of the sandbox tests live in provisioning.sandbox.testing (shared with the recipe tests)."""

pytest_plugins = ["provisioning.sandbox.testing"]
