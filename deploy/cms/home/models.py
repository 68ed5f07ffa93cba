from django.db import models
from wagtail.api import APIField
from wagtail.fields import StreamField
from wagtail.models import Page

from gsvcms.blocks import BODY_BLOCKS, STEP_BLOCKS


class HomePage(Page):
    hero_title = models.CharField(max_length=200)
    hero_text = models.TextField(blank=True)
    hero_cta_label = models.CharField(max_length=80, blank=True)
    hero_cta_url = models.CharField(max_length=200, blank=True)
    # Saleor product slugs of the offerings the home page features.
    featured_offerings = models.JSONField(default=list, blank=True)
    how_it_works = StreamField(STEP_BLOCKS, blank=True)
    body = StreamField(BODY_BLOCKS, blank=True)

    api_fields = [APIField(name) for name in ["hero_title", "hero_text", "hero_cta_label", "hero_cta_url", "featured_offerings", "how_it_works", "body"]]
    max_count = 1
