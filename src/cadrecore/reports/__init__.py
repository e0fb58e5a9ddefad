"""Turning reports into text, Markdown, HTML and spreadsheets: one renderer per format."""
