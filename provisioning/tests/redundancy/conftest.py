from provisioning.sandbox.testing import (  # noqa: F401
    sandbox_account,
    sandbox_server,
    sandbox_spec,
)
