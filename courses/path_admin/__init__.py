"""Wagtail admin of path_admin."""
