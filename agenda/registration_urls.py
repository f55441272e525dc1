"""The registration addresses, under every language prefix (ersi_practices/urls.py)."""

from django.urls import path

from . import views

app_name = "event_registration"
urlpatterns = [
    path("events/<int:page_id>/register/", views.register, name="register"),
    path("events/registrations/<str:token>/", views.registration, name="registration"),
    path("events/registrations/<str:token>/cancel/", views.cancel_registration, name="cancel"),
]
