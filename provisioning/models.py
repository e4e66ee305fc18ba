"""provisioning keeps no tables: what it returns is stored by its callers."""
