from django.db import models
from wagtail.api import APIField
from wagtail.fields import StreamField
from wagtail.models import Page

from gsvcms.blocks import BODY_BLOCKS


class BlogIndexPage(Page):
    intro = models.TextField(blank=True)

    api_fields = [APIField("intro")]
    parent_page_types = ["home.HomePage"]
    subpage_types = ["blog.BlogPage"]


class BlogPage(Page):
    date = models.DateField()
    author = models.CharField(max_length=120, blank=True)
    summary = models.TextField(blank=True)
    body = StreamField(BODY_BLOCKS, blank=True)

    api_fields = [APIField(name) for name in ["date", "author", "summary", "body"]]
    parent_page_types = ["blog.BlogIndexPage"]
