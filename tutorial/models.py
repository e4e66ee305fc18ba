"""The tutorial app keeps its content in files (content/), loaded and cached; it has no tables of its own."""
