"""A learner's loop: accounts, AWS connections, runs and their results, progress, recipe jobs."""
