from wagtail import hooks

from .viewsets import RegistrationViewSet


@hooks.register("register_admin_viewset")
def register_registrations_listing():
    return RegistrationViewSet()
