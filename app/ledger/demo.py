"""The demo campaign's problem ledger (问题台账): a few hundred items across the bureau's units.

Every item is filed and moved through the real services (create_item, report_progress, submit,
pass_first_review, sign_off, return_item, ...), each step as the person who would take it, so the
timelines and the audit log read as they would after a month of use. The steps' times are then set
back into the 自查整改 phase (started 30 days ago); the audit rows keep the time of seeding.

Deterministic: one seeded random generator and dates relative to today, so the demo accounts find
the same work waiting every time.
"""
import random
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta

from flask import current_app, g
from sqlalchemy import select

from app.extensions import db
from app.ledger import dispatches, services
from app.ledger.models import Dispatch, Handling, RectifyType, Source, State
from app.org.models import Role, Unit, User
from app.templating import local_zone, today

SEED = 20261126
ITEMS_PER_PERSON = 4  # a unit of 6 people finds about 24 problems in the campaign's first month

# -- Problems ---------------------------------------------------------------------------------
IMMEDIATE, DEADLINE, LONG_TERM = RectifyType.IMMEDIATE, RectifyType.DEADLINE, RectifyType.LONG_TERM
SELF, SUPERIOR, PUBLIC = Source.SELF_INSPECTION, Source.SUPERIOR, Source.PUBLIC
MEDIA, INSPECTION, OTHER = Source.MEDIA, Source.INSPECTION, Source.OTHER


@dataclass(frozen=True)
class Problem:
    category: str
    source: Source
    rectify_type: RectifyType
    description: str
    measures: str  # 整改措施, one per "；": progress reports quote them one by one
    public: bool = False  # only for units that serve the public directly


# What each unit does, for the problems every unit finds ({work} below).
UNIT_WORK = {
    "办公室": "公文运转和综合协调", "人事股": "干部人事管理", "财务股": "财务管理和资金拨付",
    "政策法规股": "行政执法监督", "规划建设股": "城市建设项目管理", "村镇建设股": "农房和村镇建设管理",
    "住房保障股": "住房保障", "建筑市场监管股": "建筑市场监管", "政务服务中心住建窗口": "窗口审批服务",
    "建设工程质量安全监督站": "质量安全监督", "城市建设档案馆": "城建档案管理",
    "物业服务管理中心": "物业服务监管",
}
INTERNAL_UNITS = {"办公室", "人事股", "财务股"}  # no public-facing problems for these

# Problems any unit may find in itself, along the 五方面重点内容.
COMMON = [
    Problem("思想认识", SELF, LONG_TERM,
            "参加集中学习和“三会一课”存在“人到心不到”现象，学习笔记照抄照搬，以学促思、以学促行效果不明显。",
            "制定个人学习计划，每周撰写学习笔记不少于1篇；每月开展一次交流发言，由股室负责人点评；学习情况纳入年度考核。"),
    Problem("思想认识", SELF, LONG_TERM,
            "对作风建设专项行动的重要意义认识不足，认为纪律作风问题是“小节”，查摆问题避重就轻。",
            "组织专题学习习近平总书记关于作风建设的重要论述；召开专题组织生活会，逐人开展批评与自我批评；对照五方面重点内容重新查摆问题。"),
    Problem("思想认识", SELF, DEADLINE,
            "观看警示教育片后未结合{work}岗位实际深刻剖析，举一反三不够，“用身边事教育身边人”落实不到位。",
            "组织观看警示教育片后逐人撰写心得体会；梳理{work}岗位廉政风险点并逐一制定防控措施；每季度开展一次警示教育。"),
    Problem("思想认识", SELF, LONG_TERM,
            "在{work}工作中遇到跨股室事项存在推诿扯皮、“等靠要”思想，主动担当意识不强。",
            "明确跨股室事项牵头责任和办结时限；推行首问负责制；推诿扯皮行为纳入作风考评扣分。"),
    Problem("思想认识", SELF, LONG_TERM,
            "工作满足于“过得去”，对{work}相关新政策新规范学习钻研不够，业务能力不能完全适应工作需要。",
            "每月开展一次业务学习；建立业务知识题库，开展岗位练兵；鼓励干部参加执业资格考试。"),
    Problem("工作效率", SELF, DEADLINE,
            "公文办理不及时，部分来文超过规定时限才办结，存在催办后才落实的现象。",
            "建立收文办理登记台账，实行限时办结；每周通报超时公文；超时情况纳入月度作风考评。"),
    Problem("工作效率", INSPECTION, DEADLINE,
            "{work}年度重点工作推进缓慢，时间节点意识不强，部分任务未按计划完成。",
            "对年度重点任务倒排工期、挂图作战；每周例会通报进度；滞后事项由分管领导约谈督办。"),
    Problem("工作效率", SELF, IMMEDIATE,
            "报送上级的统计报表多次出现数据差错，需要反复核对修改，影响报送时效。",
            "实行报表“一人填报、一人复核、负责人审签”；建立数据台账，统一统计口径；差错情况登记通报。"),
    Problem("工作效率", OTHER, DEADLINE,
            "内部会议多、文件多，部分会议议而不决，会议决定事项落实跟踪不够。",
            "精简内部会议，能合并的合并；会议决定事项建立台账，逐项明确责任人和时限；下次会议首先通报落实情况。"),
    Problem("工作效率", PUBLIC, IMMEDIATE,
            "群众反映{work}相关事项办理效率低下，能当天办结的事项拖到次日甚至更久。",
            "梳理事项办理流程，压缩内部流转环节；能当天办结的事项实行即来即办；每周抽查办理时效。", public=True),
    Problem("纪律意识", INSPECTION, IMMEDIATE,
            "督查发现个别干部职工上班迟到早退，工作时间浏览与工作无关网页、玩手机游戏。",
            "严格执行考勤制度，实行每日签到；股室负责人每日巡查在岗情况；违反工作纪律的当面提醒并在股室通报。"),
    Problem("纪律意识", INSPECTION, IMMEDIATE,
            "节假日值班期间存在脱岗、值班电话无人接听现象，值班记录填写不完整。",
            "重新修订值班制度，实行带班领导和值班人员“双在岗”；值班电话呼叫转移至值班人员手机；办公室不定时抽查。"),
    Problem("纪律意识", SELF, IMMEDIATE,
            "请销假制度执行不严，存在先离岗后补假、事后补签请假条的现象。",
            "一律事前履行请假审批；建立请销假登记簿；每月核对考勤与请假记录。"),
    Problem("纪律意识", SELF, DEADLINE,
            "内部资料和涉密文件管理不规范，存在随意摆放、未按规定登记传阅的现象。",
            "开展保密知识专题学习；配备文件柜并实行专人管理；建立文件传阅登记制度，定期自查。"),
    Problem("纪律意识", SELF, IMMEDIATE,
            "参加会议迟到、会上接打电话、交头接耳，会风会纪不严。",
            "会前实行签到，手机统一静音；会议纪律由办公室现场记录并通报；屡次违反的约谈提醒。"),
    Problem("廉洁自律", SELF, LONG_TERM,
            "对“四风”问题隐形变异认识不足，个别干部节假日期间接受管理服务对象宴请，廉洁防线意识淡薄。",
            "开展“四风”问题专项学习；逐人签订廉洁自律承诺书；节假日前发送廉洁提醒，畅通举报渠道。"),
    Problem("廉洁自律", SELF, DEADLINE,
            "{work}岗位廉政风险排查不深入，风险点防控措施笼统，未落实到具体岗位和个人。",
            "重新梳理岗位廉政风险点，形成风险清单；逐项制定防控措施并明确责任人；每半年评估一次防控效果。"),
    Problem("廉洁自律", SELF, LONG_TERM,
            "对亲属和身边工作人员要求不严，存在打招呼、托人情办事的苗头。",
            "开展家风家教专题教育；落实插手干预重大事项记录制度；打招呼事项一律登记报告。"),
    Problem("服务群众", PUBLIC, IMMEDIATE,
            "接待来访群众态度生硬，解释政策不耐心，存在“门难进、脸难看、事难办”现象。",
            "开展文明服务礼仪培训；推行首问负责和微笑服务；设置群众意见簿，每周查看并回复。", public=True),
    Problem("服务群众", PUBLIC, IMMEDIATE,
            "对外公布的咨询电话经常无人接听，群众反映{work}相关事项咨询难、办事难。",
            "明确专人负责咨询电话，工作时间保证畅通；无法当场答复的登记回拨；每周抽查接听情况。", public=True),
    Problem("服务群众", PUBLIC, DEADLINE,
            "12345热线转办件回复不及时，答复内容简单，群众满意度不高。",
            "建立热线转办件台账，实行“两日内联系、五日内答复”；答复内容由股室负责人审核；不满意件逐件回访。",
            public=True),
    Problem("服务群众", SELF, DEADLINE,
            "深入基层、深入群众调研不够，对{work}中群众反映集中的问题掌握不全面。",
            "股室负责人每月至少开展一次走访调研；建立群众诉求清单，逐项研究解决。"),
    Problem("其他", SELF, LONG_TERM,
            "内部管理制度陈旧，部分制度多年未修订，与当前{work}要求不相适应。",
            "全面梳理现行制度，形成“立改废”清单；需修订的制度限期完成并提交局党组审议；建立制度动态调整机制。"),
    Problem("其他", OTHER, IMMEDIATE,
            "局领导检查发现办公区域环境卫生较差，文件资料堆放杂乱，影响机关形象。",
            "开展办公环境集中整治；实行卫生轮值；文件资料分类归档。"),
    Problem("其他", SUPERIOR, DEADLINE,
            "县政府办通报：政务公开栏目中{work}相关信息更新不及时，部分内容仍为旧版本。",
            "全面核对政务公开栏目内容，更新过期信息；明确信息公开责任人；每月检查一次更新情况。"),
]

# Problems of one unit's own business.
OWN = {
    "办公室": [
        Problem("工作效率", SELF, DEADLINE,
                "公文流转环节多，收文登记、拟办、批办、传阅衔接不畅，部分文件在个人手中滞留超过3个工作日。",
                "推行电子公文系统全程流转；办理时限到期前系统自动提醒；每周通报滞留公文。"),
        Problem("纪律意识", INSPECTION, IMMEDIATE,
                "督查发现局机关值班室夜间值班人员脱岗，值班电话转接不及时。",
                "值班人员实行夜间在岗签到；值班电话加装录音设备；值班情况每日报带班领导。"),
        Problem("廉洁自律", SELF, DEADLINE,
                "公务用车使用登记不规范，存在派车单事后补填、出车事由填写笼统的现象。",
                "严格执行公车“一车一档”和派车审批制度；公车安装北斗定位；每月公示公车使用情况。"),
        Problem("工作效率", SELF, IMMEDIATE,
                "向县委县政府报送的政务信息时效性差，多篇信息因报送滞后未被采用。",
                "明确各股室信息员，建立信息报送责任制；重要工作当日报送；每月通报信息采用情况。"),
        Problem("其他", SELF, LONG_TERM,
                "机关档案归档不及时，部分年度文书档案尚未整理移交。",
                "制定档案整理计划，限期完成历年文书档案整理；落实文件“随办随归”。"),
        Problem("服务群众", PUBLIC, IMMEDIATE,
                "来局办事群众反映门卫登记繁琐、指引不清，找不到对口股室。",
                "在大厅设置股室分布指示牌和咨询台；门卫实行首问引导；公布各股室办公电话。"),
        Problem("工作效率", SELF, DEADLINE,
                "会议组织准备不充分，会议材料临时印发，多次出现会议通知时间、地点错误。",
                "建立会议筹备清单，材料提前一天送审；会议通知实行双人校核。"),
        Problem("纪律意识", SELF, IMMEDIATE,
                "公章使用登记不规范，存在未经审批先用印、事后补登记的情况。",
                "严格执行用印审批，实行“一事一审批、一用一登记”；公章专人保管；每月核对用印记录。"),
    ],
    "人事股": [
        Problem("工作效率", SELF, DEADLINE,
                "干部人事档案专项审核发现部分档案材料缺失、信息不一致，补充完善进度慢。",
                "逐卷核对干部人事档案，列出缺失材料清单；限期收集补齐；建立档案材料日常归档制度。"),
        Problem("纪律意识", SELF, IMMEDIATE,
                "考勤统计只报不核，对经常迟到早退人员未按规定通报，考勤制度流于形式。",
                "每月汇总考勤结果并在局务会通报；迟到早退累计3次以上的约谈提醒；考勤结果与绩效挂钩。"),
        Problem("服务群众", PUBLIC, DEADLINE,
                "退休职工反映办理退休手续和待遇核定需多次往返，政策解释不清楚。",
                "编印退休手续一次性告知单；对即将退休人员提前一个月上门告知；实行帮办代办。"),
        Problem("工作效率", SELF, DEADLINE,
                "职称评审材料审核把关不严，多份申报材料被上级退回补正。",
                "制定职称申报材料审核要点；实行初审、复审两级审核；申报前组织集中辅导。"),
        Problem("思想认识", SELF, LONG_TERM,
                "干部教育培训针对性不强，培训内容与业务需求脱节，培训效果缺少评估。",
                "开展培训需求调研，制定分层分类培训计划；每期培训后开展效果评估；培训情况记入干部档案。"),
        Problem("纪律意识", INSPECTION, IMMEDIATE,
                "因私出国（境）证照管理不规范，个别证照未按规定集中保管。",
                "开展证照专项清理，全部收回集中保管；建立证照领用审批登记制度。"),
        Problem("其他", SELF, LONG_TERM,
                "干部平时考核与年度考核衔接不够，考核结果区分度不高，“干好干坏一个样”。",
                "修订干部平时考核办法，实行月度纪实、季度评鉴；考核结果与评先评优、提拔使用挂钩。"),
    ],
    "财务股": [
        Problem("工作效率", PUBLIC, IMMEDIATE,
                "施工企业反映专项资金拨付审核周期长，部分资金拨付超过承诺时限。",
                "明确资金拨付各环节办理时限；材料齐全的申请5个工作日内完成审核；建立资金拨付进度台账。"),
        Problem("廉洁自律", INSPECTION, DEADLINE,
                "公务接待审批单填写不完整，存在接待清单与发票内容不一致的情况。",
                "严格执行公务接待公函、审批单、接待清单“三单合一”；每季度自查接待费用；接待情况在局内公示。"),
        Problem("工作效率", SELF, IMMEDIATE,
                "报销审核标准不统一，同类票据有的通过有的退回，干部职工反映报销需多次往返。",
                "编制报销一次性告知清单；统一审核标准并在内网公布；退回报销单一次性写明全部原因。"),
        Problem("纪律意识", SELF, DEADLINE,
                "固定资产账实不符，部分办公设备调拨、报废未及时办理手续。",
                "开展固定资产全面清查盘点；补办调拨、报废手续；建立资产领用、交还登记制度。"),
        Problem("廉洁自律", SELF, LONG_TERM,
                "政府采购执行不规范，个别小额采购未进行询价比价。",
                "严格执行政府采购管理办法；小额采购实行三家询价；采购情况每季度公示。"),
        Problem("其他", SELF, DEADLINE,
                "财务内控制度不健全，出纳与会计岗位未严格分离。",
                "修订财务内部控制制度；出纳、会计岗位分设；定期轮岗并开展内部审计。"),
        Problem("工作效率", SUPERIOR, DEADLINE,
                "县财政局通报：我局部分项目预算执行进度滞后，年中支出率偏低。",
                "逐项目分析执行滞后原因；建立预算执行月通报制度；进度滞后项目约谈责任股室。"),
    ],
    "政策法规股": [
        Problem("工作效率", INSPECTION, DEADLINE,
                "行政执法案卷评查发现部分案卷文书不规范、证据材料不完整。",
                "对近两年执法案卷开展全面自查；统一执法文书格式；每季度组织案卷交叉评查。"),
        Problem("纪律意识", SELF, IMMEDIATE,
                "执法人员现场检查未按规定出示执法证件、未全程记录。",
                "严格落实行政执法“三项制度”；配备执法记录仪并全程记录；执法过程资料及时归档。"),
        Problem("工作效率", SELF, DEADLINE,
                "规范性文件合法性审查不及时，部分文件审查超过规定时限。",
                "建立合法性审查登记台账；审查时限压缩至5个工作日；复杂文件邀请法律顾问参与。"),
        Problem("服务群众", PUBLIC, IMMEDIATE,
                "群众反映投诉违法建设后无人回应，查处结果不公开。",
                "建立投诉受理、查处、反馈全流程台账；7个工作日内告知投诉人处理情况；查处结果依法公开。"),
        Problem("思想认识", SELF, LONG_TERM,
                "普法宣传形式单一，“谁执法谁普法”责任落实不到位。",
                "制定年度普法责任清单；开展普法进社区、进工地活动；利用政务新媒体以案释法。"),
        Problem("廉洁自律", SELF, DEADLINE,
                "行政处罚自由裁量基准未细化，存在同案不同罚的风险。",
                "修订行政处罚自由裁量权基准；重大处罚实行集体讨论；处罚结果定期公示。"),
        Problem("其他", SUPERIOR, DEADLINE,
                "县司法局通报：我局“双随机一公开”抽查事项清单未及时更新。",
                "更新随机抽查事项清单和执法人员名录库；按计划开展抽查并在规定时限内公示结果。"),
    ],
    "规划建设股": [
        Problem("工作效率", INSPECTION, DEADLINE,
                "市政道路改造项目推进缓慢，未按计划节点完工，影响群众出行。",
                "倒排工期，实行周调度；协调施工单位增加作业面；每周通过县融媒体公布施工进度。"),
        Problem("服务群众", MEDIA, IMMEDIATE,
                "县融媒体“问政”栏目曝光：城区背街小巷改造工地围挡破损、夜间施工扰民。",
                "督促施工单位当日修复围挡；夜间22时后禁止高噪声作业；设立投诉电话并公示。"),
        Problem("工作效率", SELF, DEADLINE,
                "工程竣工验收备案材料退回率高，一次性告知不到位。",
                "编制竣工验收备案材料清单和示范文本；实行预审服务；退回材料一次性说明全部问题。"),
        Problem("纪律意识", SELF, IMMEDIATE,
                "项目现场检查记录填写简单，检查发现的问题未跟踪闭环。",
                "规范现场检查记录表；检查发现问题建立整改台账，实行销号管理。"),
        Problem("服务群众", PUBLIC, DEADLINE,
                "群众反映城区部分路灯长期不亮、井盖破损，报修后处理不及时。",
                "建立市政设施巡查和报修台账；接报后24小时内处置；处置结果回访报修群众。"),
        Problem("思想认识", SELF, LONG_TERM,
                "对城市更新项目前期谋划不够，项目储备不足。",
                "建立城市更新项目库；组织专题学习城市体检和城市更新政策；每季度研究一次项目谋划。"),
    ],
    "村镇建设股": [
        Problem("服务群众", PUBLIC, DEADLINE,
                "农户反映农村危房改造补助资金发放不及时，验收后迟迟未到账。",
                "全面核查补助资金发放情况；与乡镇和财政部门逐户对账；滞后的限期发放并公示。"),
        Problem("工作效率", INSPECTION, DEADLINE,
                "农房建设质量安全巡查覆盖面不够，部分乡镇未按要求开展巡查。",
                "制定农房巡查计划，实行乡镇包片；每月通报巡查情况；未按要求开展的乡镇约谈。"),
        Problem("纪律意识", SELF, IMMEDIATE,
                "下乡检查存在“打招呼”式检查，提前告知被检查对象，检查效果打折扣。",
                "推行“四不两直”暗访检查；检查前不通知、不打招呼；检查结果当场反馈并跟踪整改。"),
        Problem("思想认识", SELF, LONG_TERM,
                "对传统村落保护政策理解不深，指导乡镇开展保护工作不够有力。",
                "组织学习传统村落保护相关政策；邀请专家开展专题培训；建立挂点指导制度。"),
        Problem("服务群众", MEDIA, DEADLINE,
                "网络平台反映某乡镇农村生活污水治理设施建成后长期闲置，未正常运行。",
                "实地核查设施运行情况；督促运维单位限期恢复运行；建立设施运行定期巡检制度。"),
        Problem("工作效率", SELF, DEADLINE,
                "乡村建设评价数据采集不完整，多项指标需返工。",
                "明确数据采集口径和责任人；实行乡镇初审、股室复核；建立数据质量通报制度。"),
    ],
    "住房保障股": [
        Problem("服务群众", PUBLIC, IMMEDIATE,
                "群众反映公租房资格审核需重复提交户籍、收入证明等材料，审核时间长。",
                "推行部门数据共享核验，可共享材料不再要求群众提供；审核时限压缩至15个工作日；审核进度可电话查询。"),
        Problem("工作效率", SELF, DEADLINE,
                "住房租赁补贴发放不及时，部分保障对象补贴延迟发放。",
                "建立补贴发放台账，按月核对发放情况；与财务股、代发银行建立对账机制；延迟发放的逐户说明原因。"),
        Problem("廉洁自律", INSPECTION, DEADLINE,
                "公租房分配公示不充分，轮候排序规则未在办事指南中公开。",
                "完善公租房分配规则并向社会公开；分配结果在政务网站和小区公示不少于7天；主动接受群众监督。"),
        Problem("纪律意识", SELF, DEADLINE,
                "保障对象动态复核不到位，部分已不符合条件的家庭未及时退出。",
                "开展年度资格复核；与民政、不动产登记等部门比对数据；不符合条件的依法办理退出。"),
        Problem("服务群众", MEDIA, DEADLINE,
                "县融媒体曝光：某老旧小区改造后雨污管网仍存在堵塞，居民出行不便。",
                "组织施工单位现场排查整改；建立改造项目质量回访制度；整改完成后邀请居民代表参与验收。"),
        Problem("工作效率", INSPECTION, LONG_TERM,
                "棚户区改造安置房建设进度滞后，群众回迁时间一再推迟。",
                "成立项目工作专班；每周调度施工进度；定期向安置群众通报进展。"),
    ],
    "建筑市场监管股": [
        Problem("工作效率", PUBLIC, IMMEDIATE,
                "施工企业反映施工许可审批环节多、时限长，材料齐全仍需等待较长时间。",
                "精简施工许可申请材料，推行告知承诺制；审批时限压缩至3个工作日；审批进度网上可查。"),
        Problem("服务群众", PUBLIC, DEADLINE,
                "农民工反映欠薪投诉后处理进度慢，反馈不及时。",
                "建立欠薪投诉快速处置机制，接诉后24小时内联系、5个工作日内处理；处理结果回访投诉人。"),
        Problem("廉洁自律", SELF, LONG_TERM,
                "招投标监管中评标过程监督不到位，对评标专家管理不严。",
                "落实招投标全流程电子化监管；评标现场全程录音录像；对评标专家实行动态考核。"),
        Problem("纪律意识", INSPECTION, DEADLINE,
                "建筑市场信用评价结果未按时更新和公示。",
                "按季度更新企业信用评价结果并在政务网站公示；信用结果与招投标、资质管理挂钩。"),
        Problem("工作效率", SELF, DEADLINE,
                "建筑业企业资质动态核查推进缓慢，未按计划完成核查任务。",
                "制定动态核查工作计划，分批次推进；核查不达标企业依法处理并公开。"),
        Problem("思想认识", SELF, LONG_TERM,
                "对优化营商环境政策学习不够，服务企业意识不强，存在“重管理、轻服务”倾向。",
                "组织学习优化营商环境条例；开展“进企业、解难题”活动；建立企业诉求响应台账。"),
    ],
    "政务服务中心住建窗口": [
        Problem("服务群众", PUBLIC, IMMEDIATE,
                "群众反映窗口一次性告知不到位，办理商品房预售许可需多次往返补充材料。",
                "编制各事项一次性告知单和示范文本；推行“容缺受理”；补正材料一次性书面告知。"),
        Problem("纪律意识", INSPECTION, IMMEDIATE,
                "督查暗访发现窗口午休时段无人值守，群众等候时间长。",
                "实行午间弹性工作制，窗口轮流值守；在窗口公示午间服务时间和值班人员。"),
        Problem("服务群众", PUBLIC, IMMEDIATE,
                "窗口“好差评”出现差评，群众反映工作人员态度生硬、解释不耐心。",
                "差评逐件回访核实；开展文明服务培训；差评情况纳入窗口人员月度考核。"),
        Problem("工作效率", SELF, DEADLINE,
                "网上办件比例偏低，部分事项网上申报后仍要求群众到窗口提交纸质材料。",
                "梳理可全程网办事项清单；取消网办事项纸质材料要求；安排专人指导群众网上申报。"),
        Problem("服务群众", MEDIA, IMMEDIATE,
                "网络平台反映窗口叫号系统故障，群众排长队无人疏导。",
                "维修叫号系统；设置引导员疏导群众；故障期间启用人工取号。"),
        Problem("工作效率", SELF, IMMEDIATE,
                "首问负责制落实不到位，对非本窗口事项简单回复“不归我们管”。",
                "严格落实首问负责和一次性告知；非本窗口事项引导至对应窗口；设立“办不成事”反映窗口。"),
        Problem("廉洁自律", SELF, LONG_TERM,
                "窗口帮办代办服务边界不清，存在为个别中介机构提供便利的风险。",
                "明确帮办代办服务范围和流程；严禁推荐中介机构；帮办代办事项全程登记留痕。"),
        Problem("工作效率", INSPECTION, DEADLINE,
                "办件超时预警不及时，个别施工许可、竣工验收备案事项超过承诺时限办结。",
                "启用办件超时自动预警；每日统计临期办件；超时办件逐件说明原因并通报。"),
    ],
    "建设工程质量安全监督站": [
        Problem("工作效率", INSPECTION, DEADLINE,
                "质量安全监督检查发现的隐患整改复查不及时，部分隐患整改未闭环。",
                "建立隐患整改台账，实行“检查—整改—复查—销号”闭环管理；逾期未整改的依法处罚。"),
        Problem("纪律意识", SELF, IMMEDIATE,
                "监督检查走过场，检查记录与现场实际不符，存在“签字式监督”。",
                "推行监督检查全过程影像记录；实行双人检查、交叉复核；对检查质量开展抽查。"),
        Problem("工作效率", PUBLIC, DEADLINE,
                "建设单位反映工程质量监督报告出具慢，影响竣工验收备案。",
                "明确监督报告在竣工验收后5个工作日内出具；实行监督报告办理进度跟踪。"),
        Problem("服务群众", PUBLIC, IMMEDIATE,
                "群众投诉在建工地扬尘污染和夜间施工噪声扰民，处理反馈不及时。",
                "接诉后当日派员现场核查；督促施工单位落实扬尘治理“六个百分之百”；处理结果及时反馈投诉人。"),
        Problem("思想认识", SELF, LONG_TERM,
                "对建筑施工安全生产形势认识不足，存在“重进度、轻安全”思想。",
                "组织学习安全生产法和重大事故隐患判定标准；开展安全生产警示教育；实行监督人员包片责任制。"),
        Problem("廉洁自律", SELF, LONG_TERM,
                "监督人员长期固定负责同一片区，存在“熟人监督”“人情监督”风险。",
                "推行监督片区定期轮换；实行“双随机”抽查；建立监督人员廉洁档案。"),
        Problem("工作效率", SELF, DEADLINE,
                "起重机械备案和安全监督登记办理时限长，企业需多次往返。",
                "优化备案登记流程，推行网上申报；压缩办理时限；实行一次性告知。"),
        Problem("纪律意识", INSPECTION, IMMEDIATE,
                "检测报告审查不严，对个别不合格检测结果未及时处置。",
                "建立不合格检测结果快速处置机制；对检测机构开展专项检查；不合格情况24小时内上报。"),
    ],
    "城市建设档案馆": [
        Problem("服务群众", PUBLIC, IMMEDIATE,
                "群众反映查阅房屋档案手续繁琐，需本人多次到馆办理。",
                "精简查档手续，推行预约查档和委托查档；一般查档需求当场办结。"),
        Problem("工作效率", SELF, DEADLINE,
                "建设工程档案接收不及时，部分竣工项目档案超期未移交。",
                "建立竣工项目档案移交台账；超期未移交项目发函催交；与竣工验收备案联动。"),
        Problem("工作效率", SELF, LONG_TERM,
                "城建档案数字化进度缓慢，纸质档案利用效率低。",
                "制定档案数字化三年计划；优先完成利用频率高的档案数字化；建立档案信息查询系统。"),
        Problem("纪律意识", SELF, IMMEDIATE,
                "档案借阅登记不规范，存在借出档案未按时归还的情况。",
                "严格执行借阅审批登记；逾期未还档案逐件催还；档案库房实行双人管理。"),
        Problem("其他", SELF, DEADLINE,
                "档案库房温湿度监控不到位，部分档案存在受潮风险。",
                "完善库房温湿度监测设备；每日记录温湿度；受潮档案及时抢救修复。"),
    ],
    "物业服务管理中心": [
        Problem("服务群众", PUBLIC, IMMEDIATE,
                "业主投诉物业服务质量差、小区环境脏乱，投诉转办后处理不及时。",
                "建立物业投诉受理、转办、督办、回访闭环台账；接诉后3个工作日内处理反馈；投诉集中的物业企业约谈。"),
        Problem("服务群众", MEDIA, DEADLINE,
                "县融媒体曝光：某小区电梯故障长期未修，物业企业与业主相互推诿。",
                "督促物业企业立即维修；启动维修资金应急使用程序；物业企业不良行为记入信用档案。"),
        Problem("工作效率", PUBLIC, DEADLINE,
                "住宅专项维修资金使用审批环节多、时限长，业主反映申请难。",
                "简化维修资金使用审批流程；公布办理时限和所需材料；紧急情况启用应急使用通道。"),
        Problem("纪律意识", SELF, DEADLINE,
                "对物业企业日常监管不到位，检查考核流于形式。",
                "制定物业服务质量考核办法；每季度开展一次检查考核；考核结果向社会公布。"),
        Problem("服务群众", SELF, LONG_TERM,
                "指导小区成立业主大会和业主委员会推进慢，群众自治机制不健全。",
                "制定业委会组建工作计划；联合街道社区上门指导；对已成立的业委会开展培训。"),
        Problem("廉洁自律", INSPECTION, DEADLINE,
                "物业服务企业信用评价打分依据不充分，存在“人情分”。",
                "细化信用评价评分标准；评价过程留痕并公示；实行评价结果复核制度。"),
    ],
}

# -- What the demo accounts find waiting ------------------------------------------------------
# `staff`'s own items: (state, problem, 整改时限 in days from today)
STAFF_ITEMS = [
    (State.PENDING, Problem(
        "工作效率", SELF, DEADLINE, "本人起草的部分公文存在格式不规范、文字差错问题，校核把关不严。",
        "学习《党政机关公文处理工作条例》和公文格式国家标准；起草公文实行自校、互校两道关口；建立个人差错登记本。"), 12),
    (State.IN_PROGRESS, Problem(
        "服务群众", PUBLIC, IMMEDIATE, "群众反映经局办公室转办的12345热线工单回复不及时，本人登记转交存在延误。",
        "热线工单当日登记、当日转交；每日下班前核对未办结工单；办结后电话回访诉求人。"), 4),
    (State.FIRST_REVIEW, Problem(
        "纪律意识", SELF, DEADLINE, "本人值班期间存在值班记录填写不完整、交接班不清的问题。",
        "按值班制度逐项填写值班记录；实行当面交接班并签字；每周自查一次值班记录。"), 9),
    (State.CLOSED, Problem(
        "思想认识", SELF, IMMEDIATE, "参加集中学习时笔记记录不完整，学习心得流于形式。",
        "补记学习笔记；结合岗位实际重写学习心得；每周固定学习时间。"), -20),
]

# What a unit's first items went through: `head` has 初审 to do, `leader` 销号 (one of them 督办)
# and a 延期 request to decide; two reopened items have come further in their second round.
FIRST_ITEMS = {
    "办公室": [{"state": State.FIRST_REVIEW}, {"state": State.FIRST_REVIEW}, {"state": State.SIGN_OFF},
              {"state": State.SIGN_OFF}],
    "财务股": [{"state": State.SIGN_OFF, "supervised": True}, {"state": State.SIGN_OFF},
              {"state": State.SIGN_OFF}],
    "政策法规股": [{"state": State.SIGN_OFF}, {"state": State.SIGN_OFF},
                {"state": State.IN_PROGRESS, "extension": "pending"}],
    "物业服务管理中心": [{"state": State.SIGN_OFF, "reopened": True}],
    "政务服务中心住建窗口": [{"state": State.CLOSED, "reopened": True}],
}

# -- Discipline cases (发现一起，上报一起，查处一起), filed and handled by the inspector ----------
DISCIPLINE = [
    ("政务服务中心住建窗口", State.CLOSED, Handling.CRITICISM, Problem(
        "纪律意识", INSPECTION, IMMEDIATE,
        "督查暗访发现：窗口工作人员工作时间玩手机游戏、擅自离岗，群众排队等候30余分钟无人办理。",
        "当事人作出书面检查；窗口实行AB岗，离岗须报告并摆放去向牌；电子监控每日抽查。"),
     "经调查核实，在全局干部大会上通报批评，扣减当月绩效。"),
    ("建设工程质量安全监督站", State.IN_PROGRESS, Handling.TRANSFER, Problem(
        "廉洁自律", PUBLIC, DEADLINE,
        "群众举报：监督人员在工地检查时暗示施工单位安排宴请、索要购物卡，存在“吃拿卡要”问题。",
        "配合纪检监察组调查；当事人暂停监督执法工作；全站开展“吃拿卡要”问题专项整治。"),
     "问题线索已移交派驻纪检监察组。"),
    ("办公室", State.CLOSED, Handling.ADMONITION, Problem(
        "廉洁自律", INSPECTION, DEADLINE,
        "督查发现：节假日期间驾驶员未经审批将公务用车停放在个人住所附近，存在公车私用嫌疑。",
        "公车节假日一律封存入库；钥匙统一保管；北斗定位轨迹每月抽查并通报。"),
     "经局党组研究，对当事人进行诫勉谈话。"),
]

# -- The 上级通报 sent to every unit ----------------------------------------------------------
DISPATCH_TITLE = "关于窗口单位“吃拿卡要”问题的通报"
DISPATCH_TEXT = (
    "近期，县纪委监委通报了3起窗口单位工作人员在审批服务中“吃拿卡要”、故意刁难办事群众的典型问题。"
    "请各单位对照通报内容，举一反三、深刻自查：存在问题的登记问题台账，明确整改措施和时限；"
    "经自查无此问题的报送零报告。"
)
DISPATCH_DAY = -12  # sent 12 days ago
DISPATCH_DUE = 5  # answers due in 5 days
DISPATCH_ITEMS = {
    "政务服务中心住建窗口": [
        "对照通报自查发现：个别窗口人员对材料齐全的申请以“再研究研究”为由拖延受理，存在变相刁难倾向。",
        "对照通报自查发现：窗口存在个别人员向办事群众推荐指定中介机构代办的情况。",
    ],
    "建设工程质量安全监督站": [
        "对照通报自查发现：监督检查中存在接受施工单位安排工作餐的情况，“吃拿卡要”风险点排查不深入。",
        "对照通报自查发现：部分工地隐患整改复查走过场，存在“人情监督”风险。",
    ],
    "建筑市场监管股": ["对照通报自查发现：农民工工资保证金退还审核时限不明确，存在“卡要”风险。"],
    "住房保障股": ["对照通报自查发现：公租房资格审核中要求群众重复提供证明材料，易滋生“卡要”问题。"],
    "物业服务管理中心": ["对照通报自查发现：维修资金使用审批环节多，业主反映需“找关系”才能加快办理。"],
    "村镇建设股": ["对照通报自查发现：农村危房改造验收中个别工作人员接受农户赠送的土特产。"],
}
DISPATCH_MEASURES = (
    "组织全体人员学习通报内容，逐人签订不吃拿卡要承诺书；梳理审批服务环节廉政风险点并公开办理时限；"
    "设立举报电话，发现问题严肃处理。"
)
ZERO_REPORT_UNITS = ["财务股", "政策法规股", "规划建设股"]
ZERO_REPORT_NOTE = "经自查，本单位无此问题。已组织全体人员对照通报逐项自查，并对办事服务对象开展电话回访。"
# The units not in either list (办公室, 人事股, 城市建设档案馆) have not answered yet.

# -- The words people write along the way -----------------------------------------------------
START_NOTES = [
    "已召开股室专题会议，对照问题深入剖析原因，明确整改责任人和完成时限。",
    "已制定整改方案，细化整改措施，正在逐项落实。",
    "已向分管领导汇报整改思路，按“一问题一方案”推进整改。",
]
REOPEN_START = "针对问题反弹，重新查找原因，进一步压实整改责任。"
REWORK_NOTES = [
    "已按退回意见补充整改前后对比照片和会议记录。",
    "已按退回意见逐条对应整改措施补充完成情况说明。",
    "已按退回意见补充近两周的执行台账，并对回访中发现的问题再次整改。",
]
RETURN_REASONS = [
    "佐证材料不全，请补充整改前后对比照片和会议记录。",
    "完成情况表述笼统，请逐条对应整改措施说明落实情况。",
    "只落实了制度层面，未见实际执行情况，请补充近两周的执行台账。",
    "经电话回访，群众仍反映需多次往返，整改不到位，请继续整改。",
]
FIRST_REVIEW_NOTES = ["", "材料齐全，同意报分管领导销号。", "整改措施已落实，同意提交销号。"]
SIGN_OFF_NOTES = ["", "同意销号。", "整改到位，同意销号，注意巩固整改成效。", "经对账核实，同意销号。"]
REOPEN_REASONS = [
    "“回头看”检查发现问题反弹，整改成效未巩固，重新整改。",
    "群众再次反映同类问题，说明整改不彻底，重新打开。",
]
INSTRUCTIONS = [
    "此问题群众反映强烈，请务必按期整改到位，整改情况书面报我。",
    "要举一反三、查找同类问题，建立长效机制，防止“抓一抓就好，松一松就反弹”。",
    "请股室负责人亲自过问、亲自协调，每周报送一次整改进展。",
    "涉及群众切身利益，要立行立改，不得推诿拖延。",
]
EXTENSION_REASONS = [
    "涉及跨部门数据共享，需等待县政务服务数据管理局完成接口对接。",
    "相关制度修订需提交局党组会议审议，会议安排在下月初。",
    "涉及资金拨付，需待县财政局审批后方能落实。",
    "需结合全县统一部署的专项检查一并推进。",
]
APPROVE_NOTES = ["同意延期，请倒排工期，确保按新时限完成。", "同意。请每周报送进展。"]
REFUSE_NOTES = ["理由不充分，请按原时限完成整改。", "不同意延期，请加大力度，尽快整改到位。"]

# How many of each state, by kind of rectification (立行立改 is mostly done; 长期坚持 mostly going on).
STATE_WEIGHTS = {
    IMMEDIATE: {State.PENDING: 6, State.IN_PROGRESS: 16, State.FIRST_REVIEW: 10, State.SIGN_OFF: 10,
                State.CLOSED: 58},
    DEADLINE: {State.PENDING: 18, State.IN_PROGRESS: 36, State.FIRST_REVIEW: 12, State.SIGN_OFF: 11,
               State.CLOSED: 23},
    LONG_TERM: {State.PENDING: 16, State.IN_PROGRESS: 58, State.FIRST_REVIEW: 6, State.SIGN_OFF: 6,
                State.CLOSED: 14},
}
# The fewest days an item needs to have reached a state.
MIN_AGE = {State.PENDING: 1, State.IN_PROGRESS: 2, State.FIRST_REVIEW: 4, State.SIGN_OFF: 5, State.CLOSED: 5}
PHASE_START = -30  # the 自查整改 phase began 30 days ago


@dataclass
class Plan:
    """One item to file, and the path it has taken so far."""

    unit: Unit
    problem: Problem
    state: State
    owner: User
    creator: User
    created: int = 0  # day it was filed, relative to today
    due: int | None = None  # 整改时限 relative to today; None for 长期坚持
    first_due: int | None = None  # the 整改时限 before an approved extension
    returned: bool = False
    reopened: bool = False
    close_now: bool = False
    supervised: bool = False
    extension: str = ""  # "", "pending", "approved", "refused"
    handling: tuple | None = None  # (Handling, note) for discipline cases
    dispatch: Dispatch | None = None
    earliest: int = PHASE_START  # the first day it can have been filed


def seed_ledger(campaign) -> int:
    """Fill the campaign's ledger and the 上级通报; returns the number of items filed."""
    return _Seeder(campaign).run()


class _Seeder:
    def __init__(self, campaign):
        self.rng = random.Random(SEED)  # nosec B311  # reproducible demo data, nothing secret
        self.campaign = campaign
        self.today = today()
        self.zone = local_zone()
        self.now = datetime.now(self.zone)
        self.units = db.session.scalars(
            select(Unit).where(Unit.parent_id.is_not(None)).order_by(Unit.sort_order)
        ).all()
        people = db.session.scalars(select(User).order_by(User.id)).all()
        self.by_name = {user.username: user for user in people}
        self.inspector = self.by_name["inspector"]
        self.heads = {u.unit_id: u for u in people if u.role == Role.UNIT_HEAD}
        # Owners drawn at random: staff members, not the demo accounts (their items are chosen).
        self.members = {
            unit.id: [u for u in people if u.unit_id == unit.id and u.role == Role.STAFF and u.username != "staff"]
            for unit in self.units
        }
        self.leaders = {unit.id: db.session.get(User, services.default_leader_id(unit)) for unit in self.units}
        self.targets = {}  # unit id → its DispatchTarget of the 上级通报

    # -- planning ----------------------------------------------------------------------------
    def run(self) -> int:
        dispatch = self._dispatch()
        plans = [plan for unit in self.units for plan in self._unit_plans(unit)]
        plans += self._staff_plans() + self._discipline_plans() + self._dispatch_plans(dispatch)
        with self._request_context():
            for plan in plans:
                # One flush per item, not one per audit row: the services' queries find what
                # they need in the session (the audit head, the 序号 counter), so autoflushing
                # before each of them would only make seeding several times slower.
                with db.session.no_autoflush:
                    self._play(plan)
                db.session.flush()
            self._answer_dispatch(dispatch)
        return len(plans)

    def _unit_plans(self, unit: Unit) -> list[Plan]:
        work = UNIT_WORK.get(unit.name, "本职")
        common = [p for p in COMMON if unit.name not in INTERNAL_UNITS or not p.public]
        size = 1 + len(self.members[unit.id])
        count = max(ITEMS_PER_PERSON * size - len(OWN.get(unit.name, [])), 8)
        problems = OWN.get(unit.name, []) + self.rng.sample(common, min(count, len(common)))
        problems = [replace(p, description=p.description.format(work=work), measures=p.measures.format(work=work))
                    for p in problems]
        self.rng.shuffle(problems)
        firsts = FIRST_ITEMS.get(unit.name, [])
        if any(first.get("extension") for first in firsts):
            # an extension needs a 整改时限: put a 限期整改 problem in that place
            at = next(i for i, first in enumerate(firsts) if first.get("extension"))
            swap = next(i for i, p in enumerate(problems) if p.rectify_type == DEADLINE)
            problems[at], problems[swap] = problems[swap], problems[at]
        plans = []
        for i, problem in enumerate(problems):
            first = firsts[i] if i < len(firsts) else {}
            state = first.get("state") or self._weighted(STATE_WEIGHTS[problem.rectify_type])
            plan = Plan(unit, problem, state, self._owner(unit, state), self._creator(unit, problem.source))
            for name, value in first.items():
                setattr(plan, name, value)
            self._decorate(plan, forced=bool(first))
            plans.append(plan)
        return plans

    def _staff_plans(self) -> list[Plan]:
        staff = self.by_name["staff"]
        plans = []
        for state, problem, due in STAFF_ITEMS:
            span = 5 if problem.rectify_type == IMMEDIATE else 20
            created = max(min(due - span, -MIN_AGE[state]), PHASE_START)
            plans.append(Plan(staff.unit, problem, state, staff, self.heads[staff.unit_id], created, due))
        return plans

    def _discipline_plans(self) -> list[Plan]:
        plans = []
        for unit_name, state, handling, problem, note in DISCIPLINE:
            unit = next(u for u in self.units if u.name == unit_name)
            plan = Plan(unit, problem, state, self.heads[unit.id], self.inspector, handling=(handling, note))
            self._dates(plan)
            plans.append(plan)
        return plans

    def _dispatch_plans(self, dispatch: Dispatch) -> list[Plan]:
        plans = []
        for unit in self.units:
            for description in DISPATCH_ITEMS.get(unit.name, []):
                problem = Problem(dispatch.category, SUPERIOR, DEADLINE, description, DISPATCH_MEASURES)
                state = self._weighted(STATE_WEIGHTS[DEADLINE])
                plan = Plan(unit, problem, state, self._owner(unit, state), self.heads[unit.id],
                            dispatch=dispatch, earliest=DISPATCH_DAY + 1)
                self._decorate(plan)
                plans.append(plan)
        return plans

    def _owner(self, unit: Unit, state: State) -> User:
        """Mostly a staff member; sometimes the unit head (whose items skip 初审)."""
        members = self.members[unit.id]
        if state != State.FIRST_REVIEW and (not members or self.rng.random() < 0.2):
            return self.heads[unit.id]
        return self.rng.choice(members)

    def _creator(self, unit: Unit, source: Source) -> User:
        """Self-inspection findings are filed by the unit head; complaints, media and checks by 督查."""
        return self.inspector if source in (PUBLIC, MEDIA, INSPECTION) else self.heads[unit.id]

    def _decorate(self, plan: Plan, forced: bool = False) -> None:
        """Dates, and now and then a 退回, a reopening, a 督办 or an extension along the way."""
        rng, state = self.rng, plan.state
        if not forced:
            plan.returned = rng.random() < (0.2 if state in (State.FIRST_REVIEW, State.SIGN_OFF, State.CLOSED)
                                            else 0.08 if state == State.IN_PROGRESS else 0)
            plan.reopened = state in (State.IN_PROGRESS, State.SIGN_OFF, State.CLOSED) and rng.random() < 0.025
            plan.supervised = rng.random() < (0.06 if state != State.CLOSED else 0.02)
        plan.close_now = (state == State.CLOSED and plan.problem.rectify_type == IMMEDIATE
                          and not plan.returned and not plan.reopened and rng.random() < 0.6)
        self._dates(plan)
        if plan.due is not None and not forced and not plan.reopened:
            roll = rng.random()
            if roll < 0.05 and state in (State.PENDING, State.IN_PROGRESS):
                plan.extension = "pending"
            elif 0.05 <= roll < 0.2 and state != State.PENDING and plan.due >= 0:
                plan.extension = "approved"  # asked in the past for a 时限 not yet passed today
            elif 0.2 <= roll < 0.24 and state != State.PENDING:
                plan.extension = "refused"
        if plan.extension == "approved":
            first_due = plan.due - rng.randint(7, 15)
            if first_due >= plan.created + 3:
                plan.first_due = first_due
            else:
                plan.extension = ""

    def _dates(self, plan: Plan) -> None:
        """When the item was filed and its 整改时限: open items are overdue, due soon or due later."""
        rng, state, kind = self.rng, plan.state, plan.problem.rectify_type
        age = MIN_AGE[state] + (4 if plan.returned else 0) + (6 if plan.reopened else 0)
        low = max(PHASE_START, plan.earliest)
        # most self-inspection findings came first, in the phase's first days
        newest = min(-18, -age) if plan.problem.source == SELF and state != State.PENDING else -age
        plan.created = created = rng.randint(low, max(low, newest))
        if kind == LONG_TERM:
            return
        span = rng.randint(3, 7) if kind == IMMEDIATE else rng.randint(15, 45)
        if state == State.CLOSED:
            plan.due = created + span
            return
        roll = rng.random()
        if roll < (0.45 if kind == IMMEDIATE else 0.2):
            due = -rng.randint(1, 12)  # overdue
        elif roll < (1 if kind == IMMEDIATE else 0.42):
            due = rng.randint(0, 7)  # due soon
        else:
            due = rng.randint(8, 45)
        plan.due = due
        plan.created = max(min(due - span, -age), low)

    def _weighted(self, weights: dict):
        return self.rng.choices(list(weights), weights=list(weights.values()))[0]

    # -- playing ------------------------------------------------------------------------------
    def _script(self, plan: Plan) -> list[str]:
        """The steps from filing to the planned state, in order."""
        steps = ["create"]
        if plan.supervised:
            steps.append("supervise")
        if plan.handling:
            steps.append("handling")
        if plan.state == State.PENDING:
            return steps + (["request"] if plan.extension == "pending" else [])
        steps.append("progress")
        if plan.extension in ("approved", "refused"):
            steps += ["request", "decide"]
        if self.rng.random() < 0.4:
            steps.append("progress")
        needs_first_review = plan.owner.role != Role.UNIT_HEAD
        review = ["submit", "first_review"] if needs_first_review else ["submit"]
        if plan.returned:
            at_first_review = needs_first_review and self.rng.random() < 0.6
            steps += ["submit", "return"] if at_first_review else review + ["return"]
            if plan.state != State.IN_PROGRESS or self.rng.random() < 0.5:
                steps.append("rework")
        if plan.close_now:
            return steps + ["close_now"]
        if plan.reopened:
            steps += review + ["sign_off", "reopen", "progress"]
        if plan.state in (State.FIRST_REVIEW, State.SIGN_OFF, State.CLOSED):
            steps.append("submit")
        if plan.state in (State.SIGN_OFF, State.CLOSED) and needs_first_review:
            steps.append("first_review")
        if plan.state == State.CLOSED:
            steps.append("sign_off")
        if plan.extension == "pending":
            steps.append("request")
        return steps

    def _times(self, plan: Plan, count: int) -> list[datetime]:
        """`count` moments from the filing day to now, in working hours, in order."""
        rng = self.rng
        first_day = self.today + timedelta(days=plan.created)
        latest = self.now - timedelta(minutes=5)
        last_day = self.today if latest.time() >= time(9) else self.today - timedelta(days=1)

        def moment(day: date) -> datetime:
            """Office hours, not over lunch; today, not after now."""
            minute = rng.choice((rng.randint(8 * 60 + 30, 11 * 60 + 50), rng.randint(14 * 60, 17 * 60 + 40)))
            if day == self.today:
                minute = min(minute, latest.hour * 60 + latest.minute - 1)
            return datetime.combine(day, time(minute // 60, minute % 60), self.zone)

        times = [moment(first_day)]
        span = (last_day - first_day).days
        times += sorted(moment(first_day + timedelta(days=rng.randint(0, span))) for _ in range(count - 1))
        for i in range(1, count):  # steps on the filing day come after the filing, each after the last
            times[i] = max(times[i], times[i - 1] + timedelta(seconds=10))
        return times

    def _play(self, plan: Plan) -> None:
        """File the item and take its steps through the services, each as the person who would."""
        steps = self._script(plan)
        times = self._times(plan, len(steps))
        item = request = closed_at = None
        seen = 0  # the item's events already given their time
        measures = [m for m in plan.problem.measures.rstrip("。").split("；") if m]
        done = 0  # measures reported so far
        leader, head, rng = self.leaders[plan.unit.id], self.heads[plan.unit.id], self.rng
        first_due = plan.due if plan.first_due is None else plan.first_due
        for step, when in zip(steps, times, strict=True):
            day = when.date()
            if step == "create":
                fields = {
                    "owner_id": plan.owner.id, "leader_id": leader.id, "category": plan.problem.category,
                    "description": plan.problem.description, "rectify_type": plan.problem.rectify_type,
                    "measures": plan.problem.measures, "due_on": self._day(first_due),
                }
                with self._acting(plan.creator):
                    if plan.dispatch is not None:  # the unit head answers the 上级通报 with it
                        target = self.targets[plan.unit.id]
                        item = dispatches.answer_with_item(target, plan.creator, target.version, **fields)
                    else:
                        item = services.create_item(plan.creator, self.campaign, unit_id=plan.unit.id,
                                                    source=plan.problem.source, **fields)
            elif step == "supervise":
                with self._acting(leader):
                    services.supervise(item, leader, item.version, rng.choice(INSTRUCTIONS))
            elif step == "handling":
                handling, note = plan.handling
                person = rng.choice(self.members[plan.unit.id]).full_name
                with self._acting(self.inspector):
                    services.record_handling(item, self.inspector, item.version, handling, person, note)
            elif step in ("progress", "rework"):
                if step == "rework":
                    text = rng.choice(REWORK_NOTES)
                elif done == 0:
                    text = (REOPEN_START if item.cycle > 1 else rng.choice(START_NOTES)) + f"已落实：{measures[0]}。"
                    done = 1
                else:
                    done = min(done + 1, len(measures))
                    text = "已落实：" + "；".join(measures[:done]) + "。" + (
                        "其余措施正在推进。" if done < len(measures) else "正在跟踪检验整改效果。")
                with self._acting(plan.owner):
                    services.report_progress(item, plan.owner, item.version, text)
            elif step == "submit":
                text = f"{len(measures)}项整改措施已全部落实：" + "；".join(measures) + "。经回头看，未发现问题反弹。"
                with self._acting(plan.owner):
                    services.submit(item, plan.owner, item.version, text)
            elif step == "first_review":
                with self._acting(head):
                    services.pass_first_review(item, head, item.version, rng.choice(FIRST_REVIEW_NOTES))
            elif step == "return":
                reviewer = head if item.state == State.FIRST_REVIEW else leader
                with self._acting(reviewer):
                    services.return_item(item, reviewer, item.version, rng.choice(RETURN_REASONS),
                                         may_first_review=True, may_sign_off=True)
            elif step == "sign_off":
                with self._acting(leader):
                    services.sign_off(item, leader, item.version, rng.choice(SIGN_OFF_NOTES))
                closed_at = when
            elif step == "close_now":
                with self._acting(leader):
                    services.close_now(item, leader, item.version, f"已当场整改：{measures[0]}。")
                closed_at = when
            elif step == "reopen":
                with self._acting(leader):
                    services.reopen(item, leader, item.version, rng.choice(REOPEN_REASONS))
                closed_at = None
                done = 0
            elif step == "request":
                if plan.extension == "approved":
                    new_due = self._day(plan.due)
                else:
                    new_due = max(item.due_on, day) + timedelta(days=rng.randint(10, 25))
                with self._acting(plan.owner):
                    request = services.request_extension(item, plan.owner, item.version,
                                                         rng.choice(EXTENSION_REASONS), new_due, day)
                request.requested_at = when
                db.session.flush()  # the decision's audit row names the request by its id
            elif step == "decide":
                approve = plan.extension == "approved"
                with self._acting(leader):
                    services.decide_extension(request, leader, approve,
                                              rng.choice(APPROVE_NOTES if approve else REFUSE_NOTES))
                request.decided_at = when
            for event in item.events[seen:]:
                event.occurred_at = when
            seen = len(item.events)
        item.created_at = times[0]
        item.updated_at = times[-1]
        item.closed_at = closed_at
        if item.state != plan.state:  # the script and the services disagree: a bug in the demo
            raise RuntimeError(f"{item.code}: {steps} led to {item.state}, not {plan.state}")

    def _day(self, offset: int | None) -> date | None:
        return None if offset is None else self.today + timedelta(days=offset)

    # -- the 上级通报 ------------------------------------------------------------------------
    def _dispatch(self) -> Dispatch:
        """The inspector sends the 上级通报 to every unit."""
        dispatch = dispatches.create_dispatch(
            self.inspector, self.campaign, DISPATCH_TITLE, DISPATCH_TEXT, "廉洁自律", self._day(DISPATCH_DUE),
            [unit.id for unit in self.units],
        )
        dispatch.created_at = datetime.combine(self._day(DISPATCH_DAY), time(10, 12), self.zone)
        self.targets = {target.unit_id: target for target in dispatch.targets}
        return dispatch

    def _answer_dispatch(self, dispatch: Dispatch) -> None:
        """Units with items answered when they filed the first (see _play); three sent a 零报告."""
        for target in dispatch.targets:
            filed = [item.created_at for item in dispatch.items if item.unit_id == target.unit_id]
            if filed:
                target.answered_at = min(filed)
            elif target.unit.name in ZERO_REPORT_UNITS:
                head = self.heads[target.unit_id]
                with self._acting(head):
                    dispatches.zero_report(target, head, target.version, True, ZERO_REPORT_NOTE)
                day = self._day(self.rng.randint(DISPATCH_DAY + 1, -3))
                target.answered_at = datetime.combine(day, time(self.rng.randint(9, 16), self.rng.randint(0, 59)),
                                                      self.zone)

    # -- who is acting ------------------------------------------------------------------------
    @contextmanager
    def _request_context(self):
        """The services write the audit row as the logged-in user: give them a request to log in to."""
        with current_app.test_request_context(environ_base={"REMOTE_ADDR": "cli"}):
            try:
                yield
            finally:
                g.pop("_login_user", None)

    @contextmanager
    def _acting(self, user: User):
        g._login_user = user
        yield
