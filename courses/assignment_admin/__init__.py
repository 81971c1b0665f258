"""Wagtail admin of assignment_admin."""
