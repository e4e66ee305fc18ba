"""Signals of the sandbox: what others may hook into without the sandbox knowing them.

`account_changed(sender, account, service, action)`: the gateway forwarded a learner's write (any action that is
not a Describe/Get/List) and the sandbox accepted it (`gateway.account_changed` sends it). The learner side
re-checks on it (auto-check). Receivers should not raise: the learner's command has already succeeded.
"""

from __future__ import annotations

import django.dispatch

account_changed = django.dispatch.Signal()
