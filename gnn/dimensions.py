"""Which dimension of the credit indicator system a reason belongs to (商务 / 合规 / 社会责任 / 关联方).

The province's indicator system reads a subject along business credit (商务信用: performing judgments,
contracts and debts, honest dealing with customers), compliance credit (合规信用: administrative
penalties, registration and disclosure duties, safety and licensing rules) and social responsibility
(社会责任: environment, neighbours, workers' pay, public health); risk carried in from affiliated
subjects is a fourth, related-parties dimension. The mapping below is ours and is documented here:

- business: record kind dishonest_debtor; event categories with 消费 宣传 价格 质量 预付卡 借贷 集资
  合同 欠款 物业 纠纷.
- social_responsibility: admin_penalty issued by an environment, labour, tax or health authority;
  red_list, commendation; event categories with 污染 噪音 扰民 油烟 环卫 环保 工资 欠薪 社保 卫生
  未成年 劳资.
- compliance: abnormal_operation, serious_dishonesty, every other admin_penalty; every other event
  category (占道, 消防, 安全生产, 食品, 违建, 交通, 检查 ...).

Related parties (punished firms or persons reached through roles or a shared address / phone) are
`related_parties` whatever the party's own record is about. Social-responsibility keywords are tested
before business ones (拖欠工资纠纷 is about workers' pay).
"""

from __future__ import annotations

BUSINESS = "business"
COMPLIANCE = "compliance"
SOCIAL = "social_responsibility"
RELATED = "related_parties"
DIMENSIONS = (BUSINESS, COMPLIANCE, SOCIAL, RELATED)

_SOCIAL_AUTHORITIES = ("生态环境", "环境保护", "环保", "人力资源", "人社", "劳动", "税务", "卫生健康", "卫健")
_SOCIAL_WORDS = (
    *("污染", "噪音", "扰民", "油烟", "环卫", "环保"),
    *("工资", "欠薪", "社保", "卫生", "未成年", "劳资"),
)
_BUSINESS_WORDS = ("消费", "宣传", "价格", "质量", "预付卡", "借贷", "集资", "合同", "欠款", "物业", "纠纷")


def record_dimension(kind: str, authority: str | None = None) -> str:
    """Dimension of a credit record from its kind and issuing authority."""
    if kind == "dishonest_debtor":
        return BUSINESS
    if kind in ("red_list", "commendation"):
        return SOCIAL
    if kind == "admin_penalty" and authority and any(w in authority for w in _SOCIAL_AUTHORITIES):
        return SOCIAL
    return COMPLIANCE


def event_dimension(category: str | None) -> str:
    """Dimension of a governance event from its category."""
    cat = category or ""
    if any(w in cat for w in _SOCIAL_WORDS):
        return SOCIAL
    if any(w in cat for w in _BUSINESS_WORDS):
        return BUSINESS
    return COMPLIANCE
