"""The AWS side: credentials to sessions, snapshot, checks, probes, recipes, the sandbox AWS, thin tasks.

It knows nothing of pages, classes or users beyond the credentials it is handed (see `types.ConnectionSpec`).
"""
