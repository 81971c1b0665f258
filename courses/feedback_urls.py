"""Public feedback-form URLs, mounted at ``/feedback/`` (namespace ``feedback``)."""

from django.urls import path

from courses import feedback_views

app_name = "feedback"
urlpatterns = [
    path("<int:page_id>/", feedback_views.feedback_respond, name="respond"),
    path("<int:page_id>/thanks/", feedback_views.feedback_thanks, name="thanks"),
]
