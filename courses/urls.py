"""Learner-facing endpoints of the learning domain that are not pages."""

from django.urls import path

from courses import views

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
]
