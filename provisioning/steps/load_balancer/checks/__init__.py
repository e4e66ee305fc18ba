"""Step 5's checks: pure functions of its snapshot (plus probe results), one module per related group."""
