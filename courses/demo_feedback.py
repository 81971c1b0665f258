"""Demo feedback forms (the four forms of the domain) and the material their demo
submissions are drawn from. ``courses.seeding.seed_feedback`` builds them.

Question keys are stable slugs: the same key on two forms is the same question, so
培训反馈单 and 现场培训记录单 share the trainer items and the overall rating, and the
summaries compare trainers and courses across both.
"""

# Agreement items of 培训反馈单 (5 非常同意 … 1 非常不同意), by section.
TRAINING_FEEDBACK_SECTIONS = [
    (
        "course",
        "一、培训目标与内容",
        [
            ("objectives_relevant", "培训目标与我的工作相关"),
            ("content_met_expectations", "培训内容符合我的期望"),
            ("content_well_organised", "内容组织有条理，容易学习"),
            ("sequence_appropriate", "内容的先后顺序安排合理"),
            ("difficulty_appropriate", "内容难易程度适当"),
            ("time_allocation", "各部分的时间分配合理"),
            ("applicable_to_work", "所学内容能够应用到我的工作中"),
        ],
    ),
    (
        "trainer",
        "二、讲师",
        [
            ("trainer_preparation", "讲师课前准备充分"),
            ("trainer_expertise", "讲师具备扎实的专业知识"),
            ("trainer_approachable", "讲师平易近人，乐于解答问题"),
            ("trainer_delivery", "讲师表达清楚，讲解生动"),
        ],
    ),
    (
        "method",
        "三、教学方法与参与",
        [
            ("techniques_useful", "课上使用的技巧和案例对我有帮助"),
            ("participation_chances", "课堂上有足够的参与机会"),
            ("own_participation", "我积极参与了培训活动"),
            ("others_participation", "其他学员积极参与了培训活动"),
        ],
    ),
    (
        "overall",
        "四、总体评价",
        [("overall_rating", "总体而言，我对本次培训很满意")],
    ),
]

TRAINING_FEEDBACK_OPEN = [
    ("most_valuable", "本次培训对您最有价值的三点是什么？"),
    ("least_liked", "您最不喜欢本次培训的三点是什么？"),
    ("suggestions", "您对今后的培训有什么建议？"),
]


def _training_feedback_questions() -> list[dict]:
    questions = []
    for key, heading, items in TRAINING_FEEDBACK_SECTIONS:
        questions.append({"key": f"section_{key}", "kind": "section", "text": heading})
        questions += [{"key": k, "kind": "likert", "text": t} for k, t in items]
    questions.append(
        {"key": "section_open", "kind": "section", "text": "五、意见与建议"}
    )
    questions += [
        {"key": key, "kind": "long_text", "text": text, "required": False}
        for key, text in TRAINING_FEEDBACK_OPEN
    ]
    return questions


ONSITE_CONTENT = [
    "产品基本操作",
    "日常清洁与保养",
    "常见故障诊断",
    "安装与调试",
    "耗材更换",
    "启明家 APP 使用",
]
ONSITE_GRASP = [
    "我能独立完成产品的日常操作",
    "我能按要求完成日常清洁与保养",
    "我能根据故障代码判断常见故障",
    "我知道何时、如何更换耗材",
]

FORMS = [
    {
        "key": "training-feedback",
        "title": "培训反馈单",
        "intro": (
            "感谢您参加本次培训。请根据您的真实感受填写，"
            "5 分表示非常同意，1 分表示非常不同意。您的意见将用于改进今后的培训。"
        ),
        "settings": {"allow_anonymous": True, "one_per_user": True},
        "questions": _training_feedback_questions(),
    },
    {
        "key": "onsite-record",
        "title": "现场培训记录单",
        "intro": (
            "现场培训结束后，请每位学员填写，记录培训内容、自评掌握程度和对讲师的评价。"
        ),
        # Trainees at the customer's site rarely have an account: they give their
        # name and company; a trainee may attend several sessions.
        "settings": {"allow_anonymous": True, "one_per_user": False},
        "questions": [
            {"key": "training_date", "kind": "date", "text": "培训日期"},
            {
                "key": "onsite_occasion",
                "kind": "single",
                "text": "本次现场培训的时机",
                "options": ["售前演示", "首次使用前", "安装完成后", "产品升级后"],
            },
            {
                "key": "content_covered",
                "kind": "multiple",
                "text": "本次培训涵盖的内容（可多选）",
                "options": ONSITE_CONTENT,
            },
            {
                "key": "self_grasp",
                "kind": "likert_matrix",
                "text": "请自评您对以下内容的掌握程度",
                "options": ONSITE_GRASP,
            },
            {
                "key": "trainer_competence",
                "kind": "rating",
                "text": "您如何评价讲师的业务能力？（0 分最低，10 分最高）",
            },
            {
                "key": "trainer_expertise",
                "kind": "likert",
                "text": "讲师具备扎实的专业知识",
            },
            {
                "key": "overall_rating",
                "kind": "likert",
                "text": "总体而言，我对本次培训很满意",
            },
            {
                "key": "onsite_comments",
                "kind": "long_text",
                "text": "其他意见（如希望再次培训的内容）",
                "required": False,
            },
        ],
    },
    {
        "key": "service-opinion",
        "title": "客户服务意见单",
        "intro": (
            "感谢您联系启明售后服务。请花一分钟告诉我们这次服务的情况，"
            "结果将计入技术人员的服务考核。"
        ),
        "settings": {"allow_anonymous": True, "one_per_user": False},
        "questions": [
            {
                "key": "problem_solved",
                "kind": "yes_no",
                "text": "您的问题是否已经解决？",
            },
            {
                "key": "response_speed",
                "kind": "rating",
                "text": "您对问题处理速度的评分（0 分非常慢，10 分非常快）",
            },
            {
                "key": "technician_effective",
                "kind": "likert",
                "text": "技术人员有效地帮我解决了问题",
            },
            {
                "key": "technician_attitude",
                "kind": "likert",
                "text": "技术人员态度友好、耐心",
            },
            {
                "key": "contact_channel",
                "kind": "single",
                "text": "您是通过什么方式联系我们的？",
                "options": ["客服电话", "在线客服", "上门服务", "电子邮件"],
            },
            {
                "key": "service_comments",
                "kind": "long_text",
                "text": "其他意见或建议",
                "required": False,
            },
        ],
    },
    {
        "key": "online-survey",
        "title": "网络培训回访",
        "intro": "为了改进在线学习资料和在线服务，请您对以下方面作出评价。",
        "settings": {"allow_anonymous": True, "one_per_user": True},
        "questions": [
            {
                "key": "material_timely",
                "kind": "likert",
                "text": "在线资料内容及时、准确",
            },
            {
                "key": "material_update_speed",
                "kind": "likert",
                "text": "产品更新后，在线资料的更新速度满足需要",
            },
            {
                "key": "online_service_responsive",
                "kind": "likert",
                "text": "在线答疑等在线服务响应及时",
            },
            {
                "key": "recommend_online",
                "kind": "rating",
                "text": "您向同事推荐我们在线学习的可能性有多大？（0-10 分）",
            },
            {
                "key": "preferred_formats",
                "kind": "multiple",
                "text": "您希望增加哪些形式的在线资料？（可多选）",
                "options": [
                    "视频教程",
                    "图文手册",
                    "直播答疑",
                    "故障案例库",
                    "模拟练习",
                ],
                "required": False,
            },
            {
                "key": "overall_rating",
                "kind": "likert",
                "text": "总体而言，我对网络培训很满意",
            },
            {
                "key": "online_suggestions",
                "kind": "long_text",
                "text": "您对网络培训还有什么建议？",
                "required": False,
            },
        ],
    },
]

# Where each form goes: (page model label, slug). Courses by slug; help articles
# by slug.
ATTACHMENTS = {
    "training-feedback": [
        ("course", "x-series-operation-maintenance"),
        ("course", "customer-communication-complaints"),
        ("course", "new-hire-induction"),
        ("course", "after-sales-troubleshooting-advanced"),
    ],
    "onsite-record": [("course", "p-series-installation-filter")],
    "service-opinion": [
        ("article", "repair-request"),
        ("article", "e305-charging-error"),
        ("article", "e410-wifi-pairing-failed"),
        ("article", "p-series-fault-codes"),
    ],
    "online-survey": [
        ("article", "x7-first-setup"),
        ("article", "robot-daily-maintenance"),
        ("article", "p-filter-replacement"),
    ],
}

# How many demo submissions each form gets, over the last twelve months.
SUBMISSION_COUNTS = {
    "training-feedback": 220,
    "onsite-record": 50,
    "service-opinion": 90,
    "online-survey": 45,
}

# Earlier trainers of the demo courses (the course pages now name 王老师): older
# submissions keep the trainer of their time, so the trainer comparison has several.
DEMO_TRAINERS = [
    # username, display name
    ("zhao.lei", "赵磊"),
    ("qian.hong", "钱红"),
]

# Respondents without an account who gave their name (onsite and centralised
# sessions, customers calling the service line).
WALK_IN_NAMES = [
    "王建华", "李春梅", "张伟", "刘晓东", "陈雪", "杨帆", "赵丽娟", "黄志强",
    "周海燕", "吴磊", "徐婷", "孙国栋", "胡静", "朱文博", "高敏", "林峰",
]  # fmt: skip

# Open answers, in the respondent's words.
MOST_VALUABLE = [
    "故障代码对照表讲得很清楚",
    "现场演示主刷拆装，一看就会",
    "保养周期表可以直接贴在仓库墙上",
    "讲师分享的真实维修案例",
    "学会了用 APP 查看设备日志",
    "投诉处理六步法很实用",
    "分组演练让我敢开口了",
    "标准话术可以直接用在电话里",
    "配网失败的排查顺序",
    "滤芯更换的注意事项",
    "讲义整理得很系统，方便复习",
    "知道了什么情况该报修、什么情况自己处理",
]
LEAST_LIKED = [
    "时间太紧，练习不够",
    "理论部分有点长",
    "投影看不清楚",
    "下午的课程节奏太快",
    "案例和我们行业关系不大",
    "没有发纸质讲义",
    "分组人数太多，轮不到动手",
    "培训地点离公司太远",
    "中间休息时间太短",
]
SUGGESTIONS = [
    "希望多安排实操时间",
    "建议课后把课件发到平台上",
    "可以增加净水器安装的实操",
    "希望每季度复训一次",
    "建议录制视频方便没来的同事学习",
    "希望能提供一份常见问题速查卡",
    "培训前先做一个小调查，了解我们的水平",
    "希望讲师能到我们门店现场指导",
    "建议把考试安排在培训后一周",
]
SERVICE_COMMENTS = [
    "师傅上门很准时，讲解耐心",
    "电话等了很久才接通",
    "一次就修好了，很满意",
    "希望能提前告知上门时间",
    "在线客服回复很快",
    "问题反复出现，希望彻底解决",
    "技术人员顺便教了我们日常保养，很贴心",
    "配件等了三天",
]
ONLINE_SUGGESTIONS = [
    "视频再多一些，文字太多看不进去",
    "希望资料能按型号分类",
    "固件升级后说明书更新得不够快",
    "希望在线答疑晚上也有人回复",
    "搜索功能很好用",
    "建议增加故障案例库",
]
ONSITE_COMMENTS = [
    "希望下次讲一下净水器的冲洗流程",
    "讲师很专业，现场问题都解答了",
    "希望给每位操作员发一份快速指南",
    "希望安排一次回访培训",
]
FOLLOW_UP_NOTES = [
    "已电话回访，约定下周再次上门检查。",
    "已转技术支持部分析日志。",
    "已向培训部反馈，下期课程增加实操时间。",
    "已联系客户确认配件到货时间。",
]

# The course pages name 王老师 today; before ``days`` ago another trainer taught the
# course, and older submissions keep the trainer of their time.
EARLIER_TRAINERS = {
    "x-series-operation-maintenance": ("zhao.lei", 200),
    "customer-communication-complaints": ("qian.hong", 150),
    "after-sales-troubleshooting-advanced": ("zhao.lei", 120),
    "p-series-installation-filter": ("qian.hong", 180),
}
# A respondent's overall satisfaction (1-5) is drawn around the trainer's mean.
TRAINER_MOOD = {"trainer": 4.25, "zhao.lei": 3.7, "qian.hong": 4.0}
DEFAULT_MOOD = 3.9
# Items people rate a little higher or lower than their overall mood.
ITEM_BIAS = {
    "time_allocation": -0.35,
    "difficulty_appropriate": -0.2,
    "participation_chances": -0.15,
    "own_participation": 0.25,
    "trainer_approachable": 0.2,
    "trainer_expertise": 0.15,
    "material_update_speed": -0.4,
    "online_service_responsive": -0.2,
    "technician_attitude": 0.2,
}
TEXT_POOLS = {
    "most_valuable": MOST_VALUABLE,
    "least_liked": LEAST_LIKED,
    "suggestions": SUGGESTIONS,
    "service_comments": SERVICE_COMMENTS,
    "online_suggestions": ONLINE_SUGGESTIONS,
    "onsite_comments": ONSITE_COMMENTS,
}
# How often an optional open question is answered in the demo.
TEXT_ANSWER_RATE = {"most_valuable": 0.75, "least_liked": 0.4, "suggestions": 0.55}
