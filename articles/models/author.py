from django.conf import settings
from django.db import models
from django.urls import reverse

from newsroom.signals import AnnouncingQuerySet

from ..slugs import free_slug

SLUG_HELP = "The end of the page's address. Left blank, it is made from the name."


class Author(models.Model):
    """A byline profile. Not a login: guest and wire authors have no user."""

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True, blank=True, help_text=SLUG_HELP)
    title = models.CharField(max_length=200, blank=True, help_text='For example "Staff writer".')
    bio = models.TextField(blank=True)
    photo = models.ForeignKey(
        "photos.Photo", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    email = models.EmailField(blank=True)
    website = models.URLField(blank=True)
    social_links = models.JSONField(
        default=list, blank=True, help_text="A list of profile URLs (X, Mastodon, LinkedIn...)."
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="author_profile",
    )

    # Queryset writes announce themselves: cached pages never outlive them.
    objects = AnnouncingQuerySet["Author"].as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = free_slug(Author, self.name, "author", 200)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("articles:author", kwargs={"slug": self.slug})
