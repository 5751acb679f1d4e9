from django.apps import AppConfig


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = "Newsroom"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from photos import usage

        from . import caching
        from .models import Article

        caching.connect_signals()
        usage.register(Article.objects.showing_photo)
