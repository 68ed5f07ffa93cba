"""Imports the repository's content/ folder (one JSON file per page) into Wagtail, idempotently.

Each file names its model ("type": "app_label.ModelName"), slug, title, parent slug (none for the home page),
first_published_at and the model's api_fields under "fields". A page is found again by its slug under its parent:
a second run updates it in place and publishes a new revision only when something changed.
"""
import json
from pathlib import Path

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.dateparse import parse_datetime
from wagtail.models import Page, Site


class Command(BaseCommand):
    help = "Load GSV's marketing pages from a content/ folder (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", default="/content")

    @transaction.atomic
    def handle(self, *args, **options):
        root_dir = Path(options["path"])
        files = sorted(f for f in root_dir.rglob("*.json") if f.name != "images.json")
        pages = [json.loads(f.read_text(encoding="utf-8")) for f in files]
        by_parent = {}
        for page in pages:
            by_parent.setdefault(page.get("parent"), []).append(page)
        if len(by_parent.get(None, [])) != 1:
            raise CommandError("content/ needs exactly one page without a parent (the home page)")

        root = Page.get_first_root_node()
        queue = [(None, root)]
        created = updated = 0
        while queue:
            parent_slug, parent = queue.pop(0)
            for data in by_parent.get(parent_slug, []):
                page, is_new = self.upsert(parent, data)
                created += is_new
                updated += not is_new
                queue.append((data["slug"], page))
                if parent_slug is None:
                    Site.objects.update_or_create(is_default_site=True, defaults={"hostname": "localhost", "root_page": page, "site_name": "GSV"})
        self.stdout.write(f"content loaded: {created} created, {updated} updated")

    def upsert(self, parent, data):
        app_label, model_name = data["type"].split(".")
        model = apps.get_model(app_label, model_name)
        page = parent.get_children().filter(slug=data["slug"]).specific().first()
        is_new = page is None
        if is_new:
            page = model(slug=data["slug"])
        elif not isinstance(page, model):
            raise CommandError(f"{data['slug']}: exists as another page type")
        page.title = data["title"]
        page.seo_title = data.get("seo_title", "")
        page.search_description = data.get("search_description", "")
        page.show_in_menus = data.get("show_in_menus", False)
        for name, value in data.get("fields", {}).items():
            setattr(page, name, value)
        if data.get("first_published_at"):
            page.first_published_at = parse_datetime(data["first_published_at"])
        if is_new:
            parent.add_child(instance=page)
        page.save_revision().publish()
        return page, is_new
