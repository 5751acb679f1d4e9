from django.core.paginator import Paginator
from django.http import Http404, HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404, render

from .models import Article, ArticleRedirect, Author, Photo, Section, Status
from .richtext import embedded_photo_ids, expand_embeds

PAGE_SIZE = 20


def _page(request, queryset):
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


def home(request):
    articles = Article.objects.published().for_display().latest()
    return render(request, "articles/home.html", {"page_obj": _page(request, articles)})


def section(request, slug):
    section = get_object_or_404(Section, slug=slug)
    articles = Article.objects.published().filter(section=section).for_display().latest()
    return render(
        request, "articles/section.html", {"section": section, "page_obj": _page(request, articles)}
    )


def author(request, slug):
    author = get_object_or_404(Author.objects.select_related("photo"), slug=slug)
    articles = Article.objects.published().filter(bylines__author=author).for_display().latest()
    return render(
        request, "articles/author.html", {"author": author, "page_obj": _page(request, articles)}
    )


def render_body(article):
    """The article body with its photo embeds expanded, in one query for all of them."""
    ids = embedded_photo_ids(article.body)
    # One query whether the body embeds no photo or many.
    photos = Photo.objects.in_bulk([*ids, article.lead_photo_id or 0])
    return expand_embeds(article.body, photos)


def detail(request, section, year, month, day, slug):
    article = (
        Article.objects.for_display().prefetch_related("corrections").filter(slug=slug).first()
    )
    if article is None or not article.is_public:
        redirect = ArticleRedirect.objects.filter(old_path=request.path).first()
        if redirect and redirect.article.is_public:
            return HttpResponsePermanentRedirect(redirect.article.get_absolute_url())
        if article is not None and article.status == Status.ARCHIVED:
            return render(request, "410.html", {"article": article}, status=410)
        raise Http404("No such article")
    if request.path != article.get_absolute_url():
        return HttpResponsePermanentRedirect(article.get_absolute_url())
    return render(
        request, "articles/detail.html", {"article": article, "body": render_body(article)}
    )
