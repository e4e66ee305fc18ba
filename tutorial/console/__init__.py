"""The sandbox console: a small AWS console over the learner's own sandbox account (views over provisioning.console)."""
