from django.db import models
from wagtail.api import APIField
from wagtail.fields import StreamField
from wagtail.models import Page

from gsvcms.blocks import BODY_BLOCKS


class SolutionIndexPage(Page):
    intro = models.TextField(blank=True)

    api_fields = [APIField("intro")]
    parent_page_types = ["home.HomePage"]
    subpage_types = ["solutions.SolutionPage"]


class SolutionPage(Page):
    summary = models.TextField(blank=True)
    # Slugs of the marketplace's outcome and capability values, and of the Saleor products the solution links to.
    outcomes = models.JSONField(default=list, blank=True)
    capabilities = models.JSONField(default=list, blank=True)
    offerings = models.JSONField(default=list, blank=True)
    body = StreamField(BODY_BLOCKS, blank=True)

    api_fields = [APIField(name) for name in ["summary", "outcomes", "capabilities", "offerings", "body"]]
    parent_page_types = ["solutions.SolutionIndexPage"]
