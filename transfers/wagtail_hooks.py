from wagtail import hooks

from .viewsets import TransferStoryViewSet


@hooks.register("register_admin_viewset")
def register_transfer_stories():
    return TransferStoryViewSet()
