"""Relevance judgements for site search over the demo content.

``RELEVANCE_QUERIES`` pairs a query, typed the way customers and service staff really
type it (colloquial, partial words, synonyms, codes, mixed Chinese/English/digits, a
few full-width characters and harmless typos), with the one page or FAQ item that
should answer it. ``expected_title`` is exactly a title (or FAQ question) from
``home.demo_content`` or ``courses.demo_content``; ``check_titles()`` proves it.

``SYNONYMS`` lists the synonym groups these queries rely on, so that the synonyms
seeded by ``seed_demo`` can be aligned with them.

Used by ``tests/search/test_relevance.py`` (recall@5 must be at least 0.9) and by
``bench/bench_search.py`` (figures on a large index). Plain data plus small helpers;
importing it needs no Django setup.
"""

import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from courses import demo_content as course_content
from home import demo_content as home_content

TOP_K = 5
RECALL_TARGET = 0.9

SYNONYMS = [
    ["退货", "退换货"],
    ["退款", "退钱"],
    ["快递", "物流"],
    ["账号", "帐号", "账户"],
    ["登录", "登陆"],
    ["忘记密码", "密码忘了", "找回密码"],
    ["扫地机器人", "扫地机"],
    ["主刷", "滚刷"],
    ["故障代码", "故障码", "错误码", "错误代码"],
    ["wifi", "无线网"],
    ["维修", "报修", "修理"],
    ["首次", "第一次"],
]

# (query, expected title or FAQ question), grouped by the kind of the expected page.
RELEVANCE_QUERIES = [
    # ---- help articles -------------------------------------------------------------
    ("新买的扫地机第一次怎么用", "X 系列扫地机器人首次使用与 APP 配网指南"),
    ("x7 pro 开箱 配网", "X 系列扫地机器人首次使用与 APP 配网指南"),
    ("E410", "E410：Wi-Fi 配网失败怎么办"),
    ("配网老是失败 5G wifi", "E410：Wi-Fi 配网失败怎么办"),
    ("Ｅ４１０ 配网", "E410：Wi-Fi 配网失败怎么办"),
    ("wifi密码改了 设备离线", "E410：Wi-Fi 配网失败怎么办"),
    ("APP 登不上去", "启明家 APP 登录失败与账号找回"),
    ("ＡＰＰ 登录失败", "启明家 APP 登录失败与账号找回"),
    ("app登陆失败", "启明家 APP 登录失败与账号找回"),
    ("帐号找回", "启明家 APP 登录失败与账号找回"),
    ("登陆不上", "启明家 APP 登录失败与账号找回"),
    ("E101 故障", "E101：主刷缠绕或卡住"),
    ("滚刷缠毛发", "E101：主刷缠绕或卡住"),
    ("主刷缠饶 E101", "E101：主刷缠绕或卡住"),
    ("E203 故障", "E203：尘盒未安装或尘盒已满"),
    ("E203尘盒满了怎么半", "E203：尘盒未安装或尘盒已满"),
    ("一直提示请安装尘盒", "E203：尘盒未安装或尘盒已满"),
    ("扫地机不回充电座怎么办", "E305：充电异常，机器无法回充或充不进电"),
    ("E305 充不进电", "E305：充电异常，机器无法回充或充不进电"),
    ("e306 电池温度", "E305：充电异常，机器无法回充或充不进电"),
    ("扫地机器人故障码大全", "X 系列扫地机器人故障代码速查"),
    ("x5 错误代码一览", "X 系列扫地机器人故障代码速查"),
    ("轮子卡住 E502", "X 系列扫地机器人故障代码速查"),
    ("扫地机怎么保养 吸力", "扫地机器人日常保养：让机器保持好吸力"),
    ("净水器怎么预约上门安装", "净水器安装预约与首次使用"),
    ("净水器首次使用注意事项", "净水器安装预约与首次使用"),
    ("F02", "F02 滤芯到期：P 系列净水器滤芯更换方法"),
    ("净水器滤芯多久换一次", "F02 滤芯到期：P 系列净水器滤芯更换方法"),
    ("净水器滤芯怎么换", "F02 滤芯到期：P 系列净水器滤芯更换方法"),
    ("净水器漏水 F03", "净水器故障提示 F01、F03、F05、F07 的处理方法"),
    ("F05 TDS 偏高", "净水器故障提示 F01、F03、F05、F07 的处理方法"),
    ("净水器提示F07", "净水器故障提示 F01、F03、F05、F07 的处理方法"),
    ("怎么退货", "退货退款流程与时效说明"),
    ("退款流程　时效", "退货退款流程与时效说明"),
    ("查快递 改地址", "物流查询、修改地址与签收须知"),
    ("开发票", "发票申请、换开与邮寄说明"),
    ("发票抬头写错了 换开", "发票申请、换开与邮寄说明"),
    ("扫地机保修几年", "启明智能产品保修政策"),
    ("保修期多久", "启明智能产品保修政策"),
    ("扫地机坏了怎么寄修", "如何申请维修：寄修与上门服务"),
    ("净水器坏了 上门修理", "如何申请维修：寄修与上门服务"),
    # ---- FAQ items ------------------------------------------------------------------
    ("下错单了想改数量", "下单后还能修改商品型号或数量吗？"),
    ("取消订单 退款要多久", "怎样取消订单？取消后多久退款？"),
    ("优惠劵用不了", "优惠券为什么用不了？"),
    ("付了钱还显示待付款", "支付成功了，订单却显示“待付款”怎么办？"),
    ("能不能分期 花呗", "可以分期付款吗？"),
    ("企业批量采购 报价", "单位批量采购怎么下单？"),
    ("订单完成了还能补开发票吗", "订单完成后还能申请发票吗？"),
    ("什么时候发货", "下单后多久发货？"),
    ("能发顺丰吗 指定快递", "用的是哪家快递？可以指定快递吗？"),
    ("快递到哪了 查物流", "怎样查询物流进度？"),
    ("显示签收了但没收到快递", "物流显示已签收，但我没有收到货怎么办？"),
    ("发货后改收货地址", "已经发货了还能改收货地址吗？"),
    ("包裹破损能拒收吗", "收到的包裹外包装破损，能签收吗？"),
    ("净水器到货多久上门安装", "净水器送到后多久能安装？"),
    ("七天无理由退货条件", "7 天无理由退货有什么条件？"),
    ("质量问题退货运费谁承担", "商品有质量问题，退换货运费谁出？"),
    ("退货寄回去多久退钱", "退货寄回后，多久能收到退款？"),
    ("包装盒丢了还能退货吗", "包装盒已经扔了，还能退货吗？"),
    ("退货赠品要不要寄回", "赠品需要一起退回吗？"),
    ("京东买的怎么退", "在天猫或京东买的，可以找启明官方退货吗？"),
    ("退货申请被拒", "退货申请被拒绝了怎么办？"),
    ("app 验证码收不到", "APP 登录时收不到验证码怎么办？"),
    ("密码忘了", "忘记登录密码了怎么办？"),
    ("手机号换了 帐号怎么找回", "换了手机号，原来的账号怎么找回？"),
    ("账户被锁定", "账号被锁定了是怎么回事？"),
    ("客服找我要验证码 诈骗", "客服会向我索要验证码或支付密码吗？"),
    ("家人共享扫地机 共用账号", "家人也想用手机控制扫地机器人，要共用账号吗？"),
    ("注销账号", "怎样注销启明家账号？"),
    ("E203 是什么意思", "扫地机器人显示 E203 是什么意思？"),
    ("扫地机连不上wifi", "扫地机器人为什么连不上家里的 Wi-Fi？"),
    ("扫地机能拖地吗 地毯", "扫地机器人可以拖地吗？会不会弄湿地毯？"),
    ("滤网多久换一次", "扫地机器人的主刷、滤网多久换一次？"),
    ("F02 还能喝吗", "净水器显示 F02，还能继续喝水吗？"),
    ("净水器出水慢", "净水器刚开机时出水有点慢，正常吗？"),
    ("净水器浓水能利用吗", "净水器的废水可以利用吗？"),
    # ---- handbook chapters (public) ------------------------------------------------
    ("客服服务理念 三条原则", "第一章 服务理念与职业礼仪"),
    ("接电话礼仪 开场白", "第一节 电话服务礼仪"),
    ("在线客服 文字回复时效", "第二节 在线文字服务规范"),
    ("客服禁用语有哪些", "第二章 标准话术与禁用语"),
    ("处理投诉的误区", "第三章 投诉处理"),
    ("A级投诉 处理时限", "第一节 投诉分级与处理时限"),
    ("退货审核要点", "第四章 退换货规则与审核要点"),
    ("每日上线检查 系统", "第五章 平台与系统操作"),
    ("启明服务台 工单类型", "第一节 工单系统“启明服务台”"),
    ("天猫京东商家后台", "第二节 商城与电商平台后台"),
    ("怎么升级二线技术支持", "第六章 技术支持升级流程"),
    ("质检评分标准 绩效指标", "第七章 质检与绩效考核"),
    # ---- courses -------------------------------------------------------------------
    ("扫地机器人 在线课程", "启明 X 系列扫地机器人：操作、保养与常见故障诊断"),
    ("净水器课程 滤芯维护", "启明 P 系列净水器安装与滤芯维护"),
    ("客户沟通技巧课程", "客户沟通与投诉处理"),
    ("新人入职培训", "新员工入职培训（七阶段）"),
    ("售后技术支持进阶课程", "售后技术支持进阶：故障排查方法"),
    # ---- lessons -------------------------------------------------------------------
    ("X5 和 X7 Pro 有什么区别", "第1课 认识 X 系列与首次使用"),
    ("定时清扫 勿扰模式 设置", "第2课 日常操作与启明家 APP"),
    ("十分钟周保养", "第3课 日常保养与耗材更换"),
    ("故障代码分类规律", "第4课 故障代码诊断"),
    ("扫地机走路跑偏 原地打转", "第5课 进阶排障：清扫效果与导航问题"),
    ("P3 和 P6 怎么选", "第1课 认识 P 系列：反渗透净水原理与机型区别"),
    ("换完滤芯寿命怎么复位", "第3课 滤芯更换与寿命复位"),
    ("净水器冬季防冻 长期不用", "第4课 故障提示与日常维护"),
    ("开放式提问 封闭式提问", "第1课 倾听与提问：听懂客户真正的诉求"),
    ("怎么拒绝客户 三明治法", "第2课 服务语言：共情、致歉与说“不”的艺术"),
    ("投诉案例复盘", "第4课 案例复盘：三类典型投诉"),
    ("跟师傅旁听", "第2课 第二阶段（第4–5天）：跟随师傅带教旁听"),
    ("入职考核 补考", "第5课 第五阶段（第9天）：阶段考核"),
    ("试岗期间规则", "第6课 第六阶段（第10–15天）：试岗"),
    ("排障五步法 对半排除", "第1课 结构化排障方法：从现象到根因"),
    ("远程诊断 看日志", "第2课 设备日志与远程诊断"),
    ("E601 清洁后还报错 案例", "第3课 扫地机器人疑难故障案例"),
    ("上门服务单 网点协同", "第4课 净水器疑难故障与上门协同"),
]

# Generic, broad queries for latency measurements (no single right answer).
GENERIC_QUERIES = [
    "扫地机器人",
    "净水器",
    "故障",
    "退货",
    "APP",
    "滤芯",
    "客服",
    "保养",
    "安装",
    "培训",
    "E2",
    "怎么办",
]


def _chapters(chapters: Iterable[dict]) -> Iterable[dict]:
    for chapter in chapters:
        yield chapter
        yield from _chapters(chapter.get("children", []))


def content_titles() -> dict[str, str]:
    """Every searchable title in the demo content (FAQ items by question) -> kind."""
    titles: dict[str, str] = {}
    for article in home_content.HELP_ARTICLES:
        titles[article["title"]] = "article"
    for item in home_content.FAQ_ITEMS:
        titles[item["question"]] = "faq"
    for chapter in _chapters(home_content.HANDBOOK["chapters"]):
        titles[chapter["title"]] = "chapter"
    for course in course_content.COURSES:
        titles[course["title"]] = "course"
        for lesson in course["lessons"]:
            titles[lesson["title"]] = "lesson"
    return titles


def staff_only_titles() -> frozenset[str]:
    """Titles only staff may see: staff-only courses and their lessons."""
    titles = set()
    for course in course_content.COURSES:
        if course.get("staff_only"):
            titles.add(course["title"])
            titles.update(lesson["title"] for lesson in course["lessons"])
    return frozenset(titles)


def check_titles() -> Counter:
    """Raise if an expected title is not in the demo content or a query repeats;
    return how many queries expect each kind."""
    titles = content_titles()
    unknown = [title for _, title in RELEVANCE_QUERIES if title not in titles]
    if unknown:
        raise ValueError(f"expected titles not in the demo content: {unknown}")
    repeated = [q for q, n in Counter(q for q, _ in RELEVANCE_QUERIES).items() if n > 1]
    if repeated:
        raise ValueError(f"queries listed twice: {repeated}")
    return Counter(titles[title] for _, title in RELEVANCE_QUERIES)


@dataclass
class Miss:
    query: str
    expected: str
    rank: int | None  # 1-based rank when found beyond the top K, else None
    top: list[str]


@dataclass
class Evaluation:
    total: int = 0
    found: int = 0
    reciprocal_ranks: float = 0.0
    misses: list[Miss] = field(default_factory=list)

    @property
    def recall(self) -> float:
        return self.found / self.total if self.total else 0.0

    @property
    def mrr(self) -> float:
        return self.reciprocal_ranks / self.total if self.total else 0.0

    def report(self) -> str:
        lines = [
            f"recall@{TOP_K} {self.recall:.3f} ({self.found}/{self.total}), "
            f"MRR@{2 * TOP_K} {self.mrr:.3f}"
        ]
        for miss in self.misses:
            where = f"rank {miss.rank}" if miss.rank else "not in results"
            lines.append(
                f"  MISS {miss.query!r} -> expected {miss.expected!r} ({where}); "
                f"top {TOP_K}: {miss.top}"
            )
        return "\n".join(lines)


def evaluate(
    run: Callable[[str, bool], list[str]], queries=RELEVANCE_QUERIES
) -> Evaluation:
    """Score ``run(query, as_staff)``, which returns the ranked hit titles (at least
    the first ``2 * TOP_K``). Queries whose expected page is staff-only run as staff."""
    staff_titles = staff_only_titles()
    result = Evaluation()
    for query, expected in queries:
        titles = list(run(query, expected in staff_titles))[: 2 * TOP_K]
        result.total += 1
        rank = titles.index(expected) + 1 if expected in titles else None
        if rank:
            result.reciprocal_ranks += 1 / rank
        if rank and rank <= TOP_K:
            result.found += 1
        else:
            result.misses.append(Miss(query, expected, rank, titles[:TOP_K]))
    return result


def ensure_synonyms(groups=SYNONYMS) -> str:
    """Create the synonym groups the seed does not already cover, through the search
    app's ``SearchSynonym`` model (``home.search.models``), found lazily by name so
    this module does not depend on it.

    Returns what was done, for the caller to show. Does nothing when no such model
    exists or it has no ``terms`` text field.
    """
    from django.apps import apps

    model = next(
        (m for m in apps.get_models() if m.__name__ == "SearchSynonym"),
        None,
    )
    if model is None:
        return "no SearchSynonym model: synonyms not checked"
    fields = {f.name for f in model._meta.get_fields() if f.concrete}
    if "terms" not in fields:
        return f"SearchSynonym fields {sorted(fields)} not understood: unchanged"
    existing = [_terms_of(synonym) for synonym in model.objects.all()]
    seeded = set().union(*existing)
    created, partial = [], []
    for group in groups:
        wanted = {term.lower() for term in group}
        if any(wanted <= have for have in existing):
            continue
        if wanted & seeded:
            # Overlapping groups would shadow each other: report, do not add.
            lacking = [term for term in group if term.lower() not in seeded]
            partial.append(" = ".join(lacking))
            continue
        model.objects.create(terms=" = ".join(group))
        existing.append(wanted)
        created.append(" = ".join(group))
    covered = len(groups) - len(created) - len(partial)
    return (
        f"synonyms: {covered} of {len(groups)} groups seeded; created {created}; "
        f"seeded groups lack {partial}"
    )


def _terms_of(synonym) -> set[str]:
    terms = getattr(synonym, "term_list", None)
    if terms is None:
        terms = re.split(r"[=＝,，、;；/\s]+", str(synonym.terms))
    return {term.strip().lower() for term in terms if term.strip()}


if __name__ == "__main__":
    counts = check_titles()
    print(f"{len(RELEVANCE_QUERIES)} queries, by kind: {dict(counts)}")  # noqa: T201
