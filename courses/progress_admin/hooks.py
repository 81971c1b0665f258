"""Admin registration of the overdue report and learner archives (imported by
courses.wagtail_hooks)."""
