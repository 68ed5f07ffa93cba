"""The StreamField blocks of the GSV pages: what content/ files write as {"type", "value", "id"}."""
from wagtail import blocks


class StepBlock(blocks.StructBlock):
    title = blocks.CharBlock()
    text = blocks.TextBlock()


BODY_BLOCKS = [
    ("heading", blocks.CharBlock()),
    ("paragraph", blocks.RichTextBlock()),
    ("quote", blocks.TextBlock()),
]

STEP_BLOCKS = [("step", StepBlock())]
