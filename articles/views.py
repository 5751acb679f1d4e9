from itertools import groupby

from django.core.paginator import Paginator
from django.db.models import Prefetch, Subquery, prefetch_related_objects
from django.http import Http404, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.http import http_date
from django.utils.safestring import mark_safe

from desk.front import pinned_first
from desk.models import PendingChange

from . import rendering, seo
from . import search as article_search
from .caching import (
    add_keys,
    cached_page,
    next_due_query,
    prime_state,
    site_fragment,
    site_fragments,
)
from .context_processors import section_menu
from .models import (
    Article,
    ArticleRedirect,
    Author,
    Byline,
    Section,
    Status,
    Tag,
    bylines_with_authors,
    with_published_articles,
)
from .sitemaps import news_is_empty

PAGE_SIZE = 20
HOME_LATEST = 12
HOME_PER_SECTION = 4
RELATED = 4


class ListPaginator(Paginator):
    """Counts a list once per site state: the count changes only when content does, and
    at archive scale it costs more than the page of ids it is shown beside."""

    def __init__(self, object_list, per_page, name):
        super().__init__(object_list, per_page)
        self.name = name

    @cached_property
    def count(self):
        return site_fragment(f"count:{self.name}", lambda: Paginator.count.func(self))


def _page(request, queryset, name, size=PAGE_SIZE):
    return ListPaginator(queryset, size, name).get_page(request.GET.get("page"))


@cached_page
def home(request):
    add_keys("home")
    published = Article.objects.published()
    page = _page(
        request, published.newest_first().values_list("pk", flat=True), "home", HOME_LATEST
    )
    context = {"page_obj": page, "lead": None, "by_section": []}
    if page.number == 1 and page.object_list:
        # The editors' pins first (desk.front), then the newest.
        lead, *latest = pinned_first(page.object_list, None)
        context["lead"] = render_cards([lead], "includes/lead_story.html")[0]
        context["latest"] = render_cards(latest, compact=True, level=3)
        sections = {entry["pk"]: entry for entry in section_menu()}
        ranked = site_fragment(f"home-sections:{lead}", lambda: _newest_by_section(lead, sections))
        cards = iter(render_cards([pk for pk, _ in ranked], hide_section=True, level=3))
        context["by_section"] = [
            (sections[section_id], [next(cards) for _ in group])
            for section_id, group in groupby(ranked, lambda row: row[1])
        ]
    else:
        context["latest"] = render_cards(page.object_list)
    return render(request, "articles/home.html", context)


def _newest_by_section(lead, sections):
    """(id, section id) of the newest few of every section, but ``lead``, in menu order."""
    # One query, however many sections there are.
    newest = (
        Article.objects.published()
        .exclude(pk=lead)
        .newest_in_each_section(HOME_PER_SECTION, sections)
    )
    return list(
        Article.objects.filter(pk__in=newest)
        .order_by("section__order", "section__name", "section_id", "-published_at", "-pk")
        .values_list("pk", "section_id")
    )


def _list_page(request, template, articles, context, name, front=False, **card_options):
    """A section, author or tag page: a page of ``articles`` as cards; ``front``: the
    first page starts with the stories editors pinned on the section's front."""
    page = _page(request, articles.newest_first().values_list("pk", flat=True), name)
    ids = page.object_list
    if front and page.number == 1:
        ids = pinned_first(ids, context["section"])
    cards = render_cards(ids, **card_options)
    return render(request, template, {**context, "page_obj": page, "cards": cards})


@cached_page
def section(request, slug):
    section = get_object_or_404(Section, slug=slug)
    add_keys(f"section-{section.pk}", f"section-{section.pk}-list")
    articles = Article.objects.published().filter(section=section)
    return _list_page(
        request,
        "articles/section.html",
        articles,
        {"section": section},
        f"section-{section.pk}",
        front=True,
        hide_section=True,
    )


@cached_page
def author(request, slug):
    # An author or a tag with no published story has no public page (its name alone could
    # announce a story that is not out).
    readable = with_published_articles(Author.objects.all(), "bylines__author")
    author = get_object_or_404(readable.select_related("photo"), slug=slug)
    add_keys(
        f"author-{author.pk}",
        f"author-{author.pk}-list",
        *([f"photo-{author.photo_id}"] if author.photo_id else []),
    )
    articles = Article.objects.published().filter(bylines__author=author)
    return _list_page(
        request,
        "articles/author.html",
        articles,
        {"author": author},
        f"author-{author.pk}",
        level=3,
    )


@cached_page
def tag(request, slug):
    tag = get_object_or_404(with_published_articles(Tag.objects.all(), "tags"), slug=slug)
    add_keys(f"tag-{tag.pk}", f"tag-{tag.pk}-list")
    articles = Article.objects.published().filter(tags=tag)
    return _list_page(request, "articles/tag.html", articles, {"tag": tag}, f"tag-{tag.pk}")


def render_cards(ids, template="includes/article_card.html", **options):
    """The card of each article of ``ids``, rendered with ``options``, made once per site
    state.

    A list page reads only ids; the articles whose cards are not cached are loaded (with
    their bylines and lead photo renditions: one query each for them all) and rendered.
    So a list page the page cache misses costs its count, its ids and one cache read.
    """
    variant = ",".join([template, *(f"{k}={v}" for k, v in sorted(options.items()))])
    by_name = {f"card:{variant}:{pk}": pk for pk in ids}

    def make(missing):
        articles = Article.objects.for_cards().in_bulk([by_name[name] for name in missing])
        todo = list(articles.values())
        prefetch_related_objects(todo, bylines_with_authors())
        prefetch_related_objects([a.lead_photo for a in todo if a.lead_photo], "renditions")
        return {
            name: (
                render_to_string(template, {"article": articles[by_name[name]], **options}),
                _card_keys(articles[by_name[name]]),
            )
            for name in missing
        }

    cards = site_fragments(list(by_name), make, keys=lambda name, card: card[1])
    for _html, keys in cards.values():
        add_keys(*keys)
    return [cards[name][0] for name in by_name]


def _card_keys(article):
    """What a card shows: the article, its section, byline authors and lead photo."""
    keys = [f"article-{article.pk}", f"section-{article.section_id}"]
    keys += [f"author-{byline.author_id}" for byline in article.bylines.all()]
    if article.lead_photo_id:
        keys.append(f"photo-{article.lead_photo_id}")
    return keys


@cached_page
def search(request):
    query = article_search.clean_query(request.GET.get("q"))
    context = {"query": query, "page_obj": None, "people": [], "tags": [], "suggestion": ""}
    if query:
        people, tags = article_search.people_and_tags(query)
        # The ranked ids in one query, the page's passages in another; the cards are kept.
        ids = article_search.search(Article.objects.published(), query, (people, tags))
        page = Paginator(ids, PAGE_SIZE).get_page(request.GET.get("page"))
        cards = _result_cards(page.object_list, article_search.snippets(page.object_list, query))
        # Only when nothing is found: the nearest words are looked up in the vocabulary.
        suggestion = "" if ids else article_search.suggestion(query)
        context |= {
            "page_obj": page,
            "cards": cards,
            "people": people,
            "tags": tags,
            "suggestion": suggestion,
        }
    return render(request, "articles/search.html", context)


# Where a search result's card shows the passage that matched (see _result_cards).
PASSAGE_SLOT = mark_safe("<!--passage-->")
RESULT_CARD_FIELDS = (
    "headline",
    "slug",
    "dek",
    "status",
    "published_at",
    "created_at",
    "lead_photo_id",
    "section__name",
    "section__slug",
)


def _result_cards(ids, snippets):
    """Search results: each the compact card with the passage that matched in place of the
    standfirst. The card is kept per article like every card (``render_cards``: its
    bylines and section are read and rendered when it changes, not for every search), and
    the passage, which depends on the words searched, is put in for this search.
    """
    by_name = {f"card:search:{pk}": pk for pk in ids}

    def make(missing):
        # Only what a compact card shows (and its address and keys are made of): a search
        # page may make twenty at once.
        articles = (
            Article.objects.select_related("section")
            .only(*RESULT_CARD_FIELDS)
            .in_bulk([by_name[name] for name in missing])
        )
        bylines = Byline.objects.select_related("author").only(
            "article_id", "position", "author__name"
        )
        prefetch_related_objects(list(articles.values()), Prefetch("bylines", queryset=bylines))
        made = {}
        for name in missing:
            article = articles.get(by_name[name])
            if article is not None:  # deleted since it was found
                article.snippet = PASSAGE_SLOT
                html = render_to_string(
                    "includes/article_card.html", {"article": article, "compact": True}
                )
                made[name] = (html, _card_keys(article))
        return made

    cards = site_fragments(list(by_name), make, keys=lambda name, card: card[1])
    for _html, keys in cards.values():
        add_keys(*keys)
    return [
        _with_passage(cards[name][0], snippets.get(pk))
        for name, pk in by_name.items()
        if name in cards
    ]


def _with_passage(card, snippet):
    # Our own card, and a snippet escaped when it was made (``search.snippets``); with
    # none (no passage, no standfirst), no empty paragraph.
    if not snippet:
        return mark_safe(card.replace(f'<p class="card__dek">{PASSAGE_SLOT}</p>', ""))  # noqa: S308
    return mark_safe(card.replace(PASSAGE_SLOT, snippet))  # noqa: S308


def article_parts(article, *, preview=False, unpublished=False):
    """The article's page, but for what changes by request: title, <head> tags, JSON-LD,
    the article element (stored when the article or what it shows changed,
    ``articles.rendering``) and the related stories (read now: a story published since
    the parts were stored is listed).
    """
    if preview:  # unsaved dates and unpublished text: rendered for this request only
        parts = rendering.render_parts(article, preview=True, unpublished=unpublished)
        return {**parts, "article": parts["html"], "related": ""}
    stored = rendering.stored_parts(article)
    related = _related(article, stored.keys)
    add_keys(*stored.keys.split(), *(f"article-{other.pk}" for other in related))
    # Our own rendering, escaped when it was made (``rendering.render_parts``).
    return {
        "title": stored.title,
        "head": mark_safe(stored.head),  # noqa: S308
        "json_ld": mark_safe(stored.json_ld),  # noqa: S308
        "article": mark_safe(stored.html),  # noqa: S308
        "related": render_to_string("includes/related.html", {"related": related}),
    }


def _related(article, keys):
    """The newest few sharing a tag or the section, the tags read from the stored keys (no
    query for them)."""
    tag_ids = [int(key[4:]) for key in keys.split() if key.startswith("tag-")]
    related = (
        Article.objects.published()
        .related_to(article, tag_ids)
        .select_related("section")
        .newest_first()
    )
    return list(related[:RELATED])


def _gone(request, article):
    return render(request, "410.html", {"article": article}, status=410)


@cached_page
def detail(request, section, year, month, day, slug):
    # One query: the row, its stored parts, and the next scheduled time (for the page's
    # lifetime, ``caching.prime_state``). Slugs are unique: no ordering for the planner
    # to weigh against the slug index.
    found = (
        Article.objects.for_page()
        .select_related("rendered")
        .annotate(next_due=Subquery(next_due_query(timezone.now())))
        .filter(slug=slug)
        .order_by()[:1]
    )
    article = next(iter(found), None)
    if article is not None:
        prime_state(article.next_due)
        add_keys(f"article-{article.pk}")
    if article is None or not article.is_public:
        # An address that answers 404 may start to show a story when one is published.
        add_keys("missing")
        redirect = (
            ArticleRedirect.objects.select_related("article").filter(old_path=request.path).first()
        )
        if redirect:
            add_keys(f"article-{redirect.article_id}")
        if redirect and redirect.article.is_public:
            return HttpResponsePermanentRedirect(redirect.article.get_absolute_url())
        if redirect and redirect.article.status == Status.ARCHIVED:
            return _gone(request, redirect.article)
        if article is not None and article.status == Status.ARCHIVED:
            return _gone(request, article)
        raise Http404("No such article")
    if request.path != article.get_absolute_url():
        return HttpResponsePermanentRedirect(article.get_absolute_url())
    response = render(
        request, "articles/detail.html", {"article": article, "parts": article_parts(article)}
    )
    response["Last-Modified"] = http_date(article.updated_at.timestamp())
    return response


def preview(request, pk):
    """An article as readers will see it, for the staff who may read it, whatever its status."""
    from django.utils import timezone

    from .workflow import may_read

    article = Article.objects.for_page().filter(pk=pk).first()
    if article is None or not may_read(request.user, article):
        raise Http404("No such article")
    # A story readers cannot see yet shows no publication time and no share buttons.
    unpublished = not article.is_public
    # Unsaved, for the parts that need a date (its address, JSON-LD): a draft gets now's.
    article.published_at = article.published_at or timezone.now()
    # A live story's pending changes (desk) show here, never on its public page.
    PendingChange.show_in(article)
    parts = article_parts(article, preview=True, unpublished=unpublished)
    context = {"article": article, "parts": parts, "preview": True}
    response = render(request, "articles/detail.html", context)
    response["Cache-Control"] = "private, no-store"
    return response


def robots_txt(request):
    base = seo.absolute("")
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /preview/",
        "Disallow: /search/",
        "",
        f"Sitemap: {base}{reverse('sitemap-index')}",
        # Named only while it holds a story: an empty one is not a valid sitemap.
        *([] if news_is_empty() else [f"Sitemap: {base}{reverse('sitemap-news')}"]),
        "",
    ]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")
