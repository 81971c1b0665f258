"""Wagtail hooks of the learning domain: registration only."""
