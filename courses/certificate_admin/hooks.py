"""Admin registration (imported by courses.wagtail_hooks)."""
