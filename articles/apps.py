from django.apps import AppConfig


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = "Newsroom"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.db.backends.signals import connection_created

        from photos import usage

        from . import caching, search
        from .models import Article

        caching.connect_signals()
        # The SQLite search compares text without accents (articles.search.Folded).
        connection_created.connect(search.add_sqlite_functions)
        usage.register(Article.objects.showing_photo)
        usage.register_rule(Article, may_change_photo_in)


def may_change_photo_in(user, article) -> bool:
    """Whether ``user`` may change a photo ``article`` shows: a change to the photo is a
    change to the article, so only someone who may edit it, and (a writer) only while it
    is not published; editors may change photos of published stories."""
    from .models import Status
    from .workflow import is_editor, may_edit

    if not may_edit(user, article):
        return False
    return article.status != Status.PUBLISHED or is_editor(user)
