"""Shared look of the page's views."""

# The views keep their own light background so they stay readable in the dark theme too.
PAPER = "background: #ffffff; color: #263238; border-radius: 6px; padding: 4px"
