from django.urls import path
from django.views.decorators.cache import cache_page
from django.views.i18n import JavaScriptCatalog

from . import views

# Outside the language prefixes.
urlpatterns = [
    path("language/<str:language>/", views.switch_language, name="switch_language"),
]

# Inside them: the JavaScript strings of the active language (djangojs.po).
localised_urlpatterns = [
    path("jsi18n/", cache_page(86400)(JavaScriptCatalog.as_view()), name="javascript_catalog"),
]
