"""The Wagtail admin of feedback forms: the form snippet, the submission listing,
detail, exports and review workflow, and the follow-up list. ``viewsets`` defines
what ``courses.wagtail_hooks`` registers; ``views`` and ``forms`` hold the views and
forms, ``filters`` the listing filters (the review writes are in
``courses.services.feedback_review``). The summary
views (``summary``) are mounted under /admin/feedback/summary/."""
