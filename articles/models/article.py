from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import connection, models
from django.db.models import Exists, F, OuterRef, Q, Window
from django.db.models.functions import RowNumber
from django.urls import reverse
from django.utils import timezone

from newsroom.signals import AnnouncingQuerySet
from photos.models import Photo

from ..richtext import embedded_photo_ids, sanitize
from ..slugs import free_slug

if TYPE_CHECKING:
    from .author import Author


class Status(models.TextChoices):
    DRAFT = "draft", "Draft"
    REVIEW = "review", "In review"
    PUBLISHED = "published", "Published"
    ARCHIVED = "archived", "Taken down"


def bylines_with_authors() -> models.Prefetch:
    """Articles' bylines in their order, each with its author: one query for any number."""
    return models.Prefetch("bylines", queryset=Byline.objects.select_related("author"))


def with_published_articles(queryset: models.QuerySet[Any], link: str) -> models.QuerySet[Any]:
    """Those of ``queryset`` (sections, authors, tags) that a published article reaches
    through ``link`` (its field naming them): what readers may be shown a page or a link of."""
    published = Article.objects.published().filter(**{link: OuterRef("pk")})
    return queryset.filter(Exists(published))


class ArticleQuerySet(AnnouncingQuerySet["Article"]):
    # Writes that bypass Article.save() and delete() still announce themselves
    # (AnnouncingQuerySet), so cached pages never outlive them (articles.caching).
    def published(self, now: datetime | None = None) -> "ArticleQuerySet":
        """What readers may see. The one definition every public surface uses.

        A published article with a future date is scheduled: it becomes public when
        the clock passes its date, with nothing to run.
        """
        return self.filter(status=Status.PUBLISHED, published_at__lte=now or timezone.now())

    def for_display(self) -> "ArticleQuerySet":
        """Articles listed with their people and tags (search results, feeds), in a fixed
        number of queries. Feeds load the photos with the bodies (``views.render_bodies``)."""
        return (
            self.select_related("section")
            .defer("search_vector")
            .prefetch_related(bylines_with_authors(), "tags")
        )

    def for_cards(self) -> "ArticleQuerySet":
        """Articles to render as cards (``views.render_cards`` loads their bylines and
        renditions): no body, no search document."""
        return self.select_related("section", "lead_photo").defer("body", "search_vector")

    def for_page(self) -> "ArticleQuerySet":
        """One article's page: the row with its section, and whether it has corrections.
        The rest (people, tags, corrections, photos) is loaded only when its rendered parts
        are not cached (``Article.load_for_page``, ``views.article_parts``).
        """
        # The search document is the largest column and no page shows it.
        return (
            self.select_related("section")
            .defer("search_vector")
            .annotate(has_corrections=Exists(Correction.objects.filter(article=OuterRef("pk"))))
        )

    def newest_first(self) -> "ArticleQuerySet":
        """Newest publication first; the id breaks ties, so pages never overlap."""
        return self.order_by("-published_at", "-pk")

    def newest_in_each_section(
        self, count: int, section_ids: Sequence[int]
    ) -> models.QuerySet[Any, Any]:
        """The ids of the newest ``count`` of each section, as a subquery.

        Where the database allows a limit in each part of a UNION (PostgreSQL), one
        short index scan per section (index ``article_section_newest``), however big the
        archive; elsewhere one window ranking over the lot, fine for a small database.
        """
        ids = self.newest_first().values_list("pk", flat=True)
        if connection.features.supports_slicing_ordering_in_compound and section_ids:
            first, *rest = [ids.filter(section_id=pk)[:count] for pk in section_ids]
            return first.union(*rest, all=True)
        ranked = self.annotate(
            rank=Window(
                RowNumber(),
                partition_by=F("section_id"),
                order_by=[F("published_at").desc(), F("pk").desc()],
            )
        )
        return ranked.filter(rank__lte=count).values("pk")

    def showing_photo(self, photo: Photo) -> "ArticleQuerySet":
        """Articles showing ``photo``, as their lead or embedded in the body."""
        return self.filter(
            Q(lead_photo=photo) | Q(body__contains=f'data-photo="{photo.pk}"')
        ).distinct()

    def related_to(
        self, article: "Article", tag_ids: Sequence[int] | None = None
    ) -> "ArticleQuerySet":
        """Others sharing a tag or the section with ``article``; its tags are ``tag_ids``
        when given (its stored parts name them), else from its prefetch."""
        if tag_ids is None:
            tag_ids = [tag.pk for tag in article.tags.all()]
        # EXISTS, not a join: no DISTINCT over whole rows (bodies included), so the newest
        # few are read off the publication-date index however big the archive. The tag
        # ids are given as values: as a subquery, PostgreSQL would first collect every
        # article sharing any of them (thousands) instead of testing the newest few.
        tagged = self.model.tags.through.objects.filter(
            article_id=OuterRef("pk"), tag_id__in=tag_ids
        )
        return self.filter(Q(section_id=article.section_id) | Exists(tagged)).exclude(pk=article.pk)


class Article(models.Model):
    headline = models.CharField(max_length=300)
    slug = models.SlugField(
        max_length=200,
        unique=True,
        blank=True,
        help_text="The end of the story's address. Left blank, it is made from the headline.",
    )
    dek = models.TextField("standfirst", blank=True)
    dateline = models.CharField(
        max_length=200, blank=True, help_text='Where the story was filed, e.g. "NEW YORK".'
    )
    body = models.TextField(
        blank=True, help_text="Only the formatting the toolbar offers is kept when saved."
    )
    # A draft may be saved before its section is chosen. Anything further along (in
    # review, published or scheduled, taken down) has one: a public address starts with
    # it (constraint article_has_section_past_draft; workflow.transition() says so first).
    section = models.ForeignKey(
        "articles.Section",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="articles",
    )
    tags = models.ManyToManyField("articles.Tag", blank=True, related_name="articles")
    authors: "models.ManyToManyField[Author, Byline]" = models.ManyToManyField(
        "articles.Author", through="Byline", related_name="articles", blank=True
    )
    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True
    )

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    first_published_at = models.DateTimeField(null=True, blank=True, editable=False)
    published_at = models.DateTimeField(
        "publication date",
        null=True,
        blank=True,
        db_index=True,
        help_text="The date readers see. In the future, the article is scheduled.",
    )
    substantive_update_at = models.DateTimeField(
        "updated",
        null=True,
        blank=True,
        help_text="Last substantive update, shown to readers. A typo fix does not change it.",
    )

    lead_photo = models.ForeignKey(
        "photos.Photo", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    lead_caption = models.TextField(blank=True, help_text="Overrides the photo's caption here.")
    lead_alt = models.CharField(max_length=500, blank=True, help_text="Overrides the alt text.")

    seo_title = models.CharField(max_length=300, blank=True)
    seo_description = models.CharField(max_length=500, blank=True)
    canonical_url = models.URLField(blank=True, help_text="Only when the story lives elsewhere.")
    noindex = models.BooleanField(default=False)

    source = models.CharField(max_length=50, blank=True, help_text="Where an import came from.")
    external_id = models.CharField(max_length=300, blank=True)
    source_version = models.PositiveIntegerField(default=0, editable=False)
    # A digest of what the last import brought, so an identical re-import changes nothing.
    source_fingerprint = models.CharField(max_length=64, blank=True, editable=False)
    # What an agency item says about itself that readers never see: its vocabulary codes
    # (searchable in the admin) and the agency its byline named.
    subject_codes = models.TextField(
        blank=True, help_text="The source's subject codes, one per line. Not shown to readers."
    )
    source_credit = models.CharField(
        max_length=200, blank=True, help_text='The agency the source credits, e.g. "dpa".'
    )

    # The weighted full-text document (headline, dek, body), kept up to date by a PostgreSQL
    # trigger on every write path, bulk ones included (migration 0007). Elsewhere it stays empty.
    search_vector = SearchVectorField(null=True, editable=False)

    # Optimistic locking: every save bumps it, a save based on an older one is refused.
    version = models.PositiveIntegerField(default=1, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    last_saved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-pk"]
        permissions = [("publish_article", "Can publish, schedule and take down articles")]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "external_id"],
                condition=~Q(external_id=""),
                name="article_unique_source_external_id",
            ),
            # Only a draft may lack a section (see the field).
            models.CheckConstraint(
                condition=Q(section__isnull=False) | Q(status=Status.DRAFT),
                name="article_has_section_past_draft",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "published_at"]),
            # The newest change is read when the page cache's state is made (articles.caching).
            models.Index(fields=["updated_at"], name="article_updated_at"),
            # The admin list pages through keys read off this index alone (migration 0008).
            models.Index(fields=["published_at", "id"], name="article_published_at_id"),
            # The newest public stories of a section: section pages and the home page.
            models.Index(
                fields=["section", "-published_at", "-id"],
                name="article_section_newest",
                condition=Q(status=Status.PUBLISHED),
            ),
        ]

    def __str__(self):
        return self.headline

    def save(self, *args, **kwargs):
        # Whatever path the body came in by (admin, import, shell), only the allow-list is kept.
        self.body = sanitize(self.body)
        if not self.slug:
            self.slug = free_slug(Article, self.headline, "untitled", 200)
        super().save(*args, **kwargs)
        self._record_moved_url()

    def get_absolute_url(self):
        if self.section_id is None:
            # A draft not yet given a section has no public address (the address starts
            # with the section): its preview is the one page that shows it.
            return reverse("articles:preview", args=[self.pk]) if self.pk else None
        return reverse("articles:detail", kwargs=self.url_kwargs())

    @classmethod
    def from_db(cls, db, field_names, values):
        article = super().from_db(db, field_names, values)
        # Remembered so that a save which moves the article can keep its old URL answering.
        article._loaded_path_parts = article._path_parts()
        return article

    def url_kwargs(self, section_slug=None):
        if section_slug is None:
            # Callers ask only for articles past draft, which always have a section.
            assert self.section is not None, "an article without a section has no address"
            section_slug = self.section.slug
        date = timezone.localtime(self.published_at or self.created_at or timezone.now())
        return {
            "section": section_slug,
            "year": date.year,
            "month": f"{date.month:02d}",
            "day": f"{date.day:02d}",
            "slug": self.slug,
        }

    def _path_parts(self):
        deferred = self.get_deferred_fields()
        if deferred & {"slug", "section_id", "published_at", "created_at", "status"}:
            return None
        return (self.slug, self.section_id, self.published_at, self.created_at, self.status)

    def _record_moved_url(self):
        """Keep the URL readers may have seen answering with a 301 after a move.

        A change of slug, section or date changes the URL; the old one is kept only if
        readers could have seen the article there (see ``_was_public``).
        """
        before = getattr(self, "_loaded_path_parts", None)
        self._loaded_path_parts = now = self._path_parts()
        if before is None or now is None or before[:4] == now[:4]:
            return
        slug, section_id, published_at, created_at, status = before
        if not self._was_public(status, published_at):
            return
        from .taxonomy import Section

        old = Article(
            slug=slug, section_id=section_id, published_at=published_at, created_at=created_at
        )
        old_section = Section.objects.filter(pk=section_id).values_list("slug", flat=True).first()
        if old_section is None:
            return
        old_path = reverse("articles:detail", kwargs=old.url_kwargs(old_section))
        new_path = self.get_absolute_url()
        if old_path == new_path:
            return
        # Moving back to an earlier URL must not leave a redirect loop behind.
        ArticleRedirect.objects.filter(old_path=new_path).delete()
        ArticleRedirect.objects.update_or_create(old_path=old_path, defaults={"article": self})

    def _was_public(self, status: str, published_at: datetime | None) -> bool:
        """Whether readers could have seen the article while it had ``status`` and
        ``published_at``: it was live then, or it had gone live before (a story taken
        down, or sent back to draft after publication). A draft or a story scheduled
        but not yet live had no readers, so no address of it is worth keeping."""
        now = timezone.now()
        return (
            status == Status.ARCHIVED
            or (status == Status.PUBLISHED and published_at is not None and published_at <= now)
            or (self.first_published_at is not None and self.first_published_at <= now)
        )

    @staticmethod
    def keep_source_addresses(claims: dict[str, "Article"]) -> None:
        """Make each address of ``claims`` (old path → article) answer with its article.

        These are the addresses an import brings from the source's own site (a
        WordPress permalink, ``?p=ID``): readers and search engines know them whatever
        the article's state here, so they are all kept. An address another article had
        passes to the one that claims it now. A fixed number of queries for any number
        of addresses, plus one per article that takes over addresses.
        """
        if not claims:
            return
        existing = dict(
            ArticleRedirect.objects.filter(old_path__in=list(claims)).values_list(
                "old_path", "article_id"
            )
        )
        moved: dict[Article, list[str]] = {}
        for path, article_id in existing.items():
            if article_id != claims[path].pk:
                moved.setdefault(claims[path], []).append(path)
        for article, paths in moved.items():
            ArticleRedirect.objects.filter(old_path__in=paths).update(article=article)
        ArticleRedirect.objects.bulk_create(
            ArticleRedirect(old_path=path, article=article)
            for path, article in claims.items()
            if path not in existing
        )

    def load_for_page(self):
        """Load what the article's page shows of it, one query per kind of thing.

        Corrections are rare: when ``for_page()`` found none, they are not asked for.
        """
        # The author box under the story shows each author's photo: with its renditions,
        # one query for all the bylines.
        bylines = Byline.objects.select_related("author__photo").prefetch_related(
            "author__photo__renditions"
        )
        lookups: list[str | models.Prefetch] = [models.Prefetch("bylines", bylines), "tags"]
        if getattr(self, "has_corrections", True):
            lookups.append("corrections")
        models.prefetch_related_objects([self], *lookups)
        return self

    @property
    def is_public(self):
        return (
            self.status == Status.PUBLISHED
            and self.published_at is not None
            and self.published_at <= timezone.now()
        )

    @property
    def is_scheduled(self):
        return (
            self.status == Status.PUBLISHED
            and self.published_at is not None
            and self.published_at > timezone.now()
        )

    @property
    def never_public(self):
        """A draft that readers never saw: the only kind of article that may be deleted.
        Anything once published is taken down instead, so its address and trail stay."""
        return self.status == Status.DRAFT and self.first_published_at is None

    def photo_gaps(self) -> list[str]:
        """What the article's photos lack that readers need: alt text (for screen
        readers) and a credit. Editors are warned of these when the story is submitted or
        published (articles/admin/article_form.py); they never block it."""
        ids = [self.lead_photo_id] if self.lead_photo_id else []
        ids += embedded_photo_ids(self.body)
        photos = Photo.objects.in_bulk(ids)
        gaps = []
        for pk in dict.fromkeys(ids):
            photo = photos.get(pk)
            if photo is None:
                continue
            lead = pk == self.lead_photo_id
            name = "the lead photo" if lead else f"photo “{photo.title or photo.caption or pk}”"
            missing = []
            if not ((self.lead_alt if lead else "") or photo.alt_text):
                missing.append("alt text")
            if not photo.credit_line:
                missing.append("a credit")
            if missing:
                gaps.append(f"{name} lacks {' and '.join(missing)}")
        return gaps

    @property
    def ordered_bylines(self):
        return sorted(self.bylines.all(), key=lambda b: b.position)

    @property
    def lead_caption_text(self):
        if self.lead_caption:
            return self.lead_caption
        return self.lead_photo.caption if self.lead_photo else ""

    @property
    def lead_alt_text(self):
        if self.lead_alt:
            return self.lead_alt
        return self.lead_photo.alt_text if self.lead_photo else ""


class Byline(models.Model):
    class Role(models.TextChoices):
        WRITER = "writer", "Writer"
        ADDITIONAL_REPORTING = "additional_reporting", "Additional reporting"
        PHOTOGRAPHER = "photographer", "Photographer"

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="bylines")
    author = models.ForeignKey("articles.Author", on_delete=models.PROTECT, related_name="bylines")
    position = models.PositiveSmallIntegerField(default=0)
    role = models.CharField(max_length=30, choices=Role.choices, default=Role.WRITER)
    # Queryset writes announce themselves: cached pages never outlive them.
    objects = AnnouncingQuerySet["Byline"].as_manager()

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["article", "position"], name="byline_unique_position"),
        ]

    def __str__(self):
        return f"{self.author} ({self.get_role_display()})"


class Correction(models.Model):
    """A dated, public note on what was corrected."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="corrections")
    noted_at = models.DateTimeField(default=timezone.now)
    text = models.TextField()
    # Queryset writes announce themselves: cached pages never outlive them.
    objects = AnnouncingQuerySet["Correction"].as_manager()

    class Meta:
        ordering = ["noted_at", "pk"]

    def __str__(self):
        return f"Correction of {self.noted_at:%Y-%m-%d}"


class ArticleRedirect(models.Model):
    """An old public path of an article (a changed slug, section or date, or a WordPress URL)."""

    old_path = models.CharField(max_length=500, unique=True)
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="redirects")
    # Queryset writes announce themselves: cached pages never outlive them.
    objects = AnnouncingQuerySet["ArticleRedirect"].as_manager()

    def __str__(self):
        return f"{self.old_path} → {self.article_id}"


class RenderedArticle(models.Model):
    """An article's expensive parts, rendered when it or something it shows changes
    (``articles.rendering``), so that its page reads them with the article's row.

    Not a cache that can be evicted: a row is written after every change readers could
    see, and a missing one is rendered on the first read.
    """

    article = models.OneToOneField(
        Article, on_delete=models.CASCADE, primary_key=True, related_name="rendered"
    )
    title = models.CharField(max_length=400)
    head = models.TextField()  # canonical link, Open Graph and Twitter tags
    json_ld = models.TextField()
    html = models.TextField()  # the <article> element: byline, figures, body, corrections
    # The surrogate keys of what the parts show (``article-42 author-7 photo-9``...).
    keys = models.TextField()
    rendered_at = models.DateTimeField()
    # The content API's ninjs document, without the fields only embargoed readers get
    # (``api.ninjs``). Null on rows rendered before it was stored: rendered on read.
    ninjs = models.JSONField(null=True, blank=True)

    def __str__(self):
        return f"Rendered parts of {self.article_id}"
