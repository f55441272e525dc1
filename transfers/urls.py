"""The transfer-story addresses, under every language prefix (ersi_practices/urls.py)."""

from django.urls import path

from . import views

app_name = "transfers"
urlpatterns = [
    path("transfers/<int:practice_id>/new/", views.new_story, name="new"),
    path("transfers/story/<str:token>/", views.story, name="story"),
]
