from django.conf import settings
from django.db import models

from newsroom.signals import AnnouncingQuerySet


class RenditionsStatus(models.TextChoices):
    NONE = "", "No file yet"
    PENDING = "pending", "Renditions pending"
    READY = "ready", "Renditions ready"
    FAILED = "failed", "Renditions failed"


class Photo(models.Model):
    """A reusable image with its caption and credits.

    The file may be missing while the photo is pending upload (a text import names a
    photo, with caption and credit, before anyone has the file).
    """

    image = models.ImageField(
        upload_to="photos/%Y/%m/",
        blank=True,
        width_field="width",
        height_field="height",
    )
    width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    title = models.CharField(max_length=300, blank=True, help_text="A short name for the library.")
    alt_text = models.CharField(max_length=500, blank=True)
    caption = models.TextField(blank=True)
    credit_line = models.CharField(
        max_length=500, blank=True, help_text="Shown to readers exactly as written."
    )
    copyright_notice = models.CharField(max_length=500, blank=True)
    usage_terms = models.TextField(blank=True)
    source_url = models.URLField(max_length=1000, blank=True)
    # The focal point is a box in original-image pixels; crops keep it in frame.
    focal_x = models.PositiveIntegerField(null=True, blank=True)
    focal_y = models.PositiveIntegerField(null=True, blank=True)
    focal_width = models.PositiveIntegerField(null=True, blank=True)
    focal_height = models.PositiveIntegerField(null=True, blank=True)
    # Renditions are made by a background task (photos.tasks); until then pages show the
    # preview rendition made with the upload.
    renditions_status = models.CharField(
        max_length=10, choices=RenditionsStatus.choices, blank=True, editable=False
    )
    renditions_error = models.TextField(blank=True, editable=False)
    content_hash = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    # Stored files are named by a hash of their bytes (uploads.stored_name), so that no
    # one finds an unpublished photo by guessing; the name it was uploaded with is kept
    # here, for the library.
    original_filename = models.CharField(max_length=255, blank=True, editable=False)
    # Where an imported photo came from, so a re-import finds it instead of copying it.
    source = models.CharField(max_length=50, blank=True)
    external_id = models.CharField(max_length=300, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    # Queryset writes announce themselves: cached pages never outlive them.
    objects = AnnouncingQuerySet["Photo"].as_manager()

    class Meta:
        db_table = "articles_photo"  # the table it had before the library became an app
        ordering = ["-uploaded_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "external_id"],
                condition=~models.Q(external_id=""),
                name="photo_unique_source_external_id",
            ),
        ]

    def __str__(self):
        return self.title or self.alt_text or self.caption[:60] or f"Photo {self.pk}"

    @property
    def is_pending(self) -> bool:
        return not self.image

    def used_in(self) -> list[models.Model]:
        """The objects showing this photo, as each app that shows photos finds them."""
        from .usage import uses_of

        return uses_of(self)


class Credit(models.Model):
    """One party credited for a photo, parsed from (and correctable beside) the credit line."""

    photo = models.ForeignKey(Photo, on_delete=models.CASCADE, related_name="credits")
    position = models.PositiveSmallIntegerField(default=0)
    creator = models.CharField(max_length=200, blank=True)
    organisation = models.CharField(max_length=200, blank=True)
    licence = models.CharField(max_length=100, blank=True, help_text='For example "CC BY 2.0".')
    licence_url = models.URLField(blank=True)
    platform = models.CharField(max_length=100, blank=True, help_text='For example "Wikimedia".')

    # Queryset writes announce themselves: cached pages never outlive them.
    objects = AnnouncingQuerySet["Credit"].as_manager()

    class Meta:
        db_table = "articles_credit"
        ordering = ["photo", "position"]
        constraints = [
            models.UniqueConstraint(fields=["photo", "position"], name="credit_unique_position"),
        ]

    def __str__(self):
        return " / ".join(p for p in (self.creator, self.organisation, self.licence) if p)


class Rendition(models.Model):
    """A derived file (a width, a crop, a format) of a photo; regenerable at any time."""

    photo = models.ForeignKey(Photo, on_delete=models.CASCADE, related_name="renditions")
    spec = models.CharField(max_length=60)
    file = models.ImageField(upload_to="renditions/", width_field="width", height_field="height")
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()

    # Queryset writes announce themselves: cached pages never outlive them.
    objects = AnnouncingQuerySet["Rendition"].as_manager()

    class Meta:
        db_table = "articles_rendition"
        constraints = [
            models.UniqueConstraint(fields=["photo", "spec"], name="rendition_unique_spec"),
        ]

    def __str__(self):
        return f"{self.photo_id}:{self.spec}"
