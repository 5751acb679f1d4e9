from django.db import models
from django.urls import reverse

from newsroom.signals import AnnouncingQuerySet

from ..slugs import free_slug

SLUG_HELP = "The end of the page's address. Left blank, it is made from the name."


class Section(models.Model):
    name = models.CharField(max_length=100)
    slug = models.SlugField(max_length=100, unique=True, blank=True, help_text=SLUG_HELP)
    description = models.TextField(blank=True)
    order = models.PositiveSmallIntegerField(default=0, help_text="Lower comes first in menus.")

    # Queryset writes announce themselves: cached pages never outlive them.
    objects = AnnouncingQuerySet["Section"].as_manager()

    class Meta:
        ordering = ["order", "name"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = free_slug(Section, self.name, "section", 100)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("articles:section", kwargs={"slug": self.slug})


class Tag(models.Model):
    name = models.CharField(max_length=100)
    slug = models.SlugField(max_length=100, unique=True, blank=True, help_text=SLUG_HELP)

    # Queryset writes announce themselves: cached pages never outlive them.
    objects = AnnouncingQuerySet["Tag"].as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = free_slug(Tag, self.name, "tag", 100)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("articles:tag", kwargs={"slug": self.slug})
