"""The learning side: tutorial content, reading pages, and (in sub-apps) learners' runs and classes."""
