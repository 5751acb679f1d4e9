"""The article body's editor in the admin: django-prose-editor with a library-photo block.

Only what the body allow-list (richtext.ALLOWED_TAGS) keeps is offered: paragraphs,
h2/h3, bold, italic, links, lists, blockquote, tables, line breaks, and photos from the library
stored as ``<figure data-photo="ID">`` with an optional per-use ``<figcaption>``.
Sanitising stays in ``richtext.sanitize``, called by ``Article.save()`` on every path.
"""

from django.forms.widgets import Script
from django.templatetags.static import static
from django.urls import reverse, reverse_lazy
from django_prose_editor.widgets import AdminProseEditorWidget
from js_asset import Media

PHOTO_EMBED_JS = "photos/photo-embed.js"
PHOTO_EMBED_CSS = "photos/photo-embed.css"
PHOTO_UPLOAD_CSS = "photos/photo-upload.css"
# The article form's photo fields (autocomplete selects) get thumbnails and the same
# upload dialog as the body (photos/static/photos/photo-fields.js).
PHOTO_FIELDS_JS = "photos/photo-fields.js"
PHOTO_FIELDS = ["lead_photo"]


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
        # The allow-list keeps tables (imports, pastes); without these the editor dropped them.
        **dict.fromkeys(["Table", "TableRow", "TableHeader", "TableCell"], True),
        "PhotoEmbed": {
            "pickerUrl": reverse_lazy("admin:photos_photo_picker"),
            "uploadUrl": reverse_lazy("admin:photos_photo_upload"),
        },
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
        config["js_modules"] = [
            *config.get("js_modules", []),
            static(PHOTO_EMBED_JS),
            static("admin/body-paste.js"),
        ]
        return config

    @property
    def media(self):
        # The lead photo's upload button shares the body's dialog, so it comes with the
        # body editor: the one widget every article form has.
        photo_fields = Script(
            PHOTO_FIELDS_JS,
            type="module",
            **{
                "data-photo-fields": " ".join(PHOTO_FIELDS),
                "data-upload-url": reverse("admin:photos_photo_upload"),
                "data-autocomplete-url": reverse("admin:photos_photo_autocomplete"),
                "data-picker-url": reverse("admin:photos_photo_picker"),
            },
        )
        return super().media + Media(
            css={"all": [PHOTO_EMBED_CSS, PHOTO_UPLOAD_CSS]}, js=[photo_fields]
        )
