from django.apps import AppConfig


class DeskConfig(AppConfig):
    name = "desk"
    verbose_name = "Desk"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.conf import settings
        from django.contrib import admin

        from . import front

        front.connect_signals()
        # The admin is the newsroom's desk: it is named for the outlet, not the framework.
        name = settings.NEWSROOM["SITE_NAME"]
        admin.site.site_header = f"{name} desk"
        admin.site.site_title = f"{name} desk"
        admin.site.index_title = "Desk"
