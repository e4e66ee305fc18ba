"""Fixtures of the sandbox and recipe tests live in provisioning.sandbox.testing (shared by both directories).

Imported, not listed in `pytest_plugins`: pytest accepts that only in the top-level conftest.
"""

from provisioning.sandbox.testing import (  # noqa: F401
    other_sandbox_account,
    sandbox_account,
    sandbox_server,
    sandbox_spec,
)
