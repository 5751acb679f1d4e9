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
