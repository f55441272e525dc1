from django.urls import path

from . import views

app_name = "enquiries"
urlpatterns = [
    path("practices/<int:page_id>/contact/", views.contact, name="contact"),
    path("practices/<int:page_id>/contact/sent/", views.sent, name="sent"),
]
