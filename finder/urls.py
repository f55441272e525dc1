from django.urls import path

from finder import views

urlpatterns = [
    path("", views.finder, name="finder"),
    path("api/", views.finder_api, name="finder_api"),
]
