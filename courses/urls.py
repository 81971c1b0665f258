"""Learner-facing endpoints of the learning domain that are not pages."""

from django.urls import path

from courses import path_views, progress_views, views

app_name = "courses"
urlpatterns = [
    path("quizzes/<int:quiz_id>/start/", views.quiz_start, name="quiz_start"),
    path("attempts/<int:attempt_id>/", views.attempt_take, name="attempt"),
    path("attempts/<int:attempt_id>/save/", views.attempt_save, name="attempt_save"),
    path(
        "attempts/<int:attempt_id>/result/",
        views.attempt_result,
        name="attempt_result",
    ),
    path(
        "courses/<int:course_id>/enroll/",
        progress_views.course_enroll_view,
        name="course_enroll",
    ),
    path(
        "lessons/<int:lesson_id>/complete/",
        progress_views.lesson_complete_view,
        name="lesson_complete",
    ),
    path(
        "lessons/<int:lesson_id>/position/",
        progress_views.lesson_position_view,
        name="lesson_position",
    ),
    path(
        "paths/<int:path_id>/enroll/",
        path_views.path_enroll_view,
        name="path_enroll",
    ),
    path("signoffs/", path_views.signoff_list_view, name="signoffs"),
    path(
        "signoffs/<int:enrollment_id>/<int:stage_id>/",
        path_views.signoff_view,
        name="signoff",
    ),
]
