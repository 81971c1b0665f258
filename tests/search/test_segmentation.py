"""Chinese segmentation at index and query time: words inside sentences, multi-word
queries with and without spaces, mixed Chinese/English/digits, full-width and case."""

import pytest

from home.search.text import normalise, normalise_query, query_words, segment_for_index
from tests.search.conftest import titles

pytestmark = pytest.mark.django_db

RETURNS_ARTICLE = "退货退款流程与时效说明"
E203_ARTICLE = "E203：尘盒未安装或尘盒已满"
E410_ARTICLE = "E410：Wi-Fi 配网失败怎么办"
APP_LOGIN_ARTICLE = "启明家 APP 登录失败与账号找回"


def test_normalise_folds_width_case_and_punctuation():
    assert normalise("ＡＰＰ　登录！") == "app 登录"
    assert normalise("Wi-Fi 配网") == "wifi 配网"
    assert normalise("X7Pro") == "x7 pro"
    assert normalise_query("退" * 500) == "退" * 100


def test_index_text_is_segmented_into_words():
    words = segment_for_index("如何办理退货流程").split()
    assert words == ["如何", "办理", "退货", "流程"]
    # Product words from the custom dictionary stay whole.
    assert "配网" in segment_for_index("机器配网失败").split()
    assert "尘盒" in segment_for_index("清理尘盒").split()


def test_question_words_are_dropped_from_queries():
    assert query_words("扫地机器人连不上wifi怎么办") == ["扫地机器人", "连不上", "wifi"]
    assert query_words("怎么办") == ["怎么办"]


def test_two_character_word_inside_a_sentence_is_found(publish_article):
    publish_article("售后办理须知", "如何办理退货流程请看这里")
    assert "售后办理须知" in titles("退货")
    assert RETURNS_ARTICLE in titles("退货")


@pytest.mark.parametrize("query", ["配网 失败", "配网失败", "失败 配网"])
def test_multi_word_queries_with_and_without_spaces(query):
    assert E410_ARTICLE in titles(query)[:5]


@pytest.mark.parametrize("query", ["E203 故障", "E203故障", "e203", "E203"])
def test_fault_codes_mixed_with_chinese(query):
    assert E203_ARTICLE in titles(query)[:5]


@pytest.mark.parametrize("query", ["APP 登录", "app登录", "ＡＰＰ 登录", "Ａｐｐ登录"])
def test_english_words_full_width_and_case(query):
    assert APP_LOGIN_ARTICLE in titles(query)[:5]


def test_full_width_text_in_a_page_is_found_by_half_width_query(publish_article):
    publish_article("全角测试文章", "请在ＡＰＰ里打开Ｅ９９９诊断")
    assert "全角测试文章" in titles("e999")
    assert "全角测试文章" in titles("APP E999")


def test_block_labels_are_not_indexed_as_content():
    from home.blocks import ContentStreamBlock

    block = ContentStreamBlock()
    value = block.to_python(
        [
            {"type": "heading", "value": {"text": "清理尘盒", "level": "h2"}},
            {"type": "callout", "value": {"kind": "warning", "text": "<p>先断电</p>"}},
        ]
    )
    text = " ".join(block.get_searchable_content(value))
    assert "清理尘盒" in text
    assert "先断电" in text
    assert "二级标题" not in text
    assert "注意" not in text
