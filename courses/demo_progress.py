"""Demo learning paths, assignments and progress: the seven-stage new-hire induction
(domain.md, "A staged new-hire curriculum"), a half-yearly refresher for the customer
service department, a customer course assigned to one customer company with a date, and
an overdue technical course, with the demo learners part-way through them."""

# The seven-stage induction. ``courses`` are demo course slugs; a ``task`` is a
# practical task that a mentor (师傅) or trainer signs off.
INDUCTION_PATH = {
    "slug": "new-hire-induction-path",
    "title": "新员工入职培训路径",
    "summary": (
        "客服新员工在十六天内完成的七个阶段：入职基础课程、师傅旁看、场景对话、"
        "再次旁看、业务知识与系统操作考试、上岗试用和正式上岗评审。"
        "每一阶段完成后自动解锁下一阶段，实践任务由师傅或讲师签字确认。"
    ),
    "estimated_days": 16,
    "stages": [
        {
            "title": "入职基础",
            "schedule": "第 1–3 天",
            "description": "破冰与行业介绍、话术与语音训练、平台基础、退换货流程。",
            "courses": ["new-hire-induction"],
        },
        {
            "title": "师傅旁看",
            "schedule": "第 4–5 天",
            "description": "坐在师傅身边旁听真实接待，记录常见问题与处理方式。",
            "task": "师傅旁看（一）",
            "task_description": (
                "旁听师傅接待不少于 20 通来电或在线会话，整理 10 条常见问题及标准答复，"
                "交师傅审阅。"
            ),
        },
        {
            "title": "场景对话与系统操作",
            "schedule": "第 6 天",
            "description": "常见问题的场景对话、标准话术与工单系统操作。",
            "courses": ["customer-communication-complaints"],
        },
        {
            "title": "再次旁看",
            "schedule": "第 7–8 天",
            "description": "在师傅指导下独立接待部分简单咨询。",
            "task": "师傅旁看（二）",
            "task_description": "在师傅陪同下独立完成 10 次接待，师傅逐一点评。",
        },
        {
            "title": "业务知识与系统操作考试",
            "schedule": "第 9 天",
            "description": "售后技术支持知识与系统操作的结业考试。",
            "courses": ["after-sales-troubleshooting-advanced"],
        },
        {
            "title": "上岗试用",
            "schedule": "第 10–15 天",
            "description": "独立接待，师傅每日抽查录音与工单。",
            "task": "试岗考核",
            "task_description": (
                "试岗期间客户满意度不低于 90%，工单填写规范，无重大投诉。"
            ),
        },
        {
            "title": "正式上岗",
            "schedule": "第 16 天",
            "description": "培训部评审试岗表现，确认正式上岗。",
            "task": "上岗评审",
            "task_description": "讲师根据试岗记录与考试成绩评审，签字确认正式上岗。",
        },
    ],
}

# A lesson that is the reading of a help article ("docs as courses").
READING_LESSON = {
    "course": "p-series-installation-filter",
    "slug": "p-lesson-reading-fault-prompts",
    "title": "延伸阅读：净水器故障提示的处理",
    "summary": "阅读帮助中心文章，了解 F01、F03、F05、F07 提示的含义与处理方法。",
    "minutes": 10,
    "article": "p-series-fault-codes",
    "body": [
        (
            "paragraph",
            "<p>本课时的内容是帮助中心的文章"
            "《净水器故障提示 F01、F03、F05、F07 的处理方法》。"
            "读完文章后，在文章页点击“完成阅读”，本课时即记为完成。</p>",
        )
    ],
}

# Assignments: ``starts`` and ``due`` are days from today (negative: in the past).
ASSIGNMENTS = [
    {
        "title": "新员工入职培训（2026 年 11 月入职）",
        "path": INDUCTION_PATH["slug"],
        "users": ["staff", "lin.xiaoyu", "xu.tao"],
        "starts": -12,
        "due_days": 16,
    },
    {
        "title": "客服人员半年复训：客户沟通与投诉处理",
        "course": "customer-communication-complaints",
        "organisations": ["QM-CS"],
        "starts": -200,
        "due_days": 30,
        "recur_months": 6,
    },
    {
        "title": "澄湖物业：X 系列操作与保养培训",
        "course": "x-series-operation-maintenance",
        "organisations": ["C-HZ-001"],
        "starts": -20,
        "due": 5,
    },
    {
        "title": "技术支持部：售后故障排查进阶",
        "course": "after-sales-troubleshooting-advanced",
        "organisations": ["QM-TS"],
        "starts": -30,
        "due": -3,
    },
]

# Mentors of the induction learners (the trainer signs in, so the demo shows a task
# waiting for them).
MENTORS = {"staff": "huang.wei", "lin.xiaoyu": "huang.wei", "xu.tao": "trainer"}

# Lessons completed, by learner and course slug: "all" or the first N lessons.
LESSONS_DONE = {
    "staff": {"new-hire-induction": 2, "customer-communication-complaints": 1},
    "lin.xiaoyu": {
        "new-hire-induction": "all",
        "customer-communication-complaints": "all",
    },
    "xu.tao": {"new-hire-induction": "all"},
    "huang.wei": {"customer-communication-complaints": "all"},
    "ma.jun": {"after-sales-troubleshooting-advanced": 2},
    "guo.ting": {"after-sales-troubleshooting-advanced": 3},
    "chen.jing": {"x-series-operation-maintenance": "all"},
    "liu.yang": {"x-series-operation-maintenance": 3},
}

# Practical tasks signed off: learner → (stage titles, signer, note).
SIGN_OFFS = {
    "lin.xiaoyu": [
        ("师傅旁看", "huang.wei", "旁听 24 通，问题整理完整，话术记录规范。"),
        ("再次旁看", "huang.wei", "独立接待 12 次，语气亲和，退换货流程熟练。"),
    ],
}
