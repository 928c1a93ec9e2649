"""The documented mapping of records and events to the indicator system's dimensions."""

import pytest

from gnn.dimensions import event_dimension, record_dimension


@pytest.mark.parametrize(
    ("kind", "authority", "dimension"),
    [
        ("dishonest_debtor", "杭州市余杭区人民法院", "business"),
        ("serious_dishonesty", "杭州市市场监督管理局", "compliance"),
        ("abnormal_operation", "杭州市拱墅区市场监督管理局", "compliance"),
        ("admin_penalty", "宁波市生态环境局", "social_responsibility"),
        ("admin_penalty", "国家税务总局杭州市税务局", "social_responsibility"),
        ("admin_penalty", "杭州市交通运输局", "compliance"),
        ("admin_penalty", None, "compliance"),
        ("red_list", None, "social_responsibility"),
    ],
)
def test_record_dimension(kind, authority, dimension):
    assert record_dimension(kind, authority) == dimension


@pytest.mark.parametrize(
    ("category", "dimension"),
    [
        ("消费纠纷", "business"),
        ("价格欺诈", "business"),
        ("拖欠工资", "social_responsibility"),
        ("环境污染", "social_responsibility"),
        ("噪音扰民", "social_responsibility"),
        ("消防安全", "compliance"),
        ("占道经营", "compliance"),
        (None, "compliance"),
    ],
)
def test_event_dimension(category, dimension):
    assert event_dimension(category) == dimension
