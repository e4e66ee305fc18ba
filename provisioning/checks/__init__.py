"""The check catalog: pure functions of a snapshot (plus probe results), one module per related group.

`registry.CHECKS` maps each check id to its function and metadata; `sg_rules` is the one helper reading SG rules.
"""
