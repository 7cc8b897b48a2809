<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>Columns</name>
    <message>
        <source>Service domain</source>
        <translation>服务领域</translation>
    </message>
    <message>
        <source>Proposals</source>
        <translation>申报项目数</translation>
    </message>
    <message>
        <source>Eligible</source>
        <translation>审查通过</translation>
    </message>
    <message>
        <source>Requested (yuan)</source>
        <translation>申请金额（元）</translation>
    </message>
    <message>
        <source>Community needs</source>
        <translation>社区需求数</translation>
    </message>
    <message>
        <source>Intake no.</source>
        <translation>受理编号</translation>
    </message>
    <message>
        <source>Project</source>
        <translation>项目名称</translation>
    </message>
    <message>
        <source>Organization</source>
        <translation>申报机构</translation>
    </message>
    <message>
        <source>Matching funds (yuan)</source>
        <translation>配套资金（元）</translation>
    </message>
    <message>
        <source>Total budget (yuan)</source>
        <translation>总预算（元）</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Competition</source>
        <translation>所属大赛</translation>
    </message>
    <message>
        <source>Street</source>
        <translation>街道</translation>
    </message>
    <message>
        <source>Community</source>
        <translation>社区</translation>
    </message>
    <message>
        <source>Need</source>
        <translation>需求</translation>
    </message>
    <message>
        <source>People affected</source>
        <translation>涉及人数</translation>
    </message>
    <message>
        <source>Priority</source>
        <translation>优先级</translation>
    </message>
    <message>
        <source>Source</source>
        <translation>来源</translation>
    </message>
    <message>
        <source>Collected on</source>
        <translation>收集日期</translation>
    </message>
    <message>
        <source>Unified social credit code</source>
        <translation>统一社会信用代码</translation>
    </message>
    <message>
        <source>Type</source>
        <translation>组织类型</translation>
    </message>
    <message>
        <source>Registered on</source>
        <translation>成立日期</translation>
    </message>
    <message>
        <source>Annual inspection</source>
        <translation>年检结论</translation>
    </message>
    <message>
        <source>Rating</source>
        <translation>评估等级</translation>
    </message>
    <message>
        <source>Contact</source>
        <translation>联系人</translation>
    </message>
    <message>
        <source>Phone</source>
        <translation>联系电话</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <source>Year</source>
        <translation>年度</translation>
    </message>
    <message>
        <source>Mode</source>
        <translation>模式</translation>
    </message>
    <message>
        <source>Organizer</source>
        <translation>主办单位</translation>
    </message>
    <message>
        <source>Pool (yuan)</source>
        <translation>资金池（元）</translation>
    </message>
    <message>
        <source>Cap per project (yuan)</source>
        <translation>单项上限（元）</translation>
    </message>
    <message>
        <source>Applications close</source>
        <translation>申报截止</translation>
    </message>
    <message>
        <source>Order</source>
        <translation>顺序</translation>
    </message>
    <message>
        <source>Round</source>
        <translation>轮次</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>方式</translation>
    </message>
    <message>
        <source>Weight %</source>
        <translation>权重 %</translation>
    </message>
    <message>
        <source>Blind</source>
        <translation>匿名评审</translation>
    </message>
    <message>
        <source>Criteria</source>
        <translation>指标数</translation>
    </message>
    <message>
        <source>Full marks</source>
        <translation>满分</translation>
    </message>
    <message>
        <source>Judges per proposal</source>
        <translation>每项评委数</translation>
    </message>
    <message>
        <source>Title</source>
        <translation>职称</translation>
    </message>
    <message>
        <source>Affiliation</source>
        <translation>工作单位</translation>
    </message>
    <message>
        <source>Expertise</source>
        <translation>专长领域</translation>
    </message>
    <message>
        <source>Public juror</source>
        <translation>大众评审</translation>
    </message>
    <message>
        <source>Panels</source>
        <translation>评审组数</translation>
    </message>
    <message>
        <source>Declared conflicts</source>
        <translation>申报回避</translation>
    </message>
    <message>
        <source>Serial</source>
        <translation>编号</translation>
    </message>
    <message>
        <source>Document</source>
        <translation>文书类型</translation>
    </message>
    <message>
        <source>Subject</source>
        <translation>对象</translation>
    </message>
    <message>
        <source>Issued on</source>
        <translation>签发日期</translation>
    </message>
    <message>
        <source>Voided</source>
        <translation>已作废</translation>
    </message>
    <message>
        <source>Yes</source>
        <translation>是</translation>
    </message>
    <message>
        <source>No</source>
        <translation>否</translation>
    </message>
</context>
<context>
    <name>Errors</name>
    <message>
        <source>{path} is not a PSP Desktop database (not an SQLite file).</source>
        <translation>{path} 不是 PSP Desktop 数据库（不是 SQLite 文件）。</translation>
    </message>
    <message>
        <source>{path} is an SQLite file but not a PSP Desktop database.</source>
        <translation>{path} 是 SQLite 文件，但不是 PSP Desktop 数据库。</translation>
    </message>
    <message>
        <source>{path} is damaged and cannot be read. Restore it from a backup.</source>
        <translation>{path} 已损坏，无法读取。请从备份恢复。</translation>
    </message>
    <message>
        <source>{where} was written by a newer version of PSP Desktop (schema {revision}). Install the newer version to open it; the database was not changed.</source>
        <translation>{where} 由更高版本的 PSP Desktop 创建（数据结构版本 {revision}）。请安装新版本后再打开；数据库未作任何改动。</translation>
    </message>
    <message>
        <source>Cannot write to the folder {folder}. Choose another location.</source>
        <translation>无法写入文件夹 {folder}。请选择其他位置。</translation>
    </message>
    <message>
        <source>{path} is a folder, not a database file.</source>
        <translation>{path} 是文件夹，不是数据库文件。</translation>
    </message>
    <message>
        <source>There is no database at {path}.</source>
        <translation>{path} 处没有数据库。</translation>
    </message>
    <message>
        <source>Cannot open {path}: {reason}</source>
        <translation>无法打开 {path}：{reason}</translation>
    </message>
    <message>
        <source>Cannot connect to the database server {where}: {reason}</source>
        <translation>无法连接数据库服务器 {where}：{reason}</translation>
    </message>
    <message>
        <source>The upgrade left {count} broken references; restore the backup.</source>
        <translation>升级后有 {count} 处数据引用失效，请恢复升级前的备份。</translation>
    </message>
    <message>
        <source>The database already holds data; use --replace to rebuild the demo.</source>
        <translation>数据库中已有数据；如需重建演示数据，请加 --replace。</translation>
    </message>
</context>
<context>
    <name>Labels</name>
    <message>
        <source>Elderly care</source>
        <translation>为老服务</translation>
    </message>
    <message>
        <source>Children and youth</source>
        <translation>儿童青少年</translation>
    </message>
    <message>
        <source>Disability support</source>
        <translation>助残服务</translation>
    </message>
    <message>
        <source>Families in hardship</source>
        <translation>困难群体帮扶</translation>
    </message>
    <message>
        <source>Community governance</source>
        <translation>社区治理</translation>
    </message>
    <message>
        <source>Culture and sports</source>
        <translation>文化体育</translation>
    </message>
    <message>
        <source>Environment</source>
        <translation>环境保护</translation>
    </message>
    <message>
        <source>Health</source>
        <translation>健康服务</translation>
    </message>
    <message>
        <source>Volunteering</source>
        <translation>志愿服务</translation>
    </message>
    <message>
        <source>Other</source>
        <translation>其他</translation>
    </message>
    <message>
        <source>Survey</source>
        <translation>问卷调查</translation>
    </message>
    <message>
        <source>Residents&apos; meeting</source>
        <translation>居民议事会</translation>
    </message>
    <message>
        <source>Hotline</source>
        <translation>热线反映</translation>
    </message>
    <message>
        <source>Grid worker visit</source>
        <translation>网格员走访</translation>
    </message>
    <message>
        <source>Other source</source>
        <translation>其他渠道</translation>
    </message>
    <message>
        <source>Social group</source>
        <translation>社会团体</translation>
    </message>
    <message>
        <source>Social service agency</source>
        <translation>社会服务机构</translation>
    </message>
    <message>
        <source>Foundation</source>
        <translation>基金会</translation>
    </message>
    <message>
        <source>Community organization</source>
        <translation>社区社会组织</translation>
    </message>
    <message>
        <source>Other type</source>
        <translation>其他类型</translation>
    </message>
    <message>
        <source>Passed</source>
        <translation>合格</translation>
    </message>
    <message>
        <source>Basically passed</source>
        <translation>基本合格</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>不合格</translation>
    </message>
    <message>
        <source>Not inspected</source>
        <translation>未参检</translation>
    </message>
    <message>
        <source>Not rated</source>
        <translation>未评估</translation>
    </message>
    <message>
        <source>Venture philanthropy</source>
        <translation>公益创投</translation>
    </message>
    <message>
        <source>Project bidding</source>
        <translation>公益招投标</translation>
    </message>
    <message>
        <source>Project commission</source>
        <translation>服务委托</translation>
    </message>
    <message>
        <source>Planning</source>
        <translation>筹备中</translation>
    </message>
    <message>
        <source>Accepting applications</source>
        <translation>申报中</translation>
    </message>
    <message>
        <source>Screening</source>
        <translation>资格审查</translation>
    </message>
    <message>
        <source>Under review</source>
        <translation>评审中</translation>
    </message>
    <message>
        <source>Public notice</source>
        <translation>公示中</translation>
    </message>
    <message>
        <source>Signing</source>
        <translation>签约</translation>
    </message>
    <message>
        <source>Implementing</source>
        <translation>实施中</translation>
    </message>
    <message>
        <source>Closed</source>
        <translation>已结项</translation>
    </message>
    <message>
        <source>Written review</source>
        <translation>书面评审</translation>
    </message>
    <message>
        <source>Roadshow</source>
        <translation>路演答辩</translation>
    </message>
    <message>
        <source>Other round</source>
        <translation>其他方式</translation>
    </message>
    <message>
        <source>Draft</source>
        <translation>草稿</translation>
    </message>
    <message>
        <source>Received</source>
        <translation>已受理</translation>
    </message>
    <message>
        <source>Eligible</source>
        <translation>审查通过</translation>
    </message>
    <message>
        <source>Ineligible</source>
        <translation>审查未通过</translation>
    </message>
    <message>
        <source>Returned for changes</source>
        <translation>退回修改</translation>
    </message>
    <message>
        <source>Ranked</source>
        <translation>已排名</translation>
    </message>
    <message>
        <source>Funded</source>
        <translation>获资助</translation>
    </message>
    <message>
        <source>Not funded</source>
        <translation>未获资助</translation>
    </message>
    <message>
        <source>Reserve list</source>
        <translation>候补</translation>
    </message>
    <message>
        <source>Completed</source>
        <translation>已结项</translation>
    </message>
    <message>
        <source>Terminated</source>
        <translation>已终止</translation>
    </message>
    <message>
        <source>Withdrawn</source>
        <translation>已撤回</translation>
    </message>
    <message>
        <source>Intake receipt</source>
        <translation>受理回执</translation>
    </message>
    <message>
        <source>Screening list</source>
        <translation>资格审查结果表</translation>
    </message>
    <message>
        <source>Award certificate</source>
        <translation>荣誉证书</translation>
    </message>
    <message>
        <source>Participation certificate</source>
        <translation>参与证书</translation>
    </message>
    <message>
        <source>Appointment letter</source>
        <translation>聘书</translation>
    </message>
    <message>
        <source>Grant agreement</source>
        <translation>资助协议</translation>
    </message>
    <message>
        <source>Disbursement notice</source>
        <translation>拨款通知单</translation>
    </message>
    <message>
        <source>Public notice list</source>
        <translation>公示名单</translation>
    </message>
    <message>
        <source>Evaluation report</source>
        <translation>评估报告</translation>
    </message>
    <message>
        <source>Bid evaluation report</source>
        <translation>评标报告</translation>
    </message>
    <message>
        <source>Score sheet</source>
        <translation>评分表</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Dashboard</source>
        <translation>工作台</translation>
    </message>
    <message>
        <source>Needs</source>
        <translation>社区需求</translation>
    </message>
    <message>
        <source>Organizations</source>
        <translation>社会组织</translation>
    </message>
    <message>
        <source>Competitions</source>
        <translation>大赛管理</translation>
    </message>
    <message>
        <source>Proposals</source>
        <translation>项目申报</translation>
    </message>
    <message>
        <source>Judging</source>
        <translation>评审</translation>
    </message>
    <message>
        <source>Results</source>
        <translation>评审结果</translation>
    </message>
    <message>
        <source>Funding</source>
        <translation>资金拨付</translation>
    </message>
    <message>
        <source>Monitoring</source>
        <translation>监测评估</translation>
    </message>
    <message>
        <source>Documents</source>
        <translation>文书证书</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <source>Opening the database…</source>
        <translation>正在打开数据库…</translation>
    </message>
    <message>
        <source>Database: {where}</source>
        <translation>数据库：{where}</translation>
    </message>
    <message>
        <source>No database open</source>
        <translation>未打开数据库</translation>
    </message>
    <message>
        <source>Unexpected error: {error}</source>
        <translation>发生意外错误：{error}</translation>
    </message>
    <message>
        <source>PSP Desktop</source>
        <translation>PSP Desktop</translation>
    </message>
    <message>
        <source>PSP Desktop — community venture philanthropy</source>
        <translation>PSP Desktop — 社区公益创投管理</translation>
    </message>
</context>
<context>
    <name>Pages</name>
    <message>
        <source>{shown} of {total}</source>
        <translation>显示 {shown} / 共 {total} 条</translation>
    </message>
    <message>
        <source>{total} rows</source>
        <translation>共 {total} 条</translation>
    </message>
    <message>
        <source>Search…</source>
        <translation>搜索…</translation>
    </message>
    <message>
        <source>Social organizations</source>
        <translation>社会组织</translation>
    </message>
    <message>
        <source>Proposals</source>
        <translation>申报项目</translation>
    </message>
    <message>
        <source>Community needs</source>
        <translation>社区需求</translation>
    </message>
    <message>
        <source>Judges</source>
        <translation>评审专家</translation>
    </message>
    <message>
        <source>Proposals and needs by service domain</source>
        <translation>各服务领域的申报与需求</translation>
    </message>
    <message>
        <source>Dashboard</source>
        <translation>工作台</translation>
    </message>
    <message>
        <source>No competition yet</source>
        <translation>尚无大赛</translation>
    </message>
    <message>
        <source>Create a competition to start receiving applications.</source>
        <translation>创建大赛后即可开始受理申报。</translation>
    </message>
    <message>
        <source>Status: {status} · Pool {pool} yuan · Cap per project {cap} yuan · {proposals} proposals received, {eligible} eligible · {requested} yuan requested</source>
        <translation>状态：{status} · 资金池 {pool}元 · 单项上限 {cap}元 · 已受理 {proposals} 项，审查通过 {eligible} 项 · 申请总额 {requested}元</translation>
    </message>
    <message>
        <source>Search intake no., project or organization…</source>
        <translation>搜索受理编号、项目名称或机构…</translation>
    </message>
    <message>
        <source>Needs collected in the communities. Themes and proposals link to the needs they answer.</source>
        <translation>各社区收集的需求。大赛主题和申报项目都关联到它们回应的需求。</translation>
    </message>
    <message>
        <source>No community needs recorded yet</source>
        <translation>尚未登记社区需求</translation>
    </message>
    <message>
        <source>Needs collected by surveys, residents&apos; meetings, the hotline and grid workers will be listed here.</source>
        <translation>通过问卷调查、居民议事会、热线和网格员走访收集的需求将列在这里。</translation>
    </message>
    <message>
        <source>No organizations registered yet</source>
        <translation>尚未登记社会组织</translation>
    </message>
    <message>
        <source>Each social organization is registered once, by its unified social credit code, and keeps its history across competitions.</source>
        <translation>每个社会组织按统一社会信用代码只登记一次，并保留其历年参赛记录。</translation>
    </message>
    <message>
        <source>Competitions and programmes</source>
        <translation>大赛与项目</translation>
    </message>
    <message>
        <source>No competitions yet</source>
        <translation>尚无大赛</translation>
    </message>
    <message>
        <source>A competition sets the themes, the money pool, the per-project cap and the rules that applications are screened against.</source>
        <translation>大赛设定主题、资金池、单项资助上限以及资格审查规则。</translation>
    </message>
    <message>
        <source>Judging</source>
        <translation>评审</translation>
    </message>
    <message>
        <source>Review rounds with their rubrics, and the judges on the roster. Score entry and judge mode are not available in this version yet.</source>
        <translation>各评审轮次及其评分标准，以及评审专家库。本版本尚不支持录入评分和评委打分模式。</translation>
    </message>
    <message>
        <source>Review rounds</source>
        <translation>评审轮次</translation>
    </message>
    <message>
        <source>No review rounds yet</source>
        <translation>尚未设置评审轮次</translation>
    </message>
    <message>
        <source>Rounds such as the written review and the roadshow are set up on a competition.</source>
        <translation>书面评审、路演答辩等轮次在大赛中设置。</translation>
    </message>
    <message>
        <source>No judges on the roster yet</source>
        <translation>专家库中尚无评审专家</translation>
    </message>
    <message>
        <source>Judges are added to the roster with their affiliation and expertise.</source>
        <translation>评审专家连同工作单位和专长领域加入专家库。</translation>
    </message>
    <message>
        <source>Issued documents</source>
        <translation>已签发文书</translation>
    </message>
    <message>
        <source>No documents issued yet</source>
        <translation>尚未签发文书</translation>
    </message>
    <message>
        <source>Certificates, letters, agreements and notices will be recorded here with a serial number when they are issued, so that any copy can be verified later. Issuing documents is not available in this version yet.</source>
        <translation>证书、聘书、协议和通知签发时将连同编号登记在这里，以便日后核验任何一份副本。本版本尚不支持签发文书。</translation>
    </message>
    <message>
        <source>Results</source>
        <translation>评审结果</translation>
    </message>
    <message>
        <source>No results yet</source>
        <translation>尚无评审结果</translation>
    </message>
    <message>
        <source>Rankings appear here once judges have submitted their score sheets. Score entry and ranking are not available in this version yet.</source>
        <translation>评委提交评分表后，排名将显示在这里。本版本尚不支持评分录入和排名。</translation>
    </message>
    <message>
        <source>Funding</source>
        <translation>资金拨付</translation>
    </message>
    <message>
        <source>No awards yet</source>
        <translation>尚无资助项目</translation>
    </message>
    <message>
        <source>Awards, grant agreements, tranches and payments appear here after the results are final. Funding is not available in this version yet.</source>
        <translation>结果确定后，资助决定、资助协议、分期拨款和付款记录将显示在这里。本版本尚不支持资金拨付。</translation>
    </message>
    <message>
        <source>Monitoring and evaluation</source>
        <translation>监测评估</translation>
    </message>
    <message>
        <source>No funded projects to monitor yet</source>
        <translation>尚无需要监测的资助项目</translation>
    </message>
    <message>
        <source>Progress reports, site visits and mid-term and final evaluations of funded projects appear here. Monitoring is not available in this version yet.</source>
        <translation>资助项目的进度报告、实地走访以及中期和终期评估将显示在这里。本版本尚不支持监测评估。</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <source>Database</source>
        <translation>数据库</translation>
    </message>
    <message>
        <source>Schema revision</source>
        <translation>数据结构版本</translation>
    </message>
    <message>
        <source>PSP Desktop version</source>
        <translation>PSP Desktop 版本</translation>
    </message>
    <message>
        <source>No database open</source>
        <translation>未打开数据库</translation>
    </message>
</context>
<context>
    <name>Settings</name>
    <message>
        <source>Language</source>
        <translation>界面语言</translation>
    </message>
    <message>
        <source>Window position and size</source>
        <translation>窗口位置和大小</translation>
    </message>
    <message>
        <source>Page shown at start</source>
        <translation>启动时显示的页面</translation>
    </message>
</context>
</TS>
