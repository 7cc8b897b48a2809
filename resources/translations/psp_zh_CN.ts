<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>ApplicationImportDialog</name>
    <message>
        <source>Import an application form: {name}</source>
        <translation>导入申报书：{name}</translation>
    </message>
    <message>
        <source>Save as a draft application</source>
        <translation>保存为申报草稿</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>{read} fields read, {missing} blank, {invalid} not understood.</source>
        <translation>已读取 {read} 项，空白 {missing} 项，无法识别 {invalid} 项。</translation>
    </message>
    <message>
        <source>The applicant is registered already as {name}; that record is used.</source>
        <translation>申报机构已登记为“{name}”，将使用该记录。</translation>
    </message>
    <message>
        <source>Correct the form and import it again: {count} answers block saving.</source>
        <translation>请修改申报书后重新导入：有 {count} 处填写导致无法保存。</translation>
    </message>
</context>
<context>
    <name>Cli</name>
    <message>
        <source>where to save the PDF</source>
        <translation>PDF 的保存位置</translation>
    </message>
    <message>
        <source>date printed as the issue date (default: today)</source>
        <translation>文书上印的出具日期（默认今天）</translation>
    </message>
    <message>
        <source>save an empty import workbook (.xlsx) to fill in Excel or WPS</source>
        <translation>保存一份空白导入工作簿（.xlsx），在 Excel 或 WPS 中填写</translation>
    </message>
    <message>
        <source>import a filled-in workbook (.xlsx): every row, or none</source>
        <translation>导入已填写的工作簿（.xlsx）：要么全部导入，要么一行都不导入</translation>
    </message>
    <message>
        <source>register the organizations on the sheet 机构信息</source>
        <translation>登记“机构信息”表中的社会组织</translation>
    </message>
    <message>
        <source>import proposals (申报项目, 预算明细, new applicants 机构信息)</source>
        <translation>导入申报项目（申报项目、预算明细，以及新机构的机构信息）</translation>
    </message>
    <message>
        <source>submit them (full validation, intake numbers) instead of saving drafts</source>
        <translation>直接受理（完整校验并编号），而不是保存为草稿</translation>
    </message>
    <message>
        <source>where to write the error workbook (default: beside FILE)</source>
        <translation>错误说明工作簿的保存位置（默认与原文件同目录）</translation>
    </message>
    <message>
        <source>export a list to .xlsx</source>
        <translation>把列表导出为 .xlsx</translation>
    </message>
    <message>
        <source>PSP Desktop command line</source>
        <translation>PSP Desktop 命令行</translation>
    </message>
    <message>
        <source>database file or URL (default: PSP_DATABASE_URL, then psp.db in the user&apos;s data directory)</source>
        <translation>数据库文件或地址（默认依次使用 PSP_DATABASE_URL、用户数据目录中的 psp.db）</translation>
    </message>
    <message>
        <source>create an empty database (or upgrade an existing one)</source>
        <translation>创建空数据库（或升级已有数据库）</translation>
    </message>
    <message>
        <source>create the demo database</source>
        <translation>创建演示数据库</translation>
    </message>
    <message>
        <source>replace an existing demo&apos;s data</source>
        <translation>替换已有的演示数据</translation>
    </message>
    <message>
        <source>show what the database holds</source>
        <translation>显示数据库中的数据概况</translation>
    </message>
    <message>
        <source>save the intake receipt (受理回执) of a proposal as PDF</source>
        <translation>把申报项目的受理回执保存为 PDF</translation>
    </message>
    <message>
        <source>save the screening list (资格审查结果表) as PDF</source>
        <translation>把资格审查结果表保存为 PDF</translation>
    </message>
    <message>
        <source>save a competition&apos;s application form (申报书) as a Word .docx to fill in</source>
        <translation>把大赛的申报书保存为 Word（.docx）供填写</translation>
    </message>
    <message>
        <source>read a filled-in application form (.docx) and show each field&apos;s reading</source>
        <translation>读取已填写的申报书（.docx），并显示每一项的读取结果</translation>
    </message>
    <message>
        <source>save it as a draft proposal (with its organization, found by credit code or new)</source>
        <translation>保存为申报草稿（按统一社会信用代码匹配机构，没有则新建）</translation>
    </message>
</context>
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
        <source>Evaluations</source>
        <translation>评估等级</translation>
    </message>
    <message>
        <source>Role</source>
        <translation>职务</translation>
    </message>
    <message>
        <source>Qualification</source>
        <translation>资质</translation>
    </message>
    <message>
        <source>Social work certificate</source>
        <translation>社工证</translation>
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
    <message>
        <source>Category</source>
        <translation>类别</translation>
    </message>
    <message>
        <source>Item</source>
        <translation>明细</translation>
    </message>
    <message>
        <source>Unit price (yuan)</source>
        <translation>单价（元）</translation>
    </message>
    <message>
        <source>Quantity</source>
        <translation>数量</translation>
    </message>
    <message>
        <source>Amount (yuan)</source>
        <translation>金额（元）</translation>
    </message>
    <message>
        <source>Note</source>
        <translation>备注</translation>
    </message>
    <message>
        <source>File</source>
        <translation>文件</translation>
    </message>
    <message>
        <source>Size (bytes)</source>
        <translation>大小（字节）</translation>
    </message>
    <message>
        <source>SHA-256</source>
        <translation>SHA-256 校验值</translation>
    </message>
    <message>
        <source>Result</source>
        <translation>结果</translation>
    </message>
    <message>
        <source>Field</source>
        <translation>栏目</translation>
    </message>
    <message>
        <source>Value read</source>
        <translation>读取的内容</translation>
    </message>
    <message>
        <source>Check</source>
        <translation>检查项</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>说明</translation>
    </message>
    <message>
        <source>Sheet</source>
        <translation>工作表</translation>
    </message>
    <message>
        <source>Row</source>
        <translation>行</translation>
    </message>
    <message>
        <source>Record</source>
        <translation>记录</translation>
    </message>
    <message>
        <source>Column</source>
        <translation>列</translation>
    </message>
    <message>
        <source>Problem</source>
        <translation>问题</translation>
    </message>
</context>
<context>
    <name>CompetitionDialog</name>
    <message>
        <source>Competition</source>
        <translation>大赛信息</translation>
    </message>
    <message>
        <source>Money and intake numbers</source>
        <translation>资金与受理编号</translation>
    </message>
    <message>
        <source>Timetable</source>
        <translation>日程安排</translation>
    </message>
    <message>
        <source>Screening rules</source>
        <translation>资格审查规则</translation>
    </message>
    <message>
        <source>New competition</source>
        <translation>新建大赛</translation>
    </message>
    <message>
        <source>Competition: {name}</source>
        <translation>大赛：{name}</translation>
    </message>
    <message>
        <source>Last annual inspection passed</source>
        <translation>上年度年检合格</translation>
    </message>
    <message>
        <source>Not on the abnormal-activity list</source>
        <translation>未被列入活动异常名录</translation>
    </message>
    <message>
        <source>Not on the serious-violation list</source>
        <translation>未被列入严重违法失信名单</translation>
    </message>
    <message>
        <source>Has its own bank account</source>
        <translation>已开设机构银行账户</translation>
    </message>
    <message>
        <source>Service domain among the competition&apos;s themes</source>
        <translation>服务领域属于大赛主题</translation>
    </message>
    <message>
        <source>One item per line. Left empty: the standard two items (within the charter; materials complete).</source>
        <translation>每行一项。留空则使用默认两项（属于章程业务范围；申报材料齐全）。</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>大赛名称</translation>
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
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Organizer</source>
        <translation>主办单位</translation>
    </message>
    <message>
        <source>District</source>
        <translation>所在区</translation>
    </message>
    <message>
        <source>Description</source>
        <translation>说明</translation>
    </message>
    <message>
        <source>Pool (yuan)</source>
        <translation>资金池（元）</translation>
    </message>
    <message>
        <source>Cap per project (yuan)</source>
        <translation>单项资助上限（元）</translation>
    </message>
    <message>
        <source>Grant at most this share of the budget</source>
        <translation>资助金额不超过总预算的</translation>
    </message>
    <message>
        <source>Matching funds at least</source>
        <translation>配套资金不低于总预算的</translation>
    </message>
    <message>
        <source>Intake number pattern</source>
        <translation>受理编号格式</translation>
    </message>
    <message>
        <source>Applications open</source>
        <translation>申报开始</translation>
    </message>
    <message>
        <source>Applications close</source>
        <translation>申报截止</translation>
    </message>
    <message>
        <source>Screening ends</source>
        <translation>资格审查截止</translation>
    </message>
    <message>
        <source>Review day</source>
        <translation>评审日期</translation>
    </message>
    <message>
        <source>Public notice from</source>
        <translation>公示开始</translation>
    </message>
    <message>
        <source>Public notice until</source>
        <translation>公示结束</translation>
    </message>
    <message>
        <source>Agreements signed</source>
        <translation>签约日期</translation>
    </message>
    <message>
        <source>Registered at least (years)</source>
        <translation>成立至少（年）</translation>
    </message>
    <message>
        <source>Rating at least</source>
        <translation>评估等级至少</translation>
    </message>
    <message>
        <source>Proposals per organization at most</source>
        <translation>每家机构最多申报（个）</translation>
    </message>
    <message>
        <source>Management fee at most</source>
        <translation>管理费不超过</translation>
    </message>
    <message>
        <source>Manual checklist</source>
        <translation>人工核查清单</translation>
    </message>
    <message>
        <source>The first application gets {example}</source>
        <translation>第一个申报项目的编号为 {example}</translation>
    </message>
    <message>
        <source>Use {year} and {seq:03d}, e.g. {year}-WJ-{seq:03d}</source>
        <translation>请使用 {year} 和 {seq:03d}，例如 {year}-WJ-{seq:03d}</translation>
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
    <message>
        <source>Cannot read {path}: {reason}</source>
        <translation>无法读取 {path}：{reason}</translation>
    </message>
    <message>
        <source>The document template {template} uses an unknown placeholder {placeholder}.</source>
        <translation>文书模板 {template} 使用了未知的占位符 {placeholder}。</translation>
    </message>
    <message>
        <source>{uscc} is already registered as {name}; open that record instead.</source>
        <translation>统一社会信用代码 {uscc} 已登记为“{name}”，请打开该记录。</translation>
    </message>
    <message>
        <source>Someone else saved this record meanwhile. Reload it and make your change again.</source>
        <translation>此记录已被他人修改并保存。请重新打开后再修改。</translation>
    </message>
    <message>
        <source>enter the unified social credit code (or, for an older certificate, the registration number)</source>
        <translation>请填写统一社会信用代码（旧版证书可填写登记证号）</translation>
    </message>
    <message>
        <source>inspection year {year} is not plausible</source>
        <translation>年检年度 {year} 不合理</translation>
    </message>
    <message>
        <source>{email} is not an e-mail address</source>
        <translation>{email} 不是有效的电子邮箱</translation>
    </message>
    <message>
        <source>There is no organization with number {id}.</source>
        <translation>没有编号为 {id} 的社会组织。</translation>
    </message>
    <message>
        <source>the project ends before it starts</source>
        <translation>项目结束月份早于开始月份</translation>
    </message>
    <message>
        <source>budget line {n}: quantity cannot be negative</source>
        <translation>预算第 {n} 行：数量不能为负数</translation>
    </message>
    <message>
        <source>budget line {n}: amounts cannot be negative</source>
        <translation>预算第 {n} 行：金额不能为负数</translation>
    </message>
    <message>
        <source>budget line {n}: the amount is too large</source>
        <translation>预算第 {n} 行：金额过大</translation>
    </message>
    <message>
        <source>enter the number of direct beneficiaries</source>
        <translation>请填写直接受益人数</translation>
    </message>
    <message>
        <source>the budget has no lines</source>
        <translation>预算明细为空</translation>
    </message>
    <message>
        <source>budget line {n} has no item</source>
        <translation>预算第 {n} 行未填写明细</translation>
    </message>
    <message>
        <source>enter the amount requested</source>
        <translation>请填写申请金额</translation>
    </message>
    <message>
        <source>the budget does not add up: requested {requested} + matching {matching} yuan should equal the budget lines&apos; total {total} yuan</source>
        <translation>预算不平衡：申请金额 {requested} 元 + 配套资金 {matching} 元应等于预算明细合计 {total} 元</translation>
    </message>
    <message>
        <source>{competition} no longer accepts applications.</source>
        <translation>“{competition}”已停止受理申报。</translation>
    </message>
    <message>
        <source>Applications to {competition} closed on {date}.</source>
        <translation>“{competition}”已于 {date} 截止申报。</translation>
    </message>
    <message>
        <source>There is no proposal with number {id}.</source>
        <translation>没有编号为 {id} 的申报项目。</translation>
    </message>
    <message>
        <source>This proposal has been screened and can no longer be changed.</source>
        <translation>该项目已完成资格审查，不能再修改。</translation>
    </message>
    <message>
        <source>There is no competition with number {id}.</source>
        <translation>没有编号为 {id} 的大赛。</translation>
    </message>
    <message>
        <source>A linked community need does not exist.</source>
        <translation>关联的社区需求不存在。</translation>
    </message>
    <message>
        <source>The intake number pattern {pattern} is not valid; use {{year}} and {{seq:03d}}.</source>
        <translation>受理编号格式 {pattern} 无效，请使用 {{year}} 和 {{seq:03d}}。</translation>
    </message>
    <message>
        <source>There is no attachment with number {id}.</source>
        <translation>没有编号为 {id} 的附件。</translation>
    </message>
    <message>
        <source>The stored copy of {name} is missing or damaged.</source>
        <translation>附件“{name}”的存档副本缺失或已损坏。</translation>
    </message>
    <message>
        <source>Only submitted proposals can be screened; {title} is not submitted.</source>
        <translation>只有已受理的项目才能进行资格审查；“{title}”尚未受理。</translation>
    </message>
    <message>
        <source>Say who reviewed this item.</source>
        <translation>请填写审查人。</translation>
    </message>
    <message>
        <source>Write why this item is not met.</source>
        <translation>请说明该项不符合的原因。</translation>
    </message>
    <message>
        <source>{code} is not on this competition&apos;s checklist.</source>
        <translation>{code} 不在本届大赛的审查清单中。</translation>
    </message>
    <message>
        <source>Say who decided.</source>
        <translation>请填写审查人。</translation>
    </message>
    <message>
        <source>It cannot be eligible while {count} check(s) are failed or not done.</source>
        <translation>还有 {count} 项检查未通过或未完成，不能认定为合格。</translation>
    </message>
    <message>
        <source>Write the reasons for this outcome.</source>
        <translation>请填写作出该结论的理由。</translation>
    </message>
    <message>
        <source>unified social credit code {code} must be 18 characters</source>
        <translation>统一社会信用代码 {code} 应为18位</translation>
    </message>
    <message>
        <source>unified social credit code {code} has characters that are not allowed (I, O, S, V, Z or others)</source>
        <translation>统一社会信用代码 {code} 含有不允许的字符（I、O、S、V、Z 等）</translation>
    </message>
    <message>
        <source>unified social credit code {code}: characters 3 to 8 must be digits</source>
        <translation>统一社会信用代码 {code}：第3至8位应为数字（行政区划码）</translation>
    </message>
    <message>
        <source>unified social credit code {code}: the last (check) character is wrong</source>
        <translation>统一社会信用代码 {code}：最后一位校验码错误</translation>
    </message>
    <message>
        <source>{field} is required</source>
        <translation>{field}为必填项</translation>
    </message>
    <message>
        <source>{field} is longer than {limit} characters</source>
        <translation>{field}超过 {limit} 字</translation>
    </message>
    <message>
        <source>{field} must be more than zero</source>
        <translation>{field}必须大于零</translation>
    </message>
    <message>
        <source>{field} cannot be negative</source>
        <translation>{field}不能为负数</translation>
    </message>
    <message>
        <source>{field} is too large</source>
        <translation>{field}数额过大</translation>
    </message>
    <message>
        <source>{field}: {date} is in the future</source>
        <translation>{field}：{date} 晚于今天</translation>
    </message>
    <message>
        <source>{phone} is not a phone number (11-digit mobile, or area code and number)</source>
        <translation>{phone} 不是有效的电话号码（应为11位手机号，或区号加座机号）</translation>
    </message>
    <message>
        <source>{file} is not an Excel workbook (.xlsx). Save it as an .xlsx workbook in Excel or WPS and try again.</source>
        <translation>{file} 不是 Excel 工作簿（.xlsx）。请在 Excel 或 WPS 中另存为 .xlsx 后重试。</translation>
    </message>
    <message>
        <source>{file} is an old Excel 97-2003 workbook (.xls). Save it as an .xlsx workbook and try again.</source>
        <translation>{file} 是旧版 Excel 97-2003 工作簿（.xls）。请另存为 .xlsx 后重试。</translation>
    </message>
    <message>
        <source>{file} is protected with a password. Remove the password in Excel or WPS, save it and try again.</source>
        <translation>{file} 设置了密码保护。请在 Excel 或 WPS 中取消密码并保存后重试。</translation>
    </message>
    <message>
        <source>{file} cannot be read as a workbook: {reason}</source>
        <translation>无法读取工作簿 {file}：{reason}</translation>
    </message>
    <message>
        <source>The sheet {sheet} lacks the required columns {columns}. Is the workbook from another template?</source>
        <translation>工作表“{sheet}”缺少必需的列：{columns}。是否使用了其他模板？</translation>
    </message>
    <message>
        <source>{value} is not a valid date (for example 2026-02-28)</source>
        <translation>{value} 不是有效日期（例如 2026-02-28）</translation>
    </message>
    <message>
        <source>{value} is not a valid month (for example 2026-03)</source>
        <translation>{value} 不是有效月份（例如 2026-03）</translation>
    </message>
    <message>
        <source>{value} is not an amount in yuan</source>
        <translation>{value} 不是以元为单位的金额</translation>
    </message>
    <message>
        <source>{value} is too large</source>
        <translation>{value} 数值过大</translation>
    </message>
    <message>
        <source>{value} was typed as a number and Excel dropped digits; format the column as text and type it again</source>
        <translation>{value} 被当作数字输入，Excel 已丢失部分位数；请把该列设为文本格式后重新输入</translation>
    </message>
    <message>
        <source>Proposal {id} has not been submitted, so it has no intake number or receipt yet.</source>
        <translation>编号为 {id} 的申报项目尚未提交，还没有受理编号，不能出具受理回执。</translation>
    </message>
    <message>
        <source>{value} is not a whole number</source>
        <translation>{value} 不是整数</translation>
    </message>
    <message>
        <source>{value} is not one of: {choices}</source>
        <translation>{value} 不在可选项中：{choices}</translation>
    </message>
    <message>
        <source>Cannot write {path}: {reason}</source>
        <translation>无法写入 {path}：{reason}</translation>
    </message>
    <message>
        <source>{field}: {value} is not a date (write it like 2026-03-15)</source>
        <translation>{field}：{value} 不是有效日期（请按 2026-03-15 的格式填写）</translation>
    </message>
    <message>
        <source>{field}: {value} is not a month (write it like 2026-07)</source>
        <translation>{field}：{value} 不是有效月份（请按 2026-07 的格式填写）</translation>
    </message>
    <message>
        <source>{field}: {value} is not an amount in yuan (write it like 12000 or 12000.50)</source>
        <translation>{field}：{value} 不是以元为单位的金额（请填写如 12000 或 12000.50）</translation>
    </message>
    <message>
        <source>{field}: {value} is not a whole number</source>
        <translation>{field}：{value} 不是整数</translation>
    </message>
    <message>
        <source>{field}: {value} is not one of {choices}</source>
        <translation>{field}：{value} 不在可选项内，请从 {choices} 中选填一项</translation>
    </message>
    <message>
        <source>The application form cannot be saved until the answers listed are corrected ({count}).</source>
        <translation>申报书暂不能保存：请先改正下列 {count} 处填写内容。</translation>
    </message>
    <message>
        <source>{name} is an old-format (.doc or .wps) or password-protected document: save it as .docx in Word or WPS, then import that copy.</source>
        <translation>{name} 是旧格式（.doc 或 .wps）或加密的文档：请在 Word 或 WPS 中另存为 .docx 后再导入。</translation>
    </message>
    <message>
        <source>{name} is not a Word (.docx) document.</source>
        <translation>{name} 不是 Word（.docx）文档。</translation>
    </message>
    <message>
        <source>{name} is the application form of another competition (number {number}); import it into that competition.</source>
        <translation>{name} 是另一个大赛（编号 {number}）的申报书，请在该大赛中导入。</translation>
    </message>
    <message>
        <source>{name} is not a PSP Desktop application form: the table {table} is missing.</source>
        <translation>{name} 不是 PSP Desktop 生成的申报书：缺少“{table}”表格。</translation>
    </message>
    <message>
        <source>{field}: the budget table has no lines; the total is their sum</source>
        <translation>{field}：预算明细为空，总预算应为预算明细的合计</translation>
    </message>
    <message>
        <source>{field}: the budget lines add up to {total} yuan, not {value}</source>
        <translation>{field}：预算明细合计为 {total} 元，而不是 {value}</translation>
    </message>
    <message>
        <source>{field}: enter the category ({choices})</source>
        <translation>{field}：请填写类别（{choices}）</translation>
    </message>
    <message>
        <source>{field}: enter the amount, or the unit price and the quantity</source>
        <translation>{field}：请填写金额，或填写单价和数量</translation>
    </message>
    <message>
        <source>{field}: unit price × quantity is {computed} yuan, but the amount says {amount} yuan</source>
        <translation>{field}：单价×数量为 {computed} 元，但金额填的是 {amount} 元</translation>
    </message>
    <message>
        <source>year {year} is not plausible</source>
        <translation>年度 {year} 不合理</translation>
    </message>
    <message>
        <source>the cap per project is larger than the pool</source>
        <translation>单项资助上限大于资金池</translation>
    </message>
    <message>
        <source>a percentage must be between 0 and 100</source>
        <translation>百分比必须在 0 到 100 之间</translation>
    </message>
    <message>
        <source>the dates are out of order: {later} is before {earlier}</source>
        <translation>日期顺序有误：{later} 早于 {earlier}</translation>
    </message>
    <message>
        <source>{sheet} row {row}, {column}: {problem}</source>
        <translation>“{sheet}”第 {row} 行，{column}：{problem}</translation>
    </message>
    <message>
        <source>{sheet} row {row}: {problem}</source>
        <translation>“{sheet}”第 {row} 行：{problem}</translation>
    </message>
    <message>
        <source>The sheet {sheet} has no rows to import.</source>
        <translation>工作表“{sheet}”中没有可导入的行。</translation>
    </message>
    <message>
        <source>{code} is already registered as {name}</source>
        <translation>{code} 已登记为“{name}”</translation>
    </message>
    <message>
        <source>{value} is repeated: row {row} has it too</source>
        <translation>{value} 重复：第 {row} 行也填写了它</translation>
    </message>
    <message>
        <source>no organization with the code {code} is registered or listed on the sheet {sheet}</source>
        <translation>代码为 {code} 的机构既未登记，也未列在工作表“{sheet}”中</translation>
    </message>
    <message>
        <source>no project on the sheet {sheet} has the number {value}</source>
        <translation>工作表“{sheet}”中没有序号为 {value} 的项目</translation>
    </message>
    <message>
        <source>project {value} on the sheet {sheet} is called {title}</source>
        <translation>工作表“{sheet}”中序号 {value} 的项目名称是“{title}”</translation>
    </message>
    <message>
        <source>The rows and their problems are in {path}</source>
        <translation>各行及其问题已保存到 {path}</translation>
    </message>
</context>
<context>
    <name>Fields</name>
    <message>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <source>Unified social credit code</source>
        <translation>统一社会信用代码</translation>
    </message>
    <message>
        <source>Phone</source>
        <translation>联系电话</translation>
    </message>
    <message>
        <source>Registered on</source>
        <translation>成立日期</translation>
    </message>
    <message>
        <source>Introduction</source>
        <translation>机构简介</translation>
    </message>
    <message>
        <source>Project title</source>
        <translation>项目名称</translation>
    </message>
    <message>
        <source>Who is served</source>
        <translation>服务对象</translation>
    </message>
    <message>
        <source>Where</source>
        <translation>服务地点</translation>
    </message>
    <message>
        <source>Summary</source>
        <translation>项目简介</translation>
    </message>
    <message>
        <source>Needs analysis</source>
        <translation>需求分析</translation>
    </message>
    <message>
        <source>Objectives</source>
        <translation>项目目标</translation>
    </message>
    <message>
        <source>Activity plan</source>
        <translation>活动计划</translation>
    </message>
    <message>
        <source>Direct beneficiaries</source>
        <translation>直接受益人数</translation>
    </message>
    <message>
        <source>Indirect beneficiaries</source>
        <translation>间接受益人数</translation>
    </message>
    <message>
        <source>Start month</source>
        <translation>开始月份</translation>
    </message>
    <message>
        <source>End month</source>
        <translation>结束月份</translation>
    </message>
    <message>
        <source>Amount requested</source>
        <translation>申请金额</translation>
    </message>
    <message>
        <source>Matching funds</source>
        <translation>配套资金</translation>
    </message>
    <message>
        <source>Bid price</source>
        <translation>投标报价</translation>
    </message>
    <message>
        <source>Budget</source>
        <translation>预算</translation>
    </message>
    <message>
        <source>Pool</source>
        <translation>资金池</translation>
    </message>
    <message>
        <source>Cap per project</source>
        <translation>单项资助上限</translation>
    </message>
    <message>
        <source>Organizer</source>
        <translation>主办单位</translation>
    </message>
    <message>
        <source>District</source>
        <translation>所在区</translation>
    </message>
    <message>
        <source>Intake number pattern</source>
        <translation>受理编号格式</translation>
    </message>
</context>
<context>
    <name>Import</name>
    <message>
        <source>Read</source>
        <translation>已读取</translation>
    </message>
    <message>
        <source>Blank</source>
        <translation>空白</translation>
    </message>
    <message>
        <source>Not understood</source>
        <translation>无法识别</translation>
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
    <message>
        <source>Personnel</source>
        <translation>人员费</translation>
    </message>
    <message>
        <source>Activities</source>
        <translation>活动费</translation>
    </message>
    <message>
        <source>Publicity</source>
        <translation>宣传费</translation>
    </message>
    <message>
        <source>Management fee</source>
        <translation>管理费</translation>
    </message>
    <message>
        <source>Other costs</source>
        <translation>其他费用</translation>
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
    <name>OrganizationDialog</name>
    <message>
        <source>Basic information</source>
        <translation>基本信息</translation>
    </message>
    <message>
        <source>Bank, lists and profile</source>
        <translation>银行账户、名录与简介</translation>
    </message>
    <message>
        <source>Team</source>
        <translation>团队成员</translation>
    </message>
    <message>
        <source>Applications across competitions</source>
        <translation>历年申报记录</translation>
    </message>
    <message>
        <source>Register a social organization</source>
        <translation>登记社会组织</translation>
    </message>
    <message>
        <source>18 characters, e.g. 52510191MJ0536744L</source>
        <translation>18位，例如 52510191MJ0536744L</translation>
    </message>
    <message>
        <source>Has its own bank account</source>
        <translation>已开设机构银行账户</translation>
    </message>
    <message>
        <source>At most 500 characters</source>
        <translation>不超过500字</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>机构名称</translation>
    </message>
    <message>
        <source>Unified social credit code</source>
        <translation>统一社会信用代码</translation>
    </message>
    <message>
        <source>Registration number (older certificates)</source>
        <translation>登记证号（旧版证书）</translation>
    </message>
    <message>
        <source>Registration authority</source>
        <translation>登记机关</translation>
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
        <source>Legal representative</source>
        <translation>法定代表人</translation>
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
        <source>E-mail</source>
        <translation>电子邮箱</translation>
    </message>
    <message>
        <source>Address</source>
        <translation>地址</translation>
    </message>
    <message>
        <source>Annual inspection</source>
        <translation>年检结论</translation>
    </message>
    <message>
        <source>Inspection year</source>
        <translation>年检年度</translation>
    </message>
    <message>
        <source>Rating</source>
        <translation>评估等级</translation>
    </message>
    <message>
        <source>Bank</source>
        <translation>开户银行</translation>
    </message>
    <message>
        <source>Account number</source>
        <translation>银行账号</translation>
    </message>
    <message>
        <source>On the abnormal-activity list until</source>
        <translation>列入活动异常名录至</translation>
    </message>
    <message>
        <source>On the serious-violation list until</source>
        <translation>列入严重违法失信名单至</translation>
    </message>
    <message>
        <source>Introduction</source>
        <translation>机构简介</translation>
    </message>
    <message>
        <source>Past similar projects</source>
        <translation>以往类似项目</translation>
    </message>
    <message>
        <source>Add member</source>
        <translation>添加成员</translation>
    </message>
    <message>
        <source>Remove member</source>
        <translation>删除成员</translation>
    </message>
    <message>
        <source>No applications yet.</source>
        <translation>暂无申报记录。</translation>
    </message>
    <message>
        <source>Organization: {name}</source>
        <translation>社会组织：{name}</translation>
    </message>
    <message>
        <source>Already registered</source>
        <translation>已登记</translation>
    </message>
    <message>
        <source>Open that record?</source>
        <translation>是否打开该记录？</translation>
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
        <source>New application…</source>
        <translation>新建申报…</translation>
    </message>
    <message>
        <source>Open</source>
        <translation>打开</translation>
    </message>
    <message>
        <source>Screen…</source>
        <translation>资格审查…</translation>
    </message>
    <message>
        <source>Intake receipt (PDF)…</source>
        <translation>受理回执（PDF）…</translation>
    </message>
    <message>
        <source>Import</source>
        <translation>导入</translation>
    </message>
    <message>
        <source>Filled-in Word application form…</source>
        <translation>已填写的 Word 申报书…</translation>
    </message>
    <message>
        <source>Applications from a workbook (as drafts)…</source>
        <translation>从工作簿导入申报（草稿）…</translation>
    </message>
    <message>
        <source>Applications from a workbook (received and numbered)…</source>
        <translation>从工作簿导入申报（受理并编号）…</translation>
    </message>
    <message>
        <source>Print and export</source>
        <translation>打印与导出</translation>
    </message>
    <message>
        <source>Screening list (PDF)…</source>
        <translation>资格审查结果表（PDF）…</translation>
    </message>
    <message>
        <source>Export this list to Excel…</source>
        <translation>导出本列表到 Excel…</translation>
    </message>
    <message>
        <source>Blank Word application form…</source>
        <translation>空白 Word 申报书…</translation>
    </message>
    <message>
        <source>Blank Excel import template…</source>
        <translation>空白 Excel 导入模板…</translation>
    </message>
    <message>
        <source>Import a Word application form</source>
        <translation>导入 Word 申报书</translation>
    </message>
    <message>
        <source>Save the Word application form</source>
        <translation>保存 Word 申报书</translation>
    </message>
    <message>
        <source>Application form.docx</source>
        <translation>项目申报书.docx</translation>
    </message>
    <message>
        <source>Not saved</source>
        <translation>未保存</translation>
    </message>
    <message>
        <source>Intake receipt {number}.pdf</source>
        <translation>受理回执 {number}.pdf</translation>
    </message>
    <message>
        <source>Screening list.pdf</source>
        <translation>资格审查结果表.pdf</translation>
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
        <source>Export to Excel…</source>
        <translation>导出到 Excel…</translation>
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
        <source>Register an organization…</source>
        <translation>登记社会组织…</translation>
    </message>
    <message>
        <source>Excel</source>
        <translation>Excel</translation>
    </message>
    <message>
        <source>Import organizations from a workbook…</source>
        <translation>从工作簿导入社会组织…</translation>
    </message>
    <message>
        <source>Blank import template…</source>
        <translation>空白导入模板…</translation>
    </message>
    <message>
        <source>Export this list…</source>
        <translation>导出本列表…</translation>
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
        <source>New competition…</source>
        <translation>新建大赛…</translation>
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
        <source>Export judges to Excel…</source>
        <translation>导出评审专家到 Excel…</translation>
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
    <message>
        <source> (errors).xlsx</source>
        <translation>（错误说明）.xlsx</translation>
    </message>
    <message>
        <source>Save the import template</source>
        <translation>保存导入模板</translation>
    </message>
    <message>
        <source>Import template.xlsx</source>
        <translation>导入模板.xlsx</translation>
    </message>
    <message>
        <source>Export to Excel</source>
        <translation>导出到 Excel</translation>
    </message>
    <message>
        <source>Import a workbook</source>
        <translation>导入工作簿</translation>
    </message>
</context>
<context>
    <name>Pdf</name>
    <message>
        <source>Save the PDF</source>
        <translation>保存 PDF</translation>
    </message>
    <message>
        <source>The PDF was not saved</source>
        <translation>PDF 未保存</translation>
    </message>
</context>
<context>
    <name>ProposalDialog</name>
    <message>
        <source>Project</source>
        <translation>项目信息</translation>
    </message>
    <message>
        <source>Budget</source>
        <translation>项目预算</translation>
    </message>
    <message>
        <source>Community needs answered</source>
        <translation>回应的社区需求</translation>
    </message>
    <message>
        <source>Attachments</source>
        <translation>附件</translation>
    </message>
    <message>
        <source>New application</source>
        <translation>新建申报</translation>
    </message>
    <message>
        <source>The day the application was received (may be earlier than today for paper forms keyed in later)</source>
        <translation>收到申报材料的日期（补录纸质申报书时可早于今天）</translation>
    </message>
    <message>
        <source>Competition</source>
        <translation>大赛</translation>
    </message>
    <message>
        <source>Applicant</source>
        <translation>申报机构</translation>
    </message>
    <message>
        <source>Received on</source>
        <translation>受理日期</translation>
    </message>
    <message>
        <source>to</source>
        <translation>至</translation>
    </message>
    <message>
        <source>indirect</source>
        <translation>间接受益</translation>
    </message>
    <message>
        <source>Project title</source>
        <translation>项目名称</translation>
    </message>
    <message>
        <source>Service domain</source>
        <translation>服务领域</translation>
    </message>
    <message>
        <source>Competition theme</source>
        <translation>大赛主题</translation>
    </message>
    <message>
        <source>Community</source>
        <translation>社区</translation>
    </message>
    <message>
        <source>Who is served</source>
        <translation>服务对象</translation>
    </message>
    <message>
        <source>Where (street / community)</source>
        <translation>服务地点（街道/社区）</translation>
    </message>
    <message>
        <source>Direct beneficiaries</source>
        <translation>直接受益人数</translation>
    </message>
    <message>
        <source>Period</source>
        <translation>执行周期</translation>
    </message>
    <message>
        <source>Summary</source>
        <translation>项目简介</translation>
    </message>
    <message>
        <source>Needs analysis</source>
        <translation>需求分析</translation>
    </message>
    <message>
        <source>Objectives</source>
        <translation>项目目标</translation>
    </message>
    <message>
        <source>Activity plan</source>
        <translation>活动计划</translation>
    </message>
    <message>
        <source>Add line</source>
        <translation>添加一行</translation>
    </message>
    <message>
        <source>Remove line</source>
        <translation>删除一行</translation>
    </message>
    <message>
        <source>Matching = total − requested</source>
        <translation>配套资金 = 总预算 − 申请金额</translation>
    </message>
    <message>
        <source>Requested (yuan)</source>
        <translation>申请金额（元）</translation>
    </message>
    <message>
        <source>Matching funds (yuan)</source>
        <translation>配套资金（元）</translation>
    </message>
    <message>
        <source>Tick the community needs this project answers.</source>
        <translation>请勾选本项目回应的社区需求。</translation>
    </message>
    <message>
        <source>Add file…</source>
        <translation>添加文件…</translation>
    </message>
    <message>
        <source>Open</source>
        <translation>打开</translation>
    </message>
    <message>
        <source>Save the application once before adding files.</source>
        <translation>添加附件前请先保存申报书。</translation>
    </message>
    <message>
        <source>Intake receipt (PDF)…</source>
        <translation>受理回执（PDF）…</translation>
    </message>
    <message>
        <source>Save draft</source>
        <translation>保存草稿</translation>
    </message>
    <message>
        <source>Submit and number</source>
        <translation>提交受理</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>Application: {title}</source>
        <translation>申报书：{title}</translation>
    </message>
    <message>
        <source>Status: {status} · Intake no.: {number}</source>
        <translation>状态：{status} · 受理编号：{number}</translation>
    </message>
    <message>
        <source>By category: {parts} · Total {total} yuan · Management fee {share}</source>
        <translation>分类合计：{parts} · 总计 {total} 元 · 管理费占 {share}</translation>
    </message>
    <message>
        <source>An amount cannot be read.</source>
        <translation>有金额无法识别。</translation>
    </message>
    <message>
        <source>Requested + matching = {sum} yuan; budget lines total {total} yuan: balanced</source>
        <translation>申请金额 + 配套资金 = {sum} 元；预算明细合计 {total} 元：平衡</translation>
    </message>
    <message>
        <source>Requested + matching = {sum} yuan; budget lines total {total} yuan: does not add up</source>
        <translation>申请金额 + 配套资金 = {sum} 元；预算明细合计 {total} 元：不平衡</translation>
    </message>
    <message>
        <source>Choose the competition and the applying organization.</source>
        <translation>请选择大赛和申报机构。</translation>
    </message>
    <message>
        <source>An amount cannot be read: write it like 12345.60 or 3万.</source>
        <translation>有金额无法识别：请写成 12345.60 或 3万 的形式。</translation>
    </message>
    <message>
        <source>Received</source>
        <translation>已受理</translation>
    </message>
    <message>
        <source>The application is received with intake number {number}. Print the intake receipt now?</source>
        <translation>申报已受理，受理编号为 {number}。现在打印受理回执吗？</translation>
    </message>
    <message>
        <source>Intake receipt {number}.pdf</source>
        <translation>受理回执 {number}.pdf</translation>
    </message>
    <message>
        <source>Add a file to the application</source>
        <translation>为申报书添加附件</translation>
    </message>
</context>
<context>
    <name>Screening</name>
    <message>
        <source>The project lies within the organization&apos;s charter</source>
        <translation>项目属于机构章程规定的业务范围</translation>
    </message>
    <message>
        <source>Application form, budget and certificates are complete</source>
        <translation>申报书、预算表及证照材料齐全</translation>
    </message>
    <message>
        <source>The registration date is not recorded</source>
        <translation>未登记成立日期</translation>
    </message>
    <message>
        <source>Registered on {date}: at least {years} year(s) by {as_of}</source>
        <translation>{date} 成立，截至 {as_of} 已满 {years} 年</translation>
    </message>
    <message>
        <source>Registered on {date}: less than {years} year(s) by {as_of}</source>
        <translation>{date} 成立，截至 {as_of} 不满 {years} 年</translation>
    </message>
    <message>
        <source>Annual inspection only basically passed</source>
        <translation>年检结论为基本合格</translation>
    </message>
    <message>
        <source>Annual inspection failed</source>
        <translation>年检不合格</translation>
    </message>
    <message>
        <source>No annual inspection result yet</source>
        <translation>尚无年检结论（未参检）</translation>
    </message>
    <message>
        <source>Annual inspection passed</source>
        <translation>年检合格</translation>
    </message>
    <message>
        <source>Rating {rating} meets the required {wanted}</source>
        <translation>评估等级 {rating}，达到要求的 {wanted}</translation>
    </message>
    <message>
        <source>Rating {rating} is below the required {wanted}</source>
        <translation>评估等级 {rating}，低于要求的 {wanted}</translation>
    </message>
    <message>
        <source>On the serious-violation list until {until}</source>
        <translation>被列入严重违法失信名单，期限至 {until}</translation>
    </message>
    <message>
        <source>On the abnormal-activity list until {until}</source>
        <translation>被列入活动异常名录，期限至 {until}</translation>
    </message>
    <message>
        <source>Not on the abnormal-activity or serious-violation lists</source>
        <translation>未被列入活动异常名录和严重违法失信名单</translation>
    </message>
    <message>
        <source>Has its own bank account</source>
        <translation>已开设机构银行账户</translation>
    </message>
    <message>
        <source>Has no bank account of its own to receive the grant</source>
        <translation>未开设机构独立银行账户，无法接收资助资金</translation>
    </message>
    <message>
        <source>Requests {requested} yuan, over the cap of {cap} yuan</source>
        <translation>申请 {requested} 元，超过单项资助上限 {cap} 元</translation>
    </message>
    <message>
        <source>Requests {requested} yuan, more than {share}% of the total budget</source>
        <translation>申请 {requested} 元，超过总预算的 {share}%</translation>
    </message>
    <message>
        <source>Requests {requested} yuan, within {share}% of the total budget</source>
        <translation>申请 {requested} 元，未超过总预算的 {share}%</translation>
    </message>
    <message>
        <source>Requests {requested} yuan, within the cap of {cap} yuan</source>
        <translation>申请 {requested} 元，未超过单项资助上限 {cap} 元</translation>
    </message>
    <message>
        <source>Matching funds {matching} yuan are {share} of the budget ({percent}% required)</source>
        <translation>配套资金 {matching} 元，占总预算 {share}（要求不低于 {percent}%）</translation>
    </message>
    <message>
        <source>Matching funds {matching} yuan are only {share} of the budget ({percent}% required)</source>
        <translation>配套资金 {matching} 元，仅占总预算 {share}（要求不低于 {percent}%）</translation>
    </message>
    <message>
        <source>Management fee is {share} of the budget (at most {cap}%)</source>
        <translation>管理费占总预算 {share}（上限 {cap}%）</translation>
    </message>
    <message>
        <source>Management fee is {share} of the budget, over the {cap}% limit</source>
        <translation>管理费占总预算 {share}，超过 {cap}% 的上限</translation>
    </message>
    <message>
        <source>Proposal {n} of this organization (at most {limit} allowed)</source>
        <translation>本机构第 {n} 个申报项目（每家机构最多 {limit} 个）</translation>
    </message>
    <message>
        <source>Proposal {n} of this organization: only {limit} allowed</source>
        <translation>本机构第 {n} 个申报项目：每家机构最多只能申报 {limit} 个</translation>
    </message>
    <message>
        <source>The service domain is among the competition&apos;s themes</source>
        <translation>服务领域属于本届大赛主题</translation>
    </message>
    <message>
        <source>The service domain is not among the competition&apos;s themes</source>
        <translation>服务领域不在本届大赛主题范围内</translation>
    </message>
    <message>
        <source>Years since registration</source>
        <translation>成立年限</translation>
    </message>
    <message>
        <source>Annual inspection</source>
        <translation>年检</translation>
    </message>
    <message>
        <source>Rating</source>
        <translation>评估等级</translation>
    </message>
    <message>
        <source>Abnormal-activity and violation lists</source>
        <translation>异常名录与失信名单</translation>
    </message>
    <message>
        <source>Own bank account</source>
        <translation>机构银行账户</translation>
    </message>
    <message>
        <source>Amount requested within the cap</source>
        <translation>申请金额上限</translation>
    </message>
    <message>
        <source>Matching funds</source>
        <translation>配套资金</translation>
    </message>
    <message>
        <source>Management fee share</source>
        <translation>管理费比例</translation>
    </message>
    <message>
        <source>Proposals per organization</source>
        <translation>每家机构申报数</translation>
    </message>
    <message>
        <source>Service domain among the themes</source>
        <translation>服务领域与大赛主题</translation>
    </message>
</context>
<context>
    <name>ScreeningDialog</name>
    <message>
        <source>Screening: {title}</source>
        <translation>资格审查：{title}</translation>
    </message>
    <message>
        <source>{organization} · {competition} · status {status}</source>
        <translation>{organization} · {competition} · 状态：{status}</translation>
    </message>
    <message>
        <source>Run the automatic checks again</source>
        <translation>重新运行自动检查</translation>
    </message>
    <message>
        <source>Reasons (required unless eligible)</source>
        <translation>理由（合格以外的结论必须填写）</translation>
    </message>
    <message>
        <source>Your name</source>
        <translation>您的姓名</translation>
    </message>
    <message>
        <source>Record the decision</source>
        <translation>记录审查结论</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>Reviewer</source>
        <translation>审查人</translation>
    </message>
    <message>
        <source>Automatic checks</source>
        <translation>自动检查</translation>
    </message>
    <message>
        <source>Checklist</source>
        <translation>人工核查清单</translation>
    </message>
    <message>
        <source>Suggested outcome: {outcome}</source>
        <translation>建议结论：{outcome}</translation>
    </message>
    <message>
        <source>(answer the checklist before deciding)</source>
        <translation>（请先完成人工核查清单）</translation>
    </message>
    <message>
        <source>Not checked</source>
        <translation>未核查</translation>
    </message>
    <message>
        <source>Met</source>
        <translation>符合</translation>
    </message>
    <message>
        <source>Not met</source>
        <translation>不符合</translation>
    </message>
    <message>
        <source>Note (required when not met)</source>
        <translation>备注（不符合时必须填写）</translation>
    </message>
    <message>
        <source>Save</source>
        <translation>保存</translation>
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
    <message>
        <source>Your name (recorded on decisions)</source>
        <translation>您的姓名（记入审查结论）</translation>
    </message>
</context>
<context>
    <name>WorkbookImportDialog</name>
    <message>
        <source>Import a workbook: {name}</source>
        <translation>导入工作簿：{name}</translation>
    </message>
    <message>
        <source>Reading and checking every row…</source>
        <translation>正在读取并检查每一行…</translation>
    </message>
    <message>
        <source>Import</source>
        <translation>导入</translation>
    </message>
    <message>
        <source>Save the error workbook…</source>
        <translation>保存错误说明工作簿…</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>Every row is right: {organizations} organizations, {proposals} applications and {lines} budget lines will be imported.</source>
        <translation>所有行均无误：将导入 {organizations} 个社会组织、{proposals} 个申报项目和 {lines} 条预算明细。</translation>
    </message>
    <message>
        <source>Nothing can be imported until these {count} problems are corrected in the workbook.</source>
        <translation>请先在工作簿中改正以下 {count} 个问题，否则不会导入任何数据。</translation>
    </message>
    <message>
        <source>Imported</source>
        <translation>已导入</translation>
    </message>
    <message>
        <source>Imported {organizations} organizations, {proposals} applications and {lines} budget lines.</source>
        <translation>已导入 {organizations} 个社会组织、{proposals} 个申报项目和 {lines} 条预算明细。</translation>
    </message>
    <message>
        <source>Save the error workbook</source>
        <translation>保存错误说明工作簿</translation>
    </message>
</context>
</TS>
