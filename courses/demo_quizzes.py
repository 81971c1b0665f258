# ruff: noqa: E501 - long Chinese prose, like demo_content.py
"""Demo question banks, demo learners and their attempts.

Plain data only: ``courses.seeding`` turns these into Quiz / Question / Choice rows,
attaches each quiz to its course (final exam, ``CoursePage.quiz``) or lesson
(``LessonPage.quiz``), and replays the attempts through the quiz services. Facts
(fault codes, filter models, policies, time limits) match ``courses.demo_content``
and ``home.demo_content``; every final exam is out of 100 points and uses every
question type.

Question keys: ``kind``; ``text``; ``points``; ``category``; ``choices`` as
(text, is_correct) for choice questions; ``partial_credit`` for multiple choice;
``accepted`` (fill-in answers, the first is the one the key shows) and ``mistake``
(the wrong answer demo learners give); for short answers, ``answers``: what a demo
learner writes and the trainer's comment, by quality (good / fair / weak); and
``explanation`` (shown in the review after an attempt).
"""

TRUE = [("正确", True), ("错误", False)]
FALSE = [("正确", False), ("错误", True)]

# Share of a short answer's points a trainer gives, by the quality of the answer.
ESSAY_CREDIT = {"good": "1", "fair": "0.6", "weak": "0.3"}

X_EXAM = {
    "key": "x-exam",
    "course": "x-series-operation-maintenance",
    "title": "X 系列扫地机器人结业考试",
    "description": (
        "共 12 题，满分 100 分，85 分及格，90 分良好，95 分优秀。最多作答 3 次，"
        "两次作答至少间隔 10 分钟；3 次未通过的，可联系讲师申请补考。"
        "简答题由讲师评分，评分完成前成绩显示为“待评分”。"
    ),
    "settings": {
        "audience": "customer",
        "pass_mark": 85,
        "good_mark": 90,
        "excellent_mark": 95,
        "max_attempts": 3,
        "cooldown_minutes": 10,
        "time_limit_minutes": 0,
        "shuffle_questions": False,
        "shuffle_choices": True,
        "review_policy": "after_attempt",
    },
    "questions": [
        {
            "kind": "single",
            "category": "首次使用",
            "points": "8",
            "text": "放置 X7 Pro 的充电座（集尘座）时，正前方至少要留出多大的空间？",
            "choices": [
                ("0.5 米", False),
                ("1 米", False),
                ("1.5 米", True),
                ("3 米", False),
            ],
            "explanation": (
                "充电座靠墙放在硬质平整地面上，左右各留 0.5 米，正前方留 1.5 米"
                "（X5 为 1 米），并避开阳光直射和楼梯边缘，否则机器容易找不到充电座。"
            ),
        },
        {
            "kind": "single",
            "category": "故障诊断",
            "points": "8",
            "text": "APP 推送故障代码 E203，表示什么问题？",
            "choices": [
                ("主刷缠绕或卡住", False),
                ("尘盒未安装或已满", True),
                ("充电异常", False),
                ("Wi-Fi 配网失败", False),
            ],
            "explanation": (
                "E2xx 与尘盒和吸尘通道有关。E203 表示尘盒未安装或已满：清倒尘盒、"
                "拍净滤网，再把尘盒重新装到位即可。"
            ),
        },
        {
            "kind": "single",
            "category": "保养",
            "points": "8",
            "text": "X 系列的滤网应该怎样清洁？",
            "choices": [
                ("每两周在垃圾桶边轻拍清灰，不可水洗", True),
                ("每次清扫后用清水冲洗，晾干后装回", False),
                ("用湿布擦拭后立即装回", False),
                ("不需要清洁，3 个月后直接更换", False),
            ],
            "explanation": (
                "滤网每两周轻拍清灰，不可水洗，约 3 个月更换一次。尘盒可以水洗，"
                "但必须晾干 24 小时再装回。"
            ),
        },
        {
            "kind": "single",
            "category": "故障诊断",
            "points": "8",
            "text": "机器报故障后，第一步应该做什么？",
            "choices": [
                ("长按电源键重启机器", False),
                ("在 APP 中确认并记下故障代码", True),
                ("恢复出厂设置", False),
                ("直接联系客服寄修", False),
            ],
            "explanation": (
                "先在 APP 中确认故障代码，不要急着重启：重启后代码会被清除，"
                "之后无论自行处理还是报修都缺少依据。"
            ),
        },
        {
            "kind": "multiple",
            "category": "日常操作",
            "points": "10",
            "partial_credit": False,
            "text": "配网失败（E410）时，应该检查哪些项目？（多选，全部选对才得分）",
            "choices": [
                ("家中 Wi-Fi 是 2.4GHz 频段", True),
                ("路由器没有开启 AP 隔离", True),
                ("Wi-Fi 密码输入正确", True),
                ("改用 5GHz Wi-Fi，信号更快", False),
            ],
            "explanation": (
                "X 系列只支持 2.4GHz Wi-Fi；路由器开启 AP 隔离或密码错误都会导致"
                "配网失败。5GHz 网络无法配网。"
            ),
        },
        {
            "kind": "multiple",
            "category": "保养",
            "points": "10",
            "partial_credit": True,
            "text": (
                "以下哪些部件属于耗材，不在保修范围内？"
                "（多选，按选对的比例得分，选错倒扣）"
            ),
            "choices": [
                ("主刷", True),
                ("边刷", True),
                ("滤网", True),
                ("集尘袋", True),
                ("主电机", False),
                ("激光测距传感器", False),
            ],
            "explanation": (
                "X 系列整机保修 1 年，主电机与激光测距传感器保修 2 年；主刷、边刷、"
                "滤网、拖布和集尘袋属于耗材，不在保修范围内。"
            ),
        },
        {
            "kind": "true_false",
            "category": "首次使用",
            "points": "6",
            "text": "X5 可以保存多张地图，并在地图上设置禁区和虚拟墙。",
            "choices": FALSE,
            "explanation": (
                "X5 采用陀螺仪 + 视觉导航，不保存地图，只能查看实时轨迹；保存多张地图、"
                "分区清扫和禁区是 X7 Pro 的功能。"
            ),
        },
        {
            "kind": "true_false",
            "category": "故障诊断",
            "points": "6",
            "text": "故障代码的第一位数字表示故障所在的部位，例如 E3xx 都与充电和电池有关。",
            "choices": TRUE,
            "explanation": (
                "E1xx 清扫部件，E2xx 尘盒与吸尘通道，E3xx 充电与电池，E4xx 网络，"
                "E5xx 驱动轮，E6xx 导航传感器，E7xx 拖地组件。"
            ),
        },
        {
            "kind": "true_false",
            "category": "故障诊断",
            "points": "6",
            "text": "机器冒烟或有焦味时，可以先关机清理主刷，再开机观察是否恢复。",
            "choices": FALSE,
            "explanation": (
                "冒烟、有焦味或充电时机身明显发烫时，不要尝试任何自行处理，"
                "请立即断电并联系客服。"
            ),
        },
        {
            "kind": "fill_blank",
            "category": "日常操作",
            "points": "8",
            "text": "X 系列配网只支持 ____ 频段的 Wi-Fi。",
            "accepted": ["2.4GHz", "2.4G", "2.4 GHz", "2.4"],
            "mistake": "5GHz",
            "explanation": "X 系列只支持 2.4GHz Wi-Fi，双频路由器请确认手机连接的是 2.4GHz 网络。",
        },
        {
            "kind": "fill_blank",
            "category": "保养",
            "points": "8",
            "text": "更换新的主刷、滤网等耗材后，需要在 APP 的“____”中点击“重置”。",
            "accepted": ["耗材管理", "耗材管理页面", "耗材管理页"],
            "mistake": "设备设置",
            "explanation": "更换耗材后在“耗材管理”中重置，APP 才会重新计算下一次更换提醒。",
        },
        {
            "kind": "short_answer",
            "category": "报修",
            "points": "14",
            "text": (
                "酒店客房的一台 X7 Pro 一周内第三次报 E101，清理主刷后很快又出现。"
                "请写出接下来的处理步骤，以及联系客服前需要准备哪些信息。"
            ),
            "explanation": (
                "参考要点：① 关机后彻底清理主刷和两端轴承帽，检查主刷仓有无异物；"
                "② 同一代码一周内出现 3 次以上，应联系客服报修；③ 在 APP“设备设置 → "
                "上传日志”记下日志编号；④ 准备型号、SN 码、故障代码、故障照片或短视频，"
                "以及已经做过的排查步骤。"
            ),
            "answers": {
                "good": (
                    "先关机，把主刷取出来，用刀片割断缠绕的头发，拔下两端轴承帽清理，"
                    "再看看主刷仓里有没有卡住的东西。同一个代码一周内已经出现三次，"
                    "应该报修：在 APP 里上传日志记下日志编号，准备好型号 X7 Pro、"
                    "机身底部的 SN 码、故障代码 E101、拍一段故障的视频，"
                    "并告诉客服我们已经清理过主刷和轴承帽。",
                    "步骤完整，报修信息齐全，提到了日志编号，很好。",
                ),
                "fair": (
                    "清理主刷上的头发，然后联系客服报修，告诉客服机器型号和故障代码。",
                    "方向正确。遗漏了轴承帽和主刷仓的检查，报修信息还缺 SN 码、"
                    "日志编号和已做过的排查步骤。",
                ),
                "weak": (
                    "恢复出厂设置试试，不行就换一台。",
                    "恢复出厂设置会清除地图和设置，不能解决主刷缠绕，"
                    "请复习第 4 课“处理故障的通用顺序”和第 5 课“报修前准备什么”。",
                ),
            },
        },
    ],
}

X_LESSON_QUIZ = {
    "key": "x-fault-codes",
    "course": "x-series-operation-maintenance",
    "lesson": "x-lesson-fault-code-diagnosis",
    "title": "第4课随堂测验：故障代码",
    "description": "5 道题，检验您是否掌握了常见故障代码的含义和处理方法。不限次数，80 分通过。",
    "settings": {
        "audience": "customer",
        "pass_mark": 80,
        "good_mark": 90,
        "excellent_mark": 95,
        "max_attempts": 0,
        "cooldown_minutes": 0,
        "time_limit_minutes": 0,
        "shuffle_questions": True,
        "shuffle_choices": True,
        "review_policy": "after_attempt",
    },
    "questions": [
        {
            "kind": "single",
            "category": "故障代码",
            "points": "20",
            "text": "X7 Pro 报 E601，最可能的原因是？",
            "choices": [
                ("激光测距传感器被遮挡", True),
                ("驱动轮卡住或悬空", False),
                ("水箱缺水", False),
                ("电池温度异常", False),
            ],
            "explanation": "E6xx 与导航传感器有关。E601 请清除遮挡物并擦拭激光测距传感器窗口。",
        },
        {
            "kind": "single",
            "category": "故障代码",
            "points": "20",
            "text": "冬天在无暖气的阳台充电，机器报 E306（电池温度异常），应该怎么处理？",
            "choices": [
                ("移到室温环境静置 30 分钟后再充电", True),
                ("立即更换电池", False),
                ("用电吹风给机器加热", False),
                ("反复插拔充电座直到能充电", False),
            ],
            "explanation": "E306 表示电池温度异常，移至室温环境静置 30 分钟后再充电即可。",
        },
        {
            "kind": "multiple",
            "category": "安全",
            "points": "20",
            "partial_credit": True,
            "text": "以下哪些情况应立即断电并联系客服，不要自行处理？（多选，按比例得分）",
            "choices": [
                ("机器冒烟", True),
                ("有焦味", True),
                ("充电时机身明显发烫", True),
                ("尘盒已满", False),
            ],
            "explanation": "冒烟、焦味、充电时明显发烫都可能是电气故障，请立即断电并联系客服。",
        },
        {
            "kind": "true_false",
            "category": "报修",
            "points": "20",
            "text": "同一故障代码一周内出现 3 次以上，应联系客服，并提供 SN 码和故障代码。",
            "choices": TRUE,
            "explanation": "反复出现说明不是简单的缠绕或脏污，需要技术人员进一步判断。",
        },
        {
            "kind": "fill_blank",
            "category": "故障代码",
            "points": "20",
            "text": "以 E5 开头的故障代码与 ____ 有关。",
            "accepted": ["驱动轮", "行走部件", "行走部件（驱动轮）", "轮子"],
            "mistake": "主刷",
            "explanation": "E5xx 表示行走部件（驱动轮）故障，例如 E502 驱动轮卡住或悬空。",
        },
    ],
}

P_EXAM = {
    "key": "p-exam",
    "course": "p-series-installation-filter",
    "title": "P 系列净水器结业考试",
    "description": (
        "共 12 题，满分 100 分，85 分及格。题目和选项顺序随机，最多作答 3 次，"
        "两次作答至少间隔 10 分钟。简答题由讲师评分。"
    ),
    "settings": {
        "audience": "customer",
        "pass_mark": 85,
        "good_mark": 90,
        "excellent_mark": 95,
        "max_attempts": 3,
        "cooldown_minutes": 10,
        "time_limit_minutes": 0,
        "shuffle_questions": True,
        "shuffle_choices": True,
        "review_policy": "after_attempt",
    },
    "questions": [
        {
            "kind": "single",
            "category": "原理与机型",
            "points": "8",
            "text": "P 系列中，能截留大部分溶解盐类、重金属和细菌的是哪一级滤芯？",
            "choices": [
                ("1 号复合滤芯（PP 棉 + 前置活性炭）", False),
                ("2 号反渗透滤芯", True),
                ("3 号后置活性炭滤芯", False),
                ("智能龙头", False),
            ],
            "explanation": (
                "复合滤芯去除泥沙、铁锈和余氯；反渗透膜孔径极小，截留大部分溶解盐类、"
                "重金属和细菌；后置活性炭改善口感。"
            ),
        },
        {
            "kind": "single",
            "category": "安装",
            "points": "8",
            "text": "P 系列净水器要求的进水压力范围是？",
            "choices": [
                ("0.05–0.1MPa", False),
                ("0.1–0.4MPa", True),
                ("0.4–0.8MPa", False),
                ("没有要求", False),
            ],
            "explanation": "进水压力须在 0.1–0.4MPa：过高加装减压阀，过低需评估加装增压设备。",
        },
        {
            "kind": "single",
            "category": "故障提示",
            "points": "8",
            "text": "出水 TDS 持续高于多少时，机器会提示 F05？",
            "choices": [("50", False), ("100", True), ("400", False), ("1000", False)],
            "explanation": "过滤后的 TDS 通常低于 50；持续高于 100 时提示 F05。",
        },
        {
            "kind": "single",
            "category": "安装",
            "points": "8",
            "text": "新机通电自动冲洗结束后，还要怎样做才能饮用？",
            "choices": [
                ("打开龙头放水 5 分钟，排出滤芯保护液", True),
                ("可以直接饮用", False),
                ("放水 30 秒即可", False),
                ("先更换一次 1 号滤芯", False),
            ],
            "explanation": "通电后机器自动冲洗约 3 分钟，之后打开龙头放水 5 分钟排出保护液。",
        },
        {
            "kind": "multiple",
            "category": "故障提示",
            "points": "10",
            "partial_credit": True,
            "text": "机器提示 F03（漏水保护）时，正确的做法有哪些？（多选，按比例得分）",
            "choices": [
                ("立即断电", True),
                ("关闭进水角阀", True),
                ("擦干积水", True),
                ("联系客服上门检修", True),
                ("断电 1 分钟后重启继续使用", False),
                ("重新通水看看是否还漏", False),
            ],
            "explanation": (
                "F03 是唯一需要立即处理的提示：断电、关阀、擦干积水、联系客服上门检修；"
                "服务人员上门前不要重新通水使用。"
            ),
        },
        {
            "kind": "multiple",
            "category": "售后政策",
            "points": "10",
            "partial_credit": False,
            "text": "以下哪些情况不支持 7 天无理由退货？（多选，全部选对才得分）",
            "choices": [
                ("已安装通水的 P6 净水器", True),
                ("已拆封的 QF-1 滤芯", True),
                ("签收第 3 天、未拆封且配件齐全的 P3", False),
                ("签收第 5 天、包装完好未安装的 P6", False),
            ],
            "explanation": (
                "净水器一经安装通水、滤芯拆封后，不支持无理由退货，"
                "但如有质量问题仍可按质量问题办理。"
            ),
        },
        {
            "kind": "true_false",
            "category": "原理与机型",
            "points": "6",
            "text": "反渗透净水器排出的浓水不建议饮用，但可以用来拖地、冲厕所。",
            "choices": TRUE,
            "explanation": "浓水含有被截留的溶解物，不建议饮用，可用于拖地、冲厕所。",
        },
        {
            "kind": "true_false",
            "category": "安装",
            "points": "6",
            "text": "净水器可以接热水管，水温越高制水越快。",
            "choices": FALSE,
            "explanation": "进水温度须在 5–38℃，不得接热水，安装时要确认接的是冷水管。",
        },
        {
            "kind": "true_false",
            "category": "售后政策",
            "points": "6",
            "text": "P 系列整机保修 3 年，滤芯属于耗材，不在保修范围内。",
            "choices": TRUE,
            "explanation": "P 系列整机保修 3 年（含增压泵和电磁阀），电源适配器保修 1 年，滤芯属于耗材。",
        },
        {
            "kind": "fill_blank",
            "category": "原理与机型",
            "points": "8",
            "text": "P6 的额定流量是 ____G（约 1.5 升/分钟）。",
            "accepted": ["600", "600G"],
            "mistake": "400",
            "explanation": "P6 为 600G（约 1.5 升/分钟），P3 为 400G（约 1 升/分钟）。",
        },
        {
            "kind": "fill_blank",
            "category": "日常维护",
            "points": "8",
            "text": "外出 7 天以上时，应关闭 ____ 并断电，回来后放水 5 分钟。",
            "accepted": ["进水角阀", "角阀", "进水阀"],
            "mistake": "龙头",
            "explanation": "长期不用时关闭进水角阀并断电，回来后先放水 5 分钟再饮用。",
        },
        {
            "kind": "short_answer",
            "category": "故障提示",
            "points": "14",
            "text": (
                "便利店的一台 P6 刚换上新的 2 号滤芯，仍然提示 F05。"
                "请写出可能的原因，以及店员可以自己先做哪些检查。"
            ),
            "explanation": (
                "参考要点：① 滤芯未安装到位——重新旋紧，听到“咔”声；"
                "② 非原装滤芯——在 APP 中扫描防伪码验证；③ 换 2 号滤芯后应放水 "
                "10 分钟，冲洗不足时 TDS 暂时偏高；④ 进水 TDS 过高属于水源问题；"
                "⑤ 仍然偏高时在 APP“服务 → 申请维修”报修。"
            ),
            "answers": {
                "good": (
                    "可能是新滤芯没有装到位，或者买到的不是原装滤芯，也可能冲洗时间不够。"
                    "先关水断电，把 2 号滤芯重新旋紧到听见“咔”一声；在 APP 里扫包装上的"
                    "防伪码确认是原装；然后放水 10 分钟再看 TDS。还是偏高的话，"
                    "可能是进水水质的问题，就在 APP 里申请维修。",
                    "原因和检查步骤都答到了，顺序合理。",
                ),
                "fair": (
                    "可能是滤芯没装好，重新装一下，再放水观察。",
                    "只答到一个原因。还应想到非原装滤芯、冲洗时间不足和进水 TDS 过高。",
                ),
                "weak": (
                    "F05 是漏水，要马上关水断电。",
                    "F05 是出水 TDS 偏高，漏水保护是 F03，请复习第 4 课的故障提示一览。",
                ),
            },
        },
    ],
}

P_LESSON_QUIZ = {
    "key": "p-filters",
    "course": "p-series-installation-filter",
    "lesson": "p-lesson-filter-replacement",
    "title": "第3课随堂测验：滤芯更换",
    "description": "5 道题，检验您能否正确识别滤芯并完成更换和复位。不限次数，80 分通过。",
    "settings": {
        "audience": "customer",
        "pass_mark": 80,
        "good_mark": 90,
        "excellent_mark": 95,
        "max_attempts": 0,
        "cooldown_minutes": 0,
        "time_limit_minutes": 0,
        "shuffle_questions": False,
        "shuffle_choices": True,
        "review_policy": "after_attempt",
    },
    "questions": [
        {
            "kind": "single",
            "category": "滤芯型号",
            "points": "20",
            "text": "P6 的 2 号反渗透滤芯型号和建议更换周期是？",
            "choices": [
                ("QF-2L，36 个月", True),
                ("QF-2S，24 个月", False),
                ("QF-1，12 个月", False),
                ("QF-3，12 个月", False),
            ],
            "explanation": "P6 使用 QF-2L（600G），建议 36 个月更换；P3 使用 QF-2S（400G），24 个月。",
        },
        {
            "kind": "single",
            "category": "更换步骤",
            "points": "20",
            "text": "更换 2 号滤芯后，应放水冲洗多长时间？",
            "choices": [
                ("3 分钟", False),
                ("5 分钟", False),
                ("10 分钟", True),
                ("不需要冲洗", False),
            ],
            "explanation": "换 1 号或 3 号滤芯放水 3 分钟，换 2 号滤芯放水 10 分钟。",
        },
        {
            "kind": "multiple",
            "category": "更换步骤",
            "points": "20",
            "partial_credit": False,
            "text": "拆下旧滤芯之前，需要先做哪些准备？（多选，全部选对才得分）",
            "choices": [
                ("关闭进水角阀", True),
                ("拔掉电源", True),
                ("打开龙头泄压", True),
                ("把水压调到 0.4MPa 以上", False),
            ],
            "explanation": "关水、断电、开龙头泄压，三步缺一不可，否则拆滤芯时会喷水。",
        },
        {
            "kind": "true_false",
            "category": "滤芯型号",
            "points": "20",
            "text": "P3 和 P6 的 2 号反渗透滤芯可以互换使用。",
            "choices": FALSE,
            "explanation": "QF-2S 与 QF-2L 的流量不同，不能互换；1 号 QF-1 复合滤芯两款机型通用。",
        },
        {
            "kind": "fill_blank",
            "category": "寿命复位",
            "points": "20",
            "text": "滤芯寿命用完时，机器显示故障提示 ____。",
            "accepted": ["F02", "F 02"],
            "mistake": "F05",
            "explanation": "剩余寿命低于 10% 时 APP 会提前提醒，寿命用完时显示 F02。",
        },
    ],
}

COMMUNICATION_EXAM = {
    "key": "comm-exam",
    "course": "customer-communication-complaints",
    "title": "客户沟通与投诉处理结业考试",
    "description": (
        "成长班结业考试，仅限员工参加。共 12 题，满分 100 分，限时 30 分钟，"
        "超时按已保存的答案自动交卷。85 分及格，最多作答 3 次，间隔至少 30 分钟。"
    ),
    "settings": {
        "audience": "staff",
        "pass_mark": 85,
        "good_mark": 90,
        "excellent_mark": 95,
        "max_attempts": 3,
        "cooldown_minutes": 30,
        "time_limit_minutes": 30,
        "shuffle_questions": True,
        "shuffle_choices": False,
        "review_policy": "after_attempt",
    },
    "questions": [
        {
            "kind": "single",
            "category": "倾听与提问",
            "points": "8",
            "text": "客户来电说“你们的机器太差了，我要退货”，客服首先应该做什么？",
            "choices": [
                ("立即说明退货政策和流程", False),
                ("先倾听，弄清客户的真实需要（例如是否在反复报故障）", True),
                ("直接转给主管处理", False),
                ("先发一张优惠券安抚情绪", False),
            ],
            "explanation": (
                "表层诉求是退货，真实需要可能是“机器老报 E101，我不会处理”。"
                "先听懂再回应，往往解决了故障客户就不再提退货。"
            ),
        },
        {
            "kind": "single",
            "category": "倾听与提问",
            "points": "8",
            "text": "“APP 上显示的代码是 E203 吗？”属于哪一种提问？",
            "choices": [
                ("开放式提问", False),
                ("封闭式提问", True),
                ("选择式提问", False),
                ("反问", False),
            ],
            "explanation": "封闭式提问用于确认事实、缩小范围，适合在排查中使用。",
        },
        {
            "kind": "single",
            "category": "投诉分级",
            "points": "8",
            "text": "同一客户投诉三次以上，应判定为哪一级投诉？",
            "choices": [
                ("A 级", True),
                ("B 级", False),
                ("C 级", False),
                ("不算投诉，按咨询处理", False),
            ],
            "explanation": "安全问题、媒体或监管部门投诉、同一客户投诉三次以上都属于 A 级。",
        },
        {
            "kind": "single",
            "category": "补偿权限",
            "points": "8",
            "text": "一线客服可以直接给予的补偿上限是？",
            "choices": [
                ("50 元以内优惠券或一件耗材", True),
                ("100 元以内优惠券", False),
                ("200 元以内现金", False),
                ("一线客服无权给予任何补偿", False),
            ],
            "explanation": "一线客服 50 元以内或一件耗材；组长审批 100 元以内；超过 100 元或现金由客服主管审批。",
        },
        {
            "kind": "multiple",
            "category": "倾听与提问",
            "points": "10",
            "partial_credit": True,
            "text": "设备类咨询开始排查前，必须收集哪些信息？（多选，按比例得分）",
            "choices": [
                ("型号", True),
                ("SN 码", True),
                ("故障代码", True),
                ("故障出现的时间和频率", True),
                ("客户已经做过的处理", True),
                ("客户的家庭住址", False),
            ],
            "explanation": "缺少任何一项，升级二线时都要回头再问客户；住址只在需要上门时才收集。",
        },
        {
            "kind": "multiple",
            "category": "服务语言",
            "points": "10",
            "partial_credit": False,
            "text": "“说不的三明治法”包括哪几步？（多选，全部选对才得分）",
            "choices": [
                ("先肯定客户的需求是合理的", True),
                ("简洁说明政策或客观原因", True),
                ("给出能做的替代方案", True),
                ("承诺一定满足客户的要求", False),
            ],
            "explanation": "先肯定、说明原因、给出替代方案；任何时候都不要承诺政策或权限以外的事情。",
        },
        {
            "kind": "true_false",
            "category": "服务语言",
            "points": "6",
            "text": "共情就是认同客户的所有说法，并先为此认错。",
            "choices": FALSE,
            "explanation": "共情不等于认错，也不是附和客户的所有说法，而是让客户感到“有人站在我这边”。",
        },
        {
            "kind": "true_false",
            "category": "投诉分级",
            "points": "6",
            "text": "客户提到冒烟、起火、触电或大面积漏水时，一律按 A 级处理。",
            "choices": TRUE,
            "explanation": "先提醒客户断电、关水、远离设备，再创建 P1 工单并电话通知值班主管和技术支持。",
        },
        {
            "kind": "true_false",
            "category": "补偿权限",
            "points": "6",
            "text": "为了尽快平息投诉，可以先承诺超出权限的补偿，事后再补审批。",
            "choices": FALSE,
            "explanation": "做不到的承诺会把一次咨询变成一次投诉；超出权限的说清楚审批需要多长时间。",
        },
        {
            "kind": "fill_blank",
            "category": "投诉处理",
            "points": "8",
            "text": "投诉结案后 ____ 个工作日内回访，客户仍不满意的，工单重新打开。",
            "accepted": ["3", "三"],
            "mistake": "7",
            "explanation": "投诉处理六步法的最后一步：结案后 3 个工作日内回访确认。",
        },
        {
            "kind": "fill_blank",
            "category": "投诉分级",
            "points": "8",
            "text": "B 级投诉应在 ____ 小时内给出方案。",
            "accepted": ["24", "二十四"],
            "mistake": "48",
            "explanation": "B 级 24 小时内给出方案；A 级主管 2 小时内联系客户、24 小时内给出方案；C 级当次处理完毕。",
        },
        {
            "kind": "short_answer",
            "category": "案例分析",
            "points": "14",
            "text": (
                "客户在签收第 9 天要求退货，理由是“噪音太大，晚上没法用”。"
                "请按“说不的三明治法”写出你的回复，并说明之后可以为客户做哪些排查或处理。"
            ),
            "explanation": (
                "参考要点：① 肯定需求（理解晚上被噪音打扰）；② 说明已超过 7 天无理由退货期；"
                "③ 替代方案：排查是否一直用强力档、主刷轴承是否缠绕，开启安静模式和勿扰时段；"
                "确认异常噪音的按质量问题免费检测（签收 15 天内质量问题可退换）；"
                "客户坚持且理由合理的，申请特殊处理由组长审批。"
            ),
            "answers": {
                "good": (
                    "“晚上被噪音吵得睡不好，确实很影响休息，我理解您想退货。"
                    "这台机器签收已经 9 天，超过了 7 天无理由退货期，不过噪音问题我们一起看看："
                    "请问平时是不是一直用强力档？我教您在 APP 里开启安静模式和勿扰时段。”"
                    "然后指导客户检查主刷轴承有没有缠绕；如果还是有异常噪音，"
                    "在签收 15 天内可以按质量问题免费检测、确认后退换；"
                    "客户坚持退货且理由合理的，我提交特殊处理申请给组长审批。",
                    "三明治结构完整，排查和后续方案都具体可执行。",
                ),
                "fair": (
                    "先说理解客户，再说明已经超过 7 天不能无理由退货，"
                    "建议客户把吸力调成安静档试试。",
                    "结构对了，但替代方案太单薄：还可以排查主刷轴承、开启勿扰时段，"
                    "并说明质量问题检测和特殊处理的途径。",
                ),
                "weak": (
                    "已经超过 7 天了，按规定不能退。",
                    "这正是案例二里导致差评的回复：只说了“不”，没有肯定需求，也没有替代方案。",
                ),
            },
        },
    ],
}

INDUCTION_EXAM = {
    "key": "induction-exam",
    "course": "new-hire-induction",
    "title": "新员工入职培训阶段考核（业务知识）",
    "description": (
        "第五阶段业务知识笔试，仅限员工参加。共 12 题，满分 100 分，限时 60 分钟。"
        "85 分及格；未通过可补考一次，补考仍未通过的由培训部与用人部门决定后续安排。"
    ),
    "settings": {
        "audience": "staff",
        "pass_mark": 85,
        "good_mark": 90,
        "excellent_mark": 95,
        "max_attempts": 2,
        "cooldown_minutes": 30,
        "time_limit_minutes": 60,
        "shuffle_questions": False,
        "shuffle_choices": False,
        "review_policy": "after_attempt",
    },
    "questions": [
        {
            "kind": "single",
            "category": "入职流程",
            "points": "8",
            "text": "客户服务部新员工入职培训共多少天、几个阶段？",
            "choices": [
                ("7 天，3 个阶段", False),
                ("16 天，7 个阶段", True),
                ("30 天，5 个阶段", False),
                ("9 天，7 个阶段", False),
            ],
            "explanation": "入职培训共 16 天、七个阶段，每个阶段由带教师傅签字确认后解锁下一阶段。",
        },
        {
            "kind": "single",
            "category": "售后政策",
            "points": "8",
            "text": "无理由退货的期限是？",
            "choices": [
                ("签收次日起 7 天", True),
                ("签收次日起 15 天", False),
                ("下单后 7 天", False),
                ("签收后 30 天", False),
            ],
            "explanation": "无理由退货为签收次日起 7 天，商品未使用、配件齐全，运费由客户承担；质量问题退换为 15 天。",
        },
        {
            "kind": "single",
            "category": "试岗规则",
            "points": "8",
            "text": "试岗期间，在线同时接待的会话数最多为？",
            "choices": [
                ("1 个", False),
                ("2 个", True),
                ("4 个", False),
                ("不限", False),
            ],
            "explanation": "试岗期最多 2 个，正式上岗后最多 4 个。",
        },
        {
            "kind": "single",
            "category": "入职流程",
            "points": "8",
            "text": "第三阶段场景对话中，每个场景至少需要达到多少分？",
            "choices": [
                ("60 分", False),
                ("80 分", True),
                ("85 分", False),
                ("90 分", False),
            ],
            "explanation": "每个场景满分 100 分，需达到 80 分，未达到的场景当天下午重练一次。",
        },
        {
            "kind": "multiple",
            "category": "试岗规则",
            "points": "10",
            "partial_credit": True,
            "text": "以下哪些属于试岗期间的红线行为？（多选，按比例得分）",
            "choices": [
                ("辱骂客户", True),
                ("泄露客户信息", True),
                ("私自承诺赔偿", True),
                ("主动挂断", True),
                ("安全问题未升级", True),
                ("没有把握时请师傅接管", False),
            ],
            "explanation": "出现任何一项红线行为，试岗立即终止；主动求助不会扣分。",
        },
        {
            "kind": "multiple",
            "category": "订单与发票",
            "points": "10",
            "partial_credit": False,
            "text": "关于发票，以下说法正确的是？（多选，全部选对才得分）",
            "choices": [
                ("电子普通发票 1–3 个工作日内发送到客户邮箱", True),
                ("增值税专用发票审核后 5–7 个工作日寄出", True),
                ("申请专用发票需填写注册地址、电话、开户银行和账号", True),
                ("发票抬头可以不限次数换开", False),
            ],
            "explanation": "发票开具后如需修改抬头，可在 30 天内申请换开一次。",
        },
        {
            "kind": "true_false",
            "category": "服务规范",
            "points": "6",
            "text": "旁听记录中应详细记下客户的手机号和地址，方便事后回访。",
            "choices": FALSE,
            "explanation": "旁听记录只写问题类型和处理要点，不记录客户的手机号、地址等个人信息。",
        },
        {
            "kind": "true_false",
            "category": "入职流程",
            "points": "6",
            "text": "阶段考核任一科目未达到 85 分，可在 3 个工作日内补考一次，补考只考未通过的科目。",
            "choices": TRUE,
            "explanation": "因病因事缺考须提前请假，经批准后按补考安排参加。",
        },
        {
            "kind": "true_false",
            "category": "售后政策",
            "points": "6",
            "text": "已安装通水的净水器不支持无理由退货，但有质量问题仍可按质量问题办理。",
            "choices": TRUE,
            "explanation": "净水器安装通水、滤芯拆封后不支持无理由退货，质量问题不受影响。",
        },
        {
            "kind": "fill_blank",
            "category": "售后政策",
            "points": "8",
            "text": "X 系列扫地机器人整机保修 ____ 年。",
            "accepted": ["1", "一", "1年", "一年"],
            "mistake": "2",
            "explanation": "X 系列整机保修 1 年，主电机与激光测距传感器保修 2 年；P 系列整机保修 3 年。",
        },
        {
            "kind": "fill_blank",
            "category": "服务规范",
            "points": "8",
            "text": "在线客服的服务时间为每天 8:00 至 ____。",
            "accepted": ["22:00", "22点", "晚上10点", "22"],
            "mistake": "20:00",
            "explanation": "在线客服服务时间为每天 8:00–22:00。",
        },
        {
            "kind": "short_answer",
            "category": "场景处理",
            "points": "14",
            "text": (
                "客户的原注册手机号已经停用，来电要求找回启明家账号。"
                "请写出你的处理步骤和需要客户提供的材料。"
            ),
            "explanation": (
                "参考要点：① 引导客户在登录页点击“账号申诉”；② 材料：名下任意一台设备的"
                " SN（机身底部标签）、该设备的购买凭证（订单截图或发票）、新的联系手机号；"
                "③ 提醒防诈骗：客服不会索要密码或短信验证码。"
            ),
            "answers": {
                "good": (
                    "请客户在登录页点“账号申诉”，提交名下一台设备的 SN 码（在机身底部标签上）、"
                    "这台设备的购买凭证（订单截图或发票）和新的手机号，审核通过后换绑。"
                    "同时提醒客户：客服不会索要密码和短信验证码，注意防诈骗。",
                    "流程和材料都正确，也做了防诈骗提醒。",
                ),
                "fair": (
                    "让客户走账号申诉，提供购买凭证和新手机号。",
                    "缺少设备 SN 码，也没有提醒客户防诈骗。",
                ),
                "weak": (
                    "请客户把密码告诉我，我帮他登录后改手机号。",
                    "这属于红线行为：任何时候都不能索要客户的密码或验证码。请复习场景 7。",
                ),
            },
        },
    ],
}

TROUBLESHOOTING_EXAM = {
    "key": "ts-exam",
    "course": "after-sales-troubleshooting-advanced",
    "title": "售后技术支持进阶结业考试（笔试与案例分析）",
    "description": (
        "提高班结业考试，仅限员工参加。共 12 题，满分 100 分，限时 30 分钟。"
        "案例分析题由讲师评分。85 分及格，最多作答 2 次，间隔至少 30 分钟。"
    ),
    "settings": {
        "audience": "staff",
        "pass_mark": 85,
        "good_mark": 90,
        "excellent_mark": 95,
        "max_attempts": 2,
        "cooldown_minutes": 30,
        "time_limit_minutes": 30,
        "shuffle_questions": False,
        "shuffle_choices": True,
        "review_policy": "after_attempt",
    },
    "questions": [
        {
            "kind": "single",
            "category": "排障方法",
            "points": "8",
            "text": "排障五步法的正确顺序是？",
            "choices": [
                ("现象—信息—假设—验证—结论", True),
                ("假设—验证—现象—信息—结论", False),
                ("信息—现象—验证—假设—结论", False),
                ("现象—假设—结论—验证—信息", False),
            ],
            "explanation": "描述现象、收集信息、提出假设、逐一验证、得出结论并记录。",
        },
        {
            "kind": "single",
            "category": "远程诊断",
            "points": "8",
            "text": "远程诊断中，Wi-Fi 信号强度低于多少时容易频繁离线（E411）？",
            "choices": [
                ("-45dBm", False),
                ("-65dBm", False),
                ("-75dBm", True),
                ("-95dBm", False),
            ],
            "explanation": "正常应高于 -65dBm；低于 -75dBm 容易频繁离线。",
        },
        {
            "kind": "single",
            "category": "净水器",
            "points": "8",
            "text": "净水器提示 F07，含义是？",
            "choices": [
                ("增压泵连续运行超过 2 小时（制水超时）", True),
                ("漏水保护启动", False),
                ("滤芯到期", False),
                ("进水压力不足", False),
            ],
            "explanation": "F07 先看取水记录：取水停止后泵仍运行，多为出水端泄漏或龙头关不严。",
        },
        {
            "kind": "single",
            "category": "远程诊断",
            "points": "8",
            "text": "扫地机器人电池健康度低于多少时续航明显缩短，建议更换电池？",
            "choices": [("90%", False), ("80%", False), ("60%", True), ("30%", False)],
            "explanation": "正常应不低于 80%；低于 60% 时续航明显缩短。",
        },
        {
            "kind": "multiple",
            "category": "排障方法",
            "points": "10",
            "partial_credit": True,
            "text": "X7 Pro 报 E305（充电异常）。以下哪些验证动作适合请客户自己完成？（多选，按比例得分）",
            "choices": [
                ("把机器手动放上充电座", True),
                ("换一个插座再试", True),
                ("用另一台充电座测试（单位用户）", True),
                ("用万用表测量充电座输出电压", False),
            ],
            "explanation": "验证步骤要设计成客户容易完成的动作；测量输出电压对客户不现实。",
        },
        {
            "kind": "multiple",
            "category": "净水器",
            "points": "10",
            "partial_credit": False,
            "text": "净水器换了滤芯仍提示 F05，可能的原因有哪些？（多选，全部选对才得分）",
            "choices": [
                ("滤芯未安装到位", True),
                ("使用了非原装滤芯", True),
                ("进水 TDS 过高", True),
                ("废水比例阀堵塞", True),
                ("Wi-Fi 信号弱", False),
            ],
            "explanation": "Wi-Fi 只影响联网，与出水 TDS 无关；比例阀堵塞需创建上门服务单更换。",
        },
        {
            "kind": "true_false",
            "category": "排障方法",
            "points": "6",
            "text": "对半排除法要求从充电通路的第一个环节开始，逐个检查到最后一个环节。",
            "choices": FALSE,
            "explanation": "对半排除是先在通路中间切一刀，每一步把范围缩小一半，三四步就能定位。",
        },
        {
            "kind": "true_false",
            "category": "远程诊断",
            "points": "6",
            "text": "查看远程诊断前，须在工单中确认已取得客户同意。",
            "choices": TRUE,
            "explanation": "日志只含设备运行数据，但查看前仍须取得并记录客户同意。",
        },
        {
            "kind": "true_false",
            "category": "案例",
            "points": "6",
            "text": "二线接手工单时，可以直接沿用一线记录的故障代码，无需再次核实。",
            "choices": FALSE,
            "explanation": "二线最常见的失误就是沿用一线的判断而没有重新核实事实。",
        },
        {
            "kind": "fill_blank",
            "category": "净水器",
            "points": "8",
            "text": "净水器脱盐率低于 ____% 时，通常说明 2 号滤芯需要更换。",
            "accepted": ["90", "九十"],
            "mistake": "80",
            "explanation": "进水 TDS 与出水 TDS 之比反映脱盐率，低于 90% 通常需要更换 2 号滤芯。",
        },
        {
            "kind": "fill_blank",
            "category": "远程诊断",
            "points": "8",
            "text": "主刷电机电流持续高于 ____A，多为缠绕严重或电机老化。",
            "accepted": ["1.2", "1.2A"],
            "mistake": "0.8",
            "explanation": "正常范围 0.3–0.8A；持续高于 1.2A 对应 E101，多为缠绕严重或电机老化。",
        },
        {
            "kind": "short_answer",
            "category": "案例分析",
            "points": "14",
            "text": (
                "北方客户反映 X7 Pro 每天早上报错无法充电，下午又恢复正常，"
                "一线按 E305 处理无效。请按五步法写出你的排查思路和最可能的结论。"
            ),
            "explanation": (
                "参考要点：① 现象：只在早上出现；② 信息：请客户上传日志，核实真实代码"
                "（实为 E306 电池温度异常），了解充电座位置和夜间温度；③ 假设：低温导致电池"
                "温度保护；④ 验证：把充电座移到室内观察；⑤ 结论：环境温度过低，"
                "在工单中写明根因，并提交知识库更新。"
            ),
            "answers": {
                "good": (
                    "现象：只在早上报错，下午正常，和时间有关。信息：请客户上传日志，"
                    "发现真实代码是 E306 电池温度异常，不是 E305；询问得知充电座放在没有暖气的"
                    "阳台门口。假设：夜间低于 0℃ 触发电池温度保护。验证：把充电座移到室内，"
                    "连续观察三天不再报错。结论：低温环境导致，工单写明根因，"
                    "并建议把“核实真实代码、检查环境温度”补充进知识库。",
                    "五步完整，核实了真实代码，结论和记录都到位。",
                ),
                "fair": (
                    "让客户上传日志看看代码，可能是天冷电池温度低，建议把充电座放到室内。",
                    "结论对了，但没有按五步法写出验证过程，也没有记录和知识库更新。",
                ),
                "weak": (
                    "E305 是充电异常，让客户擦充电弹片，再不行就寄修换电池。",
                    "沿用了一线的判断，没有核实真实代码和环境，正是案例二要避免的做法。",
                ),
            },
        },
    ],
}

QUIZZES = [
    X_EXAM,
    X_LESSON_QUIZ,
    P_EXAM,
    P_LESSON_QUIZ,
    COMMUNICATION_EXAM,
    INDUCTION_EXAM,
    TROUBLESHOOTING_EXAM,
]

# Learners whose results fill the trainers' reports. They cannot sign in (no
# password); the documented demo accounts (admin, trainer, staff, customer) keep a
# clean slate so anyone can take every quiz from the start.
# username, display name, role, organisation code
DEMO_LEARNERS = [
    ("chen.jing", "陈静", "customer", "C-HZ-001"),
    ("liu.yang", "刘洋", "customer", "C-HZ-001"),
    ("zhou.min", "周敏", "customer", "C-SH-002"),
    ("sun.li", "孙丽", "customer", "C-NJ-003"),
    ("zheng.hao", "郑浩", "customer", "C-SZ-004"),
    ("he.fang", "何芳", "customer", "C-SZ-004"),
    ("huang.wei", "黄伟", "staff", "QM-CS"),
    ("lin.xiaoyu", "林晓雨", "staff", "QM-CS"),
    ("xu.tao", "徐涛", "staff", "QM-CS"),
    ("ma.jun", "马骏", "staff", "QM-TS"),
    ("guo.ting", "郭婷", "staff", "QM-TS"),
]

# Attempts, replayed in time order through the quiz services. ``at`` is (days ago,
# "HH:MM" local start time); ``mistakes`` is how many automatically graded questions
# the learner gets wrong; ``essay`` is the quality of the short answer (None: left
# blank); ``pending`` leaves it for a trainer (the grading queue); ``minutes`` is how
# long the learner takes; ``timed_out`` lets the time limit run out after saving
# two thirds of the answers.
DEMO_ATTEMPTS = [
    # X 系列结业考试 (max 3 attempts; zhou.min fails three times, gets a make-up)
    {"learner": "chen.jing", "quiz": "x-exam", "at": (26, "10:05"), "mistakes": 1, "essay": "good"},
    {"learner": "liu.yang", "quiz": "x-exam", "at": (25, "14:20"), "mistakes": 4, "essay": "fair"},
    {"learner": "liu.yang", "quiz": "x-exam", "at": (23, "09:30"), "mistakes": 1, "essay": "good"},
    {"learner": "zhou.min", "quiz": "x-exam", "at": (21, "15:10"), "mistakes": 5, "essay": "weak"},
    {"learner": "zhou.min", "quiz": "x-exam", "at": (20, "16:00"), "mistakes": 3, "essay": "fair"},
    {"learner": "zhou.min", "quiz": "x-exam", "at": (18, "10:45"), "mistakes": 2, "essay": "fair"},
    {"learner": "zhou.min", "quiz": "x-exam", "at": (12, "14:00"), "mistakes": 1, "essay": "good"},
    {"learner": "sun.li", "quiz": "x-exam", "at": (10, "20:10"), "mistakes": 4, "essay": "weak"},
    {"learner": "sun.li", "quiz": "x-exam", "at": (2, "20:30"), "mistakes": 0, "essay": "good", "pending": True},
    {"learner": "zheng.hao", "quiz": "x-exam", "at": (6, "09:00"), "mistakes": 1, "essay": "fair"},
    # 第4课随堂测验 (unlimited, no cool-down)
    {"learner": "liu.yang", "quiz": "x-fault-codes", "at": (26, "09:10"), "mistakes": 2},
    {"learner": "liu.yang", "quiz": "x-fault-codes", "at": (26, "09:25"), "mistakes": 0},
    # P 系列结业考试
    {"learner": "zheng.hao", "quiz": "p-exam", "at": (14, "15:00"), "mistakes": 1, "essay": "good"},
    {"learner": "he.fang", "quiz": "p-exam", "at": (13, "11:30"), "mistakes": 4, "essay": "weak"},
    {"learner": "he.fang", "quiz": "p-exam", "at": (8, "16:45"), "mistakes": 1, "essay": "good"},
    {"learner": "liu.yang", "quiz": "p-exam", "at": (1, "17:05"), "mistakes": 3, "essay": None},
    # 第3课随堂测验
    {"learner": "zheng.hao", "quiz": "p-filters", "at": (15, "14:10"), "mistakes": 0},
    {"learner": "he.fang", "quiz": "p-filters", "at": (14, "10:00"), "mistakes": 2},
    # 客户沟通与投诉处理 (staff, 30-minute limit)
    {"learner": "huang.wei", "quiz": "comm-exam", "at": (17, "16:00"), "mistakes": 0, "essay": "good", "minutes": 22},
    {"learner": "lin.xiaoyu", "quiz": "comm-exam", "at": (15, "15:30"), "mistakes": 3, "essay": "fair", "minutes": 27},
    {"learner": "lin.xiaoyu", "quiz": "comm-exam", "at": (14, "15:30"), "mistakes": 1, "essay": "good", "minutes": 24},
    {"learner": "guo.ting", "quiz": "comm-exam", "at": (5, "14:00"), "mistakes": 1, "essay": "good", "timed_out": True},
    # 入职阶段考核 (staff, 2 attempts; xu.tao fails both and is given a third)
    {"learner": "lin.xiaoyu", "quiz": "induction-exam", "at": (28, "09:00"), "mistakes": 0, "essay": "good", "minutes": 25},
    {"learner": "xu.tao", "quiz": "induction-exam", "at": (28, "09:00"), "mistakes": 4, "essay": "weak", "minutes": 29},
    {"learner": "xu.tao", "quiz": "induction-exam", "at": (25, "14:00"), "mistakes": 3, "essay": "fair", "minutes": 28},
    {"learner": "xu.tao", "quiz": "induction-exam", "at": (18, "14:00"), "mistakes": 0, "essay": "good", "minutes": 23},
    # 售后技术支持进阶 (staff, 30-minute limit)
    {"learner": "ma.jun", "quiz": "ts-exam", "at": (10, "15:00"), "mistakes": 1, "essay": "good", "minutes": 26},
    {"learner": "huang.wei", "quiz": "ts-exam", "at": (6, "16:20"), "mistakes": 4, "essay": "weak", "minutes": 28},
    {"learner": "guo.ting", "quiz": "ts-exam", "at": (1, "10:30"), "mistakes": 0, "essay": "good", "minutes": 25, "pending": True},
]  # fmt: skip

# Make-up attempts (补考) granted after the limit: who, by whom, why, when.
DEMO_GRANTS = [
    {
        "learner": "zhou.min",
        "quiz": "x-exam",
        "granted_by": "trainer",
        "at": (15, "11:00"),
        "reason": "三次未通过；已参加现场集中培训并完成保养实操，批准补考一次。",
    },
    {
        "learner": "xu.tao",
        "quiz": "induction-exam",
        "granted_by": "admin",
        "at": (24, "17:30"),
        "reason": "阶段考核及补考均未通过。培训部与客户服务部商定延长培训一周，延长期满后再考一次。",
    },
]
