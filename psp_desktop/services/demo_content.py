"""What demo needs and proposals say: service topics, 申报书 text, budget lines and the scoring rubric.

A `Topic` ties a community need to the projects that answer it, so a generated proposal's title, need analysis,
activities and budget items agree with the needs it links to. All money is integer fen, rounded to whole yuan.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from typing import Any

from ..models.enums import BudgetCategory, ServiceDomain
from ..money import format_wan

D = ServiceDomain
C = BudgetCategory
YUAN = 100  # fen


@dataclass(frozen=True)
class Topic:
    domain: ServiceDomain
    need_title: str
    # placeholders: {community}, {n} people affected, {m} a larger population around them, {k} a small count
    need_text: str
    people: tuple[int, int]  # range of {n}
    core: str  # the project-title core: 独居老人关爱服务
    brands: tuple[str, ...]
    target: str  # 服务对象
    approach: str
    goal: str
    activities: tuple[str, ...]
    outcomes: tuple[str, ...]  # placeholders: {n} direct beneficiaries, {v} volunteers
    supplies: tuple[str, ...]  # domain-specific activity budget items


TOPICS: tuple[Topic, ...] = (
    Topic(
        D.ELDERLY, "独居空巢老人缺少日常关照",
        "{community}60岁以上老人{m}人，其中独居、空巢老人约{n}人，子女多在外地工作。网格员走访发现，"
        "老人跌倒或突发疾病后难以及时被发现，去年辖区已发生两起独居老人在家摔倒多时才被邻居发现的情况。",
        (40, 160), "独居老人关爱服务", ("银龄守护", "邻里守望", "暖心相伴", "夕阳有约"),
        "独居、空巢及高龄老人",
        "通过“专业社工+楼栋志愿者”结对探访、风险分级管理和应急联络机制，为独居老人织密日常关爱网络",
        "建立覆盖辖区独居老人的常态化探访和应急响应机制，降低居家安全风险，缓解老人孤独感",
        ("为独居、空巢老人建立健康与居家安全档案，按风险高低分级管理",
         "组建楼栋守望志愿队，每周电话问候、每月入户探访一次",
         "开展居家防跌倒评估，链接紧急呼叫设备和家庭医生签约服务",
         "每季度举办一次集体生日会或节日联谊活动"),
        ("为{n}名独居、空巢老人建档，每月探访覆盖率达到100%",
         "培育楼栋守望志愿者{v}名，形成稳定的结对关系",
         "服务对象孤独感量表得分平均下降10%以上，满意度不低于90%"),
        ("探访慰问物资", "防跌倒扶手及防滑垫", "生日会及节日活动物料"),
    ),
    Topic(
        D.ELDERLY, "高龄老人就餐难、老年助餐覆盖不足",
        "{community}80岁以上高龄老人{m}人，部分老人行动不便、做饭困难，附近仅有一处社区食堂且不提供送餐。"
        "问卷调查中有{n}位老人表示希望获得助餐或送餐服务。",
        (30, 120), "老年助餐服务", ("幸福食堂", "长者饭桌", "暖胃暖心", "邻里饭堂"),
        "80岁以上高龄、失能半失能及低收入老人",
        "依托社区食堂开设长者餐桌，组织志愿者为行动不便老人送餐上门，并结合送餐开展健康观察",
        "让高龄和行动不便老人吃上安全、营养、实惠的热饭，并借助送餐建立日常关照",
        ("联合社区食堂制定适合老年人的低盐低油营养菜单", "招募送餐志愿者，为行动不便老人每日送餐上门",
         "送餐时同步观察老人身体和居家状况，发现异常及时联系家属和社区",
         "每月开展一次老年营养膳食讲座"),
        ("为{n}名老人提供助餐服务，送餐准时率达到95%以上", "组建{v}人的送餐志愿队伍并实行排班管理",
         "形成长者餐桌运营规范，项目结束后由社区食堂持续运营"),
        ("助餐补贴", "保温送餐箱", "营养讲座物料"),
    ),
    Topic(
        D.ELDERLY, "老年人不会使用智能手机办事就医",
        "居民议事会反映，{community}不少老人不会使用手机挂号、扫码乘车和网上缴费，看病、出行常需子女代办。"
        "社区调查的{m}名老人中，约{n}人有学习智能手机的意愿。",
        (50, 200), "老年人数字融入", ("智享银龄", "银发e族", "数字助老", "指尖课堂"),
        "60岁以上有学习意愿的老年居民",
        "以“小班教学+一对一辅导+代际志愿者”的方式，帮助老人掌握挂号就医、扫码出行、防范电信诈骗等实用技能",
        "帮助老年人跨越数字鸿沟，能够独立使用智能手机办理常用事项",
        ("开设智能手机小班课程，每期8课时，每班不超过15人", "招募中学生和大学生志愿者开展一对一代际辅导",
         "编印图文版《老年人智能手机使用手册》", "联合派出所开展防范电信网络诈骗专题讲座"),
        ("{n}名老人完成课程，80%以上能独立完成手机挂号和扫码出行",
         "培育代际辅导志愿者{v}名", "形成一套适合社区使用的老年人智能手机课程教案"),
        ("教学用手机及投屏设备租赁", "课程讲义印制", "反诈讲座物料"),
    ),
    Topic(
        D.ELDERLY, "失能失智老人家庭照护压力大",
        "{community}现有失能、半失能及疑似认知障碍老人约{n}人，大多由配偶或子女居家照护。"
        "照护者普遍反映身心疲惫、缺乏护理技能，希望获得短时替代照护和心理支持。",
        (20, 80), "失能失智老人家庭照护者支持", ("喘息驿站", "记忆花园", "守护者同行", "暖心照护"),
        "失能、失智老人及其家庭照护者",
        "通过照护技能培训、短时喘息服务和照护者互助小组，减轻家庭照护负担",
        "提升家庭照护者的照护能力和心理韧性，延缓失能失智老人功能退化",
        ("开展认知障碍早期筛查和家庭照护需求评估", "举办居家护理技能培训，内容包括翻身转移、防压疮和用药管理",
         "为照护者提供每月不少于4小时的上门替代照护", "组建照护者互助小组，每月开展一次减压活动"),
        ("为{n}户家庭提供照护支持，照护者护理技能考核合格率达到85%",
         "照护者压力量表得分平均下降15%", "培育照护者互助小组骨干{v}名"),
        ("认知训练教具", "护理技能培训耗材", "互助小组活动物料"),
    ),
    Topic(
        D.CHILDREN, "双职工家庭儿童放学后无人看护",
        "{community}有小学生家庭约{m}户，其中双职工家庭占六成以上。家长下班时间晚于放学时间，约{n}名孩子"
        "放学后常独自在家或在街边逗留，家长会上多次提出希望社区提供课后托管服务。",
        (40, 120), "儿童课后托管服务", ("四点半课堂", "快乐成长", "童心港湾", "放学后"),
        "辖区6至12岁小学生及其家庭",
        "利用社区活动室开设“四点半课堂”，由社工和志愿者提供作业辅导、安全看护和兴趣拓展",
        "为双职工家庭提供安全、可负担的课后看护，促进儿童学习习惯和兴趣发展",
        ("周一至周五16:30—18:30开设课后托管，提供作业辅导和安全看护",
         "每周开展一次科学实验、绘本阅读或手工兴趣课程", "招募大学生和退休教师志愿者组成辅导团队",
         "每学期举办一次家长沙龙，交流亲子沟通方法"),
        ("为{n}名儿童提供课后托管服务，家长满意度达到90%以上",
         "组建{v}人的课业辅导志愿者团队", "形成“四点半课堂”运营手册和安全管理制度"),
        ("课业辅导教材及文具", "科学实验耗材", "兴趣课程材料"),
    ),
    Topic(
        D.CHILDREN, "流动儿童学习支持和社会融入不足",
        "{community}外来务工家庭较多，随迁子女约{n}人。受家长工作时间长、辅导能力有限等影响，部分孩子学习基础"
        "薄弱，课余生活单一，与本地孩子交往较少。",
        (30, 100), "流动儿童成长陪伴", ("同在蓝天", "小候鸟", "新苗成长", "伴我同行"),
        "外来务工人员随迁子女及其家长",
        "以学业辅导、城市探索和社会情感学习小组帮助流动儿童融入社区",
        "提升流动儿童的学习能力、自信心和社区归属感",
        ("每周开展两次学业辅导和阅读陪伴", "组织“我的城市”探索活动，走进博物馆、图书馆和科技馆",
         "开展社会情感学习小组，每期8节", "为家长开设亲子沟通和家庭教育讲座"),
        ("{n}名流动儿童参加常态化服务，学业辅导出勤率达到80%",
         "儿童自我效能感量表得分平均提高10%", "招募和培训陪伴志愿者{v}名"),
        ("学习用品", "城市探索活动交通及门票", "小组活动物料"),
    ),
    Topic(
        D.CHILDREN, "青少年学业压力大、心理困扰增多",
        "学校和家长反映，{community}中学生中存在厌学、焦虑、亲子冲突等情况。对{m}名青少年的问卷调查显示，约{n}人"
        "有不同程度的情绪困扰，但社区缺少专业心理支持渠道。",
        (30, 90), "青少年心理健康成长支持", ("心晴", "阳光少年", "向阳花", "解忧驿站"),
        "12至18岁青少年及其家长",
        "通过心理健康讲座、成长小组和个案辅导，提升青少年情绪管理能力，改善亲子关系",
        "构建“学校—社区—家庭”联动的青少年心理支持网络",
        ("在社区和学校开展心理健康讲座", "开设情绪管理和人际沟通成长小组",
         "为有需要的青少年提供个案辅导，建立危机转介机制", "举办亲子沟通工作坊"),
        ("服务青少年及家长{n}人，成长小组参与者情绪管理能力前后测提升15%",
         "完成个案辅导不少于12个", "培训朋辈辅导员和家长志愿者{v}名"),
        ("心理测评量表及材料", "成长小组活动物料", "亲子工作坊材料"),
    ),
    Topic(
        D.CHILDREN, "儿童户外活动空间不足、安全意识薄弱",
        "{community}为老旧小区集中区域，院落内缺少儿童活动场地，孩子常在车道和停车场玩耍。辖区{m}名儿童中，"
        "今年暑期有{n}名家长反映孩子发生过磕碰或电动车剐蹭，居民希望改善儿童活动空间并加强安全教育。",
        (20, 80), "儿童友好社区营造", ("童趣空间", "小小议事员", "童行家园", "快乐童年"),
        "3至14岁儿童及其家长",
        "引导儿童参与社区空间微改造议事，开展防溺水、交通和消防安全教育",
        "营造安全、有趣、儿童参与的社区环境",
        ("组建“小小议事员”队伍，参与院落儿童活动空间设计", "联合物业和居民完成一处儿童游戏角微改造",
         "开展防溺水、交通安全和消防安全体验课程", "举办社区儿童运动会和亲子嘉年华"),
        ("服务儿童及家长{n}人，完成儿童活动空间微改造1处", "培育儿童议事员和家长志愿者{v}名",
         "儿童安全知识测试合格率达到90%"),
        ("游戏角微改造材料", "安全教育教具", "亲子嘉年华物料"),
    ),
    Topic(
        D.DISABILITY, "残疾人居家康复服务不足",
        "{community}持证残疾人{m}人，其中肢体残疾和偏瘫患者约{n}人。辖区没有康复机构，外出康复交通不便、"
        "费用较高，不少人出院后康复训练中断。",
        (15, 60), "残疾人居家康复", ("康复到家", "同心助残", "向阳而行", "健康同行"),
        "辖区持证肢体残疾人及术后康复期居民",
        "由康复治疗师和社工上门开展康复评估与训练指导，并培训家属掌握基本康复技能",
        "让有需要的残疾人在家门口获得持续的康复服务，提高生活自理能力",
        ("为服务对象进行康复评估并制定个别化康复计划", "康复治疗师每月上门指导训练两次",
         "开展家属康复技能培训", "组织残疾人户外康乐活动和同伴支持小组"),
        ("为{n}名残疾人提供居家康复服务，日常生活能力评分平均提高10%",
         "培训家属及助残志愿者{v}名", "建立居家康复服务档案和转介机制"),
        ("康复训练器具", "上门服务交通补贴", "康乐活动物料"),
    ),
    Topic(
        D.DISABILITY, "心智障碍青年缺少日间活动和就业支持",
        "{community}有心智障碍青年{n}人，毕业后大多居家，生活技能和社会交往能力逐渐退化。家长年龄渐长，"
        "对孩子未来的照护深感忧虑。",
        (10, 30), "心智障碍青年融合就业支持", ("星星点灯", "自立生活", "同一片天", "融爱"),
        "16至35岁心智障碍青年及其家庭",
        "通过生活技能训练、职业体验和支持性就业辅导，帮助心智障碍青年走出家门",
        "提升心智障碍青年的生活自理和职业能力，推动社区融合",
        ("开设生活技能训练课程，包括购物、乘车和简单烹饪", "链接社区商户和企业提供职业体验岗位",
         "由就业辅导员开展一对一支持性就业辅导", "组织家长支持小组，规划孩子的长期照护"),
        ("{n}名心智障碍青年参加常态化训练，至少3人获得实习或就业岗位",
         "培育社区融合志愿者和爱心商户{v}个", "形成支持性就业服务流程"),
        ("生活技能训练材料", "职业体验交通及餐费", "家长小组活动物料"),
    ),
    Topic(
        D.DISABILITY, "残疾人出行难、社区无障碍设施不完善",
        "网格员走访发现，{community}部分院落出入口有台阶、楼道缺少扶手，轮椅使用者外出需要他人帮助。"
        "辖区{m}名残疾人及行动不便老人中，约{n}人有陪同出行需求，集中在就医和购物。",
        (20, 70), "无障碍出行助残服务", ("无碍同行", "助残通", "畅行无碍", "携手同行"),
        "肢体残疾人、视力残疾人及行动不便老人",
        "开展无障碍环境排查，组建助残志愿队提供陪同就医、代购等出行支持",
        "改善残疾人出行条件，让他们更方便地参与社区生活",
        ("联合残疾人代表开展社区无障碍环境排查，形成改善建议清单", "组建助残志愿队，提供预约制陪同就医和代购服务",
         "开展助残志愿者技能培训，包括轮椅推行和导盲引导", "举办残健融合社区活动"),
        ("为{n}名残疾人提供出行支持服务", "培训助残志愿者{v}名，陪同服务满意度达到90%",
         "提交社区无障碍环境改善建议清单1份并推动落实"),
        ("无障碍排查工具及标识", "陪同出行交通补贴", "融合活动物料"),
    ),
    Topic(
        D.COMMUNITY, "老旧院落无物业、自治管理缺位",
        "{community}有无物业管理的老旧院落{k}个，涉及居民约{n}户。院落内堆物占道、环境卫生和安全隐患问题突出，"
        "居民议事会多次讨论但缺乏长效管理办法。",
        (150, 500), "老旧院落自治", ("院落微治理", "邻里共治", "共建美好家园", "院坝议事"),
        "老旧院落居民及院落自治小组成员",
        "培育院落自治小组，协助制定院落公约，以“院坝会”议事方式推动居民共同解决院落问题",
        "建立居民自我管理、自我服务的院落治理机制",
        ("走访院落居民，摸清院落问题清单和居民骨干", "协助成立院落自治小组并制定院落公约",
         "每月召开院坝会，推动解决堆物占道、环境卫生等问题", "开展院落自治骨干议事能力培训"),
        ("覆盖院落居民{n}户，每个院落成立自治小组并制定公约", "培育院落骨干{v}名",
         "推动解决院落公共问题不少于10件"),
        ("院坝会及议事活动物料", "院落公约宣传栏制作", "环境整治工具"),
    ),
    Topic(
        D.COMMUNITY, "商品房小区邻里陌生、居民参与度低",
        "{community}新建商品房小区入住居民约{m}户，年轻住户多，邻里互不相识。社区活动参与者以老年人为主，"
        "问卷中有{n}位中青年居民表示从未参加过社区活动，但愿意在周末参与亲子或兴趣类活动。",
        (100, 400), "邻里互助与社区参与", ("邻里节", "好邻居", "邻聚力", "楼里楼外"),
        "商品房小区中青年居民及家庭",
        "以邻里节、楼栋共享空间和兴趣社群为载体，重建邻里关系、培育社区骨干",
        "促进邻里互识互助，提升中青年居民的社区参与",
        ("举办社区邻里节和楼栋“百家宴”", "建设楼栋共享书架和闲置物品交换角",
         "孵化亲子、运动、读书等兴趣社群", "开展社区骨干领导力培训"),
        ("{n}名居民参与邻里活动，其中中青年居民占比不低于50%", "孵化兴趣社群4个，培育社区骨干{v}名",
         "居民邻里熟识度调查得分提高20%"),
        ("邻里节活动物料", "共享书架及交换角布置", "兴趣社群活动经费"),
    ),
    Topic(
        D.COMMUNITY, "快递外卖等新就业群体缺少歇脚和服务点",
        "{community}辖区商圈集中，每日在片区工作的快递员、外卖骑手约{n}人。他们反映午间缺少歇脚、饮水和手机充电"
        "的地方，与小区物业、居民也时有摩擦。",
        (80, 300), "新就业群体关爱与融入", ("骑手驿站", "小哥之家", "暖蜂驿站", "同城温暖"),
        "快递员、外卖骑手、网约车司机等新就业群体",
        "建设爱心驿站，开展权益保障和交通安全培训，引导新就业群体参与社区志愿服务",
        "为新就业群体提供就近服务，促进他们融入社区治理",
        ("联合商户建设爱心驿站，提供饮水、充电、休息和应急药品", "开展劳动权益保障和交通安全培训",
         "组织“骑手观察员”参与社区隐患随手拍", "举办新就业群体联谊和子女关爱活动"),
        ("爱心驿站服务新就业群体{n}人次以上", "发展“骑手观察员”志愿者{v}名",
         "协助解决新就业群体反映的问题不少于10件"),
        ("驿站饮水及应急药品", "交通安全培训物料", "联谊活动物料"),
    ),
    Topic(
        D.COMMUNITY, "小区停车、噪音等邻里纠纷多发",
        "{community}去年受理停车、楼上漏水、噪音扰民等邻里纠纷{k}起，涉及居民约{n}户，多数靠社区干部上门调解，"
        "专业调解力量不足，部分矛盾反复发生。",
        (60, 200), "邻里纠纷调解与议事能力建设", ("和事佬", "睦邻调解", "议事厅", "和谐邻里"),
        "辖区居民、楼栋长及居民调解员",
        "培育居民调解志愿者队伍，建立“楼栋—院落—社区”三级议事调解机制",
        "及时化解邻里矛盾，提升居民协商议事能力",
        ("招募并培训居民调解志愿者", "建立楼栋、院落、社区三级调解机制和工作台账",
         "每月开展一次议事协商会，推动停车等公共问题协商解决", "开展法律知识和沟通技巧讲座"),
        ("调解邻里纠纷不少于20件，调解成功率达到80%", "培育居民调解志愿者{v}名",
         "惠及居民{n}户，形成社区议事规则1套"),
        ("调解员培训物料", "议事会物料", "法律讲座资料印制"),
    ),
    Topic(
        D.CULTURE, "传统文化活动少、非遗技艺后继乏人",
        "{community}有蜀绣、竹编等非遗技艺传承人和手工艺人{k}名，但年轻人接触机会少。居民议事会上，约{n}位家长"
        "希望孩子在社区就能体验传统手工艺。",
        (40, 150), "社区非遗文化传承", ("非遗进社区", "匠心传承", "巧手坊", "指尖上的非遗"),
        "社区儿童、青少年及传统手工艺爱好者",
        "邀请非遗传承人进社区开设体验课程，组建社区非遗兴趣小组，举办成果展示",
        "让传统技艺在社区得到传承，丰富居民文化生活",
        ("邀请蜀绣、竹编传承人开设体验课程", "组建社区非遗兴趣小组，每周活动一次",
         "组织非遗作品进院落、进学校展示", "举办社区非遗文化节和作品义卖"),
        ("开设非遗体验课程24节，参与居民{n}人", "培育非遗兴趣小组骨干{v}名", "举办成果展示活动2场"),
        ("非遗体验课材料", "作品展示布置", "文化节活动物料"),
    ),
    Topic(
        D.CULTURE, "居民健身组织化程度低、场地利用不足",
        "{community}健身广场和活动室使用集中在早晚，白天闲置较多。居民自发形成的广场舞、太极拳队伍有{k}支，"
        "约{n}人经常参加，但缺少专业指导，时有场地和噪音纠纷。",
        (80, 300), "社区全民健身活动", ("活力社区", "健康同行", "乐动邻里", "动起来"),
        "社区各年龄段健身爱好者",
        "培育社区体育社团，引入专业教练开展科学健身指导，统筹场地使用时段",
        "提升居民科学健身水平，减少场地使用矛盾",
        ("协调制定健身广场分时段使用公约", "引入社会体育指导员开展科学健身指导",
         "培育太极拳、健身操等社区体育社团", "举办社区趣味运动会"),
        ("参与健身活动居民{n}人", "培育社区体育社团3个、健身骨干{v}名", "场地使用纠纷明显减少"),
        ("健身器材及音响", "运动会奖品及物料", "社团服装"),
    ),
    Topic(
        D.CULTURE, "社区书屋利用率低、缺少阅读活动",
        "{community}社区书屋藏书约{m}册，但开放时间短、活动少，日均借阅不足10人次。问卷中有{n}位家长"
        "希望社区能常态化组织亲子阅读和读书会。",
        (40, 160), "社区阅读推广", ("书香邻里", "悦读时光", "阅读点亮", "小书虫"),
        "亲子家庭、青少年及中老年阅读爱好者",
        "以志愿者运营社区书屋，常态化开展亲子绘本共读、读书会和阅读分享活动",
        "激活社区书屋，营造全民阅读氛围",
        ("招募书屋志愿管理员，延长书屋开放时间", "每周开展一次亲子绘本共读",
         "每月举办一次成人读书会", "开展图书漂流和“21天阅读打卡”活动"),
        ("书屋年借阅量提高50%，参与阅读活动居民{n}人", "培育书屋志愿管理员{v}名",
         "形成书屋志愿者自主运营机制"),
        ("绘本及图书采购", "阅读活动物料", "书屋环境布置"),
    ),
    Topic(
        D.HEALTH, "慢性病老人自我健康管理能力弱",
        "{community}高血压、糖尿病患者约{n}人，多数为老年人。社区卫生服务站反映，部分患者不按时服药、"
        "饮食控制不佳，随访依从性低。",
        (60, 250), "慢性病居民健康自我管理", ("健康守门人", "慢病自管", "健康加油站", "医路同行"),
        "高血压、糖尿病等慢性病患者及家属",
        "联合社区卫生服务站组建慢病自我管理小组，开展健康监测、用药指导和饮食运动干预",
        "提升慢病患者自我管理能力，改善血压、血糖控制情况",
        ("联合社区卫生服务站筛选服务对象并建立健康档案", "组建慢病自我管理小组，每期6次课程",
         "每月开展一次免费血压、血糖监测", "开展健康饮食和运动指导"),
        ("{n}名慢病患者参加自我管理小组，血压、血糖控制达标率提高10%",
         "培育健康自我管理骨干{v}名", "形成可持续运营的慢病自我管理小组"),
        ("健康监测耗材", "健康讲座资料", "健康饮食示范材料"),
    ),
    Topic(
        D.HEALTH, "居民心理健康服务渠道缺乏",
        "热线和网格走访反映，{community}部分居民存在因失业、婚姻家庭、照护压力引发的焦虑抑郁情绪，"
        "估计有需求的居民约{n}人，社区缺少可及的心理疏导服务。",
        (40, 150), "社区心理健康服务", ("心灵驿站", "暖心倾听", "心晴港湾", "解忧屋"),
        "有心理支持需求的居民及困境家庭",
        "设立社区心理服务室，开展心理健康宣传、团体辅导和个案疏导，建立危机转介机制",
        "为居民提供可及的心理支持，早发现、早干预心理危机",
        ("设立社区心理服务室，每周固定时段开放", "开展心理健康科普讲座和团体辅导",
         "为重点人群提供个案心理疏导", "与精神卫生机构建立危机转介机制"),
        ("服务居民{n}人次，完成个案疏导不少于15个", "培训社区心理志愿者{v}名",
         "建立心理危机识别和转介流程"),
        ("心理测评及沙盘耗材", "团体辅导物料", "心理健康宣传资料"),
    ),
    Topic(
        D.HEALTH, "0—3岁婴幼儿家庭科学育儿指导不足",
        "{community}近三年新生儿约{n}名，年轻父母普遍缺乏科学育儿知识，隔代养育观念冲突明显，"
        "希望社区提供早期发展指导。",
        (30, 120), "婴幼儿家庭科学育儿支持", ("护苗成长", "亲子乐园", "宝贝起跑线", "养育同行"),
        "0至3岁婴幼儿及其家长、祖辈照养人",
        "开展亲子早教活动、育儿讲座和入户指导，建立新手父母互助社群",
        "提升家庭科学育儿能力，促进婴幼儿早期发展",
        ("每周开展一次亲子早教游戏活动", "邀请儿科医生和育婴师开设育儿讲座",
         "为有需要的家庭提供入户育儿指导", "建立新手父母互助社群"),
        ("服务婴幼儿家庭{n}户", "家长育儿知识测试得分平均提高20%", "培育家长志愿者{v}名"),
        ("早教玩具及教具", "育儿讲座资料", "亲子活动物料"),
    ),
    Topic(
        D.POVERTY, "困难家庭子女学业和生活支持不足",
        "{community}低保、低收入家庭{m}户，其中有在读子女的约{n}户，部分家庭因病致困，"
        "孩子学习用品和课外辅导难以保障。",
        (15, 60), "困境家庭关爱帮扶", ("微光助学", "暖冬行动", "同心帮扶", "希望之光"),
        "低保、低收入及因病致困家庭",
        "通过需求评估、学业帮扶和资源链接，为困境家庭提供综合支持",
        "缓解困境家庭的生活和教育压力，增强家庭抗逆力",
        ("入户评估困境家庭需求并建立档案", "为困境家庭子女提供学业辅导和学习用品",
         "链接爱心企业和慈善资源开展帮扶", "开展家庭抗逆力提升小组"),
        ("为{n}户困境家庭提供综合帮扶", "链接社会资源不少于5项", "招募帮扶志愿者{v}名"),
        ("学习用品及助学物资", "入户走访交通补贴", "小组活动物料"),
    ),
    Topic(
        D.POVERTY, "失业人员再就业技能不足",
        "{community}登记失业人员{n}人，以40岁以上人员为主，技能单一，求职渠道有限，部分家庭生活较为困难。",
        (20, 80), "就业困难人员能力提升", ("再出发", "技能充电站", "就业同行", "新起点"),
        "登记失业人员和就业困难人员",
        "开展职业技能培训和求职辅导，链接辖区企业就业岗位",
        "帮助就业困难人员提升技能、实现再就业",
        ("开展就业需求评估", "开设家政、养老护理等技能培训", "举办社区招聘会和求职辅导",
         "建立就业跟踪回访机制"),
        ("{n}人参加技能培训，至少三成实现就业", "链接用工企业10家", "招募就业辅导志愿者{v}名"),
        ("技能培训耗材", "招聘会场地布置", "培训资料印制"),
    ),
    Topic(
        D.ENVIRONMENT, "生活垃圾分类准确率不高",
        "街道抽查显示，{community}厨余垃圾分类准确率不足六成，部分院落混投现象突出，辖区约{m}户居民中"
        "仅{n}户能准确说出分类标准。",
        (200, 800), "垃圾分类与绿色生活", ("绿色家园", "分类小达人", "零废弃", "环保先锋"),
        "辖区居民家庭及物业保洁人员",
        "通过入户宣传、桶边督导和积分激励，提升居民垃圾分类准确率",
        "养成居民垃圾分类习惯，减少生活垃圾总量",
        ("开展入户宣传和分类知识讲座", "组织志愿者定时桶边督导", "推行垃圾分类积分兑换",
         "开展旧物改造和环保市集活动"),
        ("覆盖居民{n}户，厨余垃圾分类准确率提高到85%以上", "培育桶边督导志愿者{v}名",
         "举办环保市集4场"),
        ("分类宣传资料", "积分兑换物品", "环保市集物料"),
    ),
    Topic(
        D.ENVIRONMENT, "滨河绿地环境脏乱、缺少居民参与维护",
        "{community}沿河绿地是居民休闲的主要场所，但乱扔垃圾、遛狗不拴绳等现象多，热线投诉较多，"
        "周边约{n}户居民希望共同维护。",
        (100, 400), "社区绿地认养与环境共治", ("河长同行", "绿地认养", "清河行动", "美丽家园"),
        "沿河院落居民、学生及环保志愿者",
        "组织居民认养绿地，开展巡河护河和文明养犬宣传",
        "改善滨河绿地环境，形成居民共管共护机制",
        ("划分绿地认养责任区", "组织每周巡河护河志愿活动", "开展文明养犬宣传",
         "举办自然观察和环保教育活动"),
        ("认养绿地责任区8块，参与居民{n}户", "组建护河志愿队{v}人", "热线投诉量下降30%"),
        ("认养标识牌制作", "清洁工具", "自然教育活动物料"),
    ),
    Topic(
        D.VOLUNTEER, "社区志愿者队伍老化、流失严重",
        "{community}注册志愿者{m}人，实际常态参与的仅约{n}人，且以退休人员为主，缺少激励和培训机制。",
        (30, 120), "社区志愿服务能力提升", ("时间银行", "志愿之家", "益起来", "邻里志愿"),
        "社区志愿者及有意愿参与志愿服务的居民",
        "建立志愿服务时间银行和积分激励机制，开展分类培训，开发多样化志愿岗位",
        "建设一支稳定、专业、年龄结构合理的社区志愿者队伍",
        ("梳理社区志愿服务岗位清单", "建立时间银行积分兑换机制", "开展志愿者分类培训",
         "举办志愿者表彰和交流活动"),
        ("常态参与志愿者增加到{n}人", "开发志愿岗位20个，培育志愿骨干{v}名", "建立时间银行运营制度"),
        ("志愿者培训物料", "积分兑换物品", "志愿者保险及马甲"),
    ),
)

THEME_DOMAINS = (D.ELDERLY, D.CHILDREN, D.DISABILITY, D.COMMUNITY, D.CULTURE, D.HEALTH)

THEMES = (  # name, domain, description
    ("为老服务", D.ELDERLY, "聚焦独居空巢、高龄失能和认知障碍老人，支持探访关爱、助餐、照护者支持和老年人数字融入。"),
    ("儿童青少年", D.CHILDREN, "关注双职工家庭、流动儿童和青少年心理健康，支持课后托管、成长陪伴和儿童友好社区营造。"),
    ("助残服务", D.DISABILITY, "支持残疾人居家康复、心智障碍青年融合就业和无障碍出行等服务。"),
    ("社区治理", D.COMMUNITY, "支持老旧院落自治、邻里互助、新就业群体融入和居民议事协商。"),
    ("文化体育", D.CULTURE, "支持非遗传承、全民健身和社区阅读，丰富居民精神文化生活。"),
    ("健康服务", D.HEALTH, "支持慢病自我管理、社区心理健康服务和婴幼儿家庭科学育儿。"),
)


def topics_for(domain: ServiceDomain) -> list[Topic]:
    return [t for t in TOPICS if t.domain == domain]


# --- needs -----------------------------------------------------------------------------------------------------


def need_fields(rng: random.Random, topic: Topic, community: str) -> dict[str, Any]:
    """Column values of one community need (without community_id, source, priority or dates)."""
    n = rng.randint(*topic.people)
    text = topic.need_text.format(community=community, n=n, m=n * rng.randint(3, 8) + rng.randint(0, 9),
                                  k=rng.randint(3, 15))
    return {"domain": topic.domain, "title": topic.need_title, "description": text, "people_affected": n}


# --- proposal text ---------------------------------------------------------------------------------------------

_GAP_SENTENCES = (
    "目前相关服务主要依靠社区工作者兼顾开展，缺乏持续、专业的服务供给。",
    "现有公共服务以政策宣传和节日慰问为主，难以满足服务对象日常、个性化的需求。",
    "辖区内尚无专业社会组织常态化开展此类服务，居民需求长期得不到有效回应。",
    "前期走访和座谈中，居民和社区两委普遍认为该问题亟待引入专业力量协同解决。",
)
_TEAM_SENTENCES = (
    "机构具备同类项目执行经验，项目团队中持证社工负责专业服务，并已与社区两委达成合作意向。",
    "项目将依托社区党群服务中心场地开展，社区已承诺提供活动场地和居民动员支持。",
    "项目注重培育本土骨干和志愿者，结项后由社区社会组织承接，保证服务可持续。",
)


def month_label(day: dt.date) -> str:
    return f"{day.year}年{day.month}月"


def add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def project_title(rng: random.Random, topic: Topic, community: str | None = None, brand: str | None = None) -> str:
    prefix = community if community and rng.random() < 0.3 else ""
    brand = brand or rng.choice(topic.brands)
    return f"{prefix}“{brand}”{topic.core}{rng.choice(('项目', '项目', '计划', '行动'))}"


def proposal_fields(rng: random.Random, topic: Topic, *, title: str, org_name: str, location: str,
                    need_texts: list[str], start: dt.date, months: int) -> dict[str, Any]:
    """Column values of the 申报书 project part (without money, status or keys)."""
    direct = max(10, rng.randint(*topic.people) // 10 * 10)
    indirect = direct * rng.randint(2, 5)
    volunteers = min(40, rng.randint(max(5, direct // 10), max(8, direct // 3)))
    end = add_months(start, months - 1)
    summary = (f"本项目由{org_name}在{location}实施，面向{topic.target}，{topic.approach}。"
               f"项目执行周期{months}个月，计划直接服务{direct}人，间接受益约{indirect}人。")
    need_analysis = "".join(need_texts) + rng.choice(_GAP_SENTENCES) + rng.choice(_TEAM_SENTENCES)
    outcomes = [o.format(n=direct, v=volunteers) for o in topic.outcomes]
    objectives = (f"总目标：通过{months}个月的专业服务，{topic.goal}。具体目标："
                  + "；".join(f"{i}. {o}" for i, o in enumerate(outcomes, 1)) + "。")
    return {
        "title": title,
        "domain": topic.domain,
        "target_group": topic.target,
        "location": location,
        "direct_beneficiaries": direct,
        "indirect_beneficiaries": indirect,
        "start_month": start,
        "end_month": end,
        "summary": summary,
        "need_analysis": need_analysis,
        "objectives": objectives,
        "activity_plan": activity_plan(topic, start, end),
    }


def activity_plan(topic: Topic, start: dt.date, end: dt.date) -> str:
    service_from, service_until = add_months(start, 1), add_months(end, -1)
    steps = "；".join(f"{i}. {a}" for i, a in enumerate(topic.activities, 1))
    return (
        f"第一阶段（{month_label(start)}）：项目启动与需求评估。开展入户走访和问卷调查，完善服务对象档案，"
        f"召开项目启动会，招募并培训志愿者。\n"
        f"第二阶段（{month_label(service_from)}—{month_label(service_until)}）：服务实施。{steps}。\n"
        f"第三阶段（{month_label(end)}）：总结评估。整理服务档案，开展满意度调查和成效评估，"
        f"召开成果分享会，形成项目总结报告。"
    )


_FUNDERS = ("{district}民政局购买服务", "{district}社区公益创投", "街道办事处购买服务", "{district}慈善会资助",
            "企业社会责任项目资助")


def past_projects(rng: random.Random, domains: tuple[ServiceDomain, ...], district: str,
                  registered: dt.date) -> str:
    """One to three earlier projects of an organization, one per line, none before its first full year."""
    years = list(range(max(registered.year + 1, 2019), 2026))
    topics = [t for t in TOPICS if t.domain in domains] or list(TOPICS)
    rows = []
    for year in sorted(rng.sample(years, min(len(years), rng.randint(1, 3)))):
        funder = rng.choice(_FUNDERS).format(district=district)
        amount_fen = rng.randrange(30, 200, 5) * 1000 * YUAN
        rows.append(f"{year}年 {project_title(rng, rng.choice(topics))}（{funder}，{format_wan(amount_fen)}元）")
    return "\n".join(rows)


# --- budgets ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ItemSpec:
    """A budget item with realistic unit prices (whole yuan) and quantities; `step` rounds the quantity."""

    category: BudgetCategory
    item: str
    price: tuple[int, int]  # yuan per unit
    quantity: tuple[int, int]
    note: str
    step: int = 1


_PERSONNEL = (
    ItemSpec(C.PERSONNEL, "项目社工劳务费", (2500, 6000), (8, 12), "1名项目社工，按月计发"),
    ItemSpec(C.PERSONNEL, "社工督导费", (400, 800), (6, 12), "外聘督导，每月1次"),
    ItemSpec(C.PERSONNEL, "专业讲师课酬", (200, 500), (12, 40), "外聘专业讲师，按课时计"),
    ItemSpec(C.PERSONNEL, "项目主管劳务费", (800, 2500), (8, 12), "项目主管按30%工作量计"),
)
_ACTIVITY_COMMON = (
    ItemSpec(C.ACTIVITY, "志愿者交通及餐饮补贴", (20, 50), (60, 400), "按实际服务人次发放", 10),
    ItemSpec(C.ACTIVITY, "活动场地布置", (500, 3000), (4, 12), "大型活动场地及音响布置"),
)
_PUBLICITY = (
    ItemSpec(C.PUBLICITY, "宣传折页印制", (1, 3), (500, 3000), "项目宣传及志愿者招募", 100),
    ItemSpec(C.PUBLICITY, "易拉宝及横幅制作", (150, 400), (2, 8), "活动现场宣传"),
    ItemSpec(C.PUBLICITY, "项目成果汇编印制", (20, 60), (50, 200), "结项成果展示", 10),
)
_OTHER = (
    ItemSpec(C.OTHER, "志愿者及服务对象意外保险", (2, 5), (100, 600), "大型活动按人次投保", 10),
    ItemSpec(C.OTHER, "办公耗材", (300, 1500), (1, 3), "打印纸、墨盒等"),
)
_MANAGEMENT = ("项目管理费", "含办公、通讯及财务管理"), ("财务审计费", "第三方财务审计")
# the order lines are added as a budget grows from 3 to 8 lines, and each slot's weight in the target total
_SLOTS = (C.PERSONNEL, C.ACTIVITY, C.MANAGEMENT, C.PUBLICITY, C.ACTIVITY, C.PERSONNEL, C.OTHER, C.ACTIVITY)
_SLOT_WEIGHTS = {C.PERSONNEL: 45, C.ACTIVITY: 40, C.PUBLICITY: 6, C.OTHER: 4}


@dataclass(frozen=True)
class Budget:
    lines: list[dict[str, Any]]  # category, item, unit_price_fen, quantity, amount_fen, note (in slot order)
    total_fen: int
    requested_fen: int
    matching_fen: int


def _item_specs(topic: Topic, category: BudgetCategory) -> tuple[ItemSpec, ...]:
    if category == C.ACTIVITY:
        own = tuple(ItemSpec(C.ACTIVITY, s, (200, 3000), (2, 24), "按活动场次测算") for s in topic.supplies)
        return own + _ACTIVITY_COMMON
    return {C.PERSONNEL: _PERSONNEL, C.PUBLICITY: _PUBLICITY, C.OTHER: _OTHER}[category]


def _clamp(value: int, bounds: tuple[int, int]) -> int:
    return max(bounds[0], min(bounds[1], value))


def _line(spec: ItemSpec, target_fen: int) -> dict[str, Any]:
    """Quantity and unit price near the target amount, both kept within the item's realistic ranges."""
    target_yuan = target_fen // YUAN
    middle = (spec.price[0] + spec.price[1]) // 2
    quantity = _clamp(target_yuan // middle // spec.step * spec.step, spec.quantity)
    price = _clamp(target_yuan // quantity, spec.price)
    if price >= 200:
        price = price // 10 * 10
    return {"category": spec.category, "item": spec.item, "unit_price_fen": price * YUAN, "quantity": quantity,
            "amount_fen": price * quantity * YUAN, "note": spec.note}


def _management_line(rng: random.Random, others_fen: int, percent: int) -> dict[str, Any]:
    """Computed from the other lines, so the fee's share of the final total never exceeds percent."""
    amount = others_fen * percent // (100 - percent) // (10 * YUAN) * (10 * YUAN)
    item, note = rng.choice(_MANAGEMENT)
    return {"category": C.MANAGEMENT, "item": item, "unit_price_fen": amount, "quantity": 1,
            "amount_fen": amount, "note": note}


def make_budget(rng: random.Random, topic: Topic, *, lines: int, requested_target_fen: int, cap_fen: int,
                matching_percent: int, management_percent: int) -> Budget:
    """3 to 8 budget lines for a request near requested_target; own funds cover matching_percent or more."""
    slots = _SLOTS[:lines]
    target = requested_target_fen * 100 // (100 - matching_percent) * (100 - management_percent) // 100
    weights = [_SLOT_WEIGHTS.get(c, 0) * rng.randint(80, 120) for c in slots]
    used: list[str] = []
    out: list[dict[str, Any] | None] = []
    for category, weight in zip(slots, weights, strict=True):
        if category == C.MANAGEMENT:
            out.append(None)  # filled in once the other lines are known
            continue
        spec = rng.choice([s for s in _item_specs(topic, category) if s.item not in used])
        used.append(spec.item)
        out.append(_line(spec, target * weight // sum(weights)))
    others = sum(line["amount_fen"] for line in out if line)
    done = [line or _management_line(rng, others, management_percent) for line in out]
    total = sum(line["amount_fen"] for line in done)
    requested = min(cap_fen, total * (100 - matching_percent) // 100 // (100 * YUAN) * (100 * YUAN))
    return Budget(done, total, requested, total - requested)


# --- rubric ----------------------------------------------------------------------------------------------------

RUBRIC = (  # name, max points ×100, description
    ("需求分析", 2000, "需求调研充分，服务对象和需求描述清晰、有数据支撑，与大赛主题和社区需求清单契合"),
    ("项目设计", 2500, "目标明确、可衡量，活动设计与需求对应，服务方法专业，具有一定创新性"),
    ("可行性", 1500, "实施计划和进度安排合理，场地、人员、社区合作等条件落实，风险有预案"),
    ("预算合理性", 1500, "预算编制规范、测算依据充分，支出结构合理，管理费不超过10%，配套资金落实"),
    ("团队能力", 1500, "机构治理规范，项目团队的专业资质和同类项目经验与项目匹配"),
    ("可持续性", 1000, "注重培育社区骨干和社区社会组织，项目结束后有延续机制，经验可复制推广"),
)
MATCHING_BONUS = ("配套资金加分", 500, "配套资金占总预算比例在20%基础上每提高4个百分点加1分，最高加5分")
