from django.db import models
from wagtail.api import APIField
from wagtail.fields import StreamField
from wagtail.models import Page

from gsvcms.blocks import BODY_BLOCKS


class PricingPage(Page):
    intro = models.TextField(blank=True)
    body = StreamField(BODY_BLOCKS, blank=True)

    api_fields = [APIField("intro"), APIField("body")]
    parent_page_types = ["home.HomePage"]
    max_count = 1
