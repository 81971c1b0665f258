"""The Wagtail admin of learner progress (read-only): the enrolment listing with
each learner's progress through the course's live lessons, filters and XLSX/CSV
export. ``viewsets`` defines what ``courses.wagtail_hooks`` registers, ``views``
the listing and the reads it makes, ``filters`` the listing filters."""
