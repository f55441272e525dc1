from django.urls import path

from maps import views

urlpatterns = [
    path("", views.map_page, name="map"),
    path("data.json", views.map_data, name="map_data"),
]
