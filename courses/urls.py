"""Learner-facing endpoints of the learning domain that are not pages."""

app_name = "courses"
urlpatterns: list = []
