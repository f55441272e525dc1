from wagtail import hooks

from .dashboard import NewRequestsPanel
from .viewsets import EnquiryViewSet


@hooks.register("register_admin_viewset")
def register_requests_inbox():
    return EnquiryViewSet()


@hooks.register("construct_homepage_panels")
def add_new_requests_panel(request, panels):
    panels.append(NewRequestsPanel())
