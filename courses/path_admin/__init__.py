"""The Wagtail admin of learning paths (学习路径): the path-enrolment listing
(learner, path, current stage, status, due date, mentor) where training admins set a
learner's mentor and enrol a learner on a path, and the sign-off queue of practical
tasks waiting for a trainer's or training admin's sign-off. ``viewsets`` defines the
listing, ``views`` the forms and the queue, ``hooks`` registers them (imported by
``courses.wagtail_hooks``)."""
