"""StreamField blocks shared by help articles, handbook chapters and lessons."""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.contrib.table_block.blocks import TableBlock
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.embeds.blocks import EmbedBlock
from wagtail.images.blocks import ImageChooserBlock


class HeadingBlock(blocks.StructBlock):
    """A section heading; every heading becomes an entry in the page's table of
    contents."""

    text = blocks.CharBlock(label=_("标题"), max_length=120)
    level = blocks.ChoiceBlock(
        label=_("级别"),
        choices=[("h2", _("二级标题")), ("h3", _("三级标题"))],
        default="h2",
        search_index=False,  # the level's label is not content
    )

    class Meta:
        icon = "title"
        label = _("小标题")
        template = "blocks/heading_block.html"


class CaptionedImageBlock(blocks.StructBlock):
    image = ImageChooserBlock(label=_("图片"))
    caption = blocks.CharBlock(label=_("说明"), required=False, max_length=200)

    class Meta:
        icon = "image"
        label = _("图片")
        template = "blocks/image_block.html"


class VideoBlock(blocks.StructBlock):
    video = EmbedBlock(label=_("视频链接"), help_text=_("视频网站的分享链接"))
    caption = blocks.CharBlock(label=_("说明"), required=False, max_length=200)

    class Meta:
        icon = "media"
        label = _("视频")
        template = "blocks/video_block.html"


class CalloutBlock(blocks.StructBlock):
    kind = blocks.ChoiceBlock(
        label=_("类型"),
        choices=[("tip", _("提示")), ("warning", _("注意")), ("note", _("说明"))],
        default="tip",
        search_index=False,
    )
    text = blocks.RichTextBlock(
        label=_("内容"), features=["bold", "italic", "link", "ul", "ol"]
    )

    class Meta:
        icon = "warning"
        label = _("提示框")
        template = "blocks/callout_block.html"


class StepBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("步骤标题"), max_length=120)
    text = blocks.RichTextBlock(
        label=_("说明"), features=["bold", "italic", "link", "ul", "ol"]
    )


class StepsBlock(blocks.ListBlock):
    def __init__(self, **kwargs):
        super().__init__(StepBlock(), **kwargs)

    class Meta:
        icon = "list-ol"
        label = _("操作步骤")
        template = "blocks/steps_block.html"


class DocumentDownloadBlock(blocks.StructBlock):
    document = DocumentChooserBlock(label=_("文档"))
    label = blocks.CharBlock(label=_("链接文字"), required=False, max_length=120)

    class Meta:
        icon = "doc-full"
        label = _("资料下载")
        template = "blocks/document_block.html"


class ContentStreamBlock(blocks.StreamBlock):
    """The body of articles, handbook chapters and lessons."""

    heading = HeadingBlock()
    paragraph = blocks.RichTextBlock(
        label=_("段落"),
        features=["bold", "italic", "link", "document-link", "ul", "ol", "hr", "code"],
        template="blocks/paragraph_block.html",
    )
    image = CaptionedImageBlock()
    video = VideoBlock()
    callout = CalloutBlock()
    steps = StepsBlock()
    table = TableBlock(label=_("表格"), template="blocks/table_block.html")
    document = DocumentDownloadBlock()


def table_of_contents(body) -> list[dict]:
    """Headings of a StreamField body as [{"text", "level", "anchor"}], in order.

    Anchors use the block's stable id, so links survive edits to the heading text.
    """
    return [
        {
            "text": child.value["text"],
            "level": child.value["level"],
            "anchor": f"h-{child.id}",
        }
        for child in body
        if child.block_type == "heading"
    ]
