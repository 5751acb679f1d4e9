"""The article body's editor in the admin: django-prose-editor with a library-photo block.

Only what the body allow-list (richtext.ALLOWED_TAGS) keeps is offered: paragraphs,
h2/h3, bold, italic, links, lists, blockquote, line breaks, and photos from the library
stored as ``<figure data-photo="ID">`` with an optional per-use ``<figcaption>``.
Sanitising stays in ``richtext.sanitize``, called by ``Article.save()`` on every path.
"""

from django.templatetags.static import static
from django.urls import reverse_lazy
from django_prose_editor.widgets import AdminProseEditorWidget
from js_asset import Media

PHOTO_EMBED_JS = "photos/photo-embed.js"
PHOTO_EMBED_CSS = "photos/photo-embed.css"


def body_extensions():
    return {
        "Paragraph": True,
        "Heading": {"levels": [2, 3]},
        "Bold": True,
        "Italic": True,
        "Link": {"enableTarget": False, "protocols": ["http", "https", "mailto"]},
        "BulletList": True,
        "OrderedList": True,
        "ListItem": True,
        "Blockquote": True,
        "HardBreak": True,
        "PhotoEmbed": {"pickerUrl": reverse_lazy("admin:photos_photo_picker")},
        # The editor's default turns the browser's spellcheck off; writers want it on.
        "NoSpellCheck": False,
    }


class BodyEditorWidget(AdminProseEditorWidget):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("config", {"extensions": body_extensions()})
        kwargs.setdefault("preset", "configurable")
        super().__init__(*args, **kwargs)

    def get_config(self):
        config = super().get_config()
        # Our own block is a module of ours, loaded by the configurable preset.
        config["js_modules"] = [*config.get("js_modules", []), static(PHOTO_EMBED_JS)]
        return config

    @property
    def media(self):
        return super().media + Media(css={"all": [PHOTO_EMBED_CSS]})
