"""The desk's admin pages, under /admin/desk/ (see newsroom/urls.py)."""

from django.contrib import admin
from django.urls import path

from . import autosave, front_admin, pending

app_name = "desk"
wrap = admin.site.admin_view

urlpatterns = [
    path("front/", wrap(front_admin.front_page), name="front"),
    path("autosave/<str:key>/", wrap(autosave.save), name="autosave"),
    path("autosave/<str:key>/discard/", wrap(autosave.discard), name="autosave_discard"),
    path("pending/<int:pk>/publish/", wrap(pending.publish), name="pending_publish"),
    path("pending/<int:pk>/discard/", wrap(pending.discard), name="pending_discard"),
]
