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
    <name>AssignmentDialog</name>
    <message>
        <source>Assignments: {round} — {competition}</source>
        <translation>评审分配：{round} — {competition}</translation>
    </message>
    <message>
        <source>Assign automatically</source>
        <translation>自动分配</translation>
    </message>
    <message>
        <source>The results of this round are frozen: assignments are shown as they were.</source>
        <translation>本轮结果已锁定：评审分配按原样显示。</translation>
    </message>
    <message>
        <source>Automatic assignment first records the conflicts where a judge works for an applicant, keeps what is already assigned, and gives each proposal its judges (from each judge group), never a conflicted judge, the least-loaded judge first.</source>
        <translation>自动分配先登记评委任职于申报机构的回避情形，保留已有分配，再为每个项目配齐评委（各评委类别分别配齐），不分配须回避的评委，优先分配评审量最少的评委。</translation>
    </message>
    <message>
        <source>Judges and their load</source>
        <translation>评委及评审量</translation>
    </message>
    <message>
        <source>Proposals and their judges (tinted: fewer judges than wanted)</source>
        <translation>项目及其评委（底色标出：评委不足）</translation>
    </message>
    <message>
        <source>Assign</source>
        <translation>分配</translation>
    </message>
    <message>
        <source>Take away</source>
        <translation>取消分配</translation>
    </message>
    <message>
        <source>By hand:</source>
        <translation>手动调整：</translation>
    </message>
    <message>
        <source>K = {k} per judge group ({wanted} judges per proposal)</source>
        <translation>每个评委类别 {k} 位（每个项目共 {wanted} 位评委）</translation>
    </message>
    <message>
        <source>K = {k} judges per proposal</source>
        <translation>每个项目 {k} 位评委</translation>
    </message>
    <message>
        <source>Proposals: {proposals} · assignments: {assigned} · sheets submitted: {submitted} · short of judges: {short}</source>
        <translation>项目 {proposals} 个 · 分配 {assigned} 份 · 已提交评分表 {submitted} 份 · 评委不足 {short} 个</translation>
    </message>
    <message>
        <source>Unexpected error: {error}</source>
        <translation>意外错误：{error}</translation>
    </message>
    <message>
        <source>{n} assignments added.</source>
        <translation>新增分配 {n} 份。</translation>
    </message>
    <message>
        <source>{n} new conflicts of interest found and recorded.</source>
        <translation>新发现并登记利益回避 {n} 项。</translation>
    </message>
    <message>
        <source>{n} proposals still lack judges: add judges to the panels, or assign by hand.</source>
        <translation>仍有 {n} 个项目评委不足：请在评审组中增加评委，或手动分配。</translation>
    </message>
    <message>
        <source>Every proposal has its judges.</source>
        <translation>所有项目均已配齐评委。</translation>
    </message>
    <message>
        <source>Assigning…</source>
        <translation>正在分配…</translation>
    </message>
    <message>
        <source>Choose a judge and a proposal (or click them in the tables).</source>
        <translation>请选择评委和项目（也可在表格中点选）。</translation>
    </message>
    <message>
        <source>{judge} now scores “{title}”.</source>
        <translation>已将“{title}”分配给{judge}评审。</translation>
    </message>
    <message>
        <source>{judge} does not have “{title}”.</source>
        <translation>{judge}未分配“{title}”。</translation>
    </message>
    <message>
        <source>“{title}” was taken away from {judge}.</source>
        <translation>已收回{judge}的“{title}”。</translation>
    </message>
</context>
<context>
    <name>AuditActions</name>
    <message>
        <source>Proposal given to a judge</source>
        <translation>分配项目给评委</translation>
    </message>
    <message>
        <source>Automatic assignment</source>
        <translation>自动分配</translation>
    </message>
    <message>
        <source>Assignment removed</source>
        <translation>取消分配</translation>
    </message>
    <message>
        <source>Attachment added</source>
        <translation>添加附件</translation>
    </message>
    <message>
        <source>Award amount adjusted</source>
        <translation>调整资助金额</translation>
    </message>
    <message>
        <source>Award cancelled</source>
        <translation>取消资助</translation>
    </message>
    <message>
        <source>Payment schedule changed</source>
        <translation>修改拨付计划</translation>
    </message>
    <message>
        <source>Grant agreement signed</source>
        <translation>签订资助协议</translation>
    </message>
    <message>
        <source>Awards committed</source>
        <translation>确定资助名单</translation>
    </message>
    <message>
        <source>Clawed-back money returned</source>
        <translation>追回资金到账</translation>
    </message>
    <message>
        <source>Competition created</source>
        <translation>创建大赛</translation>
    </message>
    <message>
        <source>Competition changed</source>
        <translation>修改大赛</translation>
    </message>
    <message>
        <source>Conflict declared</source>
        <translation>申报回避</translation>
    </message>
    <message>
        <source>Conflict found</source>
        <translation>发现回避关系</translation>
    </message>
    <message>
        <source>Conflict removed</source>
        <translation>撤销回避</translation>
    </message>
    <message>
        <source>Document issued</source>
        <translation>签发文书</translation>
    </message>
    <message>
        <source>Document voided</source>
        <translation>作废文书</translation>
    </message>
    <message>
        <source>Judge laptop package made</source>
        <translation>生成评委笔记本数据包</translation>
    </message>
    <message>
        <source>Judge laptop results read in</source>
        <translation>读入评委笔记本评分</translation>
    </message>
    <message>
        <source>Judge added</source>
        <translation>添加评委</translation>
    </message>
    <message>
        <source>Matching funds received</source>
        <translation>配套资金到账</translation>
    </message>
    <message>
        <source>Judge changed</source>
        <translation>修改评委</translation>
    </message>
    <message>
        <source>Judge switched off</source>
        <translation>停用评委</translation>
    </message>
    <message>
        <source>Judge PIN set</source>
        <translation>设置评委PIN</translation>
    </message>
    <message>
        <source>Judge laptop registered</source>
        <translation>登记评委笔记本</translation>
    </message>
    <message>
        <source>Organization registered</source>
        <translation>登记社会组织</translation>
    </message>
    <message>
        <source>Organization changed</source>
        <translation>修改社会组织</translation>
    </message>
    <message>
        <source>Panel added</source>
        <translation>添加评审组</translation>
    </message>
    <message>
        <source>Panel changed</source>
        <translation>修改评审组</translation>
    </message>
    <message>
        <source>Panel deleted</source>
        <translation>删除评审组</translation>
    </message>
    <message>
        <source>Paper sheet keyed</source>
        <translation>录入纸质评分表</translation>
    </message>
    <message>
        <source>Proposal created</source>
        <translation>创建申报</translation>
    </message>
    <message>
        <source>Proposal changed</source>
        <translation>修改申报</translation>
    </message>
    <message>
        <source>Proposal submitted</source>
        <translation>提交申报</translation>
    </message>
    <message>
        <source>Round created</source>
        <translation>创建轮次</translation>
    </message>
    <message>
        <source>Round changed</source>
        <translation>修改轮次</translation>
    </message>
    <message>
        <source>Round deleted</source>
        <translation>删除轮次</translation>
    </message>
    <message>
        <source>Results frozen</source>
        <translation>锁定结果</translation>
    </message>
    <message>
        <source>Results reopened</source>
        <translation>重新开放结果</translation>
    </message>
    <message>
        <source>Rubric template saved</source>
        <translation>保存评分标准模板</translation>
    </message>
    <message>
        <source>Rubric template deleted</source>
        <translation>删除评分标准模板</translation>
    </message>
    <message>
        <source>Screening checks run</source>
        <translation>运行资格审查</translation>
    </message>
    <message>
        <source>Screening decided</source>
        <translation>资格审查决定</translation>
    </message>
    <message>
        <source>Score sheet submitted</source>
        <translation>提交评分表</translation>
    </message>
    <message>
        <source>Score sheet reopened</source>
        <translation>重开评分表</translation>
    </message>
    <message>
        <source>Tranche approved for payment</source>
        <translation>审批拨款</translation>
    </message>
    <message>
        <source>Tranche cancelled</source>
        <translation>取消拨款</translation>
    </message>
    <message>
        <source>Money clawed back</source>
        <translation>追回资金</translation>
    </message>
    <message>
        <source>Payment condition decided</source>
        <translation>认定拨付条件</translation>
    </message>
    <message>
        <source>Tranche paid</source>
        <translation>拨付资金</translation>
    </message>
    <message>
        <source>Withholding lifted</source>
        <translation>解除暂缓</translation>
    </message>
    <message>
        <source>Tranche withheld</source>
        <translation>暂缓拨付</translation>
    </message>
    <message>
        <source>User created</source>
        <translation>创建用户</translation>
    </message>
    <message>
        <source>User changed</source>
        <translation>修改用户</translation>
    </message>
    <message>
        <source>Signed in</source>
        <translation>登录</translation>
    </message>
    <message>
        <source>Sign-in refused</source>
        <translation>登录被拒</translation>
    </message>
    <message>
        <source>Signed out</source>
        <translation>退出登录</translation>
    </message>
    <message>
        <source>Own password changed</source>
        <translation>修改本人密码</translation>
    </message>
    <message>
        <source>Password reset</source>
        <translation>重置密码</translation>
    </message>
    <message>
        <source>Assignment</source>
        <translation>评审分配</translation>
    </message>
    <message>
        <source>Award</source>
        <translation>资助</translation>
    </message>
    <message>
        <source>Clawback</source>
        <translation>追回</translation>
    </message>
    <message>
        <source>Competition</source>
        <translation>大赛</translation>
    </message>
    <message>
        <source>Issued document</source>
        <translation>已签发文书</translation>
    </message>
    <message>
        <source>Judge</source>
        <translation>评委</translation>
    </message>
    <message>
        <source>Judge laptop</source>
        <translation>评委笔记本</translation>
    </message>
    <message>
        <source>Organization</source>
        <translation>社会组织</translation>
    </message>
    <message>
        <source>Panel</source>
        <translation>评审组</translation>
    </message>
    <message>
        <source>Proposal</source>
        <translation>申报项目</translation>
    </message>
    <message>
        <source>Round</source>
        <translation>评审轮次</translation>
    </message>
    <message>
        <source>Rubric template</source>
        <translation>评分标准模板</translation>
    </message>
    <message>
        <source>Score sheet</source>
        <translation>评分表</translation>
    </message>
    <message>
        <source>Tranche</source>
        <translation>拨款期次</translation>
    </message>
    <message>
        <source>User</source>
        <translation>用户</translation>
    </message>
</context>
<context>
    <name>AuditDialog</name>
    <message>
        <source>Before: {values}</source>
        <translation>变更前：{values}</translation>
    </message>
    <message>
        <source>After: {values}</source>
        <translation>变更后：{values}</translation>
    </message>
    <message>
        <source>Change log</source>
        <translation>变更记录</translation>
    </message>
    <message>
        <source>All users</source>
        <translation>全部用户</translation>
    </message>
    <message>
        <source>All actions</source>
        <translation>全部操作</translation>
    </message>
    <message>
        <source>Search names, numbers, values…</source>
        <translation>搜索姓名、编号、数值…</translation>
    </message>
    <message>
        <source>User</source>
        <translation>用户</translation>
    </message>
    <message>
        <source>Action</source>
        <translation>操作</translation>
    </message>
    <message>
        <source>From</source>
        <translation>从</translation>
    </message>
    <message>
        <source>To</source>
        <translation>至</translation>
    </message>
    <message>
        <source>Check the change log</source>
        <translation>校验变更记录</translation>
    </message>
    <message>
        <source>Verify the change log</source>
        <translation>校验变更记录</translation>
    </message>
    <message>
        <source>Optional: the head printed on a document, e.g. 188 · 0123456789abcdef</source>
        <translation>可选：文书上打印的链头，例如 188 · 0123456789abcdef</translation>
    </message>
    <message>
        <source>Checks every entry&apos;s hash and link, and that the scores, sheet states and frozen results still match what the log recorded.</source>
        <translation>逐条核对每条记录的哈希和前后衔接，并核对评分、评分表状态和已锁定结果是否仍与变更记录一致。</translation>
    </message>
    <message>
        <source>The newest {count} matching entries are shown; narrow the filters to reach older ones.</source>
        <translation>显示最新的 {count} 条符合条件的记录；缩小筛选范围可查看更早的记录。</translation>
    </message>
    <message>
        <source>{count} entries, newest first</source>
        <translation>共 {count} 条，最新的在前</translation>
    </message>
    <message>
        <source>Checking every entry…</source>
        <translation>正在逐条校验…</translation>
    </message>
    <message>
        <source>The change log is intact: {count} entries, head {head}. The scores, sheet states and frozen results match it ({sealed} records checked).</source>
        <translation>变更记录完好：共 {count} 条，链头 {head}。评分、评分表状态和已锁定结果均与之相符（核对 {sealed} 条数据）。</translation>
    </message>
    <message>
        <source>The check failed. {problem}</source>
        <translation>校验未通过。{problem}</translation>
    </message>
</context>
<context>
    <name>Backups</name>
    <message>
        <source>At start</source>
        <translation>启动时</translation>
    </message>
    <message>
        <source>Daily</source>
        <translation>每日</translation>
    </message>
    <message>
        <source>Manual</source>
        <translation>手动</translation>
    </message>
    <message>
        <source>Before a restore</source>
        <translation>恢复前</translation>
    </message>
    <message>
        <source>Before an upgrade</source>
        <translation>升级前</translation>
    </message>
    <message>
        <source>Choose where to save the backup</source>
        <translation>选择备份保存位置</translation>
    </message>
    <message>
        <source>Backing up…</source>
        <translation>正在备份……</translation>
    </message>
    <message>
        <source>Backup saved: {path}</source>
        <translation>备份已保存：{path}</translation>
    </message>
    <message>
        <source>Choose the backup to restore</source>
        <translation>选择要恢复的备份</translation>
    </message>
    <message>
        <source>PSP Desktop databases (*.db);;All files (*)</source>
        <translation>PSP Desktop 数据库 (*.db);;所有文件 (*)</translation>
    </message>
    <message>
        <source>Checking the backup…</source>
        <translation>正在检查备份……</translation>
    </message>
    <message>
        <source>Restore a backup</source>
        <translation>恢复备份</translation>
    </message>
    <message>
        <source>Restore the backup taken on {date}?

{path}

The current database is replaced by it. A copy of the current file is kept first among the automatic backups (“Before a restore”).</source>
        <translation>确定恢复 {date} 的备份吗？

{path}

当前数据库将被该备份替换。替换前会先把当前文件另存一份，列在自动备份中（“恢复前”）。</translation>
    </message>
    <message>
        <source>Restoring…</source>
        <translation>正在恢复……</translation>
    </message>
    <message>
        <source>The backup was restored; the database is being reopened.</source>
        <translation>备份已恢复，正在重新打开数据库。</translation>
    </message>
    <message>
        <source>Backups</source>
        <translation>备份</translation>
    </message>
    <message>
        <source>PSP Desktop backs up the database by itself at every start and once a day while it is open, into the folder backups beside the database file. Keep a copy elsewhere too: “Back up now…” saves one to a folder or USB stick you choose.</source>
        <translation>PSP Desktop 每次启动时以及运行期间每天会自动备份数据库，保存在数据库文件旁的 backups 文件夹中。请另外再保存一份：点击“立即备份…”可备份到您选择的文件夹或U盘。</translation>
    </message>
    <message>
        <source>Back up now…</source>
        <translation>立即备份…</translation>
    </message>
    <message>
        <source>Restore…</source>
        <translation>恢复…</translation>
    </message>
    <message>
        <source>Automatic backup failed: {reason}</source>
        <translation>自动备份失败：{reason}</translation>
    </message>
</context>
<context>
    <name>Bidding</name>
    <message>
        <source>Not eligible after screening</source>
        <translation>未通过资格审查</translation>
    </message>
    <message>
        <source>Bid price over the ceiling: invalid bid</source>
        <translation>投标报价超过最高限价：无效投标</translation>
    </message>
    <message>
        <source>No bid price</source>
        <translation>未报价</translation>
    </message>
</context>
<context>
    <name>BoardControl</name>
    <message>
        <source>Results board</source>
        <translation>结果大屏</translation>
    </message>
    <message>
        <source>Show on this screen</source>
        <translation>在此屏幕显示</translation>
    </message>
    <message>
        <source>Reveal next</source>
        <translation>揭晓下一个</translation>
    </message>
    <message>
        <source>Reveal all</source>
        <translation>全部揭晓</translation>
    </message>
    <message>
        <source>Hide results</source>
        <translation>隐藏结果</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>刷新</translation>
    </message>
    <message>
        <source>Close the board</source>
        <translation>关闭大屏</translation>
    </message>
    <message>
        <source>Screen</source>
        <translation>屏幕</translation>
    </message>
    <message>
        <source>{count} revealed</source>
        <translation>已揭晓 {count} 个</translation>
    </message>
    <message>
        <source>All revealed</source>
        <translation>已全部揭晓</translation>
    </message>
    <message>
        <source>Results hidden</source>
        <translation>结果已隐藏</translation>
    </message>
</context>
<context>
    <name>Capacity</name>
    <message>
        <source>Mid-term</source>
        <translation>中期评估</translation>
    </message>
    <message>
        <source>Final</source>
        <translation>终期评估</translation>
    </message>
    <message>
        <source>Excellent</source>
        <translation>优秀</translation>
    </message>
    <message>
        <source>Good</source>
        <translation>良好</translation>
    </message>
    <message>
        <source>Pass</source>
        <translation>合格</translation>
    </message>
    <message>
        <source>Fail</source>
        <translation>不合格</translation>
    </message>
    <message>
        <source>{amount} yuan</source>
        <translation>{amount}元</translation>
    </message>
    <message>
        <source>{title} ({status})</source>
        <translation>{title}（{status}）</translation>
    </message>
    <message>
        <source>{level}{amount} ({status})</source>
        <translation>{level}{amount}（{status}）</translation>
    </message>
    <message>
        <source>, paid {amount}</source>
        <translation>，已拨付{amount}</translation>
    </message>
    <message>
        <source>{points} points</source>
        <translation>{points}分</translation>
    </message>
    <message>
        <source>{kind} {grade}{score} on {date}</source>
        <translation>{kind}{grade}{score}（{date}）</translation>
    </message>
    <message>
        <source>Report {seq} due {due}: not handed in ({days} days)</source>
        <translation>第{seq}期（{due}到期）：未提交，已逾期{days}天</translation>
    </message>
    <message>
        <source>Report {seq} due {due}: handed in {days} days late</source>
        <translation>第{seq}期（{due}到期）：迟交{days}天</translation>
    </message>
    <message>
        <source>, gate failed on {date}</source>
        <translation>，{date}起暂停拨付</translation>
    </message>
    <message>
        <source>{amount}: {reason}</source>
        <translation>{amount}：{reason}</translation>
    </message>
    <message>
        <source>(returned on {date})</source>
        <translation>（{date}已退回）</translation>
    </message>
    <message>
        <source>{start} to {until}: {reason}</source>
        <translation>{start}至{until}：{reason}</translation>
    </message>
    <message>
        <source>(in force)</source>
        <translation>（生效中）</translation>
    </message>
    <message>
        <source>No earlier competitions on record.</source>
        <translation>此前没有参加大赛的记录。</translation>
    </message>
    <message>
        <source>, </source>
        <translation>、</translation>
    </message>
    <message>
        <source>{count} competition(s) in {years}</source>
        <translation>{years}年共参加{count}届大赛</translation>
    </message>
    <message>
        <source>{proposals} proposal(s), {funded} funded</source>
        <translation>申报{proposals}项、获资助{funded}项</translation>
    </message>
    <message>
        <source>granted {amount}</source>
        <translation>资助金额{amount}</translation>
    </message>
    <message>
        <source>{count} failed evaluation(s) in the last {years} year(s)</source>
        <translation>近{years}年评估不合格{count}次</translation>
    </message>
    <message>
        <source>no failed evaluation in the last {years} year(s)</source>
        <translation>近{years}年无评估不合格</translation>
    </message>
    <message>
        <source>{count} late report(s)</source>
        <translation>迟交报告{count}次</translation>
    </message>
    <message>
        <source>{count} clawback(s) of {amount}</source>
        <translation>被追回资金{count}次共{amount}</translation>
    </message>
    <message>
        <source>barred from applying until {until}: {reason}</source>
        <translation>禁止申报至{until}：{reason}</translation>
    </message>
    <message>
        <source> · </source>
        <translation> · </translation>
    </message>
    <message>
        <source>Reading the record…</source>
        <translation>正在读取档案…</translation>
    </message>
    <message>
        <source>Choose an organization to see its record.</source>
        <translation>选择申报机构后显示其能力档案。</translation>
    </message>
    <message>
        <source>Bars on applications: {bars}</source>
        <translation>禁止申报记录：{bars}</translation>
    </message>
    <message>
        <source>Capacity record:</source>
        <translation>能力档案：</translation>
    </message>
    <message>
        <source>Full record…</source>
        <translation>完整档案…</translation>
    </message>
    <message>
        <source>Capacity record: {name}</source>
        <translation>能力档案：{name}</translation>
    </message>
</context>
<context>
    <name>Charts</name>
    <message>
        <source>Save the chart as a picture</source>
        <translation>保存图表图片</translation>
    </message>
    <message>
        <source>Export the chart&apos;s data</source>
        <translation>导出图表数据</translation>
    </message>
    <message>
        <source>Excel workbook (*.xlsx)</source>
        <translation>Excel 工作簿 (*.xlsx)</translation>
    </message>
    <message>
        <source>Saved to {file}.</source>
        <translation>已保存到 {file}。</translation>
    </message>
    <message>
        <source>Save picture…</source>
        <translation>保存图片…</translation>
    </message>
    <message>
        <source>Export data…</source>
        <translation>导出数据…</translation>
    </message>
</context>
<context>
    <name>Cli</name>
    <message>
        <source>User name: </source>
        <translation>用户名：</translation>
    </message>
    <message>
        <source>Password: </source>
        <translation>密码：</translation>
    </message>
    <message>
        <source>New password: </source>
        <translation>新密码：</translation>
    </message>
    <message>
        <source>Repeat the new password: </source>
        <translation>再次输入新密码：</translation>
    </message>
    <message>
        <source>Administrator&apos;s user name: </source>
        <translation>管理员用户名：</translation>
    </message>
    <message>
        <source>Full name: </source>
        <translation>姓名：</translation>
    </message>
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
        <source>the workbook for registering organizations (机构信息)</source>
        <translation>登记社会组织用的工作簿（机构信息）</translation>
    </message>
    <message>
        <source>the workbook for importing proposals (申报项目, 预算明细)</source>
        <translation>导入申报项目用的工作簿（申报项目、预算明细）</translation>
    </message>
    <message>
        <source>a round&apos;s score sheets not yet counted, one row each, to key in</source>
        <translation>某一评审轮次尚未计入的评分表，每份一行，供录入</translation>
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
        <source>count the score sheets keyed into a score workbook (评分录入)</source>
        <translation>导入评分录入工作簿中的评分表并计入结果（评分录入）</translation>
    </message>
    <message>
        <source>who keyed the sheets, for the change log (default: the login name)</source>
        <translation>录入人姓名，记入变更日志（默认为登录用户名）</translation>
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
        <source>export judging results: a round&apos;s ranking or the final ranking</source>
        <translation>导出评审结果：某一轮次的排名或最终排名</translation>
    </message>
    <message>
        <source>the competition&apos;s number or exact name</source>
        <translation>大赛编号或完整名称</translation>
    </message>
    <message>
        <source>the round (1 = the first round, or its name); without it the final ranking</source>
        <translation>评审轮次（1 表示第一轮，也可填写轮次名称）；不填则导出最终排名</translation>
    </message>
    <message>
        <source>where to save it (default: standard output)</source>
        <translation>保存位置（默认输出到标准输出）</translation>
    </message>
    <message>
        <source>user accounts and roles (administrators)</source>
        <translation>用户账号与角色（管理员使用）</translation>
    </message>
    <message>
        <source>list the accounts with their roles</source>
        <translation>列出账号及其角色</translation>
    </message>
    <message>
        <source>add an account (its password from PSP_NEW_PASSWORD, or asked)</source>
        <translation>添加账号（密码取自 PSP_NEW_PASSWORD，未设置则询问）</translation>
    </message>
    <message>
        <source>the person&apos;s full name</source>
        <translation>使用者姓名</translation>
    </message>
    <message>
        <source>comma-separated: admin, staff, finance, judge, viewer</source>
        <translation>以逗号分隔：admin、staff、finance、judge、viewer</translation>
    </message>
    <message>
        <source>replace an account&apos;s roles</source>
        <translation>重新设定账号的角色</translation>
    </message>
    <message>
        <source>set a new password for an account (from PSP_NEW_PASSWORD, or asked)</source>
        <translation>为账号设置新密码（取自 PSP_NEW_PASSWORD，未设置则询问）</translation>
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
        <source>sign in as this user (the password from PSP_PASSWORD, or asked)</source>
        <translation>以该用户登录（密码取自 PSP_PASSWORD，未设置则询问）</translation>
    </message>
    <message>
        <source>create an empty database (or upgrade an existing one)</source>
        <translation>创建空数据库（或升级已有数据库）</translation>
    </message>
    <message>
        <source>a new database&apos;s administrator (the password from PSP_PASSWORD, or asked)</source>
        <translation>新数据库的管理员（密码取自 PSP_PASSWORD，未设置则询问）</translation>
    </message>
    <message>
        <source>the administrator&apos;s full name</source>
        <translation>管理员姓名</translation>
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
    <message>
        <source>ok, {count} entries, head {head}</source>
        <translation>正常，共 {count} 条，链头 {head}</translation>
    </message>
    <message>
        <source>broken after {checked} good entries: {problem}</source>
        <translation>前 {checked} 条完好，之后断链：{problem}</translation>
    </message>
    <message>
        <source>check and read the change log (变更记录)</source>
        <translation>校验和查看变更记录</translation>
    </message>
    <message>
        <source>check the whole change log and the scores and results it sealed</source>
        <translation>校验全部变更记录及其封存的评分和结果</translation>
    </message>
    <message>
        <source>a chain head printed on a document (e.g. 188:0123456789abcdef); repeatable</source>
        <translation>文书上打印的链头（如 188:0123456789abcdef），可多次指定</translation>
    </message>
    <message>
        <source>show the number of entries and the chain head</source>
        <translation>显示记录条数和链头</translation>
    </message>
    <message>
        <source>list entries, newest first</source>
        <translation>列出变更记录，最新的在前</translation>
    </message>
    <message>
        <source>only this user&apos;s entries</source>
        <translation>只列出该用户的记录</translation>
    </message>
    <message>
        <source>only this action (sheet.submit), or a family ending in a dot (sheet.)</source>
        <translation>只列出该操作（如 sheet.submit），或以点结尾的一类操作（如 sheet.）</translation>
    </message>
    <message>
        <source>only entries on or after this date</source>
        <translation>只列出该日期及以后的记录</translation>
    </message>
    <message>
        <source>only entries on or before this date</source>
        <translation>只列出该日期及以前的记录</translation>
    </message>
    <message>
        <source>only entries containing this text</source>
        <translation>只列出包含该文字的记录</translation>
    </message>
    <message>
        <source>at most N entries (default 50)</source>
        <translation>最多 N 条（默认 50）</translation>
    </message>
    <message>
        <source>Replace {database} with this backup? The current file is kept in backups/ first. [y/N] </source>
        <translation>用此备份替换 {database} 吗？当前文件会先保存到 backups/ 中。[y/N] </translation>
    </message>
    <message>
        <source>Nothing was restored (add --yes to restore without being asked).</source>
        <translation>未恢复任何内容（加上 --yes 可不经询问直接恢复）。</translation>
    </message>
    <message>
        <source>back up the database to a folder (e.g. a USB stick) or a file name</source>
        <translation>将数据库备份到文件夹（如U盘）或指定文件名</translation>
    </message>
    <message>
        <source>a folder (the file is named for you) or a new file name</source>
        <translation>文件夹（自动命名备份文件）或新的文件名</translation>
    </message>
    <message>
        <source>replace the database with a checked backup (the current file is kept in backups/ first)</source>
        <translation>用经过检查的备份替换数据库（当前文件会先保存到 backups/ 中）</translation>
    </message>
    <message>
        <source>the backup file</source>
        <translation>备份文件</translation>
    </message>
    <message>
        <source>restore without asking</source>
        <translation>不经询问直接恢复</translation>
    </message>
    <message>
        <source>exchange files with judge laptops: event packages out, signed results in</source>
        <translation>与评审笔记本交换文件：导出评审活动包，导入签名的评分结果</translation>
    </message>
    <message>
        <source>folder of this PC&apos;s key and event databases (default: the user&apos;s data folder)</source>
        <translation>本机密钥和评审活动数据库所在文件夹（默认：用户数据文件夹）</translation>
    </message>
    <message>
        <source>show this PC&apos;s laptop name and public key, for the office to register</source>
        <translation>显示本机的笔记本名称和公钥，供办公室登记</translation>
    </message>
    <message>
        <source>set this laptop&apos;s name first</source>
        <translation>先设置这台笔记本的名称</translation>
    </message>
    <message>
        <source>save the event package of a round for the judges&apos; laptops (.pspevent)</source>
        <translation>为评审笔记本保存某一评审轮次的活动包（.pspevent）</translation>
    </message>
    <message>
        <source>register this laptop for the package (with --laptop-key)</source>
        <translation>为本活动包登记这台笔记本（与 --laptop-key 一起使用）</translation>
    </message>
    <message>
        <source>the laptop&apos;s public key: a file with what `psp event key` printed, or the 64 hex digits</source>
        <translation>笔记本的公钥：保存了 `psp event key` 输出内容的文件，或 64 位十六进制数字</translation>
    </message>
    <message>
        <source>on a laptop: check an event package and prepare it for judge mode</source>
        <translation>在笔记本上：核验评审活动包并准备评委模式</translation>
    </message>
    <message>
        <source>accept a package signed by another office PC than the one trusted so far</source>
        <translation>接受由另一台办公电脑（而非此前信任的那台）签名的活动包</translation>
    </message>
    <message>
        <source>on a laptop: save the judges&apos; submitted sheets as a signed results file (.pspresults)</source>
        <translation>在笔记本上：把评委已提交的评分表保存为签名的评分结果文件（.pspresults）</translation>
    </message>
    <message>
        <source>the event database (default: that of the package opened last)</source>
        <translation>评审活动数据库（默认：最近打开的活动包的数据库）</translation>
    </message>
    <message>
        <source>import results files from judge laptops; each file is checked and taken whole or not at all</source>
        <translation>导入评审笔记本的评分结果文件；每个文件逐一核验，要么整份导入，要么一条不导入</translation>
    </message>
    <message>
        <source>register laptops not seen before with the key in their file (only for files you trust)</source>
        <translation>用文件中的密钥登记此前未见过的笔记本（仅用于您信任的文件）</translation>
    </message>
    <message>
        <source>funded</source>
        <translation>资助</translation>
    </message>
    <message>
        <source>signed</source>
        <translation>已签约</translation>
    </message>
    <message>
        <source>completed</source>
        <translation>已完成</translation>
    </message>
    <message>
        <source>reserve</source>
        <translation>候补</translation>
    </message>
    <message>
        <source>cancelled</source>
        <translation>已取消</translation>
    </message>
    <message>
        <source>proposed</source>
        <translation>拟资助</translation>
    </message>
    <message>
        <source>not funded</source>
        <translation>不资助</translation>
    </message>
    <message>
        <source>limited to the amount requested</source>
        <translation>以申请金额为限</translation>
    </message>
    <message>
        <source>limited by the cap per project</source>
        <translation>受单个项目资助上限限制</translation>
    </message>
    <message>
        <source>limited by the share of the total budget</source>
        <translation>受占总预算比例上限限制</translation>
    </message>
    <message>
        <source>the pool has run out</source>
        <translation>资金池已用完</translation>
    </message>
    <message>
        <source>tied at the cut; the pool cannot fund the whole tie</source>
        <translation>在资助线上并列，资金池不足以同时资助并列项目</translation>
    </message>
    <message>
        <source>score below the threshold</source>
        <translation>得分低于资助分数线</translation>
    </message>
    <message>
        <source>no award place left</source>
        <translation>奖项名额已满</translation>
    </message>
    <message>
        <source>not ranked</source>
        <translation>未排名</translation>
    </message>
    <message>
        <source>first prize</source>
        <translation>一等奖</translation>
    </message>
    <message>
        <source>second prize</source>
        <translation>二等奖</translation>
    </message>
    <message>
        <source>third prize</source>
        <translation>三等奖</translation>
    </message>
    <message>
        <source>excellence award</source>
        <translation>优秀奖</translation>
    </message>
    <message>
        <source>planned</source>
        <translation>计划中</translation>
    </message>
    <message>
        <source>due</source>
        <translation>待拨付</translation>
    </message>
    <message>
        <source>approved</source>
        <translation>已审批</translation>
    </message>
    <message>
        <source>paid</source>
        <translation>已拨付</translation>
    </message>
    <message>
        <source>withheld</source>
        <translation>暂停拨付</translation>
    </message>
    <message>
        <source>clawed back</source>
        <translation>已追回</translation>
    </message>
    <message>
        <source>no condition</source>
        <translation>无条件</translation>
    </message>
    <message>
        <source>on signing</source>
        <translation>协议签订后</translation>
    </message>
    <message>
        <source>after a passed mid-term evaluation</source>
        <translation>中期评估合格后</translation>
    </message>
    <message>
        <source>after a passed final evaluation</source>
        <translation>终期评估合格后</translation>
    </message>
    <message>
        <source>from {date}</source>
        <translation>{date} 起</translation>
    </message>
    <message>
        <source>after approval</source>
        <translation>经审批后</translation>
    </message>
    <message>
        <source>Genuine and valid</source>
        <translation>真实有效</translation>
    </message>
    <message>
        <source>Voided</source>
        <translation>已作废</translation>
    </message>
    <message>
        <source>Forged or altered</source>
        <translation>伪造或被篡改</translation>
    </message>
    <message>
        <source>Not in this register</source>
        <translation>本登记簿中没有</translation>
    </message>
    <message>
        <source>Serial</source>
        <translation>编号</translation>
    </message>
    <message>
        <source>Document</source>
        <translation>文书</translation>
    </message>
    <message>
        <source>Issued to</source>
        <translation>颁发对象</translation>
    </message>
    <message>
        <source>Project</source>
        <translation>项目</translation>
    </message>
    <message>
        <source>Amount (yuan)</source>
        <translation>金额（元）</translation>
    </message>
    <message>
        <source>Approved by</source>
        <translation>审批人</translation>
    </message>
    <message>
        <source>Decided on</source>
        <translation>决定日期</translation>
    </message>
    <message>
        <source>project commission (服务委托): assign a project directly, list a programme&apos;s projects</source>
        <translation>服务委托：直接委托项目，列出委托计划的项目</translation>
    </message>
    <message>
        <source>assign a project to an organization and fund it; prints its intake number, award and checks</source>
        <translation>将项目直接委托给机构并予以资助；显示受理编号、资助记录和资格检查结果</translation>
    </message>
    <message>
        <source>the commission programme: its number or (part of) its name</source>
        <translation>委托计划：编号或名称（可只写一部分）</translation>
    </message>
    <message>
        <source>the organization&apos;s number or unified social credit code</source>
        <translation>机构编号或统一社会信用代码</translation>
    </message>
    <message>
        <source>the project&apos;s name</source>
        <translation>项目名称</translation>
    </message>
    <message>
        <source>the service domain (elderly, children… or its Chinese name)</source>
        <translation>服务领域（elderly、children… 或中文名称）</translation>
    </message>
    <message>
        <source>the amount commissioned, in yuan (120000 or 12万)</source>
        <translation>委托金额，单位元（120000 或 12万）</translation>
    </message>
    <message>
        <source>why this organization is assigned the project</source>
        <translation>委托该机构承接项目的理由</translation>
    </message>
    <message>
        <source>who approved the commission</source>
        <translation>审批人</translation>
    </message>
    <message>
        <source>first month of service (default: the month of the decision)</source>
        <translation>服务起始月份（默认：决定日期所在月份）</translation>
    </message>
    <message>
        <source>last month of service (default: eleven months after the first)</source>
        <translation>服务结束月份（默认：起始月份后第 11 个月）</translation>
    </message>
    <message>
        <source>the day of the decision (default: today)</source>
        <translation>决定日期（默认：今天）</translation>
    </message>
    <message>
        <source>direct beneficiaries</source>
        <translation>直接受益人数</translation>
    </message>
    <message>
        <source>a programme&apos;s commissioned projects</source>
        <translation>列出委托计划的委托项目</translation>
    </message>
    <message>
        <source>passed</source>
        <translation>通过</translation>
    </message>
    <message>
        <source>failed, cannot be commissioned</source>
        <translation>未通过，不能委托</translation>
    </message>
    <message>
        <source>failed (left to the justification)</source>
        <translation>未通过（由委托理由说明）</translation>
    </message>
    <message>
        <source>Commissioned: intake number {number}, award {award}, {amount} yuan.</source>
        <translation>已委托：受理编号 {number}，资助 {award}，{amount} 元。</translation>
    </message>
    <message>
        <source>Eligibility checks on {date}:</source>
        <translation>{date} 的资格检查：</translation>
    </message>
    <message>
        <source>none: the programme&apos;s rules check nothing for this organization</source>
        <translation>无：本计划的规则对该机构无需检查</translation>
    </message>
    <message>
        <source>No project has been commissioned in this programme yet.</source>
        <translation>本计划尚未委托任何项目。</translation>
    </message>
    <message>
        <source>{count} projects, {amount} yuan in all.</source>
        <translation>共 {count} 个项目，合计 {amount} 元。</translation>
    </message>
    <message>
        <source>Award or role</source>
        <translation>奖项或职务</translation>
    </message>
    <message>
        <source>{label}: {value}</source>
        <translation>{label}：{value}</translation>
    </message>
    <message>
        <source>valid</source>
        <translation>有效</translation>
    </message>
    <message>
        <source>voided</source>
        <translation>已作废</translation>
    </message>
    <message>
        <source>check an issued document (证书, 聘书) by the code of its QR or by its PDF file; exit status 0 genuine, 3 voided, 1 forged or not in this register</source>
        <translation>按二维码中的编码或 PDF 文件查验已颁发的文书（证书、聘书）；退出状态 0 为真实有效，3 为已作废，1 为伪造或本登记簿中没有</translation>
    </message>
    <message>
        <source>mid-term</source>
        <translation>中期</translation>
    </message>
    <message>
        <source>final</source>
        <translation>终期</translation>
    </message>
    <message>
        <source>excellent</source>
        <translation>优秀</translation>
    </message>
    <message>
        <source>good</source>
        <translation>良好</translation>
    </message>
    <message>
        <source>pass</source>
        <translation>合格</translation>
    </message>
    <message>
        <source>fail</source>
        <translation>不合格</translation>
    </message>
    <message>
        <source>{number} {title} ({status})</source>
        <translation>{number} {title}（{status}）</translation>
    </message>
    <message>
        <source>social organizations</source>
        <translation>社会组织</translation>
    </message>
    <message>
        <source>an organization&apos;s record across competitions: proposals, awards, evaluations, late reports, clawbacks and bars (机构能力档案)</source>
        <translation>机构在历届大赛中的记录：申报、资助、评估、迟交报告、追回资金和禁止申报（机构能力档案）</translation>
    </message>
    <message>
        <source>the organization&apos;s number</source>
        <translation>机构编号</translation>
    </message>
    <message>
        <source>count failed evaluations in the last N years (default: 3)</source>
        <translation>统计近 N 年内的评估不合格次数（默认 3）</translation>
    </message>
    <message>
        <source>the day the record is read for: bars in force, reports overdue (default: today)</source>
        <translation>按哪一天读取档案：是否处于禁止申报期、报告是否逾期（默认今天）</translation>
    </message>
    <message>
        <source>print the record as JSON (amounts in fen)</source>
        <translation>以 JSON 输出档案（金额单位为分）</translation>
    </message>
    <message>
        <source>{name} (organization {id}), as of {date}</source>
        <translation>{name}（机构编号 {id}），截至 {date}</translation>
    </message>
    <message>
        <source>No earlier competitions on record.</source>
        <translation>此前没有参加大赛的记录。</translation>
    </message>
    <message>
        <source>Years {years}: {proposals} proposal(s), {funded} funded, {granted} yuan granted, {paid} yuan paid; {failed} failed evaluation(s) in the last {recent} year(s); {late} late report(s); {clawbacks} clawback(s) of {clawed} yuan</source>
        <translation>{years} 年：申报 {proposals} 项，获资助 {funded} 项，资助 {granted} 元，已拨付 {paid} 元；近 {recent} 年评估不合格 {failed} 次；迟交报告 {late} 次；被追回资金 {clawbacks} 次共 {clawed} 元</translation>
    </message>
    <message>
        <source>Barred from applying until {until}: {reason}</source>
        <translation>禁止申报至 {until}：{reason}</translation>
    </message>
    <message>
        <source>Competition</source>
        <translation>大赛</translation>
    </message>
    <message>
        <source>Year</source>
        <translation>年度</translation>
    </message>
    <message>
        <source>Proposals</source>
        <translation>申报项目</translation>
    </message>
    <message>
        <source>Funding</source>
        <translation>资助</translation>
    </message>
    <message>
        <source>Evaluations</source>
        <translation>评估</translation>
    </message>
    <message>
        <source>Late reports</source>
        <translation>迟交报告</translation>
    </message>
    <message>
        <source>Clawbacks</source>
        <translation>追回资金</translation>
    </message>
    <message>
        <source>Bars on applications:</source>
        <translation>禁止申报记录：</translation>
    </message>
    <message>
        <source>in force</source>
        <translation>生效中</translation>
    </message>
    <message>
        <source>Issued by</source>
        <translation>颁发单位</translation>
    </message>
    <message>
        <source>Issued on</source>
        <translation>颁发日期</translation>
    </message>
    <message>
        <source>Reason for voiding</source>
        <translation>作废原因</translation>
    </message>
    <message>
        <source>award certificate</source>
        <translation>荣誉证书</translation>
    </message>
    <message>
        <source>appointment letter</source>
        <translation>聘书</translation>
    </message>
    <message>
        <source>participation certificate</source>
        <translation>参与证书</translation>
    </message>
    <message>
        <source>voided: {serial}</source>
        <translation>已作废：{serial}</translation>
    </message>
    <message>
        <source>the code text (PSP1.…) or the path of the PDF</source>
        <translation>验证码文本（PSP1.…）或 PDF 文件路径</translation>
    </message>
    <message>
        <source>the register of issued documents</source>
        <translation>已签发文书登记簿</translation>
    </message>
    <message>
        <source>list issued documents, newest first</source>
        <translation>列出已签发文书，最新的在前</translation>
    </message>
    <message>
        <source>only documents of this type</source>
        <translation>只列出此类文书</translation>
    </message>
    <message>
        <source>only documents whose serial, recipient or project has this</source>
        <translation>只列出编号、颁发对象或项目中含有此文字的文书</translation>
    </message>
    <message>
        <source>leave out voided documents</source>
        <translation>不列出已作废的文书</translation>
    </message>
    <message>
        <source>void an issued document, with the reason</source>
        <translation>作废一份已签发的文书，并写明原因</translation>
    </message>
    <message>
        <source>why it is voided (recorded)</source>
        <translation>作废原因（记入变更记录）</translation>
    </message>
    <message>
        <source>not scored</source>
        <translation>未评分</translation>
    </message>
    <message>
        <source>scored</source>
        <translation>已评分</translation>
    </message>
    <message>
        <source>published</source>
        <translation>公示中</translation>
    </message>
    <message>
        <source>Organization</source>
        <translation>机构名称</translation>
    </message>
    <message>
        <source>No.</source>
        <translation>编号</translation>
    </message>
    <message>
        <source>made final</source>
        <translation>已定稿</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>类型</translation>
    </message>
    <message>
        <source>Evaluator</source>
        <translation>评估人员</translation>
    </message>
    <message>
        <source>Total</source>
        <translation>总分</translation>
    </message>
    <message>
        <source>Grade</source>
        <translation>等级</translation>
    </message>
    <message>
        <source>Objections until</source>
        <translation>异议期至</translation>
    </message>
    <message>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Evaluation {id} created ({kind}, award {award}).</source>
        <translation>已创建评估 {id}（{kind}，资助 {award}）。</translation>
    </message>
    <message>
        <source>Evaluation {id}: {total} points, {grade}.</source>
        <translation>评估 {id}：{total} 分，{grade}。</translation>
    </message>
    <message>
        <source>Evaluation {id} published; objections until {date}.</source>
        <translation>评估 {id} 已公示，异议期至 {date}。</translation>
    </message>
    <message>
        <source>Evaluation {id}: objection recorded.</source>
        <translation>评估 {id}：异议已登记。</translation>
    </message>
    <message>
        <source>Evaluation {id} is final: {total} points, {grade}.</source>
        <translation>评估 {id} 已定稿：{total} 分，{grade}。</translation>
    </message>
    <message>
        <source>Evaluation {id} would become final: {total} points, {grade}.</source>
        <translation>评估 {id} 定稿后：{total} 分，{grade}。</translation>
    </message>
    <message>
        <source>Tranche {n} ({amount} yuan): {before} → {after}</source>
        <translation>第{n}期（{amount} 元）：{before} → {after}</translation>
    </message>
    <message>
        <source>Tranche {n} ({amount} yuan): stays {before}</source>
        <translation>第{n}期（{amount} 元）：保持{before}</translation>
    </message>
    <message>
        <source>Claw back {amount} yuan from tranche {n}</source>
        <translation>追回第{n}期资金 {amount} 元</translation>
    </message>
    <message>
        <source>{organization} barred from applying until {date}</source>
        <translation>{organization}在 {date} 前不得申报</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <source>Agency</source>
        <translation>所属机构</translation>
    </message>
    <message>
        <source>Phone</source>
        <translation>电话</translation>
    </message>
    <message>
        <source>Conflicts of interest</source>
        <translation>利益冲突</translation>
    </message>
    <message>
        <source>mid-term and final evaluations by third parties (第三方评估); their results decide the tranches</source>
        <translation>第三方中期和终期评估；评估结果决定后续资金拨付</translation>
    </message>
    <message>
        <source>list the evaluations</source>
        <translation>列出评估</translation>
    </message>
    <message>
        <source>start the evaluation of a funded award</source>
        <translation>为获资助项目新建评估</translation>
    </message>
    <message>
        <source>mid-term or final</source>
        <translation>中期或终期</translation>
    </message>
    <message>
        <source>the evaluator&apos;s number (see `psp evaluations evaluators`)</source>
        <translation>评估人员编号（见 `psp evaluations evaluators`）</translation>
    </message>
    <message>
        <source>the indicator set&apos;s number (default: the shipped set of that kind)</source>
        <translation>评估指标编号（默认：该类型的通用指标）</translation>
    </message>
    <message>
        <source>publish the result; the objection window opens</source>
        <translation>公示评估结果，进入异议期</translation>
    </message>
    <message>
        <source>the day it is published (default: today)</source>
        <translation>公示日期（默认：今天）</translation>
    </message>
    <message>
        <source>record an objection raised in the window, and how it was resolved</source>
        <translation>登记异议期内提出的异议及处理结果</translation>
    </message>
    <message>
        <source>the day the objection was raised (default: today)</source>
        <translation>提出异议的日期（默认：今天）</translation>
    </message>
    <message>
        <source>the objection</source>
        <translation>异议内容</translation>
    </message>
    <message>
        <source>how it was resolved</source>
        <translation>处理结果</translation>
    </message>
    <message>
        <source>make the result final after the objection window; it decides the tranche</source>
        <translation>异议期满后定稿；评估结果决定相应期次的拨付</translation>
    </message>
    <message>
        <source>the day it becomes final (default: today)</source>
        <translation>定稿日期（默认：今天）</translation>
    </message>
    <message>
        <source>only show what it would do to the tranches and the organization</source>
        <translation>只显示定稿对拨付期次和机构的影响，不写入</translation>
    </message>
    <message>
        <source>save the evaluation report (评估报告) as PDF</source>
        <translation>将评估报告保存为 PDF</translation>
    </message>
    <message>
        <source>record the points and comment of every indicator, and the narrative</source>
        <translation>登记每项指标的得分和评语，以及综合评价</translation>
    </message>
    <message>
        <source>the day of the evaluation (default: today)</source>
        <translation>评估日期（默认：今天）</translation>
    </message>
    <message>
        <source>one indicator, repeatable, e.g. 项目实施=21.5:按计划推进; a penalty is negative (违规扣分=-2)</source>
        <translation>一项指标，可重复，例如 项目实施=21.5:按计划推进；扣分项填负数（违规扣分=-2）</translation>
    </message>
    <message>
        <source>the evaluator&apos;s overall assessment</source>
        <translation>评估人员的综合评价</translation>
    </message>
    <message>
        <source>list the evaluators; --add registers one</source>
        <translation>列出评估人员；--add 新增</translation>
    </message>
    <message>
        <source>register an evaluator: an agency, or a person with --agency</source>
        <translation>新增评估人员：评估机构，或用 --agency 指明所属机构的个人</translation>
    </message>
    <message>
        <source>the agency the person works for</source>
        <translation>个人所属的评估机构</translation>
    </message>
    <message>
        <source>a phone number</source>
        <translation>电话号码</translation>
    </message>
    <message>
        <source>an organization they declare a conflict of interest with (repeatable)</source>
        <translation>申报存在利益冲突的机构编号（可重复）</translation>
    </message>
    <message>
        <source>list the indicator sets</source>
        <translation>列出评估指标</translation>
    </message>
    <message>
        <source>add the shipped mid-term and final sets if they are missing</source>
        <translation>如缺少，添加通用的中期和终期评估指标</translation>
    </message>
    <message>
        <source>Service domain</source>
        <translation>服务领域</translation>
    </message>
    <message>
        <source>Community</source>
        <translation>社区</translation>
    </message>
    <message>
        <source>Written: {funded} awards, {reserve} on the reserve list.</source>
        <translation>已保存：资助 {funded} 个项目，候补 {reserve} 个。</translation>
    </message>
    <message>
        <source>Committed now: {amount} yuan (an allocation written earlier, replaced by --commit while no agreement is signed).</source>
        <translation>目前已承诺：{amount} 元（此前保存的分配；尚未签约时 --commit 会替换它）。</translation>
    </message>
    <message>
        <source>Nothing was written: add --commit to write this allocation.</source>
        <translation>尚未写入：加上 --commit 才会保存这一分配方案。</translation>
    </message>
    <message>
        <source>Rank</source>
        <translation>名次</translation>
    </message>
    <message>
        <source>Intake no.</source>
        <translation>受理编号</translation>
    </message>
    <message>
        <source>Score</source>
        <translation>得分</translation>
    </message>
    <message>
        <source>Level</source>
        <translation>奖项</translation>
    </message>
    <message>
        <source>Requested</source>
        <translation>申请金额</translation>
    </message>
    <message>
        <source>Award</source>
        <translation>资助金额</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Why</source>
        <translation>说明</translation>
    </message>
    <message>
        <source>Award no.</source>
        <translation>资助编号</translation>
    </message>
    <message>
        <source>Pool: {pool} yuan; committed: {committed} yuan; remaining: {remaining} yuan</source>
        <translation>资金池：{pool} 元；已承诺：{committed} 元；剩余：{remaining} 元</translation>
    </message>
    <message>
        <source>Award {award}: now {amount} yuan.</source>
        <translation>资助 {award}：金额改为 {amount} 元。</translation>
    </message>
    <message>
        <source>Award {award}: cancelled; its unpaid tranches are cancelled too.</source>
        <translation>资助 {award}：已取消，未拨付的分期一并取消。</translation>
    </message>
    <message>
        <source>Award {award}: agreement {number} signed on {date}.</source>
        <translation>资助 {award}：协议 {number} 于 {date} 签订。</translation>
    </message>
    <message>
        <source>Award {award}: {amount} yuan in {count} tranches.</source>
        <translation>资助 {award}：{amount} 元，分 {count} 期拨付。</translation>
    </message>
    <message>
        <source>Tranche no.</source>
        <translation>分期编号</translation>
    </message>
    <message>
        <source>Tranche</source>
        <translation>期次</translation>
    </message>
    <message>
        <source>Share</source>
        <translation>比例</translation>
    </message>
    <message>
        <source>Amount</source>
        <translation>金额</translation>
    </message>
    <message>
        <source>Condition</source>
        <translation>拨付条件</translation>
    </message>
    <message>
        <source>Expected</source>
        <translation>预计拨付日</translation>
    </message>
    <message>
        <source>fixed</source>
        <translation>固定金额</translation>
    </message>
    <message>
        <source>Tranche {tranche} ({seq}/{count}, {organization}): {amount} yuan, {status}</source>
        <translation>分期 {tranche}（第 {seq}/{count} 期，{organization}）：{amount} 元，{status}</translation>
    </message>
    <message>
        <source>Payment {payment}: paid on {date}, voucher {voucher}.</source>
        <translation>拨付记录 {payment}：{date} 拨付，凭证号 {voucher}。</translation>
    </message>
    <message>
        <source>Clawback {clawback}: {amount} yuan to be returned.</source>
        <translation>追回记录 {clawback}：应退回 {amount} 元。</translation>
    </message>
    <message>
        <source>{amount} yuan recorded as returned.</source>
        <translation>已登记退回资金 {amount} 元。</translation>
    </message>
    <message>
        <source>Receipt {receipt}: {amount} yuan of matching funds on {date}.</source>
        <translation>到账记录 {receipt}：{date} 配套资金到账 {amount} 元。</translation>
    </message>
    <message>
        <source>Award {award}: {received} of {committed} yuan of matching funds received.</source>
        <translation>资助 {award}：承诺配套资金 {committed} 元，已到账 {received} 元。</translation>
    </message>
    <message>
        <source>No tranches.</source>
        <translation>没有符合条件的分期。</translation>
    </message>
    <message>
        <source>Agreement</source>
        <translation>协议编号</translation>
    </message>
    <message>
        <source>Paid on</source>
        <translation>拨付日期</translation>
    </message>
    <message>
        <source>Voucher</source>
        <translation>凭证号</translation>
    </message>
    <message>
        <source>Note</source>
        <translation>说明</translation>
    </message>
    <message>
        <source>{count} tranches, {amount} yuan</source>
        <translation>共 {count} 期，{amount} 元</translation>
    </message>
    <message>
        <source>Awards</source>
        <translation>资助项目数</translation>
    </message>
    <message>
        <source>Committed</source>
        <translation>已承诺</translation>
    </message>
    <message>
        <source>Paid</source>
        <translation>已拨付</translation>
    </message>
    <message>
        <source>Owed</source>
        <translation>应付未付</translation>
    </message>
    <message>
        <source>Withheld</source>
        <translation>暂停拨付</translation>
    </message>
    <message>
        <source>Clawed back</source>
        <translation>已追回</translation>
    </message>
    <message>
        <source>Unpaid</source>
        <translation>未拨付</translation>
    </message>
    <message>
        <source>(none)</source>
        <translation>（未填）</translation>
    </message>
    <message>
        <source>Month</source>
        <translation>月份</translation>
    </message>
    <message>
        <source>Planned</source>
        <translation>计划拨付</translation>
    </message>
    <message>
        <source>Planned to date</source>
        <translation>累计计划</translation>
    </message>
    <message>
        <source>Paid to date</source>
        <translation>累计拨付</translation>
    </message>
    <message>
        <source>awards, agreements, tranches, payments and finance reports (资金拨付)</source>
        <translation>资助分配、协议、分期、拨付和财务报表（资金拨付）</translation>
    </message>
    <message>
        <source>why (it goes into the change log)</source>
        <translation>原因（记入变更记录）</translation>
    </message>
    <message>
        <source>propose who gets how much from the final ranking; --commit writes it</source>
        <translation>按最终排名拟定资助名单和金额；加 --commit 保存</translation>
    </message>
    <message>
        <source>the competition&apos;s number, name or part of its name</source>
        <translation>大赛编号、名称或名称的一部分</translation>
    </message>
    <message>
        <source>fund the request, a fixed amount per award level, or a percentage of the request (default: requested)</source>
        <translation>按申请金额资助、按奖项等级定额资助，或按申请金额的比例资助（默认：requested，按申请金额）</translation>
    </message>
    <message>
        <source>with --method percent: the share of the request funded</source>
        <translation>与 --method percent 一起使用：资助申请金额的百分比</translation>
    </message>
    <message>
        <source>with --method percent: the lowest final score funded</source>
        <translation>与 --method percent 一起使用：获得资助的最低综合得分</translation>
    </message>
    <message>
        <source>write the awards and the reserve list (replacing an allocation while nothing is signed)</source>
        <translation>保存资助名单和候补名单（尚未签约时替换之前的分配）</translation>
    </message>
    <message>
        <source>change an award&apos;s amount (a reserve award is funded this way)</source>
        <translation>修改资助金额（候补项目也以此递补获得资助）</translation>
    </message>
    <message>
        <source>the new amount in yuan</source>
        <translation>新的金额（元）</translation>
    </message>
    <message>
        <source>the award level</source>
        <translation>奖项等级</translation>
    </message>
    <message>
        <source>cancel an award (its unpaid tranches are cancelled; paid money stays paid)</source>
        <translation>取消资助（未拨付的分期一并取消，已拨付的资金不变）</translation>
    </message>
    <message>
        <source>record the signed grant agreement (资助协议)</source>
        <translation>登记已签订的资助协议</translation>
    </message>
    <message>
        <source>the day it was signed</source>
        <translation>签订日期</translation>
    </message>
    <message>
        <source>the agreement number (default: the next free number)</source>
        <translation>协议编号（默认：自动取下一个编号）</translation>
    </message>
    <message>
        <source>save an award&apos;s grant agreement (资助协议) as PDF</source>
        <translation>将资助协议保存为 PDF</translation>
    </message>
    <message>
        <source>replace an award&apos;s tranche schedule and show the split</source>
        <translation>重新设定资助的分期拨付计划并显示各期金额</translation>
    </message>
    <message>
        <source>a usual split: 50/50, 50/30/20 and 40/40/20 on signing and after the evaluations, or 10 percent on signing then each quarter</source>
        <translation>常用分期方案：50/50、50/30/20、40/40/20（签约后及评估合格后拨付），或签约后拨付 10%、之后按季度拨付</translation>
    </message>
    <message>
        <source>one tranche, in order, repeatable: a percentage or ¥amount, then agreement_signed, midterm_passed, final_passed, manual, none or date:YYYY-MM-DD (e.g. 40:agreement_signed, 30:date:2026-11-01)</source>
        <translation>按顺序写一期，可重复：比例或 ¥金额，加拨付条件 agreement_signed（签约后）、midterm_passed（中期评估合格后）、final_passed（终期评估合格后）、manual（经审批后）、none（无条件）或 date:YYYY-MM-DD（到期日），例如 40:agreement_signed、30:date:2026-11-01</translation>
    </message>
    <message>
        <source>decide an evaluation or approval condition: met makes the tranche due, failed withholds it</source>
        <translation>认定评估或审批条件：达到则该期转为应付，未达到则暂缓拨付</translation>
    </message>
    <message>
        <source>the condition is met</source>
        <translation>条件已达到</translation>
    </message>
    <message>
        <source>the condition failed</source>
        <translation>条件未达到</translation>
    </message>
    <message>
        <source>the day it was decided (default: today)</source>
        <translation>认定日期（默认：今天）</translation>
    </message>
    <message>
        <source>approve a due tranche for payment</source>
        <translation>审批应付的分期，准予拨付</translation>
    </message>
    <message>
        <source>record the payment of an approved tranche</source>
        <translation>登记已审批分期的拨付</translation>
    </message>
    <message>
        <source>the day it was paid</source>
        <translation>拨付日期</translation>
    </message>
    <message>
        <source>the voucher (凭证) number</source>
        <translation>凭证号</translation>
    </message>
    <message>
        <source>a note</source>
        <translation>备注</translation>
    </message>
    <message>
        <source>stop a tranche until it is released</source>
        <translation>暂缓拨付某一期，直到解除</translation>
    </message>
    <message>
        <source>lift a withholding</source>
        <translation>解除暂缓</translation>
    </message>
    <message>
        <source>cancel a tranche that will not be paid (its money goes back to the pool)</source>
        <translation>取消不再拨付的分期（资金退回资金池）</translation>
    </message>
    <message>
        <source>ask paid money back (追回)</source>
        <translation>追回已拨付的资金</translation>
    </message>
    <message>
        <source>the amount in yuan</source>
        <translation>金额（元）</translation>
    </message>
    <message>
        <source>the day it was decided</source>
        <translation>决定日期</translation>
    </message>
    <message>
        <source>record that clawed-back money of a tranche has come back</source>
        <translation>登记某期追回的资金已退回</translation>
    </message>
    <message>
        <source>the day it came back</source>
        <translation>资金退回日期</translation>
    </message>
    <message>
        <source>record matching funds (配套资金) the organization received</source>
        <translation>登记机构到位的配套资金</translation>
    </message>
    <message>
        <source>the day it was received</source>
        <translation>到账日期</translation>
    </message>
    <message>
        <source>where the money came from</source>
        <translation>资金来源</translation>
    </message>
    <message>
        <source>list tranches, totals or the cash flow; --xlsx saves the payment list (拨付清单)</source>
        <translation>列出分期、汇总或资金流；加 --xlsx 保存拨付清单</translation>
    </message>
    <message>
        <source>the competition&apos;s number, name or part of its name (default: all)</source>
        <translation>大赛编号、名称或名称的一部分（默认：全部大赛）</translation>
    </message>
    <message>
        <source>which tranches: all, owed by this month, overdue, withheld or paid (default: all)</source>
        <translation>哪些分期：all 全部、due_month 本月及以前应付、overdue 逾期未付、withheld 暂缓、paid 已拨付（默认：all）</translation>
    </message>
    <message>
        <source>totals by competition, organization, service domain or community</source>
        <translation>按大赛、机构、服务领域或社区汇总</translation>
    </message>
    <message>
        <source>month by month: planned against paid</source>
        <translation>逐月资金流：计划拨付与实际拨付对比</translation>
    </message>
    <message>
        <source>save the payment list workbook of these tranches</source>
        <translation>将这些分期保存为拨付清单工作簿</translation>
    </message>
    <message>
        <source>save a tranche&apos;s disbursement notice (拨款通知单) as PDF</source>
        <translation>将某一期的拨款通知单保存为 PDF</translation>
    </message>
    <message>
        <source>{count} issued: {first} … {last}</source>
        <translation>已制发 {count} 份：{first} … {last}</translation>
    </message>
    <message>
        <source>issue certificates (荣誉证书, 参与证书) or appointment letters (聘书) for a competition as PDF</source>
        <translation>为大赛制发证书（荣誉证书、参与证书）或聘书，保存为 PDF</translation>
    </message>
    <message>
        <source>the folder the PDF files are written to</source>
        <translation>保存 PDF 文件的文件夹</translation>
    </message>
    <message>
        <source>award certificates for funded awards, letters for the judges on the panels, or participation certificates for eligible proposals not funded (default: award)</source>
        <translation>award：获资助项目的荣誉证书；letter：各评审组评委的聘书；participation：通过资格审查但未获资助项目的参与证书（默认 award）</translation>
    </message>
    <message>
        <source>one PDF with every page, to print, instead of one file each</source>
        <translation>所有页面合成一个 PDF 以便打印，而不是每份一个文件</translation>
    </message>
    <message>
        <source>the date printed on the documents (default: today)</source>
        <translation>文书上印的日期（默认：今天）</translation>
    </message>
    <message>
        <source>also issue again to those who already hold one from this competition; their old ones are voided</source>
        <translation>已持有本大赛此类文书的也重新颁发，原文书作废</translation>
    </message>
    <message>
        <source>upcoming</source>
        <translation>未到期</translation>
    </message>
    <message>
        <source>overdue</source>
        <translation>逾期未交</translation>
    </message>
    <message>
        <source>submitted</source>
        <translation>已提交</translation>
    </message>
    <message>
        <source>submitted late</source>
        <translation>逾期提交</translation>
    </message>
    <message>
        <source>Over budget (allowed, flagged): {category} spent {spent} yuan of a budget of {budget} yuan.</source>
        <translation>超出预算（允许，已标记）：{category}累计支出 {spent} 元，预算 {budget} 元。</translation>
    </message>
    <message>
        <source>No reports late.</source>
        <translation>没有逾期的报告。</translation>
    </message>
    <message>
        <source>No reports due.</source>
        <translation>没有到期的报告。</translation>
    </message>
    <message>
        <source>Report</source>
        <translation>报告期次</translation>
    </message>
    <message>
        <source>Due on</source>
        <translation>应交日期</translation>
    </message>
    <message>
        <source>Grace until</source>
        <translation>宽限至</translation>
    </message>
    <message>
        <source>Submitted on</source>
        <translation>提交日期</translation>
    </message>
    <message>
        <source>Days late</source>
        <translation>逾期天数</translation>
    </message>
    <message>
        <source>Gate failed on</source>
        <translation>判定未通过日期</translation>
    </message>
    <message>
        <source>Late reports: {count} tranches withheld (tranche numbers {ids}).</source>
        <translation>逾期报告：已暂停 {count} 笔拨付（分期编号 {ids}）。</translation>
    </message>
    <message>
        <source>No late report to act on: nothing was changed.</source>
        <translation>没有需要处理的逾期报告：未作任何更改。</translation>
    </message>
    <message>
        <source>Award {award}: {count} reports added to the schedule.</source>
        <translation>资助 {award}：已在报告计划中添加 {count} 期报告。</translation>
    </message>
    <message>
        <source>Report {seq} (due {due}) of award {award} recorded.</source>
        <translation>资助 {award} 的第 {seq} 期报告（应交日期 {due}）已登记。</translation>
    </message>
    <message>
        <source>It came in after the grace days: it counts as late.</source>
        <translation>该报告在宽限期后提交，计为逾期。</translation>
    </message>
    <message>
        <source>Site visit {id} to award {award} recorded.</source>
        <translation>资助 {award} 的实地走访（编号 {id}）已登记。</translation>
    </message>
    <message>
        <source>the day to count from (default: today)</source>
        <translation>按哪一天计算（默认：今天）</translation>
    </message>
    <message>
        <source>progress reports, site visits and the late-report rule of funded projects (项目监测)</source>
        <translation>获资助项目的进度报告、实地走访和逾期报告规则（项目监测）</translation>
    </message>
    <message>
        <source>progress reports due, or with --late the late ones</source>
        <translation>到期的进度报告；加 --late 只列逾期的报告</translation>
    </message>
    <message>
        <source>only reports not submitted by their due date plus the grace days</source>
        <translation>只列在应交日期加宽限期后仍未按时提交的报告</translation>
    </message>
    <message>
        <source>also the reports due in the next DAYS days (default: 30)</source>
        <translation>同时列出今后 DAYS 天内到期的报告（默认：30）</translation>
    </message>
    <message>
        <source>apply the late-report rule: each late report withholds its project&apos;s next evaluation tranche</source>
        <translation>执行逾期报告规则：每份逾期报告暂停其项目的下一笔评估拨付</translation>
    </message>
    <message>
        <source>make an award&apos;s progress report schedule from the competition&apos;s rules</source>
        <translation>按大赛规则生成资助项目的进度报告计划</translation>
    </message>
    <message>
        <source>record a progress report (进度报告)</source>
        <translation>登记一份进度报告</translation>
    </message>
    <message>
        <source>the day it was handed in</source>
        <translation>提交日期</translation>
    </message>
    <message>
        <source>the due date of the report (default: the earliest not yet submitted)</source>
        <translation>报告的应交日期（默认：最早一期未交的报告）</translation>
    </message>
    <message>
        <source>activities held</source>
        <translation>开展活动场次</translation>
    </message>
    <message>
        <source>people served</source>
        <translation>服务人次</translation>
    </message>
    <message>
        <source>what was done</source>
        <translation>情况说明</translation>
    </message>
    <message>
        <source>spending in a budget category, in yuan (repeat for each category)</source>
        <translation>某预算类别的支出（元；每个类别写一次）</translation>
    </message>
    <message>
        <source>a photo or document to keep with it (repeatable)</source>
        <translation>随报告保存的照片或文件（可重复）</translation>
    </message>
    <message>
        <source>record a site visit (实地走访)</source>
        <translation>登记一次实地走访</translation>
    </message>
    <message>
        <source>the day of the visit</source>
        <translation>走访日期</translation>
    </message>
    <message>
        <source>who visited</source>
        <translation>走访人</translation>
    </message>
    <message>
        <source>what was found</source>
        <translation>发现情况</translation>
    </message>
    <message>
        <source>what must be rectified (a rectification is then required)</source>
        <translation>需要整改的内容（填写即表示需要整改）</translation>
    </message>
    <message>
        <source>No project</source>
        <translation>无项目</translation>
    </message>
    <message>
        <source>Eligible project</source>
        <translation>有合格项目</translation>
    </message>
    <message>
        <source>Funded</source>
        <translation>已资助</translation>
    </message>
    <message>
        <source>Completed</source>
        <translation>已完成</translation>
    </message>
    <message>
        <source>the community needs register (需求登记) and its coverage report (需求覆盖)</source>
        <translation>社区需求登记及需求覆盖情况报告</translation>
    </message>
    <message>
        <source>list the needs, newest first</source>
        <translation>列出社区需求，最新的在前</translation>
    </message>
    <message>
        <source>only this community&apos;s needs</source>
        <translation>只列出该社区的需求</translation>
    </message>
    <message>
        <source>only this service domain (elderly, children… or its Chinese name)</source>
        <translation>只列出该服务领域（elderly、children… 或中文名称）</translation>
    </message>
    <message>
        <source>only needs collected in this year</source>
        <translation>只列出该年度收集的需求</translation>
    </message>
    <message>
        <source>only needs from this source (survey, meeting, hotline, grid, other or its Chinese name)</source>
        <translation>只列出该来源的需求（survey、meeting、hotline、grid、other 或中文名称）</translation>
    </message>
    <message>
        <source>only needs of this priority</source>
        <translation>只列出该优先级的需求</translation>
    </message>
    <message>
        <source>only needs whose title, description or community has this text</source>
        <translation>只列出标题、描述或社区中含有该文字的需求</translation>
    </message>
    <message>
        <source>import the needs of a filled-in workbook (社区需求): every row, or none</source>
        <translation>导入填好的社区需求工作簿（社区需求）：全部导入或一条不导入</translation>
    </message>
    <message>
        <source>save the empty needs workbook (.xlsx) to fill in Excel or WPS</source>
        <translation>保存空白的社区需求工作簿（.xlsx），用 Excel 或 WPS 填写</translation>
    </message>
    <message>
        <source>which needs of a year have an eligible, funded or completed project, and which have none</source>
        <translation>某年度的需求中，哪些有合格、已获资助或已完成的项目，哪些还没有项目</translation>
    </message>
    <message>
        <source>only the communities of this district</source>
        <translation>只统计该区的社区</translation>
    </message>
    <message>
        <source>save the report as a workbook instead of printing it</source>
        <translation>将报告保存为工作簿，而不是显示在屏幕上</translation>
    </message>
    <message>
        <source>register a community (社区) so needs can be recorded in it</source>
        <translation>登记一个社区，以便记录该社区的需求</translation>
    </message>
    <message>
        <source>All needs</source>
        <translation>合计</translation>
    </message>
    <message>
        <source>Needs with no project ({count}):</source>
        <translation>无项目的需求（{count}条）：</translation>
    </message>
    <message>
        <source>venture philanthropy</source>
        <translation>公益创投</translation>
    </message>
    <message>
        <source>project bidding</source>
        <translation>公益招投标</translation>
    </message>
    <message>
        <source>project commission</source>
        <translation>服务委托</translation>
    </message>
    <message>
        <source>Mode</source>
        <translation>模式</translation>
    </message>
    <message>
        <source>Projects</source>
        <translation>资助项目数</translation>
    </message>
    <message>
        <source>Committed (yuan)</source>
        <translation>承诺资金（元）</translation>
    </message>
    <message>
        <source>Paid (yuan)</source>
        <translation>已拨付资金（元）</translation>
    </message>
    <message>
        <source>Per direct beneficiary (yuan)</source>
        <translation>人均资金（元）</translation>
    </message>
    <message>
        <source>Mid-term grades (excellent/good/pass/fail)</source>
        <translation>中期评估（优秀/良好/合格/不合格）</translation>
    </message>
    <message>
        <source>Final grades (excellent/good/pass/fail)</source>
        <translation>终期评估（优秀/良好/合格/不合格）</translation>
    </message>
    <message>
        <source>Needs covered</source>
        <translation>已覆盖需求</translation>
    </message>
    <message>
        <source>Organizations (first time)</source>
        <translation>资助机构数（首次获资助）</translation>
    </message>
    <message>
        <source>{count} rows written to {path}</source>
        <translation>已写入 {count} 行：{path}</translation>
    </message>
    <message>
        <source>the three ways of buying services compared (公益创投, 公益招投标, 服务委托)</source>
        <translation>比较三种购买服务方式的效果（公益创投、公益招投标、服务委托）</translation>
    </message>
    <message>
        <source>per mode and year: projects, money, money per beneficiary, grades, needs covered, organizations</source>
        <translation>按模式和年度：项目数、资金、人均资金、评估等级、需求覆盖、资助机构</translation>
    </message>
    <message>
        <source>only this year (repeatable; default: every year)</source>
        <translation>只看这一年（可重复；默认：所有年度）</translation>
    </message>
    <message>
        <source>save the comparison as a workbook instead of printing it</source>
        <translation>把比较结果保存为工作簿，而不是打印出来</translation>
    </message>
    <message>
        <source>Tender code</source>
        <translation>项目编号</translation>
    </message>
    <message>
        <source>Tender project</source>
        <translation>招标项目</translation>
    </message>
    <message>
        <source>Ceiling (yuan)</source>
        <translation>最高限价（元）</translation>
    </message>
    <message>
        <source>Price points</source>
        <translation>价格分</translation>
    </message>
    <message>
        <source>Bids</source>
        <translation>投标数</translation>
    </message>
    <message>
        <source>Result notice</source>
        <translation>中标结果公示</translation>
    </message>
    <message>
        <source>Proposal</source>
        <translation>申报编号</translation>
    </message>
    <message>
        <source>Bid price (yuan)</source>
        <translation>投标报价（元）</translation>
    </message>
    <message>
        <source>Valid</source>
        <translation>有效性</translation>
    </message>
    <message>
        <source>Panel score</source>
        <translation>评审得分</translation>
    </message>
    <message>
        <source>Panel part</source>
        <translation>评审分</translation>
    </message>
    <message>
        <source>Price score</source>
        <translation>价格分</translation>
    </message>
    <message>
        <source>taking bids</source>
        <translation>接受投标</translation>
    </message>
    <message>
        <source>bids closed</source>
        <translation>投标截止</translation>
    </message>
    <message>
        <source>awarded</source>
        <translation>已中标</translation>
    </message>
    <message>
        <source>no winner</source>
        <translation>流标</translation>
    </message>
    <message>
        <source>Tender {code} added (number {id}).</source>
        <translation>已添加招标项目 {code}（编号 {id}）。</translation>
    </message>
    <message>
        <source>Proposal {id} bids {price} yuan for tender {code}.</source>
        <translation>申报 {id} 以 {price} 元投标招标项目 {code}。</translation>
    </message>
    <message>
        <source>Tender {code} {name}: ceiling {ceiling} yuan, {price_points} price points.</source>
        <translation>招标项目 {code} {name}：最高限价 {ceiling} 元，价格分 {price_points} 分。</translation>
    </message>
    <message>
        <source>One valid bid: no price comparison; accept or reject it with `psp tenders single`.</source>
        <translation>只有一份有效投标：不进行价格比较；请用 `psp tenders single` 接受或拒绝。</translation>
    </message>
    <message>
        <source>Not final: round {round} is not frozen.</source>
        <translation>结果尚未确定：{round}尚未冻结。</translation>
    </message>
    <message>
        <source>Not final: the panel has not scored yet.</source>
        <translation>结果尚未确定：评标委员会尚未评分。</translation>
    </message>
    <message>
        <source>Winner: {organization} ({intake}), {price} yuan.</source>
        <translation>中标单位：{organization}（{intake}），{price} 元。</translation>
    </message>
    <message>
        <source>No winner: {reason}</source>
        <translation>流标：{reason}</translation>
    </message>
    <message>
        <source>Result notice of tender {code} published: {start} to {end}.</source>
        <translation>招标项目 {code} 的中标结果已公示：{start} 至 {end}。</translation>
    </message>
    <message>
        <source>Objection to tender {code} recorded ({date}); the winner&apos;s agreement waits for its resolution.</source>
        <translation>已记录对招标项目 {code} 的异议（{date}）；中标单位的协议须待异议处理后签订。</translation>
    </message>
    <message>
        <source>Objection to tender {code} resolved.</source>
        <translation>对招标项目 {code} 的异议已处理。</translation>
    </message>
    <message>
        <source>project bidding (公益招投标): tenders, bids, the evaluation, the winner and its result notice</source>
        <translation>公益招投标：招标项目、投标、评标、中标单位及中标结果公示</translation>
    </message>
    <message>
        <source>list a bidding competition&apos;s tenders</source>
        <translation>列出招投标项目中的招标项目</translation>
    </message>
    <message>
        <source>make a proposal a bid for a tender at a price</source>
        <translation>将一份申报作为对招标项目的投标并报价</translation>
    </message>
    <message>
        <source>the proposal&apos;s number</source>
        <translation>申报的编号</translation>
    </message>
    <message>
        <source>the bid price</source>
        <translation>投标报价</translation>
    </message>
    <message>
        <source>show every bid with its panel part, price score, total and rank</source>
        <translation>显示每份投标的评审分、价格分、综合得分和名次</translation>
    </message>
    <message>
        <source>save the evaluation report (评标报告), or with --notice the result notice, as PDF</source>
        <translation>将评标报告（或加 --notice 时的中标结果公示）保存为 PDF</translation>
    </message>
    <message>
        <source>the result notice (中标结果公示) instead of the evaluation report</source>
        <translation>保存中标结果公示，而不是评标报告</translation>
    </message>
    <message>
        <source>date printed on the evaluation report (default: today; the notice carries its first day)</source>
        <translation>评标报告上打印的日期（默认：今天；公示使用公示首日）</translation>
    </message>
    <message>
        <source>the tender&apos;s code (e.g. ZB2026-01) or number</source>
        <translation>招标项目的项目编号（如 ZB2026-01）或编号</translation>
    </message>
    <message>
        <source>publish a tender project in a bidding competition</source>
        <translation>在招投标项目中发布一个招标项目</translation>
    </message>
    <message>
        <source>the tender&apos;s code</source>
        <translation>招标项目编号</translation>
    </message>
    <message>
        <source>the ceiling price (最高限价)</source>
        <translation>最高限价</translation>
    </message>
    <message>
        <source>the points of the price score, 0 to 100 (the panel has the rest)</source>
        <translation>价格分的分值，0 至 100（其余为评审分）</translation>
    </message>
    <message>
        <source>the service domain</source>
        <translation>服务领域</translation>
    </message>
    <message>
        <source>the first day of the service</source>
        <translation>服务开始日期</translation>
    </message>
    <message>
        <source>the last day of the service</source>
        <translation>服务结束日期</translation>
    </message>
    <message>
        <source>what a bidder must hold</source>
        <translation>投标人须具备的资格</translation>
    </message>
    <message>
        <source>what the service is</source>
        <translation>服务内容</translation>
    </message>
    <message>
        <source>the community needs it answers</source>
        <translation>对应的社区需求</translation>
    </message>
    <message>
        <source>award the tender to a bid (at its price), or close it with no winner</source>
        <translation>按投标报价确定中标单位，或以流标结束</translation>
    </message>
    <message>
        <source>the winning bid</source>
        <translation>中标的投标</translation>
    </message>
    <message>
        <source>no winner (流标)</source>
        <translation>无中标单位（流标）</translation>
    </message>
    <message>
        <source>why: required for no winner or a winner other than the first-ranked bid</source>
        <translation>理由：流标或中标单位不是排名第一的投标时必填</translation>
    </message>
    <message>
        <source>accept or reject the only valid bid (judged on necessity and feasibility)</source>
        <translation>接受或拒绝唯一的有效投标（按必要性和可行性评审）</translation>
    </message>
    <message>
        <source>accept the bid</source>
        <translation>接受该投标</translation>
    </message>
    <message>
        <source>reject the bid</source>
        <translation>拒绝该投标</translation>
    </message>
    <message>
        <source>the panel&apos;s reason</source>
        <translation>评标委员会的理由</translation>
    </message>
    <message>
        <source>publish the result notice (中标结果公示) with its period</source>
        <translation>发布中标结果公示并设定公示期</translation>
    </message>
    <message>
        <source>the notice&apos;s first day</source>
        <translation>公示首日</translation>
    </message>
    <message>
        <source>the notice&apos;s last day</source>
        <translation>公示末日</translation>
    </message>
    <message>
        <source>record the objection raised during the notice</source>
        <translation>记录公示期内提出的异议</translation>
    </message>
    <message>
        <source>the day it was raised (default: today)</source>
        <translation>提出异议的日期（默认：今天）</translation>
    </message>
    <message>
        <source>record how the objection was resolved</source>
        <translation>记录异议的处理结果</translation>
    </message>
    <message>
        <source>the resolution</source>
        <translation>处理结果</translation>
    </message>
</context>
<context>
    <name>Columns</name>
    <message>
        <source>Service domain</source>
        <translation>服务领域</translation>
    </message>
    <message>
        <source>Agreement no.</source>
        <translation>协议编号</translation>
    </message>
    <message>
        <source>Tranche</source>
        <translation>期次</translation>
    </message>
    <message>
        <source>Condition</source>
        <translation>拨付条件</translation>
    </message>
    <message>
        <source>Expected on</source>
        <translation>预计日期</translation>
    </message>
    <message>
        <source>State today</source>
        <translation>当前状态</translation>
    </message>
    <message>
        <source>Reason or note</source>
        <translation>原因或说明</translation>
    </message>
    <message>
        <source>Approved by</source>
        <translation>审批人</translation>
    </message>
    <message>
        <source>Paid on</source>
        <translation>付款日期</translation>
    </message>
    <message>
        <source>Voucher</source>
        <translation>凭证号</translation>
    </message>
    <message>
        <source>Awards</source>
        <translation>资助项目数</translation>
    </message>
    <message>
        <source>Committed (yuan)</source>
        <translation>承诺金额（元）</translation>
    </message>
    <message>
        <source>Paid (yuan)</source>
        <translation>已拨付（元）</translation>
    </message>
    <message>
        <source>Owed (yuan)</source>
        <translation>应付未付（元）</translation>
    </message>
    <message>
        <source>Withheld (yuan)</source>
        <translation>暂缓（元）</translation>
    </message>
    <message>
        <source>Clawed back (yuan)</source>
        <translation>已追回（元）</translation>
    </message>
    <message>
        <source>Received (yuan)</source>
        <translation>已到账（元）</translation>
    </message>
    <message>
        <source>Received of committed</source>
        <translation>到账比例</translation>
    </message>
    <message>
        <source>Matching share so far</source>
        <translation>实际配套占比</translation>
    </message>
    <message>
        <source>Required share</source>
        <translation>规定配套比例</translation>
    </message>
    <message>
        <source>Grant paid (yuan)</source>
        <translation>资助已拨付（元）</translation>
    </message>
    <message>
        <source>Pace</source>
        <translation>进度</translation>
    </message>
    <message>
        <source>Received on</source>
        <translation>到账日期</translation>
    </message>
    <message>
        <source>Month</source>
        <translation>月份</translation>
    </message>
    <message>
        <source>Planned (yuan)</source>
        <translation>计划拨付（元）</translation>
    </message>
    <message>
        <source>Planned to date</source>
        <translation>累计计划（元）</translation>
    </message>
    <message>
        <source>Paid to date</source>
        <translation>累计拨付（元）</translation>
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
        <source>Judge</source>
        <translation>评委</translation>
    </message>
    <message>
        <source>Judge group</source>
        <translation>评委类别</translation>
    </message>
    <message>
        <source>Assigned</source>
        <translation>已分配</translation>
    </message>
    <message>
        <source>Submitted</source>
        <translation>已提交</translation>
    </message>
    <message>
        <source>Rank</source>
        <translation>排名</translation>
    </message>
    <message>
        <source>Score</source>
        <translation>得分</translation>
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
        <source>Contracted organization</source>
        <translation>承接机构</translation>
    </message>
    <message>
        <source>Decided on</source>
        <translation>决定日期</translation>
    </message>
    <message>
        <source>Award status</source>
        <translation>资助状态</translation>
    </message>
    <message>
        <source>Award level</source>
        <translation>奖项等级</translation>
    </message>
    <message>
        <source>Award (yuan)</source>
        <translation>资助金额（元）</translation>
    </message>
    <message>
        <source>Decision</source>
        <translation>资助结果</translation>
    </message>
    <message>
        <source>Why</source>
        <translation>说明</translation>
    </message>
    <message>
        <source>Judges</source>
        <translation>评委</translation>
    </message>
    <message>
        <source>Submitted / wanted</source>
        <translation>已提交 / 应评</translation>
    </message>
    <message>
        <source>Proposals sent in</source>
        <translation>申报项目</translation>
    </message>
    <message>
        <source>Award</source>
        <translation>资助</translation>
    </message>
    <message>
        <source>Evaluations</source>
        <translation>评估等级</translation>
    </message>
    <message>
        <source>Late reports</source>
        <translation>迟交报告</translation>
    </message>
    <message>
        <source>Clawbacks</source>
        <translation>追回资金</translation>
    </message>
    <message>
        <source>Bar on applications</source>
        <translation>禁止申报</translation>
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
        <source>Themes</source>
        <translation>大赛主题数</translation>
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
        <source>Projects</source>
        <translation>项目</translation>
    </message>
    <message>
        <source>Targeted by themes</source>
        <translation>对应大赛主题</translation>
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
        <source>Projects funded</source>
        <translation>资助项目数</translation>
    </message>
    <message>
        <source>Direct beneficiaries</source>
        <translation>直接受益人数</translation>
    </message>
    <message>
        <source>Per beneficiary (yuan)</source>
        <translation>人均资金（元）</translation>
    </message>
    <message>
        <source>Mid-term: excellent</source>
        <translation>中期优秀</translation>
    </message>
    <message>
        <source>Mid-term: good</source>
        <translation>中期良好</translation>
    </message>
    <message>
        <source>Mid-term: pass</source>
        <translation>中期合格</translation>
    </message>
    <message>
        <source>Mid-term: fail</source>
        <translation>中期不合格</translation>
    </message>
    <message>
        <source>Final: excellent</source>
        <translation>终期优秀</translation>
    </message>
    <message>
        <source>Final: good</source>
        <translation>终期良好</translation>
    </message>
    <message>
        <source>Final: pass</source>
        <translation>终期合格</translation>
    </message>
    <message>
        <source>Final: fail</source>
        <translation>终期不合格</translation>
    </message>
    <message>
        <source>Needs covered</source>
        <translation>需求覆盖</translation>
    </message>
    <message>
        <source>Organizations funded</source>
        <translation>资助机构数</translation>
    </message>
    <message>
        <source>First-time organizations</source>
        <translation>首次获资助机构数</translation>
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
        <source>Taken</source>
        <translation>备份时间</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>方式</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>大小</translation>
    </message>
    <message>
        <source>Max points</source>
        <translation>满分</translation>
    </message>
    <message>
        <source>Weight %</source>
        <translation>权重 %</translation>
    </message>
    <message>
        <source>Bonus</source>
        <translation>加分项</translation>
    </message>
    <message>
        <source>Description</source>
        <translation>评分说明</translation>
    </message>
    <message>
        <source>Results frozen</source>
        <translation>结果已锁定</translation>
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
        <source>Issued to</source>
        <translation>颁发对象</translation>
    </message>
    <message>
        <source>Document</source>
        <translation>文书类型</translation>
    </message>
    <message>
        <source>Issued on</source>
        <translation>颁发日期</translation>
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
        <source>How found</source>
        <translation>来源</translation>
    </message>
    <message>
        <source>Laptop</source>
        <translation>笔记本</translation>
    </message>
    <message>
        <source>Outcome</source>
        <translation>处理结果</translation>
    </message>
    <message>
        <source>Sheets added</source>
        <translation>新增评分表</translation>
    </message>
    <message>
        <source>Counted already</source>
        <translation>已计入</translation>
    </message>
    <message>
        <source>Conflicts</source>
        <translation>冲突</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>说明</translation>
    </message>
    <message>
        <source>Proposal</source>
        <translation>项目</translation>
    </message>
    <message>
        <source>What happened</source>
        <translation>情况说明</translation>
    </message>
    <message>
        <source>Recorded</source>
        <translation>登记时间</translation>
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
    <message>
        <source>Panel</source>
        <translation>评审组</translation>
    </message>
    <message>
        <source>Chair</source>
        <translation>组长</translation>
    </message>
    <message>
        <source>Members</source>
        <translation>人数</translation>
    </message>
    <message>
        <source>Title and affiliation</source>
        <translation>职称及单位</translation>
    </message>
    <message>
        <source>Criterion</source>
        <translation>评分项</translation>
    </message>
    <message>
        <source>Pass 1</source>
        <translation>第一遍</translation>
    </message>
    <message>
        <source>Pass 2</source>
        <translation>第二遍</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <source>User</source>
        <translation>用户</translation>
    </message>
    <message>
        <source>User role</source>
        <translation>角色</translation>
    </message>
    <message>
        <source>Action</source>
        <translation>操作</translation>
    </message>
    <message>
        <source>Changed record</source>
        <translation>变更对象</translation>
    </message>
    <message>
        <source>No.</source>
        <translation>编号</translation>
    </message>
    <message>
        <source>Before → after</source>
        <translation>变更前 → 变更后</translation>
    </message>
    <message>
        <source>User name</source>
        <translation>用户名</translation>
    </message>
    <message>
        <source>Full name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <source>Roles</source>
        <translation>角色</translation>
    </message>
    <message>
        <source>Active</source>
        <translation>启用</translation>
    </message>
    <message>
        <source>Paused until</source>
        <translation>暂停登录至</translation>
    </message>
    <message>
        <source>Signed on</source>
        <translation>签约日期</translation>
    </message>
    <message>
        <source>Reason for change</source>
        <translation>变更原因</translation>
    </message>
    <message>
        <source>Evaluator</source>
        <translation>评估人员</translation>
    </message>
    <message>
        <source>Total</source>
        <translation>合计</translation>
    </message>
    <message>
        <source>Evaluation kind</source>
        <translation>评估类型</translation>
    </message>
    <message>
        <source>Total points</source>
        <translation>总分</translation>
    </message>
    <message>
        <source>Grade</source>
        <translation>等级</translation>
    </message>
    <message>
        <source>Objection window</source>
        <translation>异议期</translation>
    </message>
    <message>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Milestone</source>
        <translation>里程碑</translation>
    </message>
    <message>
        <source>Planned month</source>
        <translation>计划月份</translation>
    </message>
    <message>
        <source>Done on</source>
        <translation>完成日期</translation>
    </message>
    <message>
        <source>Report no.</source>
        <translation>期次</translation>
    </message>
    <message>
        <source>Due on</source>
        <translation>应交日期</translation>
    </message>
    <message>
        <source>Grace until</source>
        <translation>宽限至</translation>
    </message>
    <message>
        <source>Submitted on</source>
        <translation>提交日期</translation>
    </message>
    <message>
        <source>Activities</source>
        <translation>活动场次</translation>
    </message>
    <message>
        <source>People served</source>
        <translation>服务人次</translation>
    </message>
    <message>
        <source>Spent (yuan)</source>
        <translation>支出（元）</translation>
    </message>
    <message>
        <source>Budget check</source>
        <translation>预算核对</translation>
    </message>
    <message>
        <source>Files</source>
        <translation>附件</translation>
    </message>
    <message>
        <source>Late-report rule</source>
        <translation>逾期规则</translation>
    </message>
    <message>
        <source>Budget category</source>
        <translation>预算类别</translation>
    </message>
    <message>
        <source>Approved budget (yuan)</source>
        <translation>核定预算（元）</translation>
    </message>
    <message>
        <source>Spent so far (yuan)</source>
        <translation>累计支出（元）</translation>
    </message>
    <message>
        <source>Budget use</source>
        <translation>预算执行</translation>
    </message>
    <message>
        <source>Visited on</source>
        <translation>走访日期</translation>
    </message>
    <message>
        <source>Visitor</source>
        <translation>走访人</translation>
    </message>
    <message>
        <source>Findings</source>
        <translation>发现情况</translation>
    </message>
    <message>
        <source>Rectification required</source>
        <translation>整改要求</translation>
    </message>
    <message>
        <source>Reports in</source>
        <translation>已交报告</translation>
    </message>
    <message>
        <source>Next report due</source>
        <translation>下期报告</translation>
    </message>
    <message>
        <source>Overdue</source>
        <translation>逾期</translation>
    </message>
    <message>
        <source>Milestones done</source>
        <translation>里程碑</translation>
    </message>
    <message>
        <source>Last visit</source>
        <translation>最近走访</translation>
    </message>
    <message>
        <source>Flags</source>
        <translation>提示</translation>
    </message>
    <message>
        <source>Funding mode</source>
        <translation>方式</translation>
    </message>
    <message>
        <source>Tender code</source>
        <translation>项目编号</translation>
    </message>
    <message>
        <source>Tender project</source>
        <translation>招标项目</translation>
    </message>
    <message>
        <source>Domain</source>
        <translation>服务领域</translation>
    </message>
    <message>
        <source>Ceiling (yuan)</source>
        <translation>最高限价（元）</translation>
    </message>
    <message>
        <source>Price points</source>
        <translation>价格分值</translation>
    </message>
    <message>
        <source>Service period</source>
        <translation>服务期限</translation>
    </message>
    <message>
        <source>Bids</source>
        <translation>投标数</translation>
    </message>
    <message>
        <source>Public notice</source>
        <translation>公示</translation>
    </message>
    <message>
        <source>Bid price (yuan)</source>
        <translation>投标报价（元）</translation>
    </message>
    <message>
        <source>Valid bid</source>
        <translation>投标有效性</translation>
    </message>
    <message>
        <source>Panel part</source>
        <translation>评审分</translation>
    </message>
    <message>
        <source>Price score</source>
        <translation>价格分</translation>
    </message>
</context>
<context>
    <name>Commission</name>
    <message>
        <source>Projects: {count}; total {amount} yuan</source>
        <translation>项目 {count} 个，合计 {amount} 元</translation>
    </message>
    <message>
        <source>{organization} · {amount} yuan · approved by {approver} on {date} · {status}</source>
        <translation>{organization} · {amount} 元 · {approver} 于 {date} 审批 · {status}</translation>
    </message>
    <message>
        <source>No automatic check was stored for this project.</source>
        <translation>该项目没有保存自动检查结果。</translation>
    </message>
    <message>
        <source>Commissioned: intake number {number}, award {award}.</source>
        <translation>已委托：受理编号 {number}，资助记录 {award}。</translation>
    </message>
    <message>
        <source>Commission programme</source>
        <translation>委托计划</translation>
    </message>
    <message>
        <source>Commission a project…</source>
        <translation>委托项目…</translation>
    </message>
    <message>
        <source>Assign a project directly to a qualified organization, with the justification and who approved it.</source>
        <translation>将项目直接委托给符合条件的社会组织，并写明委托理由和审批人。</translation>
    </message>
    <message>
        <source>Justification</source>
        <translation>委托理由</translation>
    </message>
    <message>
        <source>Eligibility checks when commissioned</source>
        <translation>委托时的资格检查</translation>
    </message>
    <message>
        <source>No commission programme yet</source>
        <translation>还没有服务委托计划</translation>
    </message>
    <message>
        <source>Projects are commissioned within a programme: on the Competitions page, create a competition whose mode is “Project commission”, then come back here.</source>
        <translation>项目须在委托计划内委托：请先在“大赛管理”页新建一个模式为“服务委托”的大赛，再回到这里。</translation>
    </message>
    <message>
        <source>{check}: passed — {reason}</source>
        <translation>{check}：通过 — {reason}</translation>
    </message>
    <message>
        <source>{check}: failed, the organization cannot be commissioned — {reason}</source>
        <translation>{check}：未通过，不能委托该机构 — {reason}</translation>
    </message>
    <message>
        <source>{check}: failed (shown, left to the justification) — {reason}</source>
        <translation>{check}：未通过（仅提示，由委托理由说明）— {reason}</translation>
    </message>
    <message>
        <source>Commission a project</source>
        <translation>委托项目</translation>
    </message>
    <message>
        <source>{competition}: the project is assigned directly to the organization and funded at the amount given.</source>
        <translation>{competition}：项目直接委托给承接机构，按所填金额资助。</translation>
    </message>
    <message>
        <source>type part of the name to search</source>
        <translation>输入名称的一部分搜索</translation>
    </message>
    <message>
        <source>Organization:</source>
        <translation>承接机构：</translation>
    </message>
    <message>
        <source>Project:</source>
        <translation>项目名称：</translation>
    </message>
    <message>
        <source>the project&apos;s name</source>
        <translation>项目名称</translation>
    </message>
    <message>
        <source>— none —</source>
        <translation>— 无 —</translation>
    </message>
    <message>
        <source>Service domain:</source>
        <translation>服务领域：</translation>
    </message>
    <message>
        <source>Community:</source>
        <translation>社区：</translation>
    </message>
    <message>
        <source>Amount (yuan):</source>
        <translation>委托金额（元）：</translation>
    </message>
    <message>
        <source>Direct beneficiaries:</source>
        <translation>直接受益人数：</translation>
    </message>
    <message>
        <source>Service from:</source>
        <translation>服务期自：</translation>
    </message>
    <message>
        <source>until:</source>
        <translation>至：</translation>
    </message>
    <message>
        <source>Justification:</source>
        <translation>委托理由：</translation>
    </message>
    <message>
        <source>why this organization is assigned the project directly (required)</source>
        <translation>为何直接委托该机构承接本项目（必填）</translation>
    </message>
    <message>
        <source>who approved it (required)</source>
        <translation>审批人姓名（必填）</translation>
    </message>
    <message>
        <source>Approved by:</source>
        <translation>审批人：</translation>
    </message>
    <message>
        <source>on:</source>
        <translation>日期：</translation>
    </message>
    <message>
        <source>Eligibility checks of the organization on the day of the decision:</source>
        <translation>该机构在决定当日的资格检查：</translation>
    </message>
    <message>
        <source>Choose the organization from the list.</source>
        <translation>请从列表中选择承接机构。</translation>
    </message>
    <message>
        <source>Choose the organization to see its checks.</source>
        <translation>选择承接机构后显示其资格检查结果。</translation>
    </message>
    <message>
        <source>Checking…</source>
        <translation>正在检查…</translation>
    </message>
    <message>
        <source>The programme&apos;s rules check nothing for this organization.</source>
        <translation>该计划的规则对此机构没有需要检查的项目。</translation>
    </message>
</context>
<context>
    <name>CommunityDialog</name>
    <message>
        <source>New community</source>
        <translation>新增社区</translation>
    </message>
    <message>
        <source>District</source>
        <translation>区</translation>
    </message>
    <message>
        <source>Street</source>
        <translation>街道</translation>
    </message>
    <message>
        <source>Community</source>
        <translation>社区</translation>
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
        <source>Monitoring and evaluation</source>
        <translation>监测与评估</translation>
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
        <source>— : not checked. An organization under a bar on applications is always ineligible.</source>
        <translation>—：不审查此项。处于禁止申报期内的机构一律审查不通过。</translation>
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
        <source>No failed evaluation in the last (years)</source>
        <translation>近几年内无评估不合格（年）</translation>
    </message>
    <message>
        <source>Manual checklist</source>
        <translation>人工核查清单</translation>
    </message>
    <message>
        <source>A late progress report withholds the next tranche</source>
        <translation>进度报告逾期即暂停拨付下一期资金</translation>
    </message>
    <message>
        <source>A failed evaluation withholds its tranche</source>
        <translation>评估不合格即暂停拨付相应一期资金</translation>
    </message>
    <message>
        <source>Progress report every (months)</source>
        <translation>进度报告间隔（月）</translation>
    </message>
    <message>
        <source>Grace days after a report&apos;s due date</source>
        <translation>报告截止后的宽限天数</translation>
    </message>
    <message>
        <source>Objection window (days)</source>
        <translation>异议期（天）</translation>
    </message>
    <message>
        <source>Pass grade from (points)</source>
        <translation>合格线（分）</translation>
    </message>
    <message>
        <source>Good grade from (points)</source>
        <translation>良好线（分）</translation>
    </message>
    <message>
        <source>Excellent grade from (points)</source>
        <translation>优秀线（分）</translation>
    </message>
    <message>
        <source>On a failed evaluation, claw back of the money paid</source>
        <translation>评估不合格时追回已拨付资金的比例</translation>
    </message>
    <message>
        <source>On a failed evaluation, bar applications for (years)</source>
        <translation>评估不合格时禁止申报的年限（年）</translation>
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
    <name>ConflictDialog</name>
    <message>
        <source>Conflict of interest: {name}</source>
        <translation>利益回避：{name}</translation>
    </message>
    <message>
        <source>e.g. Serves on the organization&apos;s board since 2024</source>
        <translation>例如：自2024年起担任该机构理事</translation>
    </message>
    <message>
        <source>Proposals of this organization that the judge has not scored yet are taken away from the judge.</source>
        <translation>该评委尚未评分的该机构申报项目将被收回。</translation>
    </message>
    <message>
        <source>Organization</source>
        <translation>机构</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>回避事由</translation>
    </message>
    <message>
        <source>Choose the organization from the list.</source>
        <translation>请从列表中选择机构。</translation>
    </message>
</context>
<context>
    <name>Dashboard</name>
    <message>
        <source>No project</source>
        <translation>无项目</translation>
    </message>
    <message>
        <source>Eligible project</source>
        <translation>有合格项目</translation>
    </message>
    <message>
        <source>Funded</source>
        <translation>已资助</translation>
    </message>
    <message>
        <source>Completed</source>
        <translation>已完成</translation>
    </message>
    <message>
        <source>Excellent</source>
        <translation>优秀</translation>
    </message>
    <message>
        <source>Good</source>
        <translation>良好</translation>
    </message>
    <message>
        <source>Pass</source>
        <translation>合格</translation>
    </message>
    <message>
        <source>Fail</source>
        <translation>不合格</translation>
    </message>
    <message>
        <source>Loading the charts…</source>
        <translation>正在加载图表…</translation>
    </message>
    <message>
        <source>The charts could not be loaded.</source>
        <translation>图表未能加载。</translation>
    </message>
    <message>
        <source>By service domain</source>
        <translation>按服务领域</translation>
    </message>
    <message>
        <source>By community</source>
        <translation>按社区</translation>
    </message>
    <message>
        <source>{width}-point bins</source>
        <translation>每{width}分一组</translation>
    </message>
    <message>
        <source>All years</source>
        <translation>全部年度</translation>
    </message>
    <message>
        <source>{year} (every competition)</source>
        <translation>{year}年（全部大赛）</translation>
    </message>
    <message>
        <source>{year}: {round}</source>
        <translation>{year}年 {round}</translation>
    </message>
    <message>
        <source>Funds by service domain</source>
        <translation>资金投向（按服务领域）</translation>
    </message>
    <message>
        <source>Service domain</source>
        <translation>服务领域</translation>
    </message>
    <message>
        <source>Funds by community</source>
        <translation>资金投向（按社区）</translation>
    </message>
    <message>
        <source>Community</source>
        <translation>社区</translation>
    </message>
    <message>
        <source>(no community given)</source>
        <translation>（未填写社区）</translation>
    </message>
    <message>
        <source>Funded projects</source>
        <translation>资助项目数</translation>
    </message>
    <message>
        <source>Committed (yuan)</source>
        <translation>已承诺（元）</translation>
    </message>
    <message>
        <source>Paid (yuan)</source>
        <translation>已拨付（元）</translation>
    </message>
    <message>
        <source>Money appears here once awards are committed (Funding page).</source>
        <translation>资助确定后（资金管理页）在此显示资金投向。</translation>
    </message>
    <message>
        <source>Total</source>
        <translation>合计</translation>
    </message>
    <message>
        <source>Committed</source>
        <translation>已承诺</translation>
    </message>
    <message>
        <source>Paid</source>
        <translation>已拨付</translation>
    </message>
    <message>
        <source>10,000 yuan</source>
        <translation>万元</translation>
    </message>
    <message>
        <source>{category} · {series}: {amount} yuan</source>
        <translation>{category} · {series}：{amount}元</translation>
    </message>
    <message>
        <source>Needs coverage ({year})</source>
        <translation>需求覆盖（{year}年）</translation>
    </message>
    <message>
        <source>Needs coverage</source>
        <translation>需求覆盖</translation>
    </message>
    <message>
        <source>No community needs are recorded for this year: collect them on the Needs page.</source>
        <translation>本年度尚未登记社区需求，请在“社区需求”页采集。</translation>
    </message>
    <message>
        <source>Needs</source>
        <translation>需求数</translation>
    </message>
    <message>
        <source>{category} · {series}: {count}</source>
        <translation>{category} · {series}：{count}</translation>
    </message>
    <message>
        <source>Score distribution</source>
        <translation>评分分布</translation>
    </message>
    <message>
        <source>No review round in this selection has frozen results yet.</source>
        <translation>所选范围内还没有已锁定结果的评审轮次。</translation>
    </message>
    <message>
        <source>Score distribution: {round}</source>
        <translation>评分分布：{round}</translation>
    </message>
    <message>
        <source>Score band</source>
        <translation>分数段</translation>
    </message>
    <message>
        <source>From (included)</source>
        <translation>下限（含）</translation>
    </message>
    <message>
        <source>To (excluded)</source>
        <translation>上限（不含）</translation>
    </message>
    <message>
        <source>Proposals</source>
        <translation>项目数</translation>
    </message>
    <message>
        <source>Published total (points)</source>
        <translation>公布总分（分）</translation>
    </message>
    <message>
        <source>Evaluation grades</source>
        <translation>评估等级</translation>
    </message>
    <message>
        <source>No evaluation is final yet (after its objection period) in this selection.</source>
        <translation>所选范围内还没有已定稿（异议期满）的评估。</translation>
    </message>
    <message>
        <source>Grade</source>
        <translation>等级</translation>
    </message>
    <message>
        <source>Mid-term evaluations</source>
        <translation>中期评估</translation>
    </message>
    <message>
        <source>Final evaluations</source>
        <translation>终期评估</translation>
    </message>
    <message>
        <source>Mid-term</source>
        <translation>中期评估</translation>
    </message>
    <message>
        <source>Final</source>
        <translation>终期评估</translation>
    </message>
    <message>
        <source>Evaluations</source>
        <translation>评估数</translation>
    </message>
    <message>
        <source>Tranche status</source>
        <translation>拨付状态</translation>
    </message>
    <message>
        <source>No tranche is scheduled in this selection yet.</source>
        <translation>所选范围内还没有拨付计划。</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Tranches</source>
        <translation>笔数</translation>
    </message>
    <message>
        <source>Amount (yuan)</source>
        <translation>金额（元）</translation>
    </message>
    <message>
        <source>{status}: {count} · {share}</source>
        <translation>{status}：{count}笔 · 金额占{share}</translation>
    </message>
    <message>
        <source>{status}: {count} · {amount} yuan</source>
        <translation>{status}：{count}笔 · {amount}元</translation>
    </message>
    <message>
        <source>Charts</source>
        <translation>图表</translation>
    </message>
    <message>
        <source>Show:</source>
        <translation>范围：</translation>
    </message>
</context>
<context>
    <name>Database</name>
    <message>
        <source>Connected to {where}. The database is empty: PSP Desktop creates its tables at the first start on it.</source>
        <translation>已连接到 {where}。该数据库为空：PSP Desktop 首次在其上启动时会自动创建数据表。</translation>
    </message>
    <message>
        <source>Connected to {where}. It was written by an earlier version (schema {revision}) and is upgraded at the first start on it; back it up first (pg_dump).</source>
        <translation>已连接到 {where}。该数据库由旧版本创建（结构版本 {revision}），首次在其上启动时会自动升级；请先备份（pg_dump）。</translation>
    </message>
    <message>
        <source>Connected to {where}. The database is ready (schema {revision}).</source>
        <translation>已连接到 {where}。数据库可以使用（结构版本 {revision}）。</translation>
    </message>
    <message>
        <source>Connecting (at most 5 seconds)…</source>
        <translation>正在连接（最多 5 秒）…</translation>
    </message>
    <message>
        <source>PSP Desktop uses it from its next start.</source>
        <translation>PSP Desktop 下次启动时将使用此数据库。</translation>
    </message>
    <message>
        <source>PSP Desktop uses this PC&apos;s own database file from its next start.</source>
        <translation>PSP Desktop 下次启动时将使用本机自己的数据库文件。</translation>
    </message>
    <message>
        <source>Note: PSP_DATABASE_URL is set on this PC and wins over this choice.</source>
        <translation>注意：本机设置了 PSP_DATABASE_URL 环境变量，它优先于此处的选择。</translation>
    </message>
    <message>
        <source>Nothing was changed. {reason}</source>
        <translation>未做任何更改。{reason}</translation>
    </message>
    <message>
        <source>This PC&apos;s own database file</source>
        <translation>本机自己的数据库文件</translation>
    </message>
    <message>
        <source>Several PCs of a district can share one PostgreSQL database. The database is chosen in this order: --db when PSP Desktop is started, the PSP_DATABASE_URL environment variable, the choice made here, and otherwise this PC&apos;s own database file.</source>
        <translation>一个区的多台电脑可以共用一个 PostgreSQL 数据库。数据库按以下顺序选择：启动 PSP Desktop 时的 --db 参数、PSP_DATABASE_URL 环境变量、此处的选择，否则使用本机自己的数据库文件。</translation>
    </message>
    <message>
        <source>Chosen for the next start</source>
        <translation>下次启动使用</translation>
    </message>
    <message>
        <source>Test connection</source>
        <translation>测试连接</translation>
    </message>
    <message>
        <source>Use this database</source>
        <translation>使用此数据库</translation>
    </message>
    <message>
        <source>Use this PC&apos;s own file</source>
        <translation>使用本机数据库文件</translation>
    </message>
</context>
<context>
    <name>Designer</name>
    <message>
        <source>Seal</source>
        <translation>公章</translation>
    </message>
    <message>
        <source>Background</source>
        <translation>背景图</translation>
    </message>
    <message>
        <source>Title</source>
        <translation>标题</translation>
    </message>
    <message>
        <source>Addressee</source>
        <translation>抬头</translation>
    </message>
    <message>
        <source>Body text</source>
        <translation>正文</translation>
    </message>
    <message>
        <source>Issuing authority</source>
        <translation>颁发单位</translation>
    </message>
    <message>
        <source>Date</source>
        <translation>日期</translation>
    </message>
    <message>
        <source>Serial number</source>
        <translation>编号</translation>
    </message>
    <message>
        <source>QR code</source>
        <translation>二维码</translation>
    </message>
    <message>
        <source>Item</source>
        <translation>项目</translation>
    </message>
    <message>
        <source>X (mm)</source>
        <translation>X（毫米）</translation>
    </message>
    <message>
        <source>Y (mm)</source>
        <translation>Y（毫米）</translation>
    </message>
    <message>
        <source>Width (mm)</source>
        <translation>宽（毫米）</translation>
    </message>
    <message>
        <source>Height (mm)</source>
        <translation>高（毫米）</translation>
    </message>
    <message>
        <source>Font size (pt)</source>
        <translation>字号（磅）</translation>
    </message>
    <message>
        <source>Certificate design</source>
        <translation>证书样式</translation>
    </message>
    <message>
        <source>Document</source>
        <translation>文书</translation>
    </message>
    <message>
        <source>The office&apos;s images</source>
        <translation>本单位图片</translation>
    </message>
    <message>
        <source>The seal is printed only from the image your office supplies (a scan of the seal, PNG or JPEG, ideally on a transparent or white background); the app never draws one.</source>
        <translation>公章只使用本单位提供的图片（公章扫描件，PNG 或 JPEG，最好是透明或白色背景）；本软件绝不自行绘制公章。</translation>
    </message>
    <message>
        <source>Positions, from the top-left corner of the page</source>
        <translation>位置（从页面左上角量起）</translation>
    </message>
    <message>
        <source>Choose…</source>
        <translation>选择…</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>移除</translation>
    </message>
    <message>
        <source>Save</source>
        <translation>保存</translation>
    </message>
    <message>
        <source>Reset to the shipped design</source>
        <translation>恢复出厂样式</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>Updating the preview…</source>
        <translation>正在更新预览…</translation>
    </message>
    <message>
        <source>Specimen with made-up names; nothing is issued.</source>
        <translation>样张，名称均为虚构；不会颁发任何文书。</translation>
    </message>
    <message>
        <source>The preview could not be made with these values.</source>
        <translation>按这些数值无法生成预览。</translation>
    </message>
    <message>
        <source>None</source>
        <translation>无</translation>
    </message>
    <message>
        <source>Missing</source>
        <translation>缺失</translation>
    </message>
    <message>
        <source>Choose the image</source>
        <translation>选择图片</translation>
    </message>
    <message>
        <source>Images (*.png *.jpg *.jpeg)</source>
        <translation>图片 (*.png *.jpg *.jpeg)</translation>
    </message>
    <message>
        <source>Saved: new certificates use this design.</source>
        <translation>已保存：今后制作的证书将使用此样式。</translation>
    </message>
    <message>
        <source>Reset the design</source>
        <translation>恢复样式</translation>
    </message>
    <message>
        <source>Put every position and size of the {document} back as shipped? The office&apos;s images stay.</source>
        <translation>把{document}的所有位置和大小恢复为出厂样式吗？本单位的图片会保留。</translation>
    </message>
    <message>
        <source>The shipped design is back.</source>
        <translation>已恢复出厂样式。</translation>
    </message>
    <message>
        <source>Unsaved changes</source>
        <translation>修改未保存</translation>
    </message>
    <message>
        <source>The changes to the {document} are not saved. Discard them?</source>
        <translation>对{document}的修改尚未保存。要放弃这些修改吗？</translation>
    </message>
</context>
<context>
    <name>Documents</name>
    <message>
        <source>Award certificates (funded projects)</source>
        <translation>荣誉证书（获资助项目）</translation>
    </message>
    <message>
        <source>Appointment letters (judges)</source>
        <translation>聘书（评委）</translation>
    </message>
    <message>
        <source>Participation certificates (eligible projects not funded)</source>
        <translation>参与证书（通过审查但未获资助的项目）</translation>
    </message>
    <message>
        <source>Make certificates</source>
        <translation>制作证书</translation>
    </message>
    <message>
        <source>Also issue again to those who already hold one (their old ones are voided)</source>
        <translation>已颁发过的也重新颁发（原文书作废）</translation>
    </message>
    <message>
        <source>One combined PDF (for printing)</source>
        <translation>合并为一个 PDF（便于打印）</translation>
    </message>
    <message>
        <source>One PDF file for each</source>
        <translation>每份单独一个 PDF 文件</translation>
    </message>
    <message>
        <source>Choose…</source>
        <translation>选择…</translation>
    </message>
    <message>
        <source>Competition</source>
        <translation>大赛</translation>
    </message>
    <message>
        <source>Documents</source>
        <translation>文书</translation>
    </message>
    <message>
        <source>Date on the documents</source>
        <translation>颁发日期</translation>
    </message>
    <message>
        <source>Files</source>
        <translation>文件</translation>
    </message>
    <message>
        <source>Folder</source>
        <translation>保存位置</translation>
    </message>
    <message>
        <source>Each document is entered in the register with its own serial number and a signed QR code. If you cancel, or anything goes wrong, nothing is issued and no file is left in the folder.</source>
        <translation>每份文书都以独立编号和带签名的二维码登记入册。如果中途取消或出现任何问题，将不颁发任何文书，文件夹中也不会留下文件。</translation>
    </message>
    <message>
        <source>Open the folder</source>
        <translation>打开文件夹</translation>
    </message>
    <message>
        <source>Preview and print…</source>
        <translation>预览并打印…</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>There are no competitions yet.</source>
        <translation>还没有大赛。</translation>
    </message>
    <message>
        <source>Counting…</source>
        <translation>正在统计…</translation>
    </message>
    <message>
        <source>All {held} have been issued already. To replace them, tick the box below.</source>
        <translation>这 {held} 份已全部颁发。如需替换，请勾选下方的“重新颁发”。</translation>
    </message>
    <message>
        <source>{count} to issue in this competition; {held} already hold one.</source>
        <translation>本大赛可颁发 {count} 份；另有 {held} 份已颁发。</translation>
    </message>
    <message>
        <source>{count} to issue in this competition.</source>
        <translation>本大赛可颁发 {count} 份。</translation>
    </message>
    <message>
        <source>Nobody in this competition gets this document yet: award certificates go to funded projects, letters to the judges on its panels, participation certificates to eligible projects that were not funded.</source>
        <translation>本大赛目前没有人可获此类文书：荣誉证书颁给获资助的项目，聘书颁给评审组中的评委，参与证书颁给通过资格审查但未获资助的项目。</translation>
    </message>
    <message>
        <source>Folder for the PDF files</source>
        <translation>PDF 文件的保存文件夹</translation>
    </message>
    <message>
        <source>Making the documents…</source>
        <translation>正在制作文书…</translation>
    </message>
    <message>
        <source>Cancelling: the documents made so far are being removed…</source>
        <translation>正在取消：正在删除已生成的文书…</translation>
    </message>
    <message>
        <source>{count} documents issued and saved in {folder}.</source>
        <translation>已颁发 {count} 份文书，保存在 {folder}。</translation>
    </message>
    <message>
        <source>Serials {first} to {last}.</source>
        <translation>编号 {first} 至 {last}。</translation>
    </message>
    <message>
        <source>Cancelled: nothing was issued and no file was left in the folder.</source>
        <translation>已取消：没有颁发任何文书，文件夹中也没有留下文件。</translation>
    </message>
    <message>
        <source>The files could not be written: {problem}</source>
        <translation>无法写入文件：{problem}</translation>
    </message>
    <message>
        <source>Preview: {name}</source>
        <translation>预览：{name}</translation>
    </message>
    <message>
        <source>Print…</source>
        <translation>打印…</translation>
    </message>
    <message>
        <source>Save as…</source>
        <translation>另存为…</translation>
    </message>
    <message>
        <source>Whole page</source>
        <translation>整页显示</translation>
    </message>
    <message>
        <source>{name} could not be opened as a PDF.</source>
        <translation>{name} 无法作为 PDF 打开。</translation>
    </message>
    <message>
        <source>Page {page} / {count}</source>
        <translation>第 {page} / {count} 页</translation>
    </message>
    <message>
        <source>Stop printing</source>
        <translation>停止打印</translation>
    </message>
    <message>
        <source>Sending to the printer…</source>
        <translation>正在发送到打印机…</translation>
    </message>
    <message>
        <source>Printing page {done} / {total}</source>
        <translation>正在打印第 {done} / {total} 页</translation>
    </message>
    <message>
        <source>{count} page(s) sent to the printer.</source>
        <translation>已向打印机发送 {count} 页。</translation>
    </message>
    <message>
        <source>Printing stopped.</source>
        <translation>已停止打印。</translation>
    </message>
    <message>
        <source>The printer did not accept the document: {problem}</source>
        <translation>打印机未接受该文档：{problem}</translation>
    </message>
    <message>
        <source>Save the PDF</source>
        <translation>保存 PDF</translation>
    </message>
    <message>
        <source>The PDF was not saved: {problem}</source>
        <translation>PDF 未保存：{problem}</translation>
    </message>
    <message>
        <source>Saved as {path}.</source>
        <translation>已另存为 {path}。</translation>
    </message>
    <message>
        <source>Genuine and valid</source>
        <translation>真实有效</translation>
    </message>
    <message>
        <source>Voided</source>
        <translation>已作废</translation>
    </message>
    <message>
        <source>Forged or altered</source>
        <translation>伪造或被篡改</translation>
    </message>
    <message>
        <source>Not in this register</source>
        <translation>本登记簿中没有</translation>
    </message>
    <message>
        <source>Serial</source>
        <translation>编号</translation>
    </message>
    <message>
        <source>Document</source>
        <translation>文书</translation>
    </message>
    <message>
        <source>Issued to</source>
        <translation>颁发对象</translation>
    </message>
    <message>
        <source>Project</source>
        <translation>项目</translation>
    </message>
    <message>
        <source>Award or role</source>
        <translation>奖项或职务</translation>
    </message>
    <message>
        <source>Issued by</source>
        <translation>颁发单位</translation>
    </message>
    <message>
        <source>Issued on</source>
        <translation>颁发日期</translation>
    </message>
    <message>
        <source>Reason for voiding</source>
        <translation>作废原因</translation>
    </message>
    <message>
        <source>What the code claims (not to be trusted):</source>
        <translation>编码中声称的内容（不可采信）：</translation>
    </message>
    <message>
        <source>What was issued, as signed (compare it with the paper):</source>
        <translation>签发时登记的内容（请与纸面核对）：</translation>
    </message>
    <message>
        <source>Verify a document</source>
        <translation>查验文书真伪</translation>
    </message>
    <message>
        <source>Scan the QR code on the document with a code scanner, or paste the code text here, and press Enter. Or choose the PDF file. The check is made on this computer against the register and the office&apos;s signing keys; no internet connection is needed.</source>
        <translation>用扫码枪扫描文书上的二维码，或把编码文本粘贴到这里后按回车；也可以选择 PDF 文件。查验在本机上对照登记簿和本单位的签名密钥进行，无需联网。</translation>
    </message>
    <message>
        <source>PSP1.…</source>
        <translation>PSP1.…</translation>
    </message>
    <message>
        <source>Verify</source>
        <translation>查验</translation>
    </message>
    <message>
        <source>Choose PDF…</source>
        <translation>选择 PDF…</translation>
    </message>
    <message>
        <source>Choose the PDF to verify</source>
        <translation>选择要查验的 PDF 文件</translation>
    </message>
    <message>
        <source>Checking…</source>
        <translation>正在查验…</translation>
    </message>
    <message>
        <source>File checked: {name}</source>
        <translation>已查验文件：{name}</translation>
    </message>
    <message>
        <source>Code checked.</source>
        <translation>已查验编码。</translation>
    </message>
    <message>
        <source>The file could not be read: {problem}</source>
        <translation>无法读取文件：{problem}</translation>
    </message>
    <message>
        <source>Valid</source>
        <translation>有效</translation>
    </message>
    <message>
        <source>Voided: {reason}</source>
        <translation>已作废：{reason}</translation>
    </message>
    <message>
        <source>Void a document</source>
        <translation>作废文书</translation>
    </message>
    <message>
        <source>{document} · issued on {date}</source>
        <translation>{document} · 颁发于 {date}</translation>
    </message>
    <message>
        <source>A voided document stays in the register; verifying it afterwards says “Voided” with your reason. This cannot be undone.</source>
        <translation>作废的文书仍留在登记簿中，日后查验会显示“已作废”及您填写的原因。此操作无法撤销。</translation>
    </message>
    <message>
        <source>Why the document is voided (required)</source>
        <translation>作废原因（必填）</translation>
    </message>
    <message>
        <source>Void the document</source>
        <translation>作废此文书</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>原因</translation>
    </message>
    <message>
        <source>{count} documents issued.</source>
        <translation>已颁发 {count} 份文书。</translation>
    </message>
    <message>
        <source>{serial} is voided.</source>
        <translation>{serial} 已作废。</translation>
    </message>
    <message>
        <source>Preview</source>
        <translation>预览</translation>
    </message>
    <message>
        <source>This PC keeps no copy of the PDF of {serial}; the register holds only its fingerprint. Choose the file to preview it?</source>
        <translation>本机没有保存 {serial} 的 PDF 副本，登记簿中只有它的指纹。要选择文件来预览吗？</translation>
    </message>
    <message>
        <source>Choose a PDF</source>
        <translation>选择 PDF 文件</translation>
    </message>
    <message>
        <source>All documents</source>
        <translation>全部文书</translation>
    </message>
    <message>
        <source>Search serial, name…</source>
        <translation>搜索编号、名称…</translation>
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
        <source>{path} is damaged: the integrity check found “{problem}”. The file was not changed. Restore a backup with “psp --db {path} restore BACKUP”; automatic backups are kept in {folder}.</source>
        <translation>{path} 已损坏：完整性检查发现“{problem}”。文件未作任何改动。请用“psp --db {path} restore 备份文件”恢复备份；自动备份保存在 {folder}。</translation>
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
        <source>The database file {path} is read-only. Ask for write permission, or copy it to a folder of your own and open the copy.</source>
        <translation>数据库文件 {path} 为只读。请申请写入权限，或把它复制到您自己的文件夹后打开副本。</translation>
    </message>
    <message>
        <source>Cannot open {path}: {reason}</source>
        <translation>无法打开 {path}：{reason}</translation>
    </message>
    <message>
        <source>The server {where} refused the user name or password: check both (user “{user}”).</source>
        <translation>服务器 {where} 拒绝了该用户名或密码：请检查两者（用户“{user}”）。</translation>
    </message>
    <message>
        <source>The server {where} has no user “{user}”. Check the user name.</source>
        <translation>服务器 {where} 上没有用户“{user}”。请检查用户名。</translation>
    </message>
    <message>
        <source>There is no database “{database}” on the server {where}. Check its name, or have it created.</source>
        <translation>服务器 {where} 上没有数据库“{database}”。请检查名称，或请管理员创建该数据库。</translation>
    </message>
    <message>
        <source>The server {where} does not accept connections from this PC (pg_hba.conf). Ask the person who runs the server to allow it.</source>
        <translation>服务器 {where} 不接受本机的连接（pg_hba.conf）。请联系服务器管理员允许本机连接。</translation>
    </message>
    <message>
        <source>Nothing answers at {host}, port {port}: the server is off, the port is wrong, or a firewall blocks it.</source>
        <translation>{host} 的端口 {port} 无响应：服务器未开启、端口错误，或被防火墙拦截。</translation>
    </message>
    <message>
        <source>{host} did not answer within {seconds} seconds: check the address, the network and the firewall.</source>
        <translation>{host} 在 {seconds} 秒内没有响应：请检查地址、网络和防火墙。</translation>
    </message>
    <message>
        <source>The server name {host} is not known on this network. Check the address.</source>
        <translation>在本网络中找不到服务器名称 {host}。请检查地址。</translation>
    </message>
    <message>
        <source>Cannot connect to the database server {where}: {reason}</source>
        <translation>无法连接数据库服务器 {where}：{reason}</translation>
    </message>
    <message>
        <source>{where} already holds tables of another program; it is not a PSP Desktop database. Use an empty database.</source>
        <translation>{where} 中已有其他程序的数据表，不是 PSP Desktop 数据库。请使用一个空数据库。</translation>
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
        <source>Give both the laptop&apos;s name and its public key.</source>
        <translation>请同时填写笔记本名称和它的公钥。</translation>
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
        <source>the ceiling price must be more than zero</source>
        <translation>最高限价必须大于零</translation>
    </message>
    <message>
        <source>the ceiling price is too large</source>
        <translation>最高限价过大</translation>
    </message>
    <message>
        <source>the price points must be between 0 and 100</source>
        <translation>价格分值必须在 0 到 100 分之间</translation>
    </message>
    <message>
        <source>the service period ends before it starts</source>
        <translation>服务期限的结束日期早于开始日期</translation>
    </message>
    <message>
        <source>Bids for {code} have been received: its ceiling and price points can no longer be changed.</source>
        <translation>招标项目 {code} 已收到投标：最高限价和价格分值不能再修改。</translation>
    </message>
    <message>
        <source>{competition} is not a bidding competition: tender projects belong to bidding competitions only.</source>
        <translation>{competition}不是公益招投标：招标项目只能设在招投标类大赛中。</translation>
    </message>
    <message>
        <source>The tender code {code} is already used.</source>
        <translation>招标项目编号 {code} 已被使用。</translation>
    </message>
    <message>
        <source>There is no tender project with number {id}.</source>
        <translation>没有编号为 {id} 的招标项目。</translation>
    </message>
    <message>
        <source>Tender {code} is closed: it takes no more bids or changes.</source>
        <translation>招标项目 {code} 已截止：不再接受投标或修改。</translation>
    </message>
    <message>
        <source>choose the tender project this bid is for</source>
        <translation>请选择投标的招标项目</translation>
    </message>
    <message>
        <source>tender project {id} is not in this competition</source>
        <translation>招标项目 {id} 不属于本大赛</translation>
    </message>
    <message>
        <source>tender {code} is closed: it takes no more bids</source>
        <translation>招标项目 {code} 已截止：不再接受投标</translation>
    </message>
    <message>
        <source>There is no proposal with number {id}.</source>
        <translation>没有编号为 {id} 的申报项目。</translation>
    </message>
    <message>
        <source>“{title}” belongs to another competition: it cannot bid for tender {code}.</source>
        <translation>“{title}”属于另一个大赛，不能投标招标项目 {code}。</translation>
    </message>
    <message>
        <source>This proposal has been screened and can no longer be changed.</source>
        <translation>该项目已完成资格审查，不能再修改。</translation>
    </message>
    <message>
        <source>“{title}” has not been received (it is a draft or withdrawn): only a received application can bid.</source>
        <translation>“{title}”尚未受理（草稿或已撤回）：只有已受理的申报才能投标。</translation>
    </message>
    <message>
        <source>Give the panel&apos;s reason for accepting or rejecting the single bid.</source>
        <translation>请填写评标委员会接受或否决该唯一投标的理由。</translation>
    </message>
    <message>
        <source>Tender {code} has {count} valid bids, not one: award it on the evaluation instead.</source>
        <translation>招标项目 {code} 有 {count} 份有效投标，不是一份：请按评标结果确定中标人。</translation>
    </message>
    <message>
        <source>“{title}” already has an award.</source>
        <translation>“{title}”已有资助记录。</translation>
    </message>
    <message>
        <source>Tender {code} already has its winner: one winner per tender.</source>
        <translation>招标项目 {code} 已有中标人：每个招标项目只能有一个中标人。</translation>
    </message>
    <message>
        <source>Tender {code} was already closed without a winner: {reason}</source>
        <translation>招标项目 {code} 已按无中标人（流标）结束：{reason}</translation>
    </message>
    <message>
        <source>Proposal {id} is not a bid for tender {code}.</source>
        <translation>申报 {id} 不是对招标项目 {code} 的投标。</translation>
    </message>
    <message>
        <source>“{title}” is not a valid bid ({why}): it cannot win.</source>
        <translation>“{title}”不是有效投标（{why}），不能中标。</translation>
    </message>
    <message>
        <source>The panel has not scored tender {code}: there are no results to award it on.</source>
        <translation>评标委员会尚未对招标项目 {code} 评分：没有可据以确定中标人的结果。</translation>
    </message>
    <message>
        <source>The panel&apos;s results for tender {code} are not final: round {round} is not frozen.</source>
        <translation>招标项目 {code} 的评标结果尚未确定：轮次“{round}”尚未锁定。</translation>
    </message>
    <message>
        <source>“{title}” is not the first-ranked bid: give the reason for choosing it.</source>
        <translation>“{title}”不是排名第一的投标：请填写选择它的理由。</translation>
    </message>
    <message>
        <source>Give the reason why tender {code} has no winner.</source>
        <translation>请填写招标项目 {code} 无中标人（流标）的理由。</translation>
    </message>
    <message>
        <source>The share of the request must be between 1 and 100 percent, not {value}.</source>
        <translation>资助比例须在 1% 到 100% 之间，不能是 {value}。</translation>
    </message>
    <message>
        <source>The competition names no award levels with a count.</source>
        <translation>本届大赛未设定有名额的奖项等级。</translation>
    </message>
    <message>
        <source>An award level has a negative count or an amount out of range.</source>
        <translation>有奖项等级的名额为负数或金额超出范围。</translation>
    </message>
    <message>
        <source>The results are not final: round {round} is not frozen.</source>
        <translation>评审结果尚未最终确定：“{round}”的结果尚未锁定。</translation>
    </message>
    <message>
        <source>The competition has no review rounds, so no ranking.</source>
        <translation>本届大赛没有评审轮次，因而没有排名。</translation>
    </message>
    <message>
        <source>{competition} is not a venture competition: its projects are funded by deciding each tender or by commissioning, on the Bidding and commission page, not by an allocation.</source>
        <translation>{competition}不是公益创投大赛：其项目在“招投标与委托”页通过定标或委托确定资助，不能用资助方案分配。</translation>
    </message>
    <message>
        <source>There is no competition with number {id}.</source>
        <translation>没有编号为 {id} 的大赛。</translation>
    </message>
    <message>
        <source>Proposal {id} is not in this competition or is listed twice.</source>
        <translation>项目 {id} 不属于本届大赛，或被重复列入。</translation>
    </message>
    <message>
        <source>The awards add up to {total} yuan, more than the pool of {pool} yuan.</source>
        <translation>资助金额合计 {total} 元，超过资金池 {pool} 元。</translation>
    </message>
    <message>
        <source>An amount cannot be negative.</source>
        <translation>金额不能为负数。</translation>
    </message>
    <message>
        <source>The amount {amount} yuan is too large.</source>
        <translation>金额 {amount} 元过大。</translation>
    </message>
    <message>
        <source>A tender&apos;s award is its winning bid price and cannot be changed; cancel it with a reason if the contract is not kept.</source>
        <translation>招标项目的资助金额就是中标报价，不能修改；如合同不再履行，请说明理由后取消资助。</translation>
    </message>
    <message>
        <source>This award is cancelled or completed and cannot be changed.</source>
        <translation>该资助已取消或已全部拨付，不能再修改。</translation>
    </message>
    <message>
        <source>An award of zero: cancel the award instead.</source>
        <translation>资助金额为零：请改为取消资助。</translation>
    </message>
    <message>
        <source>{paid} yuan has already been paid on this award; it cannot be lowered to {amount} yuan.</source>
        <translation>该项目已拨付 {paid} 元，资助金额不能降到 {amount} 元。</translation>
    </message>
    <message>
        <source>{amount} yuan is above the cap per project of {cap} yuan.</source>
        <translation>{amount} 元超过单项资助上限 {cap} 元。</translation>
    </message>
    <message>
        <source>This would commit {committed} yuan, more than the pool of {pool} yuan ({over} yuan over).</source>
        <translation>这样已承诺金额将达 {committed} 元，超过资金池 {pool} 元（超出 {over} 元）。</translation>
    </message>
    <message>
        <source>This award is already cancelled.</source>
        <translation>该资助已取消。</translation>
    </message>
    <message>
        <source>Give a reason: it goes into the change log.</source>
        <translation>请填写原因，原因将记入变更记录。</translation>
    </message>
    <message>
        <source>There is no award with number {id}.</source>
        <translation>不存在编号为 {id} 的资助项目。</translation>
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
        <source>The award {id} was cancelled: the project is no longer monitored.</source>
        <translation>资助 {id} 已撤销：该项目不再监测。</translation>
    </message>
    <message>
        <source>The award {id} was never funded (it is proposed or on the reserve list): a project is monitored only once it is funded.</source>
        <translation>资助 {id} 从未获得资助（仅为拟资助或在候补名单上）：项目获得资助后才进行监测。</translation>
    </message>
    <message>
        <source>Give the milestone a title.</source>
        <translation>请填写里程碑名称。</translation>
    </message>
    <message>
        <source>The milestone title is longer than {n} characters.</source>
        <translation>里程碑名称超过 {n} 个字。</translation>
    </message>
    <message>
        <source>There is no milestone with number {id}.</source>
        <translation>没有编号为 {id} 的里程碑。</translation>
    </message>
    <message>
        <source>This milestone&apos;s project was never funded: there is nothing to monitor.</source>
        <translation>该里程碑所属项目未获资助：无需监测。</translation>
    </message>
    <message>
        <source>The completion date {date} is in the future.</source>
        <translation>完成日期 {date} 晚于今天。</translation>
    </message>
    <message>
        <source>This project has milestones already: edit them, or delete them all before filling them in from the proposal again.</source>
        <translation>该项目已有里程碑：请直接修改，或全部删除后再从申报书重新生成。</translation>
    </message>
    <message>
        <source>The proposal&apos;s activity plan is empty: there is nothing to draft milestones from.</source>
        <translation>申报书的活动计划为空：无法生成里程碑。</translation>
    </message>
    <message>
        <source>The number of activities held must be a whole number, not negative: {value}.</source>
        <translation>开展活动场次必须是不小于 0 的整数：{value}。</translation>
    </message>
    <message>
        <source>The number of people served must be a whole number, not negative: {value}.</source>
        <translation>服务人次必须是不小于 0 的整数：{value}。</translation>
    </message>
    <message>
        <source>The submission date {date} is in the future.</source>
        <translation>提交日期 {date} 晚于今天。</translation>
    </message>
    <message>
        <source>The narrative is longer than {n} characters.</source>
        <translation>情况说明超过 {n} 个字。</translation>
    </message>
    <message>
        <source>{category} is not a budget category.</source>
        <translation>{category} 不是预算类别。</translation>
    </message>
    <message>
        <source>Spending on {category} must be an amount from zero to 10,000,000,000 yuan: {amount}.</source>
        <translation>{category}支出须为 0 至 100 亿元之间的金额：{amount}。</translation>
    </message>
    <message>
        <source>The file name {name} is longer than {n} characters.</source>
        <translation>文件名 {name} 超过 {n} 个字符。</translation>
    </message>
    <message>
        <source>Every scheduled report of this project is in: give the due date of the report.</source>
        <translation>该项目计划内的报告已全部提交：请填写这份报告的应交日期。</translation>
    </message>
    <message>
        <source>The due date {date} is outside the project period ({start} to {end}).</source>
        <translation>应交日期 {date} 不在项目执行期内（{start} 至 {end}）。</translation>
    </message>
    <message>
        <source>There is no report file with number {id}.</source>
        <translation>没有编号为 {id} 的报告附件。</translation>
    </message>
    <message>
        <source>The stored copy of {name} is missing or damaged.</source>
        <translation>附件“{name}”的存档副本缺失或已损坏。</translation>
    </message>
    <message>
        <source>The visit date {date} is in the future.</source>
        <translation>走访日期 {date} 晚于今天。</translation>
    </message>
    <message>
        <source>Give the name of the visitor.</source>
        <translation>请填写走访人。</translation>
    </message>
    <message>
        <source>The visitor&apos;s name is longer than {n} characters.</source>
        <translation>走访人姓名超过 {n} 个字。</translation>
    </message>
    <message>
        <source>Say what must be rectified.</source>
        <translation>请写明需要整改的内容。</translation>
    </message>
    <message>
        <source>There is no site visit with number {id}.</source>
        <translation>没有编号为 {id} 的实地走访记录。</translation>
    </message>
    <message>
        <source>The rectification on {date} cannot come before the visit.</source>
        <translation>整改日期 {date} 不能早于走访日期。</translation>
    </message>
    <message>
        <source>This visit asked for no rectification.</source>
        <translation>这次走访没有提出整改要求。</translation>
    </message>
    <message>
        <source>This rectification was already recorded on {date}.</source>
        <translation>该整改已于 {date} 登记完成。</translation>
    </message>
    <message>
        <source>The rectification date {date} is in the future.</source>
        <translation>整改日期 {date} 晚于今天。</translation>
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
        <source>{field} must be a whole number from 1 (highest) to 5 (lowest)</source>
        <translation>{field}须为1（最高）至5（最低）的整数</translation>
    </message>
    <message>
        <source>{field}: {date} is too long ago</source>
        <translation>{field}：{date}过早，请核对</translation>
    </message>
    <message>
        <source>There is no community need with number {id}.</source>
        <translation>没有编号为 {id} 的社区需求。</translation>
    </message>
    <message>
        <source>There is no community with number {id}.</source>
        <translation>没有编号为 {id} 的社区。</translation>
    </message>
    <message>
        <source>A commission needs its justification: write why this organization is assigned the project.</source>
        <translation>服务委托须写明委托理由：请说明为何将该项目委托给此机构。</translation>
    </message>
    <message>
        <source>The justification is {length} characters long; at most {limit} are allowed.</source>
        <translation>委托理由共{length}字，最多{limit}字。</translation>
    </message>
    <message>
        <source>A commission needs the name of the person who approved it.</source>
        <translation>服务委托须填写批准人。</translation>
    </message>
    <message>
        <source>The approver&apos;s name is longer than {limit} characters.</source>
        <translation>批准人姓名超过{limit}个字符。</translation>
    </message>
    <message>
        <source>The amount of a commission must be more than zero.</source>
        <translation>委托金额必须大于零。</translation>
    </message>
    <message>
        <source>The budget lines add up to {total} yuan, less than the commissioned amount of {amount} yuan.</source>
        <translation>预算明细合计{total}元，少于委托金额{amount}元。</translation>
    </message>
    <message>
        <source>{competition} is not a commission programme: projects are assigned directly only in commission mode.</source>
        <translation>{competition}不是服务委托项目：只有服务委托模式才能直接委托项目。</translation>
    </message>
    <message>
        <source>{competition} is closed.</source>
        <translation>{competition}已结项。</translation>
    </message>
    <message>
        <source>{organization} cannot be commissioned: {reason}.</source>
        <translation>不能委托给{organization}：{reason}。</translation>
    </message>
    <message>
        <source>There is no competition theme with number {id}.</source>
        <translation>没有编号为 {id} 的大赛主题。</translation>
    </message>
    <message>
        <source>“{title}” cannot be deleted: the proposals {names} answer it. Unlink it from them first.</source>
        <translation>“{title}”不能删除：申报项目{names}关联了该需求。请先取消关联。</translation>
    </message>
    <message>
        <source>“{title}” cannot be deleted: the competition themes {names} target it. Unlink it from them first.</source>
        <translation>“{title}”不能删除：大赛主题{names}关联了该需求。请先取消关联。</translation>
    </message>
    <message>
        <source>“{title}” cannot be deleted: the tender projects {names} answer it. Unlink it from them first.</source>
        <translation>“{title}”不能删除：招标项目{names}关联了该需求。请先取消关联。</translation>
    </message>
    <message>
        <source>{district} {street} {name} is registered already.</source>
        <translation>{district}{street}{name}已登记。</translation>
    </message>
    <message>
        <source>{field} is longer than {limit} characters</source>
        <translation>{field}超过 {limit} 字</translation>
    </message>
    <message>
        <source>The organization chosen as the affiliation no longer exists.</source>
        <translation>所选的工作单位机构已不存在。</translation>
    </message>
    <message>
        <source>{judge} has proposals assigned in round “{round}”; remove them (or freeze the round) before taking the judge off the roster.</source>
        <translation>{judge}在“{round}”中仍有分配的项目；请先取消分配（或锁定该轮结果），再移出专家库。</translation>
    </message>
    <message>
        <source>There is no such conflict; it may have been removed.</source>
        <translation>该回避记录不存在，可能已被删除。</translation>
    </message>
    <message>
        <source>{judge} works for {organization}: this conflict stays while that is the judge&apos;s affiliation.</source>
        <translation>{judge}任职于{organization}：工作单位未变更前，该回避不能撤销。</translation>
    </message>
    <message>
        <source>This round already has a panel called “{name}”.</source>
        <translation>本轮已有名为“{name}”的评审组。</translation>
    </message>
    <message>
        <source>{judge} is listed twice on this panel.</source>
        <translation>{judge}在本评审组中重复出现。</translation>
    </message>
    <message>
        <source>{judge} already sits on panel “{panel}” of this round; a judge sits on one panel per round.</source>
        <translation>{judge}已在本轮的“{panel}”中；同一轮次每位评委只能加入一个评审组。</translation>
    </message>
    <message>
        <source>Choose the judge group of {judge}: round “{round}” weighs its groups separately.</source>
        <translation>请为{judge}选择评委类别：“{round}”按评委类别分别计权。</translation>
    </message>
    <message>
        <source>The judge group of {judge} is not a group of round “{round}”.</source>
        <translation>{judge}的评委类别不属于“{round}”。</translation>
    </message>
    <message>
        <source>A panel has at most one chair.</source>
        <translation>每个评审组最多设一名组长。</translation>
    </message>
    <message>
        <source>{judges} already submitted score sheets in this round; their place on the panel and their group cannot change (reopen the sheets first).</source>
        <translation>{judges}已在本轮提交评分表，其所在评审组和评委类别不能更改（请先退回评分表）。</translation>
    </message>
    <message>
        <source>There is no such panel; it may have been removed.</source>
        <translation>该评审组不存在，可能已被删除。</translation>
    </message>
    <message>
        <source>Panel “{panel}” cannot be deleted: {judges} already submitted score sheets in this round.</source>
        <translation>评审组“{panel}”不能删除：{judges}已在本轮提交评分表。</translation>
    </message>
    <message>
        <source>The results of round “{round}” are frozen; its panels cannot change.</source>
        <translation>“{round}”的结果已锁定，评审组不能再修改。</translation>
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
        <source>no community called {name} is registered</source>
        <translation>系统中没有登记名为{name}的社区</translation>
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
        <source>the grade thresholds must rise: pass below good below excellent</source>
        <translation>等级分数线须依次升高：合格线低于良好线，良好线低于优秀线</translation>
    </message>
    <message>
        <source>must be from {low} to {high}</source>
        <translation>须在 {low} 至 {high} 之间</translation>
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
    <message>
        <source>Round “{round}” has no submitted score sheets yet.</source>
        <translation>“{round}”尚无已提交的评分表。</translation>
    </message>
    <message>
        <source>There is no review round with number {id}.</source>
        <translation>不存在编号为{id}的评审轮次。</translation>
    </message>
    <message>
        <source>The results of round “{round}” are frozen; reopen the round formally before changing scores.</source>
        <translation>“{round}”的结果已冻结；须先正式重新开放该轮次，才能修改评分。</translation>
    </message>
    <message>
        <source>{judge} has a conflict of interest with {organization} and may not score its proposal.</source>
        <translation>{judge}与{organization}存在利益冲突，须回避，不得为其申报项目评分。</translation>
    </message>
    <message>
        <source>Give the reason for the conflict of interest.</source>
        <translation>请填写利益冲突（回避）的原因。</translation>
    </message>
    <message>
        <source>The judge or the organization no longer exists.</source>
        <translation>该评委或机构已不存在。</translation>
    </message>
    <message>
        <source>{judge} has already declared a conflict with {organization}.</source>
        <translation>{judge}已申报与{organization}的利益冲突。</translation>
    </message>
    <message>
        <source>Freeze the results of round “{round}” first: they decide who takes part in “{next}”.</source>
        <translation>请先冻结“{round}”的结果：该结果决定哪些项目进入“{next}”。</translation>
    </message>
    <message>
        <source>Round “{round}” has no judges on its panels yet.</source>
        <translation>“{round}”的评审组中还没有评委。</translation>
    </message>
    <message>
        <source>The judge or the proposal no longer exists.</source>
        <translation>该评委或申报项目已不存在。</translation>
    </message>
    <message>
        <source>{judge} is not on a panel of round “{round}”.</source>
        <translation>{judge}不在“{round}”的评审组中。</translation>
    </message>
    <message>
        <source>Proposal “{title}” does not take part in round “{round}”.</source>
        <translation>项目“{title}”不参加“{round}”。</translation>
    </message>
    <message>
        <source>{judge} already has proposal “{title}”.</source>
        <translation>{judge}已分配项目“{title}”。</translation>
    </message>
    <message>
        <source>This sheet has been submitted; it cannot be taken away.</source>
        <translation>该评分表已提交，不能取消分配。</translation>
    </message>
    <message>
        <source>There is no such assignment; it may have been removed.</source>
        <translation>找不到该评审分配，可能已被删除。</translation>
    </message>
    <message>
        <source>There is no such judge on the roster.</source>
        <translation>评委库中没有该评委。</translation>
    </message>
    <message>
        <source>This sheet belongs to another judge.</source>
        <translation>该评分表属于其他评委。</translation>
    </message>
    <message>
        <source>The sheet of {judge} on “{title}” is submitted and locked; staff can reopen it with a reason.</source>
        <translation>{judge}对“{title}”的评分表已提交并锁定；如需修改，须由工作人员说明原因后重新开放。</translation>
    </message>
    <message>
        <source>Criterion number {id} is not part of round “{round}”.</source>
        <translation>编号为{id}的评分指标不属于“{round}”。</translation>
    </message>
    <message>
        <source>“{criterion}” has no score yet.</source>
        <translation>“{criterion}”尚未评分。</translation>
    </message>
    <message>
        <source>The score for “{criterion}” is not a number.</source>
        <translation>“{criterion}”的得分不是数字。</translation>
    </message>
    <message>
        <source>The score for “{criterion}” must be between 0 and {max}.</source>
        <translation>“{criterion}”的得分须在0至{max}分之间。</translation>
    </message>
    <message>
        <source>The score for “{criterion}” must be a multiple of {step}.</source>
        <translation>“{criterion}”的得分须为{step}的整数倍。</translation>
    </message>
    <message>
        <source>Give the reason for reopening the sheet.</source>
        <translation>请填写重新开放评分表的原因。</translation>
    </message>
    <message>
        <source>Only a submitted sheet can be reopened.</source>
        <translation>只有已提交的评分表才能重新开放。</translation>
    </message>
    <message>
        <source>A paper sheet is keyed in pass 1 or pass 2.</source>
        <translation>纸质评分表只能按第1遍或第2遍录入。</translation>
    </message>
    <message>
        <source>This sheet is already counted.</source>
        <translation>该评分表已计入结果。</translation>
    </message>
    <message>
        <source>{name} keyed the other pass of this sheet; the second keying must be done by someone else.</source>
        <translation>{name}已录入该表的另一遍；复核录入须由另一人完成。</translation>
    </message>
    <message>
        <source>Round “{round}” has no assigned proposals to print sheets for yet.</source>
        <translation>“{round}”尚未分配评审项目，暂无评分表可打印。</translation>
    </message>
    <message>
        <source>Judge number {id} has no proposals assigned in round “{round}”.</source>
        <translation>编号为 {id} 的评委在“{round}”中没有分配评审项目。</translation>
    </message>
    <message>
        <source>A PIN is exactly 6 digits.</source>
        <translation>PIN码须为6位数字。</translation>
    </message>
    <message>
        <source>This PIN is too easy to guess (repeated or consecutive digits).</source>
        <translation>该PIN码太容易被猜到（重复或连续的数字）。</translation>
    </message>
    <message>
        <source>A PIN should not be a year and month.</source>
        <translation>PIN码不宜使用年份和月份。</translation>
    </message>
    <message>
        <source>Too many wrong PINs. Try again in {seconds} seconds.</source>
        <translation>PIN码错误次数过多，请{seconds}秒后再试。</translation>
    </message>
    <message>
        <source>No PIN has been set for this judge; ask the staff.</source>
        <translation>该评委尚未设置PIN码，请联系工作人员。</translation>
    </message>
    <message>
        <source>Wrong PIN.</source>
        <translation>PIN码错误。</translation>
    </message>
    <message>
        <source>The results of round “{round}” are not frozen yet; freeze them before printing the public notice.</source>
        <translation>“{round}”的评审结果尚未冻结，请先冻结结果再打印公示名单。</translation>
    </message>
    <message>
        <source>Round “{round}” belongs to another competition.</source>
        <translation>评审轮次“{round}”不属于该大赛。</translation>
    </message>
    <message>
        <source>{count} sheets are not in yet (for example {judge} on “{title}”); the results cannot be frozen.</source>
        <translation>还有{count}张评分表未提交（例如{judge}对“{title}”的评分），结果不能冻结。</translation>
    </message>
    <message>
        <source>Round “{round}” has no scores to freeze.</source>
        <translation>“{round}”没有可冻结的评分。</translation>
    </message>
    <message>
        <source>Give the reason for reopening the round.</source>
        <translation>请填写重新开放该轮次的原因。</translation>
    </message>
    <message>
        <source>Round “{round}” is not frozen.</source>
        <translation>“{round}”的结果尚未冻结。</translation>
    </message>
    <message>
        <source>Round “{later}” already has score sheets based on these results; it cannot be reopened.</source>
        <translation>“{later}”已依据该结果开始评分，本轮不能重新开放。</translation>
    </message>
    <message>
        <source>Score bins are {widths} points wide, not {width}.</source>
        <translation>分数段宽度只能是 {widths} 分，不能是 {width} 分。</translation>
    </message>
    <message>
        <source>This round has no frozen results.</source>
        <translation>该轮次没有已冻结的结果。</translation>
    </message>
    <message>
        <source>There is no competition named “{name}”.</source>
        <translation>没有名称为“{name}”的大赛。</translation>
    </message>
    <message>
        <source>{competition} has no review round {round}.</source>
        <translation>{competition}中没有评审轮次“{round}”（可填写轮次序号或名称）。</translation>
    </message>
    <message>
        <source>A workbook cannot be shown in the terminal; save it with --out FILE.xlsx.</source>
        <translation>工作簿无法在终端中显示，请用 --out FILE.xlsx 指定保存位置。</translation>
    </message>
    <message>
        <source>the rubric needs at least one criterion that is not a bonus item</source>
        <translation>评分标准至少须有一项非加分项的评分指标</translation>
    </message>
    <message>
        <source>rubric line {n} has no name</source>
        <translation>评分标准第 {n} 行未填写指标名称</translation>
    </message>
    <message>
        <source>rubric line {n}: the name is longer than {limit} characters</source>
        <translation>评分标准第 {n} 行：指标名称超过 {limit} 个字</translation>
    </message>
    <message>
        <source>rubric line {n}: “{name}” is already used by another line</source>
        <translation>评分标准第 {n} 行：“{name}”与其他行重名</translation>
    </message>
    <message>
        <source>rubric line {n}: the maximum points must be more than zero</source>
        <translation>评分标准第 {n} 行：满分须大于零</translation>
    </message>
    <message>
        <source>rubric line {n}: the maximum points cannot be more than {limit}</source>
        <translation>评分标准第 {n} 行：满分不能超过 {limit} 分</translation>
    </message>
    <message>
        <source>rubric line {n}: the maximum {max} is not a multiple of the score step {step}</source>
        <translation>评分标准第 {n} 行：满分 {max} 不是打分步长 {step} 的整数倍</translation>
    </message>
    <message>
        <source>rubric line {n}: the weight must be between 1 and 1000 %</source>
        <translation>评分标准第 {n} 行：权重须在 1% 至 1000% 之间</translation>
    </message>
    <message>
        <source>the score step must be more than zero</source>
        <translation>打分步长须大于零</translation>
    </message>
    <message>
        <source>the score step {step} is larger than the smallest maximum on the rubric ({max})</source>
        <translation>打分步长 {step} 大于评分标准中最小的满分值（{max}）</translation>
    </message>
    <message>
        <source>scores are rounded to 0 to 4 decimals</source>
        <translation>得分保留的小数位数须在 0 至 4 位之间</translation>
    </message>
    <message>
        <source>the number of highest and lowest scores dropped cannot be negative</source>
        <translation>去掉的最高分和最低分个数不能为负数</translation>
    </message>
    <message>
        <source>dropping the {count} highest and {count} lowest scores needs at least {needed} judges</source>
        <translation>去掉 {count} 个最高分和 {count} 个最低分，至少需要 {needed} 名评委</translation>
    </message>
    <message>
        <source>each proposal needs between 1 and {limit} judges</source>
        <translation>每个项目的评委人数须在 1 至 {limit} 人之间</translation>
    </message>
    <message>
        <source>say how many proposals advance (at least 1)</source>
        <translation>请填写晋级项目数（至少 1 个）</translation>
    </message>
    <message>
        <source>the threshold must be between 0 and {max} points (full marks plus bonus)</source>
        <translation>晋级分数线须在 0 至 {max} 分之间（满分加加分项）</translation>
    </message>
    <message>
        <source>judge group {n} has no name</source>
        <translation>第 {n} 个评委组未填写名称</translation>
    </message>
    <message>
        <source>judge group {n}: the name is longer than {limit} characters</source>
        <translation>第 {n} 个评委组：名称超过 {limit} 个字</translation>
    </message>
    <message>
        <source>judge group {n}: “{name}” is already used by another group</source>
        <translation>第 {n} 个评委组：“{name}”与其他评委组重名</translation>
    </message>
    <message>
        <source>judge group {n}: the weight must be between 0 and 100 %</source>
        <translation>第 {n} 个评委组：权重须在 0% 至 100% 之间</translation>
    </message>
    <message>
        <source>the judge groups&apos; weights add up to {total} %; they must add up to exactly 100 %</source>
        <translation>各评委组权重合计为 {total}%，须恰好为 100%</translation>
    </message>
    <message>
        <source>the round&apos;s weight in the final result must be between 0 and 100 %</source>
        <translation>本轮在最终成绩中的权重须在 0% 至 100% 之间</translation>
    </message>
    <message>
        <source>the rounds&apos; weights in the final result add up to {total} % (other rounds {others} % + this round {own} %); they may not exceed 100 %</source>
        <translation>各轮次在最终成绩中的权重合计为 {total}%（其他轮次 {others}% + 本轮 {own}%），不得超过 100%</translation>
    </message>
    <message>
        <source>tie-break {n} names round {seq}, which is not this round or an earlier one</source>
        <translation>第 {n} 项同分排序依据指向第 {seq} 轮，该轮既不是本轮，也不是之前的轮次</translation>
    </message>
    <message>
        <source>tie-break {n}: round “{round}” has no criterion “{criterion}”</source>
        <translation>第 {n} 项同分排序依据：“{round}”没有评分指标“{criterion}”</translation>
    </message>
    <message>
        <source>tie-break {n} repeats an earlier one</source>
        <translation>第 {n} 项同分排序依据与前面的重复</translation>
    </message>
    <message>
        <source>give the round a name</source>
        <translation>请填写轮次名称</translation>
    </message>
    <message>
        <source>the round&apos;s name is longer than {limit} characters</source>
        <translation>轮次名称超过 {limit} 个字</translation>
    </message>
    <message>
        <source>the tender project is not one of this competition&apos;s</source>
        <translation>所选招标项目不属于本大赛</translation>
    </message>
    <message>
        <source>score sheets are in for this round: criteria can no longer be added or removed</source>
        <translation>本轮已有评分表，不能再增加或删除评分指标</translation>
    </message>
    <message>
        <source>score sheets are in for this round: the maximum of “{criterion}” must stay {max}</source>
        <translation>本轮已有评分表，“{criterion}”的满分须保持为 {max}</translation>
    </message>
    <message>
        <source>score sheets are in for this round: “{criterion}” cannot become or stop being a bonus item</source>
        <translation>本轮已有评分表，不能更改“{criterion}”是否为加分项</translation>
    </message>
    <message>
        <source>score sheets are in for this round: the score step must stay {step}</source>
        <translation>本轮已有评分表，打分步长须保持为 {step}</translation>
    </message>
    <message>
        <source>judge group “{group}” still has {count} judges on the round&apos;s panels; put them in another group before removing it</source>
        <translation>评委组“{group}”在本轮评审组中仍有 {count} 名评委，请先将其调入其他评委组，再删除该组</translation>
    </message>
    <message>
        <source>“{criterion}” breaks ties in round “{round}”; it cannot be removed</source>
        <translation>“{criterion}”是“{round}”的同分排序依据，不能删除</translation>
    </message>
    <message>
        <source>The results of round “{round}” are frozen; reopen the round formally before changing its set-up.</source>
        <translation>“{round}”的结果已锁定；须先正式重新开启该轮次，才能修改其设置。</translation>
    </message>
    <message>
        <source>Proposals have been given to judges in round “{round}”; it cannot be deleted.</source>
        <translation>“{round}”已向评委分配项目，不能删除。</translation>
    </message>
    <message>
        <source>Round “{later}” breaks ties on round “{round}”; it cannot be deleted.</source>
        <translation>“{later}”以“{round}”作为同分排序依据，不能删除。</translation>
    </message>
    <message>
        <source>give the template a name</source>
        <translation>请填写模板名称</translation>
    </message>
    <message>
        <source>the template&apos;s name is longer than {limit} characters</source>
        <translation>模板名称超过 {limit} 个字</translation>
    </message>
    <message>
        <source>A rubric template named “{name}” already exists.</source>
        <translation>已有名为“{name}”的评分标准模板。</translation>
    </message>
    <message>
        <source>There is no rubric template with number {id}.</source>
        <translation>没有编号为 {id} 的评分标准模板。</translation>
    </message>
    <message>
        <source>no judge called {name} sits on a panel of round “{round}”</source>
        <translation>“{round}”的评审组中没有名为 {name} 的评委</translation>
    </message>
    <message>
        <source>more than one judge of round “{round}” is called {name}</source>
        <translation>“{round}”中有多位评委名为 {name}，无法区分</translation>
    </message>
    <message>
        <source>no proposal of this competition has the intake number {number}</source>
        <translation>本届大赛没有受理编号为 {number} 的项目</translation>
    </message>
    <message>
        <source>proposal {number} is called “{title}”</source>
        <translation>受理编号 {number} 的项目名称是“{title}”，与所填不一致</translation>
    </message>
    <message>
        <source>{judge} is not assigned proposal {number} in round “{round}”</source>
        <translation>“{round}”中未给{judge}分配项目 {number}</translation>
    </message>
    <message>
        <source>The sheet {sheet} holds rows of more than one round ({rounds}); import one round at a time.</source>
        <translation>工作表“{sheet}”中有多个评审轮次（{rounds}）的行，请每次只导入一个轮次。</translation>
    </message>
    <message>
        <source>There are no user accounts yet: create the administrator with `psp init --admin NAME`.</source>
        <translation>尚无用户账号：请先用 `psp init --admin 用户名` 创建管理员。</translation>
    </message>
    <message>
        <source>Sign in with --user NAME and the password in PSP_PASSWORD.</source>
        <translation>请用 --user 用户名 登录，密码放在环境变量 PSP_PASSWORD 中。</translation>
    </message>
    <message>
        <source>The two passwords differ.</source>
        <translation>两次输入的密码不一致。</translation>
    </message>
    <message>
        <source>{role} is not a role; choose from {roles}.</source>
        <translation>{role}不是有效角色，可选：{roles}。</translation>
    </message>
    <message>
        <source>The limit must be at least 1.</source>
        <translation>条数上限至少为 1。</translation>
    </message>
    <message>
        <source>Sign in first.</source>
        <translation>请先登录。</translation>
    </message>
    <message>
        <source>{user} ({roles}) may not do this: {action}.</source>
        <translation>{user}（{roles}）无权执行此操作：{action}。</translation>
    </message>
    <message>
        <source>“{text}” is not a printed chain head; type the number of entries and the head as printed, e.g. 188 · 0123456789abcdef.</source>
        <translation>“{text}”不是打印的链头；请按文书上的样子输入条数和链头，例如 188 · 0123456789abcdef。</translation>
    </message>
    <message>
        <source>Change log entry {id} was altered after it was recorded: its content no longer matches its hash.</source>
        <translation>变更记录第 {id} 条在记录后被改动：其内容与哈希值不再相符。</translation>
    </message>
    <message>
        <source>Change log entry {id} does not follow entry {previous}: its previous hash is not that entry&apos;s hash (one of them was rewritten, or an entry was removed).</source>
        <translation>变更记录第 {id} 条与第 {previous} 条衔接不上：它记下的前一条哈希不是该条的哈希（其中一条被改写，或中间有记录被删除）。</translation>
    </message>
    <message>
        <source>Change log entry {id} is the first but does not start the chain: earlier entries were removed or it was rewritten.</source>
        <translation>变更记录第 {id} 条排在最前，却不是链的起点：之前的记录被删除，或该条被改写。</translation>
    </message>
    <message>
        <source>Change log entries are out of order: entry {id} belongs after entry {other}, not after entry {previous}.</source>
        <translation>变更记录顺序被打乱：第 {id} 条应接在第 {other} 条之后，而不是第 {previous} 条之后。</translation>
    </message>
    <message>
        <source>Change log entries are missing: entry {id} comes after entry {previous}.</source>
        <translation>变更记录有缺失：第 {previous} 条之后直接是第 {id} 条。</translation>
    </message>
    <message>
        <source>Change log entry {id} is dated {at}, before entry {previous} ({previous_at}): the entries were reordered.</source>
        <translation>变更记录第 {id} 条的时间 {at} 早于第 {previous} 条（{previous_at}）：记录顺序被改动。</translation>
    </message>
    <message>
        <source>A document printed the chain head after {count} entries, but the change log has only {have}: entries were removed.</source>
        <translation>文书上打印的是第 {count} 条时的链头，但变更记录现在只有 {have} 条：有记录被删除。</translation>
    </message>
    <message>
        <source>A document printed the chain head {printed} after {count} entries, but entry {count} of the change log now has the head {now}: the log was rewritten.</source>
        <translation>文书上打印的第 {count} 条时的链头是 {printed}，但变更记录第 {count} 条现在的链头是 {now}：变更记录被整体改写。</translation>
    </message>
    <message>
        <source>The start date {since} is after the end date {until}.</source>
        <translation>开始日期 {since} 晚于结束日期 {until}。</translation>
    </message>
    <message>
        <source>Score sheet {sheet} is marked submitted, but the change log does not record its submission.</source>
        <translation>评分表 {sheet} 标为已提交，但变更记录中没有它的提交记录。</translation>
    </message>
    <message>
        <source>Score sheet {sheet} was submitted (change log entry {entry}), but its status is now “{status}”.</source>
        <translation>评分表 {sheet} 已提交（变更记录第 {entry} 条），但现在的状态是“{status}”。</translation>
    </message>
    <message>
        <source>Score sheet {sheet}, submitted in change log entry {entry}, is missing from the database.</source>
        <translation>变更记录第 {entry} 条提交的评分表 {sheet} 已从数据库中消失。</translation>
    </message>
    <message>
        <source>Score sheet {sheet} now counts for proposal {stored}, but change log entry {entry} recorded it for proposal {recorded}.</source>
        <translation>评分表 {sheet} 现在计入项目 {stored}，但变更记录第 {entry} 条记的是项目 {recorded}。</translation>
    </message>
    <message>
        <source>Score sheet {sheet} now counts as judge {stored}&apos;s, but change log entry {entry} recorded it as judge {recorded}&apos;s.</source>
        <translation>评分表 {sheet} 现在算作评委 {stored} 的，但变更记录第 {entry} 条记的是评委 {recorded}。</translation>
    </message>
    <message>
        <source>Score sheet {sheet}, criterion {criterion}: the database holds {stored} points, but change log entry {entry} recorded {recorded}.</source>
        <translation>评分表 {sheet} 的评分项 {criterion}：数据库中为 {stored} 分，但变更记录第 {entry} 条记的是 {recorded} 分。</translation>
    </message>
    <message>
        <source>Paper keying {pass_no} of score sheet {sheet} differs from the points counted in change log entry {entry} (criterion {criterion}: {stored} against {recorded}).</source>
        <translation>评分表 {sheet} 的第 {pass_no} 次纸质录入与变更记录第 {entry} 条计入的分数不同（评分项 {criterion}：{stored} 对 {recorded}）。</translation>
    </message>
    <message>
        <source>The frozen results of round {round} (snapshot {snapshot}) were changed: their content no longer matches their SHA-256.</source>
        <translation>轮次 {round} 已锁定的结果（快照 {snapshot}）被改动：内容与其 SHA-256 不再相符。</translation>
    </message>
    <message>
        <source>Snapshot {snapshot} of round {round} has the SHA-256 {sha256}, which no freeze in the change log recorded.</source>
        <translation>轮次 {round} 的快照 {snapshot} 的 SHA-256 为 {sha256}，变更记录中没有任何锁定记录过它。</translation>
    </message>
    <message>
        <source>The frozen results of round {round} recorded in change log entry {entry} are missing from the database.</source>
        <translation>变更记录第 {entry} 条记录的轮次 {round} 锁定结果已从数据库中消失。</translation>
    </message>
    <message>
        <source>Round {round} is marked frozen, but the change log does not record it as frozen.</source>
        <translation>轮次 {round} 标为已锁定，但变更记录中没有锁定记录。</translation>
    </message>
    <message>
        <source>Round {round} was frozen (change log entry {entry}), but it is no longer marked frozen.</source>
        <translation>轮次 {round} 已锁定（变更记录第 {entry} 条），但现在不再标为锁定。</translation>
    </message>
    <message>
        <source>Round {round} counts snapshot {snapshot}, but change log entry {entry} froze it with a different SHA-256.</source>
        <translation>轮次 {round} 现在采用快照 {snapshot}，但变更记录第 {entry} 条锁定时的 SHA-256 与之不同。</translation>
    </message>
    <message>
        <source>This database is on a PostgreSQL server: back it up and restore it on the server with pg_dump and pg_restore (ask whoever runs the server).</source>
        <translation>此数据库位于 PostgreSQL 服务器上：请在服务器上用 pg_dump 备份、用 pg_restore 恢复（请联系服务器管理员）。</translation>
    </message>
    <message>
        <source>The backup could not be written to {path}: {reason}. Nothing was saved under that name.</source>
        <translation>备份无法写入 {path}：{reason}。该文件名下没有保存任何内容。</translation>
    </message>
    <message>
        <source>{path} already exists; choose another name.</source>
        <translation>{path} 已存在，请换一个文件名。</translation>
    </message>
    <message>
        <source>There is no folder {folder}.</source>
        <translation>文件夹 {folder} 不存在。</translation>
    </message>
    <message>
        <source>There is no backup file at {path}.</source>
        <translation>{path} 处没有备份文件。</translation>
    </message>
    <message>
        <source>{path} is damaged and cannot be read; nothing was restored.</source>
        <translation>{path} 已损坏，无法读取，未恢复任何内容。</translation>
    </message>
    <message>
        <source>{path} is not a PSP Desktop database; nothing was restored.</source>
        <translation>{path} 不是 PSP Desktop 数据库，未恢复任何内容。</translation>
    </message>
    <message>
        <source>{path} was made by a newer version of PSP Desktop (schema {revision}); install that version to restore it. Nothing was restored.</source>
        <translation>{path} 由更新版本的 PSP Desktop 生成（数据结构版本 {revision}），请安装该版本后再恢复。未恢复任何内容。</translation>
    </message>
    <message>
        <source>{path} is damaged (the integrity check found “{problem}”); nothing was restored.</source>
        <translation>{path} 已损坏（完整性检查发现“{problem}”），未恢复任何内容。</translation>
    </message>
    <message>
        <source>{path} is the database itself; choose a backup.</source>
        <translation>{path} 就是当前数据库本身，请选择一个备份文件。</translation>
    </message>
    <message>
        <source>{path} could not be replaced: {reason}. Nothing was restored.</source>
        <translation>无法替换 {path}：{reason}。未恢复任何内容。</translation>
    </message>
    <message>
        <source>{path} is open in another window or program; close it there first. Nothing was restored.</source>
        <translation>{path} 正在被其他窗口或程序使用，请先将其关闭。未恢复任何内容。</translation>
    </message>
    <message>
        <source>The file is empty.</source>
        <translation>文件是空的。</translation>
    </message>
    <message>
        <source>This is not a PSP Desktop event file.</source>
        <translation>这不是 PSP Desktop 的评审活动文件。</translation>
    </message>
    <message>
        <source>The file is incomplete: it ends before its signature. It was probably cut off while being copied (a USB stick removed too early); copy it again.</source>
        <translation>文件不完整：在签名之前就结束了，可能是复制时被截断（U 盘拔出过早）。请重新复制。</translation>
    </message>
    <message>
        <source>The file has {count} unexpected bytes after its signature: it was altered or damaged.</source>
        <translation>文件在签名之后多出 {count} 个字节：文件已被改动或已损坏。</translation>
    </message>
    <message>
        <source>The file is damaged: its content cannot be read.</source>
        <translation>文件已损坏，无法读取其内容。</translation>
    </message>
    <message>
        <source>The signature does not match: the file was changed after it was signed, or it is damaged.</source>
        <translation>签名不符：文件在签名后被改动过，或已损坏。</translation>
    </message>
    <message>
        <source>The file does not have the expected content ({field}).</source>
        <translation>文件内容不符合要求（{field}）。</translation>
    </message>
    <message>
        <source>The file was made by another version of PSP Desktop (format {format}); update both PCs to the same version.</source>
        <translation>该文件由其他版本的 PSP Desktop 生成（格式 {format}）；请把两台电脑更新到同一版本。</translation>
    </message>
    <message>
        <source>This is an event package that the office makes for the judges&apos; laptops, not a results file.</source>
        <translation>这是办公室为评审笔记本制作的评审活动包，不是评分结果文件。</translation>
    </message>
    <message>
        <source>This is a results file from a judge laptop, not an event package; import it at the office.</source>
        <translation>这是评审笔记本生成的评分结果文件，不是评审活动包；请在办公室电脑上导入。</translation>
    </message>
    <message>
        <source>This file is of another kind ({kind}).</source>
        <translation>这是其他类型的文件（{kind}）。</translation>
    </message>
    <message>
        <source>A laptop name has 1 to {max} characters.</source>
        <translation>笔记本名称应为 1 至 {max} 个字符。</translation>
    </message>
    <message>
        <source>A laptop public key has 32 bytes (64 hexadecimal digits).</source>
        <translation>笔记本公钥为 32 字节（64 位十六进制数字）。</translation>
    </message>
    <message>
        <source>A laptop named “{name}” is registered already with another key ({fingerprint}).</source>
        <translation>名为“{name}”的笔记本已用另一把密钥（{fingerprint}）登记。</translation>
    </message>
    <message>
        <source>This key is registered already for the laptop “{other}”, not “{name}”.</source>
        <translation>这把密钥已登记在笔记本“{other}”名下，而不是“{name}”。</translation>
    </message>
    <message>
        <source>Round “{round}” has no open assignments to take to the laptops.</source>
        <translation>评审轮次“{round}”没有待评分的分配，无需带到笔记本上。</translation>
    </message>
    <message>
        <source>This package was signed by another office PC (key {fingerprint}) than the one this laptop trusts (key {trusted}). If the office really changed PCs, open it with --trust-new-office.</source>
        <translation>该活动包由另一台办公电脑（密钥 {fingerprint}）签名，而这台笔记本信任的是密钥 {trusted}。如果办公室确实更换了电脑，请使用 --trust-new-office 打开。</translation>
    </message>
    <message>
        <source>This package was made for the laptop “{name}”; this laptop is “{mine}”. Ask the office for a package made for this laptop.</source>
        <translation>该活动包是为笔记本“{name}”制作的，这台笔记本是“{mine}”。请向办公室索取为这台笔记本制作的活动包。</translation>
    </message>
    <message>
        <source>No event package has been opened on this PC yet.</source>
        <translation>本机尚未打开过评审活动包。</translation>
    </message>
    <message>
        <source>{path} is not a judge laptop&apos;s event database.</source>
        <translation>{path} 不是评审笔记本的评审活动数据库。</translation>
    </message>
    <message>
        <source>This file was imported already ({when}); nothing changed.</source>
        <translation>该文件已于 {when} 导入过，未作任何更改。</translation>
    </message>
    <message>
        <source>This is an older file from the laptop “{laptop}” (number {sequence}; number {last} has been imported already): a replayed or out-of-date copy.</source>
        <translation>这是笔记本“{laptop}”较早的文件（编号 {sequence}；编号 {last} 已经导入）：属于重放或过时的副本。</translation>
    </message>
    <message>
        <source>The file says it comes from the laptop “{laptop}” but it is not signed with that laptop&apos;s registered key.</source>
        <translation>文件自称来自笔记本“{laptop}”，但并非用该笔记本登记的密钥签名。</translation>
    </message>
    <message>
        <source>The file calls its laptop “{laptop}”, but its key is registered for the laptop “{other}”.</source>
        <translation>文件自称来自笔记本“{laptop}”，但其密钥登记在笔记本“{other}”名下。</translation>
    </message>
    <message>
        <source>Unknown laptop “{laptop}” (key {fingerprint}): register it when making its event package, or import with “register laptops not seen before” if you trust this file.</source>
        <translation>未登记的笔记本“{laptop}”（密钥 {fingerprint}）：请在制作活动包时登记它；如果您信任此文件，也可勾选“登记此前未见过的笔记本”后导入。</translation>
    </message>
    <message>
        <source>This file is for “{competition}”, round “{round}”, which is not in this database: it comes from another competition or another office.</source>
        <translation>该文件属于“{competition}”的评审轮次“{round}”，本数据库中没有该轮次：它来自其他大赛或其他办公室。</translation>
    </message>
    <message>
        <source>The results of round “{round}” are frozen; reopen the round formally before importing scores.</source>
        <translation>评审轮次“{round}”的结果已冻结；须先按程序重新开启该轮次，才能导入评分。</translation>
    </message>
    <message>
        <source>{judge} is no longer assigned “{proposal}” at the office; the sheet was not counted.</source>
        <translation>办公室已不再给{judge}分配“{proposal}”，该评分表未计入。</translation>
    </message>
    <message>
        <source>{judge} has a conflict of interest with the applicant of “{proposal}”; the sheet was not counted.</source>
        <translation>{judge}与“{proposal}”的申报机构存在利益冲突，该评分表未计入。</translation>
    </message>
    <message>
        <source>{judge} on “{proposal}”: the office counts {counted}, this file says {incoming}. The counted sheet was kept.</source>
        <translation>{judge}对“{proposal}”的评分：办公室已计入 {counted}，本文件为 {incoming}。已保留已计入的评分表。</translation>
    </message>
    <message>
        <source>{judge} on “{proposal}”: the sheet was reopened at the office for correction; this file&apos;s scores were not written over it.</source>
        <translation>{judge}对“{proposal}”的评分表已在办公室重新开启以便更正，本文件的评分未覆盖它。</translation>
    </message>
    <message>
        <source>The key file {path} of this PC cannot be read: {reason}</source>
        <translation>无法读取本机的密钥文件 {path}：{reason}</translation>
    </message>
    <message>
        <source>The key file {path} is not an Ed25519 key.</source>
        <translation>密钥文件 {path} 不是 Ed25519 密钥。</translation>
    </message>
    <message>
        <source>The laptop settings file {path} is damaged: {reason}</source>
        <translation>笔记本设置文件 {path} 已损坏：{reason}</translation>
    </message>
    <message>
        <source>No laptop public key found: give the 64 hexadecimal digits that “psp event key” prints on the laptop.</source>
        <translation>未找到笔记本公钥：请填写在笔记本上运行“psp event key”显示的 64 位十六进制数字。</translation>
    </message>
    <message>
        <source>Wrong user name or password.</source>
        <translation>用户名或密码错误。</translation>
    </message>
    <message>
        <source>A password needs at least 8 characters.</source>
        <translation>密码至少需要8个字符。</translation>
    </message>
    <message>
        <source>A password cannot be digits only.</source>
        <translation>密码不能全是数字。</translation>
    </message>
    <message>
        <source>The password cannot be the user name.</source>
        <translation>密码不能与用户名相同。</translation>
    </message>
    <message>
        <source>Enter a user name.</source>
        <translation>请填写用户名。</translation>
    </message>
    <message>
        <source>A user name is one word of at most 40 characters, without spaces.</source>
        <translation>用户名不能含空格，最多40个字符。</translation>
    </message>
    <message>
        <source>Enter the person&apos;s name.</source>
        <translation>请填写姓名。</translation>
    </message>
    <message>
        <source>A name is at most 40 characters.</source>
        <translation>姓名最多40个字符。</translation>
    </message>
    <message>
        <source>Give the user at least one role.</source>
        <translation>请至少为用户选择一个角色。</translation>
    </message>
    <message>
        <source>There are user accounts already; sign in instead.</source>
        <translation>已有用户账号，请直接登录。</translation>
    </message>
    <message>
        <source>This account is switched off. Ask an administrator.</source>
        <translation>该账号已停用，请联系管理员。</translation>
    </message>
    <message>
        <source>Too many wrong passwords. Try again after {time}.</source>
        <translation>密码错误次数过多，请于{time}之后再试。</translation>
    </message>
    <message>
        <source>There is no user called {name}.</source>
        <translation>没有名为{name}的用户。</translation>
    </message>
    <message>
        <source>The user name {name} is taken.</source>
        <translation>用户名{name}已被使用。</translation>
    </message>
    <message>
        <source>You cannot switch off your own account.</source>
        <translation>不能停用自己的账号。</translation>
    </message>
    <message>
        <source>{name} is the last active administrator; make someone else administrator first.</source>
        <translation>{name}是唯一在用的管理员，请先指定其他人为管理员。</translation>
    </message>
    <message>
        <source>This session has no user account to change.</source>
        <translation>当前登录没有可修改的用户账号。</translation>
    </message>
    <message>
        <source>The current password is wrong.</source>
        <translation>当前密码不正确。</translation>
    </message>
    <message>
        <source>The new password is the same as the current one.</source>
        <translation>新密码与当前密码相同。</translation>
    </message>
    <message>
        <source>This user account no longer exists.</source>
        <translation>该用户账号已不存在。</translation>
    </message>
    <message>
        <source>{value} is not an amount in yuan (write it like 50000, 5万 or 1,234.50).</source>
        <translation>{value} 不是以元为单位的金额（请写成 50000、5万 或 1,234.50 这样的形式）。</translation>
    </message>
    <message>
        <source>{value} is not a date (write it like 2026-03-15).</source>
        <translation>{value} 不是日期（请写成 2026-03-15 这样的形式）。</translation>
    </message>
    <message>
        <source>{value} is not a score (write it like 75 or 82.5).</source>
        <translation>{value} 不是分数（请写成 75 或 82.5 这样的形式）。</translation>
    </message>
    <message>
        <source>--percent and --threshold go with --method percent.</source>
        <translation>--percent 和 --threshold 只能与 --method percent 一起使用。</translation>
    </message>
    <message>
        <source>“{text}” fits several competitions: {names}. Give more of the name, or the number.</source>
        <translation>“{text}”对应多个大赛：{names}。请写出更完整的名称，或使用大赛编号。</translation>
    </message>
    <message>
        <source>Tranche “{text}”: write SHARE:CONDITION, e.g. 40:agreement_signed, ¥20000:midterm_passed or 30:date:2026-11-01.</source>
        <translation>分期“{text}”：请写成“比例或金额:拨付条件”，例如 40:agreement_signed、¥20000:midterm_passed 或 30:date:2026-11-01。</translation>
    </message>
    <message>
        <source>Tranche “{text}”: {gate} is not a condition; choose from {gates}.</source>
        <translation>分期“{text}”：{gate} 不是拨付条件，请从以下选择：{gates}。</translation>
    </message>
    <message>
        <source>Tranche “{text}”: {share} is neither a percentage (40 or 22.5%) nor an amount (¥20000 or 2万元).</source>
        <translation>分期“{text}”：{share} 既不是比例（如 40 或 22.5%），也不是金额（如 ¥20000 或 2万元）。</translation>
    </message>
    <message>
        <source>Tranche “{text}”: only the date condition takes a date.</source>
        <translation>分期“{text}”：只有按日期拨付的条件（date）才能带日期。</translation>
    </message>
    <message>
        <source>Agreements have been signed in this competition: change single awards instead of allocating again.</source>
        <translation>本大赛已有资助协议签订：请逐个调整资助，不要重新分配。</translation>
    </message>
    <message>
        <source>Payment {payment} (voucher {voucher}) is not recorded in the change log.</source>
        <translation>付款记录 {payment}（凭证号 {voucher}）在变更记录中没有记载。</translation>
    </message>
    <message>
        <source>Payment {payment}: the database holds {field} {stored}, but change log entry {entry} recorded {recorded}.</source>
        <translation>付款记录 {payment}：数据库中 {field} 为 {stored}，但变更记录第 {entry} 条记载为 {recorded}。</translation>
    </message>
    <message>
        <source>The payment with voucher {voucher}, recorded in change log entry {entry}, is missing from the database.</source>
        <translation>变更记录第 {entry} 条记载的付款（凭证号 {voucher}）在数据库中已不存在。</translation>
    </message>
    <message>
        <source>There are no tranches to put in the payment list.</source>
        <translation>没有可列入拨付清单的拨付记录。</translation>
    </message>
    <message>
        <source>There is no cash flow to export: no tranche has an expected date or a payment yet.</source>
        <translation>没有可导出的资金流：尚无任何一期资金有预计拨付日期或拨付记录。</translation>
    </message>
    <message>
        <source>Award {id} is not funded (proposed, on the reserve list or cancelled), so it has no grant agreement.</source>
        <translation>编号为 {id} 的资助项目未获资助（仍为拟定、列入候补或已取消），没有资助协议。</translation>
    </message>
    <message>
        <source>Tranche {n} is withheld or cancelled and was not paid, so it gets no disbursement notice.</source>
        <translation>第 {n} 期已暂停或已取消，且未拨付，不能开具拨款通知单。</translation>
    </message>
    <message>
        <source>The grant agreement of this award is not signed (or the award is not funded), so tranche {n} gets no disbursement notice yet.</source>
        <translation>该资助的资助协议尚未签订（或该项目未获资助），第 {n} 期暂不能开具拨款通知单。</translation>
    </message>
    <message>
        <source>Tranche {n} cannot get a disbursement notice: its payment condition is not met and it has not been paid.</source>
        <translation>第 {n} 期不能开具拨款通知单：拨付条件尚未满足，且尚未拨付。</translation>
    </message>
    <message>
        <source>There is no tranche with number {id}.</source>
        <translation>不存在编号为 {id} 的拨付记录。</translation>
    </message>
    <message>
        <source>The amount received must be more than zero and not absurdly large.</source>
        <translation>到账金额须大于零，且不能大得离谱。</translation>
    </message>
    <message>
        <source>Say where the money came from (at most 120 characters).</source>
        <translation>请填写资金来源（不超过120个字符）。</translation>
    </message>
    <message>
        <source>This evaluation was published: its scores change only while an objection raised in its window is open (record the objection first).</source>
        <translation>此评估结果已公示：只有在异议期内提出的异议尚未处理时才能修改评分（请先登记异议）。</translation>
    </message>
    <message>
        <source>Award {id} was never funded (it is proposed, on the reserve list or cancelled): there is no project to evaluate.</source>
        <translation>资助 {id} 未获资助（拟资助、候补或已取消），没有可评估的项目。</translation>
    </message>
    <message>
        <source>{evaluator} has declared a conflict of interest with {organization} and cannot evaluate its project. Choose another evaluator.</source>
        <translation>{evaluator}已申报与{organization}存在利益冲突，须回避，不能评估该项目。请选择其他评估人员。</translation>
    </message>
    <message>
        <source>This evaluation is final: it can no longer change.</source>
        <translation>该评估已定稿，不能再修改。</translation>
    </message>
    <message>
        <source>The indicator set “{name}” is used by {count} evaluations and cannot change: copy it and edit the copy.</source>
        <translation>评估指标“{name}”已用于 {count} 项评估，不能修改；请复制后修改副本。</translation>
    </message>
    <message>
        <source>There is already an indicator set named “{name}”.</source>
        <translation>已有名为“{name}”的评估指标。</translation>
    </message>
    <message>
        <source>There is no indicator set with number {id}.</source>
        <translation>没有编号为 {id} 的评估指标。</translation>
    </message>
    <message>
        <source>Give the evaluator&apos;s name (at most 60 characters).</source>
        <translation>请填写评估人员名称（不超过 60 个字）。</translation>
    </message>
    <message>
        <source>The agency&apos;s name is longer than 120 characters.</source>
        <translation>所属机构名称超过 120 个字。</translation>
    </message>
    <message>
        <source>The phone number is longer than 20 characters.</source>
        <translation>电话号码超过 20 个字符。</translation>
    </message>
    <message>
        <source>There is no evaluator with number {id}.</source>
        <translation>没有编号为 {id} 的评估人员。</translation>
    </message>
    <message>
        <source>The indicator set “{name}” is for another kind of evaluation.</source>
        <translation>评估指标“{name}”用于另一类评估。</translation>
    </message>
    <message>
        <source>This project already has a {kind} evaluation.</source>
        <translation>该项目已有{kind}评估。</translation>
    </message>
    <message>
        <source>The evaluation date {date} is in the future.</source>
        <translation>评估日期 {date} 晚于今天。</translation>
    </message>
    <message>
        <source>The narrative is longer than 5000 characters.</source>
        <translation>综合评价超过 5000 个字。</translation>
    </message>
    <message>
        <source>“{name}” is not an indicator of this evaluation&apos;s set.</source>
        <translation>“{name}”不是本次评估所用指标体系中的指标。</translation>
    </message>
    <message>
        <source>“{name}” is scored twice.</source>
        <translation>“{name}”重复评分。</translation>
    </message>
    <message>
        <source>The comment on “{name}” is longer than 500 characters.</source>
        <translation>“{name}”的评语超过 500 个字。</translation>
    </message>
    <message>
        <source>Score every indicator: “{name}” has no score.</source>
        <translation>请为每项指标评分：“{name}”尚未评分。</translation>
    </message>
    <message>
        <source>This evaluation has no indicator set.</source>
        <translation>该评估没有指定评估指标。</translation>
    </message>
    <message>
        <source>Score the evaluation before publishing it.</source>
        <translation>请先评分再公示。</translation>
    </message>
    <message>
        <source>This evaluation was published already; its objection window ends on {date}.</source>
        <translation>该评估已公示，异议期至 {date}。</translation>
    </message>
    <message>
        <source>The publication date {date} is before the evaluation on {evaluated}.</source>
        <translation>公示日期 {date} 早于评估日期 {evaluated}。</translation>
    </message>
    <message>
        <source>Write down the objection.</source>
        <translation>请填写异议内容。</translation>
    </message>
    <message>
        <source>The evaluation is not published yet: there is no objection window.</source>
        <translation>该评估尚未公示，没有异议期。</translation>
    </message>
    <message>
        <source>The objection window ended on {date}: an objection can no longer be recorded.</source>
        <translation>异议期已于 {date} 截止，不能再登记异议。</translation>
    </message>
    <message>
        <source>Write down how the objection was resolved.</source>
        <translation>请填写异议的处理结果。</translation>
    </message>
    <message>
        <source>No objection has been recorded on this evaluation.</source>
        <translation>该评估没有登记异议。</translation>
    </message>
    <message>
        <source>Publish the evaluation first: it becomes final after its objection window.</source>
        <translation>请先公示评估结果，异议期满后方可定稿。</translation>
    </message>
    <message>
        <source>The objection window is open until {date}: the evaluation can be made final from the day after.</source>
        <translation>异议期至 {date}，次日起方可定稿。</translation>
    </message>
    <message>
        <source>An objection was raised and has no resolution yet: record how it was resolved first.</source>
        <translation>已有异议尚未处理，请先登记处理结果。</translation>
    </message>
    <message>
        <source>The evaluation has not been scored yet: there is no report to print.</source>
        <translation>该评估尚未评分，没有可打印的评估报告。</translation>
    </message>
    <message>
        <source>There is no evaluation with number {id}.</source>
        <translation>没有编号为 {id} 的评估。</translation>
    </message>
    <message>
        <source>The date {date} is in the future.</source>
        <translation>日期 {date} 晚于今天。</translation>
    </message>
    <message>
        <source>The text is longer than 2000 characters.</source>
        <translation>内容超过 2000 个字。</translation>
    </message>
    <message>
        <source>This award is not funded (reserve list or cancelled): no money moves on it.</source>
        <translation>该项目未获资助（候补或已取消），不能办理资金业务。</translation>
    </message>
    <message>
        <source>A schedule needs at least one tranche.</source>
        <translation>拨付计划至少要有一期。</translation>
    </message>
    <message>
        <source>Tranche {n}: give either a percentage or a fixed amount.</source>
        <translation>第{n}期：请填写比例或固定金额，二者选一。</translation>
    </message>
    <message>
        <source>Tranche {n}: the percentage must be more than 0 and at most 100.</source>
        <translation>第{n}期：比例须大于 0 且不超过 100。</translation>
    </message>
    <message>
        <source>Tranche {n}: the amount must be more than zero and not absurdly large.</source>
        <translation>第{n}期：金额须大于零，且在合理范围内。</translation>
    </message>
    <message>
        <source>Tranche {n}: a date gate needs its date.</source>
        <translation>第{n}期：按日期拨付须填写日期。</translation>
    </message>
    <message>
        <source>The percentages add up to {total}%, not 100%.</source>
        <translation>各期比例合计为 {total}%，不是 100%。</translation>
    </message>
    <message>
        <source>The fixed tranches add up to {fixed} yuan but the award is {total} yuan.</source>
        <translation>固定金额各期合计 {fixed} 元，但资助金额为 {total} 元。</translation>
    </message>
    <message>
        <source>Money on this award has been approved or paid: its schedule can no longer be replaced.</source>
        <translation>该项目已有款项审批或拨付，拨付计划不能再整体替换。</translation>
    </message>
    <message>
        <source>The tranches already approved or paid do not fit the new amount of {amount} yuan.</source>
        <translation>已审批或已拨付的各期与新的资助金额 {amount} 元不相符。</translation>
    </message>
    <message>
        <source>This award is on the reserve list, cancelled or completed: it has no schedule to change.</source>
        <translation>该项目为候补、已取消或已全部拨付，没有可修改的拨付计划。</translation>
    </message>
    <message>
        <source>The signing date {date} is in the future.</source>
        <translation>签约日期 {date} 晚于今天。</translation>
    </message>
    <message>
        <source>The agreement number is longer than 40 characters.</source>
        <translation>协议编号超过 40 个字符。</translation>
    </message>
    <message>
        <source>Only a funded award not yet signed can be signed.</source>
        <translation>只有已获资助且尚未签约的项目才能签约。</translation>
    </message>
    <message>
        <source>Agreement number {number} is already used.</source>
        <translation>协议编号 {number} 已被使用。</translation>
    </message>
    <message>
        <source>Tranche {n} opens by itself (signing or a date): there is nothing to decide.</source>
        <translation>第{n}期在签约或到期后自动生效，无需登记评估结果。</translation>
    </message>
    <message>
        <source>Tranche {n} has been approved, paid or cancelled: its gate can no longer change.</source>
        <translation>第{n}期已审批、已拨付或已取消，其拨付条件不能再更改。</translation>
    </message>
    <message>
        <source>The agreement is not signed: nothing can be paid yet.</source>
        <translation>资助协议尚未签订，暂不能拨付。</translation>
    </message>
    <message>
        <source>Tranche {n} cannot be paid: its gate is not met.</source>
        <translation>第{n}期不能拨付：拨付条件尚未满足。</translation>
    </message>
    <message>
        <source>Tranche {n} is already approved.</source>
        <translation>第{n}期已审批。</translation>
    </message>
    <message>
        <source>Tranche {n} has already been paid.</source>
        <translation>第{n}期已拨付。</translation>
    </message>
    <message>
        <source>Tranche {n} is withheld or cancelled and cannot be paid.</source>
        <translation>第{n}期已暂缓或已取消，不能拨付。</translation>
    </message>
    <message>
        <source>Give the voucher number (at most 40 characters).</source>
        <translation>请填写凭证号（不超过40个字符）。</translation>
    </message>
    <message>
        <source>The payment date {date} is in the future.</source>
        <translation>付款日期 {date} 晚于今天。</translation>
    </message>
    <message>
        <source>Tranche {n} must be approved by finance before it is paid.</source>
        <translation>第{n}期须经财务审批后才能拨付。</translation>
    </message>
    <message>
        <source>The payment date {date} is before the agreement was signed on {signed}.</source>
        <translation>付款日期 {date} 早于协议签订日期 {signed}。</translation>
    </message>
    <message>
        <source>Voucher {voucher} has already been recorded.</source>
        <translation>凭证号 {voucher} 已登记过。</translation>
    </message>
    <message>
        <source>Paying {amount} yuan would bring the total paid to {total} yuan, more than the award of {award} yuan.</source>
        <translation>拨付 {amount} 元后累计拨付将达 {total} 元，超过资助金额 {award} 元。</translation>
    </message>
    <message>
        <source>Tranche {n} has been paid or cancelled, or is already withheld.</source>
        <translation>第{n}期已拨付、已取消或已暂缓。</translation>
    </message>
    <message>
        <source>Tranche {n} is not withheld.</source>
        <translation>第{n}期未被暂缓。</translation>
    </message>
    <message>
        <source>Tranche {n} has been paid or is already cancelled.</source>
        <translation>第{n}期已拨付或已取消。</translation>
    </message>
    <message>
        <source>Tranche {n} has no paid money to claw back.</source>
        <translation>第{n}期没有可追回的已拨付资金。</translation>
    </message>
    <message>
        <source>The amount to claw back must be more than zero and at most the {paid} yuan paid.</source>
        <translation>追回金额须大于零，且不超过已拨付的 {paid} 元。</translation>
    </message>
    <message>
        <source>Tranche {n} has no clawed-back money still to come back.</source>
        <translation>第 {n} 期没有待退回的追回资金。</translation>
    </message>
    <message>
        <source>The money cannot come back before it was asked for.</source>
        <translation>退回日期不能早于决定追回的日期。</translation>
    </message>
    <message>
        <source>“{text}” is not an amount in yuan (for example 50000 or 5万).</source>
        <translation>“{text}”不是有效的金额（元），例如 50000 或 5万。</translation>
    </message>
    <message>
        <source>Give the date the agreement was signed.</source>
        <translation>请填写协议签订日期。</translation>
    </message>
    <message>
        <source>The certificate template {template} is not usable: {reason}</source>
        <translation>证书模板 {template} 无法使用：{reason}</translation>
    </message>
    <message>
        <source>The certificate template {template} is not usable: the file does not hold a JSON object.</source>
        <translation>证书模板“{template}”无法使用：文件内容不是 JSON 对象。</translation>
    </message>
    <message>
        <source>The certificate template {template} is not usable: the entry {entry} is missing.</source>
        <translation>证书模板“{template}”无法使用：缺少条目 {entry}。</translation>
    </message>
    <message>
        <source>The certificate template {template} is not usable: a value has the wrong kind ({detail}).</source>
        <translation>证书模板“{template}”无法使用：有一项的值类型不对（{detail}）。</translation>
    </message>
    <message>
        <source>The certificate template {template} is not usable: the colour {key} should look like #1A2B3C, not {text}.</source>
        <translation>证书模板“{template}”无法使用：颜色 {key} 应写成 #1A2B3C 这样的格式，而不是 {text}。</translation>
    </message>
    <message>
        <source>The certificate template {template} is not usable: its &apos;document&apos; entry should be {expected}.</source>
        <translation>证书模板“{template}”无法使用：模板类型应为 {expected}。</translation>
    </message>
    <message>
        <source>The certificate template {template} is not usable: the page should be A4, portrait or landscape.</source>
        <translation>证书模板“{template}”无法使用：页面应为 A4 纸，纵向或横向。</translation>
    </message>
    <message>
        <source>The certificate template {template} is not usable: two fields have the same name.</source>
        <translation>证书模板“{template}”无法使用：有两个字段同名。</translation>
    </message>
    <message>
        <source>The certificate template {template} is not usable: the label {label} is missing.</source>
        <translation>证书模板“{template}”无法使用：缺少文字标签 {label}。</translation>
    </message>
    <message>
        <source>The certificate template {template} is not usable: the QR code box should be square.</source>
        <translation>证书模板“{template}”无法使用：二维码框应为正方形。</translation>
    </message>
    <message>
        <source>The certificate template {template} is not usable: there is no colour named {name}.</source>
        <translation>证书模板“{template}”无法使用：没有名为 {name} 的颜色。</translation>
    </message>
    <message>
        <source>The certificate template {template} is not usable: the box of {what} needs a width and a height above 0 mm.</source>
        <translation>证书模板“{template}”无法使用：{what} 的框宽度和高度都须大于 0 毫米。</translation>
    </message>
    <message>
        <source>The certificate template {template} is not usable: the box of {what} ({box} mm) is not inside the page&apos;s margins.</source>
        <translation>证书模板“{template}”无法使用：{what} 的框（{box} 毫米）超出了页边距以内的范围。</translation>
    </message>
    <message>
        <source>The certificate template {template} is not usable: the field {name} has an unknown entry {entry}.</source>
        <translation>证书模板“{template}”无法使用：字段 {name} 含有无法识别的条目 {entry}。</translation>
    </message>
    <message>
        <source>The certificate template {template} is not usable: the field {name} needs 0 &lt; smallest size ≤ size ≤ 200 pt.</source>
        <translation>证书模板“{template}”无法使用：字段 {name} 的字号须满足 0 &lt; 最小字号 ≤ 字号 ≤ 200 磅。</translation>
    </message>
    <message>
        <source>The certificate template {template} is not usable: the field {name} should align {across} and {down}.</source>
        <translation>证书模板“{template}”无法使用：字段 {name} 的水平对齐应为 {across} 之一，垂直对齐应为 {down} 之一。</translation>
    </message>
    <message>
        <source>The certificate template {template} is not usable: a frame needs an inset inside the page and a line width of 0–20 pt.</source>
        <translation>证书模板“{template}”无法使用：边框须在页面以内，线宽为 0–20 磅。</translation>
    </message>
    <message>
        <source>The certificate template {template} is not usable: the field {name} needs line spacing 1–4, letter spacing 0–3 em and an indent of 0–10 em.</source>
        <translation>证书模板“{template}”无法使用：字段 {name} 的行距须为 1–4 倍，字距 0–3 个字宽，缩进 0–10 个字宽。</translation>
    </message>
    <message>
        <source>The text of the field “{field}” does not fit its box on the certificate template {template} even at its minimum size of {size} pt. Make the box larger or the minimum size smaller.</source>
        <translation>证书模板 {template} 中字段“{field}”的文字即使缩小到最小字号 {size} 磅也放不进它的文本框。请把文本框放大，或把最小字号调小。</translation>
    </message>
    <message>
        <source>Issued document {serial} (register row {row}) is not recorded in the change log.</source>
        <translation>已签发文书 {serial}（登记簿第 {row} 行）在变更记录中没有记载。</translation>
    </message>
    <message>
        <source>Issued document {serial}: the register holds {field} {stored}, but change log entry {entry} recorded {recorded}.</source>
        <translation>已签发文书 {serial}：登记簿中的 {field} 为 {stored}，但变更记录第 {entry} 条记载的是 {recorded}。</translation>
    </message>
    <message>
        <source>Issued document {serial} is marked void, but the change log does not record it as voided.</source>
        <translation>已签发文书 {serial} 被标记为作废，但变更记录中没有作废记载。</translation>
    </message>
    <message>
        <source>Issued document {serial} was voided (change log entry {entry}), but the register no longer marks it void.</source>
        <translation>已签发文书 {serial} 已作废（变更记录第 {entry} 条），但登记簿中已不再标记为作废。</translation>
    </message>
    <message>
        <source>Issued document {serial}, recorded in change log entry {entry}, is missing from the register.</source>
        <translation>变更记录第 {entry} 条记载的已签发文书 {serial} 在登记簿中不见了。</translation>
    </message>
    <message>
        <source>The document key {key} in the settings was not registered by an issue on the record: documents signed with it cannot be trusted.</source>
        <translation>设置中的文书密钥 {key} 不是通过有记载的签发登记的：用它签名的文书不可信。</translation>
    </message>
    <message>
        <source>{type} is not a certificate or letter the app makes.</source>
        <translation>{type} 不是本软件制作的证书或聘书。</translation>
    </message>
    <message>
        <source>The competition “{name}” has no organizer (主办单位). Enter it first: it is printed on the certificates as the issuing authority.</source>
        <translation>大赛“{name}”没有填写主办单位。请先填写：证书上要以它作为发证单位。</translation>
    </message>
    <message>
        <source>The competition “{name}” has no funded awards yet. Participation certificates go to the eligible proposals that were not funded: make them once the awards are committed.</source>
        <translation>大赛“{name}”尚无确定资助的项目。参与证书发给通过资格审查但未获资助的申报项目，请在资助名单确定后再制作。</translation>
    </message>
    <message>
        <source>There is nobody in the competition “{name}” to make these documents for.</source>
        <translation>大赛“{name}”中没有需要制作此类文书的对象。</translation>
    </message>
    <message>
        <source>{which} is not a certificate image: choose seal or background.</source>
        <translation>{which} 不是证书图片类型：请选择 seal（印章）或 background（底纹）。</translation>
    </message>
    <message>
        <source>{path} is not a PNG or JPEG image.</source>
        <translation>{path} 不是 PNG 或 JPEG 图片。</translation>
    </message>
    <message>
        <source>{path} is not a readable PNG or JPEG image: {reason}</source>
        <translation>{path} 不是可读取的 PNG 或 JPEG 图片：{reason}</translation>
    </message>
    <message>
        <source>The seal image for certificates is missing or damaged ({reason}). Choose the seal image again in Documents → Certificate design…, or remove it there.</source>
        <translation>证书用的公章图片缺失或已损坏（{reason}）。请在“文书证书 → 证书样式…”中重新选择公章图片，或将其移除。</translation>
    </message>
    <message>
        <source>The background image for certificates is missing or damaged ({reason}). Choose the background image again in Documents → Certificate design…, or remove it there.</source>
        <translation>证书用的背景图片缺失或已损坏（{reason}）。请在“文书证书 → 证书样式…”中重新选择背景图片，或将其移除。</translation>
    </message>
    <message>
        <source>Cannot write {path}: {reason}. Nothing was issued.</source>
        <translation>无法写入 {path}：{reason}。未制发任何文书。</translation>
    </message>
    <message>
        <source>Cannot keep the office&apos;s copy of the certificates in {folder}: {reason}. Nothing was issued.</source>
        <translation>无法在 {folder} 中保存证书的存档副本：{reason}。未颁发任何证书。</translation>
    </message>
    <message>
        <source>All {count} of these documents for the competition “{name}” have been issued already. To replace them, issue them again: the old ones are voided.</source>
        <translation>大赛“{name}”的这 {count} 份文书都已颁发过。如需替换，请选择重新颁发，原文书将作废。</translation>
    </message>
    <message>
        <source>Cancelled: no certificate was issued and no file was written.</source>
        <translation>已取消：未制发任何证书，也未写入任何文件。</translation>
    </message>
    <message>
        <source>The certificates were issued, but moving them into {folder} failed: {reason}. They are in {staging}.</source>
        <translation>证书已制发，但移入 {folder} 时失败：{reason}。文件保存在 {staging}。</translation>
    </message>
    <message>
        <source>The signature is valid and the register holds this document.</source>
        <translation>签名有效，登记簿中有此文书。</translation>
    </message>
    <message>
        <source>The signature is valid, the register holds this document and the file is exactly as issued.</source>
        <translation>签名有效，登记簿中有此文书，文件与签发时完全一致。</translation>
    </message>
    <message>
        <source>The signature is valid, but the document was voided on {date}: {reason}</source>
        <translation>签名有效，但此文书已于 {date} 作废：{reason}</translation>
    </message>
    <message>
        <source>The code is damaged or was altered: it cannot be read as issued.</source>
        <translation>验证码已损坏或被改动，无法按签发时的内容读取。</translation>
    </message>
    <message>
        <source>The code is signed with key {key}, which is not one of this office&apos;s document keys.</source>
        <translation>验证码由密钥 {key} 签名，该密钥不是本单位的文书签发密钥。</translation>
    </message>
    <message>
        <source>The signature does not match the content: the code was altered after it was issued.</source>
        <translation>签名与内容不符：验证码在签发后被改动过。</translation>
    </message>
    <message>
        <source>The signature is valid, but this register has no document {serial}: it was issued from another database.</source>
        <translation>签名有效，但本登记簿中没有编号为 {serial} 的文书：它是从另一个数据库签发的。</translation>
    </message>
    <message>
        <source>The signature is valid, but this register holds a different document under the serial {serial}: it was issued from another database.</source>
        <translation>签名有效，但本登记簿中编号 {serial} 对应的是另一份文书：它是从另一个数据库签发的。</translation>
    </message>
    <message>
        <source>The code is genuine, but the file was changed after it was issued: its SHA-256 is not the one in the register.</source>
        <translation>验证码真实，但文件在签发后被改动过：其 SHA-256 与登记簿中的不一致。</translation>
    </message>
    <message>
        <source>“{text}” is neither a verification code (they start with PSP1.) nor a PDF file that exists.</source>
        <translation>“{text}”既不是验证码（验证码以 PSP1. 开头），也不是存在的 PDF 文件。</translation>
    </message>
    <message>
        <source>{path} carries no verification code: it was not issued by PSP Desktop, or it is a copy printed to PDF. Scan the QR code on it instead.</source>
        <translation>{path} 中没有验证码：它不是由 PSP Desktop 签发的，或是另行打印成的 PDF 副本。请改为扫描其上的二维码。</translation>
    </message>
    <message>
        <source>{path} holds {count} documents: verify each one by its QR code, or check the single files.</source>
        <translation>{path} 中包含 {count} 份文书：请逐份扫描二维码验证，或验证单份文件。</translation>
    </message>
    <message>
        <source>Documents of the type “{type}” are not issued with a serial.</source>
        <translation>“{type}”类文书不按编号签发。</translation>
    </message>
    <message>
        <source>The document names nobody: give the organization or person it is for.</source>
        <translation>文书上没有颁发对象：请填写获颁的机构或个人。</translation>
    </message>
    <message>
        <source>The document names no competition.</source>
        <translation>文书上没有写明大赛名称。</translation>
    </message>
    <message>
        <source>The document names no issuing authority: set the office&apos;s name first.</source>
        <translation>文书上没有颁发单位：请先设置本单位名称。</translation>
    </message>
    <message>
        <source>“{text}” is longer than {max} characters: shorten it for the document.</source>
        <translation>“{text}”超过 {max} 个字符，请缩短后再用于文书。</translation>
    </message>
    <message>
        <source>The document for {serial} came out empty: nothing was issued.</source>
        <translation>编号 {serial} 的文书生成结果为空，未签发任何文书。</translation>
    </message>
    <message>
        <source>No issued document has the serial {serial}.</source>
        <translation>没有编号为 {serial} 的已签发文书。</translation>
    </message>
    <message>
        <source>Document {serial} was voided already on {date}.</source>
        <translation>文书 {serial} 已于 {date} 作废。</translation>
    </message>
    <message>
        <source>Give the reason for voiding document {serial}.</source>
        <translation>请填写作废文书 {serial} 的原因。</translation>
    </message>
    <message>
        <source>The reason for voiding is longer than {max} characters.</source>
        <translation>作废原因超过 {max} 个字符。</translation>
    </message>
    <message>
        <source>“{text}”: write an indicator&apos;s score as NAME=POINTS or NAME=POINTS:COMMENT, e.g. 项目实施=21.5:按计划推进.</source>
        <translation>“{text}”：指标得分请写作 指标=分数 或 指标=分数:评语，例如 项目实施=21.5:按计划推进。</translation>
    </message>
    <message>
        <source>Give the objection (--text), its resolution (--resolution), or both.</source>
        <translation>请给出异议内容（--text）、处理结果（--resolution），或两者都给出。</translation>
    </message>
    <message>
        <source>Spending “{text}”: write CATEGORY=AMOUNT, e.g. activity=12000 or 宣传费=3000; the categories are {categories}.</source>
        <translation>支出“{text}”：请写成 类别=金额，例如 activity=12000 或 宣传费=3000；类别有 {categories}。</translation>
    </message>
    <message>
        <source>the disk is full</source>
        <translation>磁盘已满</translation>
    </message>
    <message>
        <source>no permission to write there, or the file is open in another program</source>
        <translation>没有写入权限，或文件正被其他程序打开</translation>
    </message>
    <message>
        <source>the disk is read-only</source>
        <translation>磁盘为只读</translation>
    </message>
    <message>
        <source>the file or folder does not exist</source>
        <translation>文件或文件夹不存在</translation>
    </message>
    <message>
        <source>it is a folder, not a file</source>
        <translation>这是文件夹而不是文件</translation>
    </message>
    <message>
        <source>the name is too long</source>
        <translation>名称过长</translation>
    </message>
    <message>
        <source>Give the indicator set a name of at most 60 characters.</source>
        <translation>请为评估指标命名（不超过 60 个字）。</translation>
    </message>
    <message>
        <source>An indicator set needs at least one indicator.</source>
        <translation>评估指标体系至少需要一项指标。</translation>
    </message>
    <message>
        <source>Indicator {n}: give it a name of at most 60 characters.</source>
        <translation>第 {n} 项指标：请填写名称（不超过 60 个字）。</translation>
    </message>
    <message>
        <source>The indicator “{name}” appears twice; each indicator needs its own name.</source>
        <translation>指标“{name}”出现了两次，每项指标的名称应各不相同。</translation>
    </message>
    <message>
        <source>Indicator “{name}”: its points must be more than 0 and at most 100.</source>
        <translation>指标“{name}”：分值应大于 0 且不超过 100。</translation>
    </message>
    <message>
        <source>The regular indicators add up to {total} points, not 100 (bonus and penalty items are counted apart).</source>
        <translation>常规指标合计 {total} 分，不是 100 分（加分项和扣分项另计）。</translation>
    </message>
    <message>
        <source>“{name}” is a penalty item: write the deduction as a negative number from 0 down to -{max} points, not {points}.</source>
        <translation>“{name}”是扣分项：扣分请填 0 至 -{max} 之间的负数，不能填 {points}。</translation>
    </message>
    <message>
        <source>“{name}” is worth at most {max} points: {points} is not allowed.</source>
        <translation>“{name}”最高 {max} 分，不能给 {points} 分。</translation>
    </message>
    <message>
        <source>The competition&apos;s evaluation rules are not valid: {key} = {value}.</source>
        <translation>大赛的评估规则设置有误：{key} = {value}。</translation>
    </message>
    <message>
        <source>no community called {name} is registered in {street}</source>
        <translation>{street}没有登记名为{name}的社区</translation>
    </message>
    <message>
        <source>communities called {name} are registered in {streets}: fill in the column {column}</source>
        <translation>{streets}都登记有名为{name}的社区：请填写“{column}”列</translation>
    </message>
    <message>
        <source>this need is registered already (same community, title and date)</source>
        <translation>该需求已登记（社区、需求标题和收集日期相同）</translation>
    </message>
    <message>
        <source>Give the date of the evaluation.</source>
        <translation>请填写评估日期。</translation>
    </message>
    <message>
        <source>There is no funded project to evaluate.</source>
        <translation>没有可评估的资助项目。</translation>
    </message>
    <message>
        <source>Choose an evaluator without a conflict of interest (add one under Evaluators…).</source>
        <translation>请选择无利益冲突的评估人员（可在“评估人员…”中添加）。</translation>
    </message>
    <message>
        <source>{year} is not a year between 2000 and 2100.</source>
        <translation>{year}不是2000至2100年之间的年份。</translation>
    </message>
    <message>
        <source>{value} is not a month (write it like 2026-06).</source>
        <translation>“{value}”不是月份（请写成 2026-06 的形式）。</translation>
    </message>
    <message>
        <source>There is no organization with the credit code {code}.</source>
        <translation>没有统一社会信用代码为 {code} 的机构。</translation>
    </message>
    <message>
        <source>{value} is neither an organization&apos;s number nor an 18-character unified social credit code.</source>
        <translation>“{value}”既不是机构编号，也不是 18 位统一社会信用代码。</translation>
    </message>
    <message>
        <source>{value} is not a number of price points (write it like 30 or 25.5).</source>
        <translation>{value} 不是有效的价格分值（请写成 30 或 25.5 这样的数字）。</translation>
    </message>
    <message>
        <source>Tender {code} has no result yet: there is no result notice to print.</source>
        <translation>招标项目 {code} 尚无评标结果：没有可打印的中标结果公示。</translation>
    </message>
    <message>
        <source>The result notice of tender {code} has no period yet: publish it with its dates first.</source>
        <translation>招标项目 {code} 的中标结果公示尚未设定公示期：请先设定公示起止日期并发布。</translation>
    </message>
    <message>
        <source>The result notice of tender {code} has not been published: the winner&apos;s agreement can be signed only after the notice period ends.</source>
        <translation>招标项目 {code} 的中标结果尚未公示：公示期满后方可签订中标单位的协议。</translation>
    </message>
    <message>
        <source>The result notice of tender {code} runs until {until}: the winner&apos;s agreement can be signed from {after} on.</source>
        <translation>招标项目 {code} 的中标结果公示至 {until}：自 {after} 起方可签订中标单位的协议。</translation>
    </message>
    <message>
        <source>An objection to the result of tender {code} has not been resolved: record its resolution before the agreement is signed.</source>
        <translation>对招标项目 {code} 中标结果的异议尚未处理：请先记录处理结果，再签订协议。</translation>
    </message>
    <message>
        <source>There is no tender project with code {code}.</source>
        <translation>没有项目编号为 {code} 的招标项目。</translation>
    </message>
    <message>
        <source>Tender {code} has no result yet: award it, or close it without a winner, before publishing the result notice.</source>
        <translation>招标项目 {code} 尚无评标结果：请先确定中标单位或以流标结束，再公示中标结果。</translation>
    </message>
    <message>
        <source>The result notice of tender {code} was already published, from {start} to {end}.</source>
        <translation>招标项目 {code} 的中标结果已公示，公示期为 {start} 至 {end}。</translation>
    </message>
    <message>
        <source>The notice period ends ({end}) before it starts ({start}).</source>
        <translation>公示期的结束日期（{end}）早于开始日期（{start}）。</translation>
    </message>
    <message>
        <source>The notice period of {days} days is too short: the result must be published for at least {least} calendar days.</source>
        <translation>公示期 {days} 天过短：中标结果至少应公示 {least} 个自然日。</translation>
    </message>
    <message>
        <source>The result of tender {code} has not been published: there is no notice to object to.</source>
        <translation>招标项目 {code} 的中标结果尚未公示：没有可提出异议的公示。</translation>
    </message>
    <message>
        <source>{date} is outside the notice period ({start} to {end}): objections are taken only during it.</source>
        <translation>{date} 不在公示期（{start} 至 {end}）内：仅受理公示期内提出的异议。</translation>
    </message>
    <message>
        <source>An objection to the result of tender {code} is already recorded: one objection per notice.</source>
        <translation>招标项目 {code} 的中标结果已记录一项异议：每次公示只记录一项异议。</translation>
    </message>
    <message>
        <source>No objection to the result of tender {code} has been recorded: there is nothing to resolve.</source>
        <translation>招标项目 {code} 的中标结果没有记录异议：无需处理。</translation>
    </message>
    <message>
        <source>The objection to the result of tender {code} was already resolved: {resolution}</source>
        <translation>对招标项目 {code} 中标结果的异议已处理：{resolution}</translation>
    </message>
    <message>
        <source>{reason}

This database was chosen in Settings → Database. To work on this PC&apos;s own database meanwhile, start PSP Desktop with: psp-desktop --db &quot;{path}&quot;</source>
        <translation>{reason}

此数据库是在“设置 → 数据库”中选择的。如需暂时使用本机自己的数据库，请这样启动 PSP Desktop：psp-desktop --db &quot;{path}&quot;</translation>
    </message>
    <message>
        <source>“{text}” is not a PostgreSQL address. Write it as postgresql://user:password@host:port/dbname.</source>
        <translation>“{text}”不是 PostgreSQL 地址。请按 postgresql://用户名:密码@主机:端口/数据库名 的格式填写。</translation>
    </message>
    <message>
        <source>The user “{user}” may not create tables in {where}. Make the user the database&apos;s owner.</source>
        <translation>用户“{user}”无权在 {where} 中创建数据表。请将该用户设为数据库的所有者。</translation>
    </message>
</context>
<context>
    <name>Evaluations</name>
    <message>
        <source>Excellent</source>
        <translation>优秀</translation>
    </message>
    <message>
        <source>Good</source>
        <translation>良好</translation>
    </message>
    <message>
        <source>Pass</source>
        <translation>合格</translation>
    </message>
    <message>
        <source>Fail</source>
        <translation>不合格</translation>
    </message>
    <message>
        <source>Mid-term</source>
        <translation>中期</translation>
    </message>
    <message>
        <source>Final</source>
        <translation>终期</translation>
    </message>
    <message>
        <source>Regular item</source>
        <translation>常规指标</translation>
    </message>
    <message>
        <source>Bonus item</source>
        <translation>加分项</translation>
    </message>
    <message>
        <source>Penalty item</source>
        <translation>扣分项</translation>
    </message>
    <message>
        <source>Score the evaluation</source>
        <translation>评估评分</translation>
    </message>
    <message>
        <source>{organization} — {title}
{kind} evaluation by {evaluator} ({agency}), indicator set: {set}</source>
        <translation>{organization} — {title}
{kind}评估&#x3000;评估人员：{evaluator}（{agency}）&#x3000;评估指标：{set}</translation>
    </message>
    <message>
        <source>Indicator</source>
        <translation>评估指标</translation>
    </message>
    <message>
        <source>Points</source>
        <translation>分值</translation>
    </message>
    <message>
        <source>Score</source>
        <translation>得分</translation>
    </message>
    <message>
        <source>Comment</source>
        <translation>评语</translation>
    </message>
    <message>
        <source>The evaluator&apos;s overall assessment: what went well, what must change.</source>
        <translation>评估人员的综合评价：做得好的方面和需要改进的方面。</translation>
    </message>
    <message>
        <source>Narrative:</source>
        <translation>综合评价：</translation>
    </message>
    <message>
        <source>Evaluated on:</source>
        <translation>评估日期：</translation>
    </message>
    <message>
        <source>deduct up to {max}</source>
        <translation>最多扣 {max}</translation>
    </message>
    <message>
        <source>bonus up to {max}</source>
        <translation>最多加 {max}</translation>
    </message>
    <message>
        <source>Total: {total} points — {grade}</source>
        <translation>总分：{total} 分 — {grade}</translation>
    </message>
    <message>
        <source>New evaluation</source>
        <translation>新建评估</translation>
    </message>
    <message>
        <source>Project:</source>
        <translation>项目：</translation>
    </message>
    <message>
        <source>Kind:</source>
        <translation>类型：</translation>
    </message>
    <message>
        <source>Evaluator:</source>
        <translation>评估人员：</translation>
    </message>
    <message>
        <source>Indicator set:</source>
        <translation>评估指标：</translation>
    </message>
    <message>
        <source>{name} — conflict of interest</source>
        <translation>{name} — 需回避</translation>
    </message>
    <message>
        <source>Already evaluated: {kinds}.</source>
        <translation>已有评估：{kinds}。</translation>
    </message>
    <message>
        <source>The shipped set for this kind</source>
        <translation>该类型的通用指标</translation>
    </message>
    <message>
        <source>{organization} — {title}
{kind} evaluation: {total} points, {grade}.</source>
        <translation>{organization} — {title}
{kind}评估：{total} 分，{grade}。</translation>
    </message>
    <message>
        <source>Making it final will:</source>
        <translation>定稿后将：</translation>
    </message>
    <message>
        <source>• tranche {n} ({amount} yuan): {before} → {after}</source>
        <translation>• 第{n}期（{amount} 元）：{before} → {after}</translation>
    </message>
    <message>
        <source>• tranche {n} ({amount} yuan): stays {state}</source>
        <translation>• 第{n}期（{amount} 元）：保持{state}</translation>
    </message>
    <message>
        <source>• no tranche waits for this evaluation</source>
        <translation>• 没有拨付期次以本次评估为条件</translation>
    </message>
    <message>
        <source>• claw back {amount} yuan paid in tranche {n}</source>
        <translation>• 追回第{n}期已拨付资金 {amount} 元</translation>
    </message>
    <message>
        <source>• bar {organization} from applying until {date}</source>
        <translation>• {organization}在 {date} 前不得申报</translation>
    </message>
    <message>
        <source>This cannot be undone.</source>
        <translation>此操作无法撤销。</translation>
    </message>
    <message>
        <source>Evaluators</source>
        <translation>评估人员</translation>
    </message>
    <message>
        <source>New evaluator</source>
        <translation>新增评估人员</translation>
    </message>
    <message>
        <source>a person, or the agency itself</source>
        <translation>个人姓名，或评估机构名称</translation>
    </message>
    <message>
        <source>blank for an agency</source>
        <translation>评估机构本身留空</translation>
    </message>
    <message>
        <source>Find an organization…</source>
        <translation>查找机构…</translation>
    </message>
    <message>
        <source>Save</source>
        <translation>保存</translation>
    </message>
    <message>
        <source>Name:</source>
        <translation>名称：</translation>
    </message>
    <message>
        <source>Agency:</source>
        <translation>所属机构：</translation>
    </message>
    <message>
        <source>Phone:</source>
        <translation>电话：</translation>
    </message>
    <message>
        <source>Conflicts of interest: organizations this evaluator must not evaluate</source>
        <translation>利益冲突申报：该评估人员须回避的机构</translation>
    </message>
    <message>
        <source>{count} declared</source>
        <translation>已申报 {count} 家</translation>
    </message>
    <message>
        <source>Saved: {name}.</source>
        <translation>已保存：{name}。</translation>
    </message>
    <message>
        <source>Remove this indicator</source>
        <translation>删除此指标</translation>
    </message>
    <message>
        <source>Indicator sets</source>
        <translation>评估指标体系</translation>
    </message>
    <message>
        <source>New {kind} set</source>
        <translation>新建{kind}指标</translation>
    </message>
    <message>
        <source>Copy…</source>
        <translation>复制…</translation>
    </message>
    <message>
        <source>Add indicator</source>
        <translation>添加指标</translation>
    </message>
    <message>
        <source>used by {count}</source>
        <translation>已用于 {count} 项评估</translation>
    </message>
    <message>
        <source>Used by {count} evaluations: it cannot change. Copy it and edit the copy.</source>
        <translation>已用于 {count} 项评估，不能修改。请复制后修改副本。</translation>
    </message>
    <message>
        <source>Type</source>
        <translation>类别</translation>
    </message>
    <message>
        <source>What the evaluator looks at</source>
        <translation>评估要点</translation>
    </message>
    <message>
        <source>Regular items: {total} of 100 points</source>
        <translation>常规指标合计：{total} / 100 分</translation>
    </message>
    <message>
        <source>{name} (new)</source>
        <translation>{name}（新）</translation>
    </message>
    <message>
        <source>Copy the indicator set</source>
        <translation>复制评估指标</translation>
    </message>
    <message>
        <source>Name of the copy:</source>
        <translation>副本名称：</translation>
    </message>
    <message>
        <source>{name} (copy)</source>
        <translation>{name}（副本）</translation>
    </message>
    <message>
        <source>Copied as {name}.</source>
        <translation>已复制为：{name}。</translation>
    </message>
    <message>
        <source>ended {date}</source>
        <translation>{date} 已截止</translation>
    </message>
    <message>
        <source>open until {date}</source>
        <translation>至 {date}</translation>
    </message>
    <message>
        <source>; objection resolved</source>
        <translation>；异议已处理</translation>
    </message>
    <message>
        <source>; objection raised</source>
        <translation>；有异议待处理</translation>
    </message>
    <message>
        <source>Made final</source>
        <translation>已定稿</translation>
    </message>
    <message>
        <source>Objection to resolve</source>
        <translation>异议待处理</translation>
    </message>
    <message>
        <source>Ready to make final</source>
        <translation>可定稿</translation>
    </message>
    <message>
        <source>Published</source>
        <translation>公示中</translation>
    </message>
    <message>
        <source>Scored</source>
        <translation>已评分</translation>
    </message>
    <message>
        <source>Not scored</source>
        <translation>未评分</translation>
    </message>
    <message>
        <source>New…</source>
        <translation>新建评估…</translation>
    </message>
    <message>
        <source>Score…</source>
        <translation>评分…</translation>
    </message>
    <message>
        <source>Publish</source>
        <translation>公示</translation>
    </message>
    <message>
        <source>Record objection…</source>
        <translation>登记异议…</translation>
    </message>
    <message>
        <source>Finalize…</source>
        <translation>定稿…</translation>
    </message>
    <message>
        <source>Report PDF…</source>
        <translation>评估报告 PDF…</translation>
    </message>
    <message>
        <source>Evaluators…</source>
        <translation>评估人员…</translation>
    </message>
    <message>
        <source>Indicator sets…</source>
        <translation>评估指标…</translation>
    </message>
    <message>
        <source>{count} evaluations, {failed} failed</source>
        <translation>共 {count} 项评估，{failed} 项不合格</translation>
    </message>
    <message>
        <source>Objection: {text}</source>
        <translation>异议：{text}</translation>
    </message>
    <message>
        <source>Resolution: {text}</source>
        <translation>处理结果：{text}</translation>
    </message>
    <message>
        <source>Select an evaluation in the list first.</source>
        <translation>请先在列表中选择一项评估。</translation>
    </message>
    <message>
        <source>{organization} — {title}
{kind} evaluation</source>
        <translation>{organization} — {title}
{kind}评估</translation>
    </message>
    <message>
        <source>No funded project to evaluate in this competition.</source>
        <translation>本大赛没有可评估的资助项目。</translation>
    </message>
    <message>
        <source>Evaluation created: score it next.</source>
        <translation>评估已创建，请继续评分。</translation>
    </message>
    <message>
        <source>Scores saved: {title}.</source>
        <translation>评分已保存：{title}。</translation>
    </message>
    <message>
        <source>Publish the result of this evaluation?

{what}: {total} points, {grade}.

The objection window of {days} days opens today.</source>
        <translation>公示本次评估结果？

{what}：{total} 分，{grade}。

自今日起进入 {days} 天的异议期。</translation>
    </message>
    <message>
        <source>Published: objections until {date}.</source>
        <translation>已公示，异议期至 {date}。</translation>
    </message>
    <message>
        <source>An objection can be recorded until {date}. It must be resolved (re-score if it is upheld) before the evaluation is made final.</source>
        <translation>异议可登记至 {date}。定稿前须处理异议（异议成立的应重新评分）。</translation>
    </message>
    <message>
        <source>Record objection</source>
        <translation>登记异议</translation>
    </message>
    <message>
        <source>Objection:</source>
        <translation>异议内容：</translation>
    </message>
    <message>
        <source>who objects, and to what</source>
        <translation>谁提出异议，对哪一项有异议</translation>
    </message>
    <message>
        <source>Raised on:</source>
        <translation>提出日期：</translation>
    </message>
    <message>
        <source>Resolution:</source>
        <translation>处理结果：</translation>
    </message>
    <message>
        <source>how it was resolved (may be written later)</source>
        <translation>如何处理（可稍后填写）</translation>
    </message>
    <message>
        <source>Objection recorded.</source>
        <translation>异议已登记。</translation>
    </message>
    <message>
        <source>Make the evaluation final</source>
        <translation>评估定稿</translation>
    </message>
    <message>
        <source>Final: {grade}. The tranche follows the result; Funding shows it.</source>
        <translation>已定稿：{grade}。拨付期次已按评估结果处理，可在资金管理中查看。</translation>
    </message>
    <message>
        <source>Evaluation report {organization} {kind}.pdf</source>
        <translation>评估报告 {organization} {kind}.pdf</translation>
    </message>
    <message>
        <source>Competition:</source>
        <translation>大赛：</translation>
    </message>
    <message>
        <source>All competitions</source>
        <translation>全部大赛</translation>
    </message>
    <message>
        <source>Search…</source>
        <translation>搜索…</translation>
    </message>
</context>
<context>
    <name>EventDialog</name>
    <message>
        <source>Accepted</source>
        <translation>已导入</translation>
    </message>
    <message>
        <source>Already imported</source>
        <translation>此前已导入</translation>
    </message>
    <message>
        <source>Rejected</source>
        <translation>已拒收</translation>
    </message>
    <message>
        <source>Conflict</source>
        <translation>冲突</translation>
    </message>
    <message>
        <source>Not counted</source>
        <translation>未计入</translation>
    </message>
    <message>
        <source>Judge laptops</source>
        <translation>评审笔记本</translation>
    </message>
    <message>
        <source>Judges can score on laptops without a network. Save the event package of this round for the laptops (a laptop opens it with “psp-desktop --event FILE”), and bring their signed results files back here by USB. Each file is checked and taken whole or not at all; a sheet already counted is never overwritten.</source>
        <translation>评委可以在不联网的笔记本上评分。先为笔记本保存本轮次的评审活动包（笔记本用“psp-desktop --event 文件”打开），再用 U 盘把笔记本签名的评分结果文件带回这里导入。每个文件都会核验，要么整份导入，要么一条不导入；已计入的评分表绝不会被覆盖。</translation>
    </message>
    <message>
        <source>Judge laptops: {round}</source>
        <translation>评审笔记本：{round}</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>1. Event package for the laptops</source>
        <translation>1. 给评审笔记本的活动包</translation>
    </message>
    <message>
        <source>optional: the name “psp event key” shows on the laptop</source>
        <translation>选填：在笔记本上运行“psp event key”显示的名称</translation>
    </message>
    <message>
        <source>optional: its public key, 64 hexadecimal digits</source>
        <translation>选填：该笔记本的公钥，64 位十六进制数字</translation>
    </message>
    <message>
        <source>Save the event package…</source>
        <translation>保存评审活动包…</translation>
    </message>
    <message>
        <source>Register laptop</source>
        <translation>登记笔记本</translation>
    </message>
    <message>
        <source>Laptop key</source>
        <translation>笔记本公钥</translation>
    </message>
    <message>
        <source>2. Results files from the laptops</source>
        <translation>2. 评审笔记本交回的评分结果文件</translation>
    </message>
    <message>
        <source>Register laptops not seen before with the key in their file (only for files you trust)</source>
        <translation>用文件中的密钥登记此前未见过的笔记本（仅用于您信任的文件）</translation>
    </message>
    <message>
        <source>Import results files…</source>
        <translation>导入评分结果文件…</translation>
    </message>
    <message>
        <source>Sheets not written</source>
        <translation>未写入的评分表</translation>
    </message>
    <message>
        <source>No laptop is registered yet.</source>
        <translation>尚未登记任何笔记本。</translation>
    </message>
    <message>
        <source>Registered laptops: {names}</source>
        <translation>已登记的笔记本：{names}</translation>
    </message>
    <message>
        <source>Save the event package</source>
        <translation>保存评审活动包</translation>
    </message>
    <message>
        <source>Event package (*.pspevent)</source>
        <translation>评审活动包 (*.pspevent)</translation>
    </message>
    <message>
        <source>Saving…</source>
        <translation>正在保存……</translation>
    </message>
    <message>
        <source>Saved {path}: {judges} judges, {assignments} sheets to score, {excluded} left out for conflicts of interest.</source>
        <translation>已保存 {path}：{judges} 位评委，{assignments} 张待评评分表，{excluded} 张因利益冲突未纳入。</translation>
    </message>
    <message>
        <source>No PIN yet (cannot sign in on a laptop): {names}.</source>
        <translation>尚未设置 PIN 码（无法在笔记本上登录）：{names}。</translation>
    </message>
    <message>
        <source>Import results files</source>
        <translation>导入评分结果文件</translation>
    </message>
    <message>
        <source>Results files (*.pspresults);;All files (*)</source>
        <translation>评分结果文件 (*.pspresults);;所有文件 (*)</translation>
    </message>
    <message>
        <source>Checking {count} files…</source>
        <translation>正在核验 {count} 个文件……</translation>
    </message>
    <message>
        <source>{accepted} accepted, {duplicates} imported before, {rejected} rejected; {added} sheets added, {conflicts} conflicts.</source>
        <translation>导入 {accepted} 个，此前已导入 {duplicates} 个，拒收 {rejected} 个；新增评分表 {added} 张，冲突 {conflicts} 处。</translation>
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
        <source>Judge&apos;s name</source>
        <translation>评审专家姓名</translation>
    </message>
    <message>
        <source>Affiliation</source>
        <translation>工作单位</translation>
    </message>
    <message>
        <source>Professional title</source>
        <translation>职称或身份</translation>
    </message>
    <message>
        <source>Expertise</source>
        <translation>专长领域</translation>
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
        <source>Panel name</source>
        <translation>评审组名称</translation>
    </message>
    <message>
        <source>Venue</source>
        <translation>评审地点</translation>
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
        <source>Progress report every (months)</source>
        <translation>进度报告间隔</translation>
    </message>
    <message>
        <source>Grace days for reports</source>
        <translation>报告宽限天数</translation>
    </message>
    <message>
        <source>Objection window (days)</source>
        <translation>异议期</translation>
    </message>
    <message>
        <source>Grade thresholds</source>
        <translation>等级分数线</translation>
    </message>
    <message>
        <source>Claw back on a failed evaluation</source>
        <translation>不合格追回比例</translation>
    </message>
    <message>
        <source>Bar on applications after a failed evaluation</source>
        <translation>不合格禁止申报年限</translation>
    </message>
    <message>
        <source>Community</source>
        <translation>社区</translation>
    </message>
    <message>
        <source>Service domain</source>
        <translation>服务领域</translation>
    </message>
    <message>
        <source>Need</source>
        <translation>需求标题</translation>
    </message>
    <message>
        <source>Description</source>
        <translation>需求描述</translation>
    </message>
    <message>
        <source>Source</source>
        <translation>来源</translation>
    </message>
    <message>
        <source>People affected</source>
        <translation>受益人数</translation>
    </message>
    <message>
        <source>Priority</source>
        <translation>优先级</translation>
    </message>
    <message>
        <source>Collected on</source>
        <translation>收集日期</translation>
    </message>
    <message>
        <source>District</source>
        <translation>所在区</translation>
    </message>
    <message>
        <source>Street</source>
        <translation>街道</translation>
    </message>
    <message>
        <source>Intake number pattern</source>
        <translation>受理编号格式</translation>
    </message>
    <message>
        <source>Tender code</source>
        <translation>招标项目编号</translation>
    </message>
    <message>
        <source>Tender project name</source>
        <translation>招标项目名称</translation>
    </message>
</context>
<context>
    <name>Forms</name>
    <message>
        <source>Saved elsewhere</source>
        <translation>已在别处保存</translation>
    </message>
    <message>
        <source>Load the saved version now? What you typed in this form is replaced; answer No to copy it first.</source>
        <translation>现在载入已保存的版本吗？此表单中您输入的内容将被替换；如需先复制您的内容，请选“否”。</translation>
    </message>
</context>
<context>
    <name>Funding</name>
    <message>
        <source>50 / 50: on signing, after the final evaluation</source>
        <translation>50 / 50：签约后、终期评估合格后</translation>
    </message>
    <message>
        <source>50 / 30 / 20: on signing, after mid-term, after final evaluation</source>
        <translation>50 / 30 / 20：签约后、中期评估合格后、终期评估合格后</translation>
    </message>
    <message>
        <source>40 / 40 / 20: on signing, after mid-term, after final evaluation</source>
        <translation>40 / 40 / 20：签约后、中期评估合格后、终期评估合格后</translation>
    </message>
    <message>
        <source>10% start-up on signing, then 22.5% each quarter</source>
        <translation>签约后拨付 10% 启动资金，此后每季度拨付 22.5%</translation>
    </message>
    <message>
        <source>Limited to the amount requested</source>
        <translation>以申请金额为限</translation>
    </message>
    <message>
        <source>Limited by the cap per project</source>
        <translation>受单项资助上限限制</translation>
    </message>
    <message>
        <source>Limited by the share of the total budget</source>
        <translation>受占总预算比例上限限制</translation>
    </message>
    <message>
        <source>The pool ran out</source>
        <translation>资金池已用完</translation>
    </message>
    <message>
        <source>Tied at the cut: the pool cannot fund the whole tie</source>
        <translation>在资助分界线上并列，资金池不足以资助全部并列项目</translation>
    </message>
    <message>
        <source>Below the score threshold</source>
        <translation>低于分数线</translation>
    </message>
    <message>
        <source>Every award level is full</source>
        <translation>各等级奖项名额已满</translation>
    </message>
    <message>
        <source>Not ranked</source>
        <translation>未排名</translation>
    </message>
    <message>
        <source>Funded</source>
        <translation>资助</translation>
    </message>
    <message>
        <source>Reserve list</source>
        <translation>候补</translation>
    </message>
    <message>
        <source>Not funded</source>
        <translation>不资助</translation>
    </message>
    <message>
        <source>Fund the amount requested</source>
        <translation>按申请金额全额资助</translation>
    </message>
    <message>
        <source>A fixed amount per award level</source>
        <translation>按奖项等级定额资助</translation>
    </message>
    <message>
        <source>A percentage of the request, for scores at or above a threshold</source>
        <translation>按申请金额的一定比例资助（仅限达到分数线的项目）</translation>
    </message>
    <message>
        <source>{level} {count} × {amount} yuan</source>
        <translation>{level} {count} 名 × {amount} 元</translation>
    </message>
    <message>
        <source>This competition names no award levels: set them on the competition first.</source>
        <translation>本届大赛未设奖项等级，请先在大赛设置中设定。</translation>
    </message>
    <message>
        <source>Award levels: {levels}</source>
        <translation>奖项等级：{levels}</translation>
    </message>
    <message>
        <source>Propose awards</source>
        <translation>拟定资助方案</translation>
    </message>
    <message>
        <source>How the amounts are worked out</source>
        <translation>资助金额的确定方式</translation>
    </message>
    <message>
        <source>Only scores of at least</source>
        <translation>仅限得分不低于</translation>
    </message>
    <message>
        <source>Share of the request</source>
        <translation>资助比例（占申请金额）</translation>
    </message>
    <message>
        <source>Commit these awards</source>
        <translation>确认资助方案</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>Working out the allocation…</source>
        <translation>正在计算资助方案…</translation>
    </message>
    <message>
        <source>{funded} funded for {amount} yuan, {reserve} on the reserve list, {not_funded} not funded.</source>
        <translation>资助 {funded} 项，共 {amount} 元；候补 {reserve} 项；不资助 {not_funded} 项。</translation>
    </message>
    <message>
        <source>Awards are proposed from the final ranking: freeze every review round on the Results page first.</source>
        <translation>资助方案依据最终排名拟定：请先在“评审结果”页锁定所有评审轮次的结果。</translation>
    </message>
    <message>
        <source>This competition already has {count} awards: committing replaces them, with any amounts changed by hand.</source>
        <translation>本届大赛已有 {count} 个资助项目：确认后将全部替换，手工调整过的金额也会被替换。</translation>
    </message>
    <message>
        <source>Agreements have been signed in this competition: the allocation can no longer be replaced. Change single awards on the page instead.</source>
        <translation>本届大赛已有资助协议签订，资助方案不能再整体替换，请在页面上逐项调整。</translation>
    </message>
    <message>
        <source>Replace the awards</source>
        <translation>替换资助项目</translation>
    </message>
    <message>
        <source>Replace the {count} awards of this competition with the ones shown?</source>
        <translation>用所示方案替换本届大赛现有的 {count} 个资助项目吗？</translation>
    </message>
    <message>
        <source>{organization} · award {amount} yuan · {status}</source>
        <translation>{organization} · 资助 {amount} 元 · {status}</translation>
    </message>
    <message>
        <source>Save the change</source>
        <translation>保存调整</translation>
    </message>
    <message>
        <source>Fund from the reserve list</source>
        <translation>候补递补资助</translation>
    </message>
    <message>
        <source>Adjust the award</source>
        <translation>调整资助金额</translation>
    </message>
    <message>
        <source>Keep: {level}</source>
        <translation>不变：{level}</translation>
    </message>
    <message>
        <source>none</source>
        <translation>无</translation>
    </message>
    <message>
        <source>Why the amount changes (required; it goes into the change log)</source>
        <translation>调整原因（必填，记入变更记录）</translation>
    </message>
    <message>
        <source>New amount (yuan)</source>
        <translation>新金额（元）</translation>
    </message>
    <message>
        <source>Award level</source>
        <translation>奖项等级</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>原因</translation>
    </message>
    <message>
        <source>This proposal is on the reserve list: saving an amount funds it and gives it the competition&apos;s payment schedule.</source>
        <translation>该项目在候补名单上：保存金额即予以资助，并按大赛的拨付计划分期拨付。</translation>
    </message>
    <message>
        <source>Left in the pool now: {amount} yuan.</source>
        <translation>资金池目前剩余 {amount} 元。</translation>
    </message>
    <message>
        <source>Cancel the award</source>
        <translation>取消资助</translation>
    </message>
    <message>
        <source>Why the award is cancelled (required)</source>
        <translation>取消原因（必填）</translation>
    </message>
    <message>
        <source>Tranches not yet paid are cancelled and their money goes back to the pool. Money already paid stays spent: claw it back on the Tranches tab.</source>
        <translation>尚未拨付的各期将取消，资金退回资金池；已拨付的资金仍计为已支出，如需追回请在“分期拨付”页签办理。</translation>
    </message>
    <message>
        <source>Record the signing</source>
        <translation>登记签约</translation>
    </message>
    <message>
        <source>Sign the agreement</source>
        <translation>签订资助协议</translation>
    </message>
    <message>
        <source>Leave empty to number it automatically</source>
        <translation>留空则自动编号</translation>
    </message>
    <message>
        <source>Signed on</source>
        <translation>签约日期</translation>
    </message>
    <message>
        <source>Agreement number</source>
        <translation>协议编号</translation>
    </message>
    <message>
        <source>The first tranche falls due once the agreement is signed.</source>
        <translation>协议签订后，第一期款项即进入待拨付。</translation>
    </message>
    <message>
        <source>Share of the award</source>
        <translation>按比例</translation>
    </message>
    <message>
        <source>Fixed amount</source>
        <translation>固定金额</translation>
    </message>
    <message>
        <source>Remove this tranche</source>
        <translation>删除这一期</translation>
    </message>
    <message>
        <source>{months} months after the start</source>
        <translation>项目开始后 {months} 个月</translation>
    </message>
    <message>
        <source>Save the schedule</source>
        <translation>保存拨付计划</translation>
    </message>
    <message>
        <source>No.</source>
        <translation>期次</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>方式</translation>
    </message>
    <message>
        <source>Share or amount</source>
        <translation>比例或金额</translation>
    </message>
    <message>
        <source>Paid when</source>
        <translation>拨付条件</translation>
    </message>
    <message>
        <source>Date</source>
        <translation>日期</translation>
    </message>
    <message>
        <source>Amount (yuan)</source>
        <translation>金额（元）</translation>
    </message>
    <message>
        <source>Payment schedule</source>
        <translation>拨付计划</translation>
    </message>
    <message>
        <source>Start from a template…</source>
        <translation>选用模板…</translation>
    </message>
    <message>
        <source>Template</source>
        <translation>模板</translation>
    </message>
    <message>
        <source>Add a tranche</source>
        <translation>增加一期</translation>
    </message>
    <message>
        <source>{count} tranches adding up to {amount} yuan, the whole award.</source>
        <translation>共 {count} 期，合计 {amount} 元，与资助金额一致。</translation>
    </message>
    <message>
        <source>Tranches</source>
        <translation>分期拨付</translation>
    </message>
    <message>
        <source>Matching funds</source>
        <translation>配套资金</translation>
    </message>
    <message>
        <source>Cash flow</source>
        <translation>资金流</translation>
    </message>
    <message>
        <source>{percent}% committed</source>
        <translation>已承诺 {percent}%</translation>
    </message>
    <message>
        <source>Committed is more than the pool.</source>
        <translation>已承诺金额超过了资金池。</translation>
    </message>
    <message>
        <source>Pool</source>
        <translation>资金池</translation>
    </message>
    <message>
        <source>Committed</source>
        <translation>已承诺</translation>
    </message>
    <message>
        <source>Paid</source>
        <translation>已拨付</translation>
    </message>
    <message>
        <source>Remaining</source>
        <translation>剩余</translation>
    </message>
    <message>
        <source>No competitions in this mode.</source>
        <translation>该方式下暂无大赛。</translation>
    </message>
    <message>
        <source>No competitions yet.</source>
        <translation>还没有大赛。</translation>
    </message>
    <message>
        <source>{funded} funded ({signed} signed) · {reserve} on the reserve list</source>
        <translation>资助 {funded} 项（已签约 {signed} 项）· 候补 {reserve} 项</translation>
    </message>
    <message>
        <source>Awards</source>
        <translation>资助项目</translation>
    </message>
    <message>
        <source>Select an award first.</source>
        <translation>请先选择一个资助项目。</translation>
    </message>
    <message>
        <source>The agreement for {title} is signed: number {number}.</source>
        <translation>{title}的资助协议已签订，协议编号 {number}。</translation>
    </message>
    <message>
        <source>Grant agreement {name}.pdf</source>
        <translation>资助协议 {name}.pdf</translation>
    </message>
    <message>
        <source>Competition</source>
        <translation>大赛</translation>
    </message>
</context>
<context>
    <name>FundingMoney</name>
    <message>
        <source>Give the date: {field}.</source>
        <translation>请填写日期：{field}。</translation>
    </message>
    <message>
        <source>“{text}” is not an amount in yuan (for example 12,500.00 or 1.25万).</source>
        <translation>“{text}”不是以元为单位的金额（例如 12,500.00 或 1.25万）。</translation>
    </message>
    <message>
        <source>Unexpected error: {error}</source>
        <translation>意外错误：{error}</translation>
    </message>
    <message>
        <source>All tranches</source>
        <translation>全部拨付</translation>
    </message>
    <message>
        <source>Due this month</source>
        <translation>本月应付</translation>
    </message>
    <message>
        <source>Overdue</source>
        <translation>已逾期</translation>
    </message>
    <message>
        <source>Withheld</source>
        <translation>暂缓拨付</translation>
    </message>
    <message>
        <source>Paid</source>
        <translation>已拨付</translation>
    </message>
    <message>
        <source>Tranche {n} of {m}</source>
        <translation>第{n}/{m}期</translation>
    </message>
    <message>
        <source>{state}, overdue</source>
        <translation>{state}（已逾期）</translation>
    </message>
    <message>
        <source>Total</source>
        <translation>合计</translation>
    </message>
    <message>
        <source>(no community given)</source>
        <translation>（未填写社区）</translation>
    </message>
    <message>
        <source>Evaluation result…</source>
        <translation>登记评估结果…</translation>
    </message>
    <message>
        <source>Approve</source>
        <translation>审批</translation>
    </message>
    <message>
        <source>Record payment…</source>
        <translation>登记拨付…</translation>
    </message>
    <message>
        <source>Withhold…</source>
        <translation>暂缓拨付…</translation>
    </message>
    <message>
        <source>Release…</source>
        <translation>解除暂缓…</translation>
    </message>
    <message>
        <source>Cancel tranche…</source>
        <translation>取消本期…</translation>
    </message>
    <message>
        <source>Claw back…</source>
        <translation>追回资金…</translation>
    </message>
    <message>
        <source>Print disbursement notice…</source>
        <translation>打印拨付通知书…</translation>
    </message>
    <message>
        <source>Export payment list…</source>
        <translation>导出拨付清单…</translation>
    </message>
    <message>
        <source>{count} tranches, {amount} yuan</source>
        <translation>共 {count} 期，{amount}元</translation>
    </message>
    <message>
        <source>Overdue: expected on {date}, {days} days ago.</source>
        <translation>已逾期：预计 {date} 拨付，已过 {days} 天。</translation>
    </message>
    <message>
        <source>{amount} yuan clawed back.</source>
        <translation>已追回 {amount} 元。</translation>
    </message>
    <message>
        <source>Select a tranche in the list first.</source>
        <translation>请先在列表中选择一期拨付。</translation>
    </message>
    <message>
        <source>Evaluation result</source>
        <translation>评估结果</translation>
    </message>
    <message>
        <source>Record the result of the evaluation or decision this tranche waits for. Met makes it due for payment; failed withholds it.</source>
        <translation>登记本期资金所依据的评估或审批结果。合格则转为应付；不合格则暂缓拨付。</translation>
    </message>
    <message>
        <source>Met (passed)</source>
        <translation>合格（通过）</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>不合格</translation>
    </message>
    <message>
        <source>Result:</source>
        <translation>结果：</translation>
    </message>
    <message>
        <source>Reason:</source>
        <translation>原因：</translation>
    </message>
    <message>
        <source>e.g. mid-term evaluation graded 良好 (82 points)</source>
        <translation>例如：中期评估结果为良好（82分）</translation>
    </message>
    <message>
        <source>Decided on:</source>
        <translation>决定日期：</translation>
    </message>
    <message>
        <source>Choose whether the condition was met or failed.</source>
        <translation>请选择评估结果：合格或不合格。</translation>
    </message>
    <message>
        <source>Approve this tranche for payment?

{tranche}</source>
        <translation>确定审批本期资金拨付吗？

{tranche}</translation>
    </message>
    <message>
        <source>{organization} — {title}
{tranche}: {amount} yuan ({upper}); condition: {gate}</source>
        <translation>{organization} — {title}
{tranche}：{amount} 元（{upper}）；拨付条件：{gate}</translation>
    </message>
    <message>
        <source>Money returned…</source>
        <translation>登记退回…</translation>
    </message>
    <message>
        <source>Approved: {tranche} of {title}.</source>
        <translation>已审批：{title}{tranche}。</translation>
    </message>
    <message>
        <source>Payee: {organization}
Bank: {bank}
Account: {account}</source>
        <translation>收款单位：{organization}
开户银行：{bank}
银行账号：{account}</translation>
    </message>
    <message>
        <source>Record payment</source>
        <translation>登记拨付</translation>
    </message>
    <message>
        <source>Paid on:</source>
        <translation>付款日期：</translation>
    </message>
    <message>
        <source>Voucher no.:</source>
        <translation>凭证号：</translation>
    </message>
    <message>
        <source>the number on the accounting voucher</source>
        <translation>记账凭证上的编号</translation>
    </message>
    <message>
        <source>Note:</source>
        <translation>备注：</translation>
    </message>
    <message>
        <source>Payment recorded: {amount} yuan to {organization}.</source>
        <translation>已登记拨付：向{organization}拨付 {amount} 元。</translation>
    </message>
    <message>
        <source>Withhold tranche</source>
        <translation>暂缓拨付</translation>
    </message>
    <message>
        <source>The tranche stops until it is released (a late report, a problem found on a visit). The reason goes into the change log.</source>
        <translation>本期资金暂停拨付，直至解除暂缓（如报告逾期、走访发现问题）。原因将记入变更记录。</translation>
    </message>
    <message>
        <source>Release tranche</source>
        <translation>解除暂缓</translation>
    </message>
    <message>
        <source>The withholding is lifted; the tranche is planned or due again according to its condition. A failed evaluation must then be decided again.</source>
        <translation>解除暂缓后，本期资金按其拨付条件恢复为计划或应付；评估不合格的，需重新登记评估结果。</translation>
    </message>
    <message>
        <source>Cancel tranche</source>
        <translation>取消本期拨付</translation>
    </message>
    <message>
        <source>The tranche will not be paid and its money goes back to the pool. This cannot be undone.</source>
        <translation>本期资金将不再拨付，金额退回资金池。此操作不可撤销。</translation>
    </message>
    <message>
        <source>Claw back</source>
        <translation>追回资金</translation>
    </message>
    <message>
        <source>Paid on this tranche and not yet clawed back: {amount} yuan.</source>
        <translation>本期已拨付且尚未追回的金额：{amount} 元。</translation>
    </message>
    <message>
        <source>Amount (yuan):</source>
        <translation>金额（元）：</translation>
    </message>
    <message>
        <source>e.g. final evaluation failed (52 points)</source>
        <translation>例如：终期评估不合格（52分）</translation>
    </message>
    <message>
        <source>Money returned</source>
        <translation>登记追回资金退回</translation>
    </message>
    <message>
        <source>Clawed back and not yet returned: {amount} yuan.</source>
        <translation>已追回尚未退回：{amount} 元。</translation>
    </message>
    <message>
        <source>Returned on:</source>
        <translation>退回日期：</translation>
    </message>
    <message>
        <source>{amount} yuan recorded as returned.</source>
        <translation>已登记退回资金 {amount} 元。</translation>
    </message>
    <message>
        <source>Disbursement notice {agreement} tranche {n}.pdf</source>
        <translation>拨付通知书 {agreement} 第{n}期.pdf</translation>
    </message>
    <message>
        <source>Export the payment list</source>
        <translation>导出拨付清单</translation>
    </message>
    <message>
        <source>Payment list.xlsx</source>
        <translation>拨付清单.xlsx</translation>
    </message>
    <message>
        <source>{count} tranches written to {file}.</source>
        <translation>已将 {count} 期拨付写入 {file}。</translation>
    </message>
    <message>
        <source>Show:</source>
        <translation>显示：</translation>
    </message>
    <message>
        <source>Search…</source>
        <translation>搜索…</translation>
    </message>
    <message>
        <source>More actions</source>
        <translation>更多操作</translation>
    </message>
    <message>
        <source>Totals</source>
        <translation>汇总</translation>
    </message>
    <message>
        <source>by</source>
        <translation>按</translation>
    </message>
    <message>
        <source>The matching funds committed are below the required {percent}% of the total budget.</source>
        <translation>承诺的配套资金低于总预算的 {percent}%（规定比例）。</translation>
    </message>
    <message>
        <source>Matching funds lag the grant: {received} of the committed funds received, but {paid} of the grant paid.</source>
        <translation>配套资金落后于资助拨付：承诺配套已到账 {received}，资助资金已拨付 {paid}。</translation>
    </message>
    <message>
        <source>Behind</source>
        <translation>滞后</translation>
    </message>
    <message>
        <source>On track</source>
        <translation>正常</translation>
    </message>
    <message>
        <source>{count} funded projects: {committed} yuan of matching funds committed, {received} received; {behind} behind.</source>
        <translation>资助项目 {count} 个：承诺配套资金 {committed}元，已到账 {received}元；{behind} 个滞后。</translation>
    </message>
    <message>
        <source>Receipts of {title}</source>
        <translation>{title}的配套资金到账记录</translation>
    </message>
    <message>
        <source>{organization} — {title}
Committed: {committed} yuan; received so far: {received} yuan.</source>
        <translation>{organization} — {title}
承诺配套：{committed} 元；已到账：{received} 元。</translation>
    </message>
    <message>
        <source>Matching funds recorded for {title}.</source>
        <translation>已登记{title}的配套资金到账。</translation>
    </message>
    <message>
        <source>Receipts</source>
        <translation>到账记录</translation>
    </message>
    <message>
        <source>{count} receipts, {amount} yuan</source>
        <translation>共 {count} 笔，{amount} 元</translation>
    </message>
    <message>
        <source>Select a funded project in the list first.</source>
        <translation>请先在列表中选择一个资助项目。</translation>
    </message>
    <message>
        <source>Record matching funds received</source>
        <translation>登记配套资金到账</translation>
    </message>
    <message>
        <source>Received on:</source>
        <translation>到账日期：</translation>
    </message>
    <message>
        <source>From:</source>
        <translation>资金来源：</translation>
    </message>
    <message>
        <source>e.g. the organization&apos;s own funds, a company donation</source>
        <translation>例如：机构自筹、企业捐赠</translation>
    </message>
    <message>
        <source>Record receipt…</source>
        <translation>登记到账…</translation>
    </message>
    <message>
        <source>Planned</source>
        <translation>计划拨付</translation>
    </message>
    <message>
        <source>{first} to {last}: {planned} yuan planned, {paid} yuan paid ({share}).</source>
        <translation>{first} 至 {last}：计划拨付 {planned}元，实际拨付 {paid}元（{share}）。</translation>
    </message>
    <message>
        <source>Save the chart</source>
        <translation>保存图表</translation>
    </message>
    <message>
        <source>Cash flow.png</source>
        <translation>资金流.png</translation>
    </message>
    <message>
        <source>Chart saved to {file}.</source>
        <translation>图表已保存到 {file}。</translation>
    </message>
    <message>
        <source>The chart could not be saved to {file}. Choose another location.</source>
        <translation>图表无法保存到 {file}，请选择其他位置。</translation>
    </message>
    <message>
        <source>Export the cash flow</source>
        <translation>导出资金流</translation>
    </message>
    <message>
        <source>Cash flow.xlsx</source>
        <translation>资金流.xlsx</translation>
    </message>
    <message>
        <source>{count} months written to {file}.</source>
        <translation>已将 {count} 个月的数据写入 {file}。</translation>
    </message>
    <message>
        <source>Save chart as PNG…</source>
        <translation>图表另存为 PNG…</translation>
    </message>
    <message>
        <source>Export data…</source>
        <translation>导出数据…</translation>
    </message>
    <message>
        <source>yuan</source>
        <translation>单位：元</translation>
    </message>
    <message>
        <source>No tranche has an expected date or a payment yet: the cash flow appears once agreements are signed.</source>
        <translation>尚无任何一期资金有预计拨付日期或拨付记录：签订资助协议后即显示资金流。</translation>
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
    <name>JudgeDialog</name>
    <message>
        <source>Take off the roster…</source>
        <translation>移出专家库…</translation>
    </message>
    <message>
        <source>Add a judge</source>
        <translation>添加评审专家</translation>
    </message>
    <message>
        <source>e.g. Professor, senior social worker, residents&apos; representative</source>
        <translation>例如：教授、高级社会工作师、居民代表</translation>
    </message>
    <message>
        <source>11-digit mobile, or area code and number</source>
        <translation>11位手机号，或区号加座机号</translation>
    </message>
    <message>
        <source>(not a registered organization)</source>
        <translation>（非已登记机构）</translation>
    </message>
    <message>
        <source>Public juror (residents, deputies, media) rather than an expert</source>
        <translation>大众评审（居民、代表、媒体等），非专家评审</translation>
    </message>
    <message>
        <source>Set PIN…</source>
        <translation>设置 PIN 码…</translation>
    </message>
    <message>
        <source>On the roster</source>
        <translation>专家库信息</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <source>Works for</source>
        <translation>任职机构</translation>
    </message>
    <message>
        <source>Affiliation as printed</source>
        <translation>工作单位（打印名称）</translation>
    </message>
    <message>
        <source>Title or role</source>
        <translation>职称或身份</translation>
    </message>
    <message>
        <source>Expertise</source>
        <translation>专长领域</translation>
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
        <source>Judge-mode PIN</source>
        <translation>评委模式 PIN 码</translation>
    </message>
    <message>
        <source>Conflicts of interest (the judge never scores these organizations&apos; proposals)</source>
        <translation>利益回避（该评委不评审以下机构的申报项目）</translation>
    </message>
    <message>
        <source>Declare a conflict…</source>
        <translation>登记回避…</translation>
    </message>
    <message>
        <source>Remove conflict</source>
        <translation>撤销回避</translation>
    </message>
    <message>
        <source>Judge: {name}</source>
        <translation>评审专家：{name}</translation>
    </message>
    <message>
        <source>Set</source>
        <translation>已设置</translation>
    </message>
    <message>
        <source>Not set: the judge cannot use judge mode yet</source>
        <translation>未设置：该评委暂不能使用评委模式</translation>
    </message>
    <message>
        <source>Change PIN…</source>
        <translation>修改 PIN 码…</translation>
    </message>
    <message>
        <source>Take off the roster</source>
        <translation>移出专家库</translation>
    </message>
    <message>
        <source>Take {name} off the roster? The judge leaves the panels of rounds that are not finished; finished rounds keep their record.</source>
        <translation>确定将{name}移出专家库吗？该评委将退出尚未结束轮次的评审组；已结束的轮次保留原有记录。</translation>
    </message>
</context>
<context>
    <name>JudgeMode</name>
    <message>
        <source>Unexpected error: {error}</source>
        <translation>意外错误：{error}</translation>
    </message>
    <message>
        <source>Judge sign-in</source>
        <translation>评委登录</translation>
    </message>
    <message>
        <source>Choose your name, type your 6-digit PIN and press Enter.</source>
        <translation>请选择您的姓名，输入 6 位数字 PIN 码后按回车键。</translation>
    </message>
    <message>
        <source>PIN</source>
        <translation>PIN 码</translation>
    </message>
    <message>
        <source>Sign in</source>
        <translation>登录</translation>
    </message>
    <message>
        <source>Leave judge mode</source>
        <translation>退出评委模式</translation>
    </message>
    <message>
        <source>Save results for the office…</source>
        <translation>保存评分结果交办公室…</translation>
    </message>
    <message>
        <source>Your name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <source>Save the results file</source>
        <translation>保存评分结果文件</translation>
    </message>
    <message>
        <source>Judge results (*.pspresults)</source>
        <translation>评分结果文件 (*.pspresults)</translation>
    </message>
    <message>
        <source>Saved {count} submitted sheets to {path}. Give this file to the office.</source>
        <translation>已将{count}张已提交的评分表保存到{path}，请将此文件交给办公室。</translation>
    </message>
    <message>
        <source>No judge has proposals to score in an open round yet.</source>
        <translation>目前没有评委在进行中的评审轮次有待评项目。</translation>
    </message>
    <message>
        <source>Choose your name first.</source>
        <translation>请先选择您的姓名。</translation>
    </message>
    <message>
        <source>The PIN has 6 digits.</source>
        <translation>PIN 码为 6 位数字。</translation>
    </message>
    <message>
        <source>Checking the PIN…</source>
        <translation>正在核对 PIN 码…</translation>
    </message>
    <message>
        <source>{name} (bonus)</source>
        <translation>{name}（加分项）</translation>
    </message>
    <message>
        <source>/ {max}</source>
        <translation>/ {max} 分</translation>
    </message>
    <message>
        <source>Type a number, for example 8.5.</source>
        <translation>请输入数字，例如 8.5。</translation>
    </message>
    <message>
        <source>Enter: next field · PageDown or Ctrl+→: next proposal · PageUp or Ctrl+←: previous</source>
        <translation>回车：下一项 · PageDown 或 Ctrl+→：下一个项目 · PageUp 或 Ctrl+←：上一个项目</translation>
    </message>
    <message>
        <source>Sign out</source>
        <translation>退出登录</translation>
    </message>
    <message>
        <source>My proposals</source>
        <translation>我的评审项目</translation>
    </message>
    <message>
        <source>Summary</source>
        <translation>项目简介</translation>
    </message>
    <message>
        <source>Comment (optional)</source>
        <translation>评审意见（选填）</translation>
    </message>
    <message>
        <source>Submitted — locked</source>
        <translation>已提交 — 已锁定</translation>
    </message>
    <message>
        <source>Submit</source>
        <translation>提交</translation>
    </message>
    <message>
        <source>Judge: {name}</source>
        <translation>评委：{name}</translation>
    </message>
    <message>
        <source>You have no proposals to score at present.</source>
        <translation>您目前没有待评审的项目。</translation>
    </message>
    <message>
        <source>Scores (in steps of {step} points)</source>
        <translation>评分（每项以 {step} 分为单位）</translation>
    </message>
    <message>
        <source>{number} · proposal {n} of {total}</source>
        <translation>{number} · 第 {n} 个，共 {total} 个</translation>
    </message>
    <message>
        <source>Blind review: the organization is not shown.</source>
        <translation>匿名评审：不显示申报机构。</translation>
    </message>
    <message>
        <source>Organization: {name}</source>
        <translation>申报机构：{name}</translation>
    </message>
    <message>
        <source>Total {total} / {full}</source>
        <translation>合计 {total} / {full} 分</translation>
    </message>
    <message>
        <source>{count} criteria still without a valid score</source>
        <translation>还有 {count} 项未给出有效分数</translation>
    </message>
    <message>
        <source>Draft of {number} saved; the invalid score for “{criterion}” was not saved.</source>
        <translation>{number} 的草稿已保存；“{criterion}”的分数有误，未保存。</translation>
    </message>
    <message>
        <source>Draft of {number} saved.</source>
        <translation>{number} 的草稿已保存。</translation>
    </message>
    <message>
        <source>Give every criterion a valid score before submitting.</source>
        <translation>请为每一项评分指标给出有效分数后再提交。</translation>
    </message>
    <message>
        <source>Submit scores</source>
        <translation>提交评分</translation>
    </message>
    <message>
        <source>Submit your scores for “{title}” ({total} points)? After submitting they are locked and cannot be changed.</source>
        <translation>确认提交“{title}”的评分（{total} 分）？提交后即锁定，不能再修改。</translation>
    </message>
    <message>
        <source>Submitted {number}. Press PageDown for the next proposal.</source>
        <translation>{number} 已提交。按 PageDown 进入下一个项目。</translation>
    </message>
    <message>
        <source>✔ Submitted</source>
        <translation>✔ 已提交</translation>
    </message>
    <message>
        <source>✎ Draft</source>
        <translation>✎ 草稿</translation>
    </message>
    <message>
        <source>○ Not scored</source>
        <translation>○ 未评分</translation>
    </message>
    <message>
        <source>{done} / {total} done</source>
        <translation>已完成 {done} / {total}</translation>
    </message>
    <message>
        <source>Judge mode — PSP Desktop</source>
        <translation>评委模式 — PSP Desktop</translation>
    </message>
    <message>
        <source>Leave judge mode? Scores not yet submitted are kept as a draft.</source>
        <translation>确定退出评委模式？尚未提交的评分将保存为草稿。</translation>
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
        <source>Mean of all judges</source>
        <translation>所有评委的平均分</translation>
    </message>
    <message>
        <source>Mean without the highest and lowest</source>
        <translation>去掉最高分和最低分后取平均</translation>
    </message>
    <message>
        <source>Mean of normalized scores (z-score)</source>
        <translation>标准化（z 分数）后取平均</translation>
    </message>
    <message>
        <source>All advance</source>
        <translation>全部晋级</translation>
    </message>
    <message>
        <source>The top N advance</source>
        <translation>前 N 名晋级</translation>
    </message>
    <message>
        <source>A score of at least</source>
        <translation>达到分数线晋级</translation>
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
    <message>
        <source>Declared</source>
        <translation>本人申报</translation>
    </message>
    <message>
        <source>Found automatically</source>
        <translation>系统识别</translation>
    </message>
    <message>
        <source>First prize</source>
        <translation>一等奖</translation>
    </message>
    <message>
        <source>Second prize</source>
        <translation>二等奖</translation>
    </message>
    <message>
        <source>Third prize</source>
        <translation>三等奖</translation>
    </message>
    <message>
        <source>Excellence award</source>
        <translation>优秀奖</translation>
    </message>
    <message>
        <source>No award level</source>
        <translation>不设等级</translation>
    </message>
    <message>
        <source>Proposed</source>
        <translation>拟资助</translation>
    </message>
    <message>
        <source>Committed, not signed</source>
        <translation>已承诺（待签约）</translation>
    </message>
    <message>
        <source>Agreement signed</source>
        <translation>已签约</translation>
    </message>
    <message>
        <source>Fully paid</source>
        <translation>已全部拨付</translation>
    </message>
    <message>
        <source>Cancelled</source>
        <translation>已取消</translation>
    </message>
    <message>
        <source>No condition</source>
        <translation>无条件</translation>
    </message>
    <message>
        <source>After signing</source>
        <translation>协议签订后</translation>
    </message>
    <message>
        <source>After passing the mid-term evaluation</source>
        <translation>中期评估合格后</translation>
    </message>
    <message>
        <source>After passing the final evaluation</source>
        <translation>终期评估合格后</translation>
    </message>
    <message>
        <source>On a date</source>
        <translation>指定日期</translation>
    </message>
    <message>
        <source>Manual approval</source>
        <translation>人工审批</translation>
    </message>
    <message>
        <source>Planned</source>
        <translation>计划中</translation>
    </message>
    <message>
        <source>Due</source>
        <translation>待拨付</translation>
    </message>
    <message>
        <source>Approved</source>
        <translation>已审批</translation>
    </message>
    <message>
        <source>Paid</source>
        <translation>已拨付</translation>
    </message>
    <message>
        <source>Withheld</source>
        <translation>暂停拨付</translation>
    </message>
    <message>
        <source>Clawed back</source>
        <translation>已追回</translation>
    </message>
</context>
<context>
    <name>LockScreen</name>
    <message>
        <source>PSP Desktop is locked</source>
        <translation>PSP Desktop 已锁定</translation>
    </message>
    <message>
        <source>{name} ({roles}) is signed in. Type the password to go on, or sign in as someone else.</source>
        <translation>当前登录：{name}（{roles}）。输入密码即可继续，也可以换用其他账号登录。</translation>
    </message>
    <message>
        <source>Unlock</source>
        <translation>解锁</translation>
    </message>
</context>
<context>
    <name>Login</name>
    <message>
        <source>, </source>
        <translation>、</translation>
    </message>
    <message>
        <source>Unexpected error: {error}</source>
        <translation>意外错误：{error}</translation>
    </message>
    <message>
        <source>Sign in</source>
        <translation>登录</translation>
    </message>
    <message>
        <source>User name</source>
        <translation>用户名</translation>
    </message>
    <message>
        <source>Password</source>
        <translation>密码</translation>
    </message>
    <message>
        <source>Type your user name and password.</source>
        <translation>请输入用户名和密码。</translation>
    </message>
    <message>
        <source>Checking the password…</source>
        <translation>正在核对密码…</translation>
    </message>
    <message>
        <source>PSP Desktop</source>
        <translation>PSP Desktop</translation>
    </message>
    <message>
        <source>Database: {where}</source>
        <translation>数据库：{where}</translation>
    </message>
    <message>
        <source>Quit</source>
        <translation>退出</translation>
    </message>
    <message>
        <source>Sign in to PSP Desktop</source>
        <translation>登录 PSP Desktop</translation>
    </message>
    <message>
        <source>Demo account: admin, password {password}</source>
        <translation>演示账号：admin，密码 {password}</translation>
    </message>
    <message>
        <source>Create the administrator</source>
        <translation>创建管理员</translation>
    </message>
    <message>
        <source>This database has no user accounts yet. The administrator you create now can do everything, including adding the other users and their roles.</source>
        <translation>该数据库还没有用户账号。现在创建的管理员拥有全部权限，包括添加其他用户并为其分配角色。</translation>
    </message>
    <message>
        <source>Full name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <source>Password again</source>
        <translation>确认密码</translation>
    </message>
    <message>
        <source>At least 8 characters, not only digits, not the user name.</source>
        <translation>至少8个字符，不能全是数字，不能与用户名相同。</translation>
    </message>
    <message>
        <source>Create and sign in</source>
        <translation>创建并登录</translation>
    </message>
    <message>
        <source>The two passwords differ.</source>
        <translation>两次输入的密码不一致。</translation>
    </message>
    <message>
        <source>Saving…</source>
        <translation>正在保存…</translation>
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
        <source>Bidding and commission</source>
        <translation>招投标与委托</translation>
    </message>
    <message>
        <source>Funding</source>
        <translation>资金管理</translation>
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
    <message>
        <source>{name} ({roles})</source>
        <translation>{name}（{roles}）</translation>
    </message>
    <message>
        <source>Signed in as {username}</source>
        <translation>已登录账号：{username}</translation>
    </message>
    <message>
        <source>Change my password…</source>
        <translation>修改我的密码…</translation>
    </message>
    <message>
        <source>Lock now</source>
        <translation>立即锁定</translation>
    </message>
    <message>
        <source>Sign out / switch user</source>
        <translation>退出登录 / 切换用户</translation>
    </message>
</context>
<context>
    <name>ModeComparison</name>
    <message>
        <source>Projects: those of the mode and year whose award is committed, signed or completed (the year is the competition&apos;s).</source>
        <translation>资助项目：该年度该模式下资助状态为已承诺、已签约或已结项的项目（年度按大赛/项目所属年度）。</translation>
    </message>
    <message>
        <source>Committed and paid as on the Funding page: committed is every tranche not cancelled, paid is the payments made.</source>
        <translation>承诺资金、已拨付资金与资金管理页口径一致：承诺资金为未取消的各期拨付之和，已拨付为实际付款之和。</translation>
    </message>
    <message>
        <source>Per beneficiary = committed ÷ the funded projects&apos; direct beneficiaries, rounded to the fen; blank when none are recorded.</source>
        <translation>人均资金 = 承诺资金 ÷ 资助项目的直接受益人数之和，四舍五入到分；无受益人数时显示“—”。</translation>
    </message>
    <message>
        <source>Grades: the mid-term and final evaluations made final (their objection period over); a project still running has only its mid-term grade.</source>
        <translation>评估等级：已定稿（异议期结束）的中期、终期评估；项目未结项时只有中期评估。</translation>
    </message>
    <message>
        <source>Needs covered = needs the mode&apos;s funded projects answer ÷ the needs collected up to that year and not yet met; one need may be answered in several modes.</source>
        <translation>需求覆盖率 = 该模式该年度资助项目所回应的需求数 ÷ 截至该年度登记且尚未满足的需求总数；同一需求可被多种模式回应。</translation>
    </message>
    <message>
        <source>First-time organizations: never funded before that year, in any mode.</source>
        <translation>首次获资助机构：此前任何年度、任何模式均未获资助的机构。</translation>
    </message>
    <message>
        <source>All years</source>
        <translation>全部年度</translation>
    </message>
    <message>
        <source>{year}</source>
        <translation>{year}年</translation>
    </message>
    <message>
        <source>all years added up</source>
        <translation>各年度合计</translation>
    </message>
    <message>
        <source>The charts appear once a competition, tender or commission has funded projects in the years chosen.</source>
        <translation>所选年度有创投、招投标或委托项目获得资助后，这里会显示图表。</translation>
    </message>
    <message>
        <source>Money committed and paid by mode, {scope}</source>
        <translation>各模式承诺与拨付资金（{scope}）</translation>
    </message>
    <message>
        <source>Projects funded by mode, {scope}</source>
        <translation>各模式资助项目数（{scope}）</translation>
    </message>
    <message>
        <source>Final evaluation grades by mode, {scope}</source>
        <translation>各模式终期评估等级（{scope}）</translation>
    </message>
    <message>
        <source>Mid-term evaluation grades by mode (no final one yet), {scope}</source>
        <translation>各模式中期评估等级（尚无终期评估），{scope}</translation>
    </message>
    <message>
        <source>First-time and returning organizations, {scope}</source>
        <translation>首次与曾获资助机构（{scope}）</translation>
    </message>
    <message>
        <source>{mode} · {series}: {value}</source>
        <translation>{mode} · {series}：{value}</translation>
    </message>
    <message>
        <source>Committed</source>
        <translation>承诺资金</translation>
    </message>
    <message>
        <source>Paid</source>
        <translation>已拨付</translation>
    </message>
    <message>
        <source>10,000 yuan</source>
        <translation>万元</translation>
    </message>
    <message>
        <source>Projects</source>
        <translation>项目数</translation>
    </message>
    <message>
        <source>No evaluation is final yet (after its objection period) in these years.</source>
        <translation>所选年度尚无已定稿（异议期结束）的评估。</translation>
    </message>
    <message>
        <source>Evaluations</source>
        <translation>评估数</translation>
    </message>
    <message>
        <source>First-time</source>
        <translation>首次获资助</translation>
    </message>
    <message>
        <source>Funded before</source>
        <translation>曾获资助</translation>
    </message>
    <message>
        <source>Organizations</source>
        <translation>机构数</translation>
    </message>
    <message>
        <source>Comparing the modes {scope}.xlsx</source>
        <translation>模式效果比较 {scope}.xlsx</translation>
    </message>
    <message>
        <source>Export the comparison</source>
        <translation>导出模式比较</translation>
    </message>
    <message>
        <source>{count} rows saved to {file}.</source>
        <translation>已将 {count} 行保存到 {file}。</translation>
    </message>
    <message>
        <source>Year</source>
        <translation>年度</translation>
    </message>
    <message>
        <source>Export the table…</source>
        <translation>导出表格…</translation>
    </message>
    <message>
        <source>A workbook with every row of the table and the notes on what each figure means.</source>
        <translation>导出包含表格全部行及各项指标口径说明的工作簿。</translation>
    </message>
    <message>
        <source>The three modes per year</source>
        <translation>三种模式分年度比较</translation>
    </message>
    <message>
        <source>What the figures mean</source>
        <translation>指标口径说明</translation>
    </message>
    <message>
        <source>Charts</source>
        <translation>图表</translation>
    </message>
</context>
<context>
    <name>ModeFilter</name>
    <message>
        <source>All modes</source>
        <translation>全部方式</translation>
    </message>
</context>
<context>
    <name>Monitoring</name>
    <message>
        <source>Edit progress report</source>
        <translation>修改进度报告</translation>
    </message>
    <message>
        <source>Submit progress report</source>
        <translation>提交进度报告</translation>
    </message>
    <message>
        <source>Submitted on:</source>
        <translation>提交日期：</translation>
    </message>
    <message>
        <source>Activities held:</source>
        <translation>开展活动（场）：</translation>
    </message>
    <message>
        <source>People served (person-times):</source>
        <translation>服务人次：</translation>
    </message>
    <message>
        <source>What was done this period, for whom, and what came of it</source>
        <translation>本期开展了哪些服务、服务了谁、取得了什么成效</translation>
    </message>
    <message>
        <source>Narrative:</source>
        <translation>情况说明：</translation>
    </message>
    <message>
        <source>Report {n}, due {date}</source>
        <translation>第 {n} 期报告，应交日期 {date}</translation>
    </message>
    <message>
        <source>Another due date…</source>
        <translation>其他应交日期…</translation>
    </message>
    <message>
        <source>Report:</source>
        <translation>报告：</translation>
    </message>
    <message>
        <source>Category</source>
        <translation>类别</translation>
    </message>
    <message>
        <source>Spent this period (yuan)</source>
        <translation>本期支出（元）</translation>
    </message>
    <message>
        <source>Budget</source>
        <translation>预算</translation>
    </message>
    <message>
        <source>Spent in earlier reports</source>
        <translation>此前报告累计支出</translation>
    </message>
    <message>
        <source>Spending:</source>
        <translation>支出：</translation>
    </message>
    <message>
        <source>Over budget by {amount} yuan (allowed, flagged)</source>
        <translation>超出预算 {amount} 元（允许，将标记）</translation>
    </message>
    <message>
        <source>{name} (kept)</source>
        <translation>{name}（已保存）</translation>
    </message>
    <message>
        <source>Add files…</source>
        <translation>添加文件…</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>移除</translation>
    </message>
    <message>
        <source>Photos and documents:</source>
        <translation>照片和文件：</translation>
    </message>
    <message>
        <source>Photos and documents</source>
        <translation>照片和文件</translation>
    </message>
    <message>
        <source>Photos and documents (*.jpg *.jpeg *.png *.pdf *.doc *.docx *.xls *.xlsx);;All files (*)</source>
        <translation>照片和文件 (*.jpg *.jpeg *.png *.pdf *.doc *.docx *.xls *.xlsx);;所有文件 (*)</translation>
    </message>
    <message>
        <source>Handed in after the grace days (until {date}): it counts as late.</source>
        <translation>在宽限期（至 {date}）之后提交，计为逾期。</translation>
    </message>
    <message>
        <source>Give the due date of the report.</source>
        <translation>请填写报告的应交日期。</translation>
    </message>
    <message>
        <source>“{text}” is not an amount in yuan ({category}).</source>
        <translation>“{text}”不是以元为单位的金额（{category}）。</translation>
    </message>
    <message>
        <source>Edit site visit</source>
        <translation>修改实地走访</translation>
    </message>
    <message>
        <source>Record a site visit</source>
        <translation>登记实地走访</translation>
    </message>
    <message>
        <source>Visited on:</source>
        <translation>走访日期：</translation>
    </message>
    <message>
        <source>Visitor:</source>
        <translation>走访人：</translation>
    </message>
    <message>
        <source>who visited (name, or names)</source>
        <translation>走访人员姓名（可填多人）</translation>
    </message>
    <message>
        <source>Findings:</source>
        <translation>发现情况：</translation>
    </message>
    <message>
        <source>what was seen, checked and heard</source>
        <translation>现场看到、核查和听到的情况</translation>
    </message>
    <message>
        <source>Rectification required</source>
        <translation>需要整改</translation>
    </message>
    <message>
        <source>To rectify:</source>
        <translation>整改要求：</translation>
    </message>
    <message>
        <source>what must be put right, and by when</source>
        <translation>需要整改的内容及完成期限</translation>
    </message>
    <message>
        <source>Upcoming</source>
        <translation>未到期</translation>
    </message>
    <message>
        <source>Due {days} days ago (grace until {date})</source>
        <translation>已到期 {days} 天（宽限至 {date}）</translation>
    </message>
    <message>
        <source>Overdue {days} days</source>
        <translation>逾期 {days} 天</translation>
    </message>
    <message>
        <source>Submitted {days} days late</source>
        <translation>逾期 {days} 天提交</translation>
    </message>
    <message>
        <source>Submitted</source>
        <translation>已按时提交</translation>
    </message>
    <message>
        <source>{category} ({amount} yuan over)</source>
        <translation>{category}（超出 {amount} 元）</translation>
    </message>
    <message>
        <source>Over budget: {categories}</source>
        <translation>累计超支：{categories}</translation>
    </message>
    <message>
        <source>, </source>
        <translation>、</translation>
    </message>
    <message>
        <source>Add milestone…</source>
        <translation>添加里程碑…</translation>
    </message>
    <message>
        <source>Edit…</source>
        <translation>修改…</translation>
    </message>
    <message>
        <source>Mark done…</source>
        <translation>标记完成…</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>删除</translation>
    </message>
    <message>
        <source>Fill in from the proposal</source>
        <translation>从申报书生成</translation>
    </message>
    <message>
        <source>Done</source>
        <translation>已完成</translation>
    </message>
    <message>
        <source>Behind plan</source>
        <translation>滞后于计划</translation>
    </message>
    <message>
        <source>Planned</source>
        <translation>计划中</translation>
    </message>
    <message>
        <source>{done} of {total} done</source>
        <translation>已完成 {done} / {total}</translation>
    </message>
    <message>
        <source>Milestone:</source>
        <translation>里程碑：</translation>
    </message>
    <message>
        <source>e.g. 组建楼栋志愿服务队</source>
        <translation>例如：组建楼栋志愿服务队</translation>
    </message>
    <message>
        <source>Planned month:</source>
        <translation>计划月份：</translation>
    </message>
    <message>
        <source>Add milestone</source>
        <translation>添加里程碑</translation>
    </message>
    <message>
        <source>Edit milestone</source>
        <translation>修改里程碑</translation>
    </message>
    <message>
        <source>Done on:</source>
        <translation>完成日期：</translation>
    </message>
    <message>
        <source>Mark milestone done</source>
        <translation>标记里程碑完成</translation>
    </message>
    <message>
        <source>Delete the milestone “{title}”?</source>
        <translation>删除里程碑“{title}”？</translation>
    </message>
    <message>
        <source>Delete milestone</source>
        <translation>删除里程碑</translation>
    </message>
    <message>
        <source>Milestones drafted from the proposal&apos;s activity plan: check their titles and months.</source>
        <translation>已根据申报书的活动计划生成里程碑草稿，请核对标题和计划月份。</translation>
    </message>
    <message>
        <source>Make report schedule</source>
        <translation>生成报告计划</translation>
    </message>
    <message>
        <source>Submit report…</source>
        <translation>提交报告…</translation>
    </message>
    <message>
        <source>Edit report…</source>
        <translation>修改报告…</translation>
    </message>
    <message>
        <source>Applied on {date}</source>
        <translation>{date} 已按规则处理</translation>
    </message>
    <message>
        <source>A report every {months} months, {days} grace days; a late report {effect}.</source>
        <translation>每 {months} 个月提交一次报告，宽限 {days} 天；逾期报告{effect}。</translation>
    </message>
    <message>
        <source>withholds the next evaluation tranche</source>
        <translation>将暂停下一笔评估拨付</translation>
    </message>
    <message>
        <source>is only flagged</source>
        <translation>仅作标记</translation>
    </message>
    <message>
        <source>Select a report to read what was done.</source>
        <translation>选择一份报告，查看开展情况。</translation>
    </message>
    <message>
        <source>(no narrative)</source>
        <translation>（无文字说明）</translation>
    </message>
    <message>
        <source>Spending: {items}</source>
        <translation>支出：{items}</translation>
    </message>
    <message>
        <source>Files: {names}</source>
        <translation>附件：{names}</translation>
    </message>
    <message>
        <source>{count} reports added to the schedule.</source>
        <translation>已在报告计划中添加 {count} 期报告。</translation>
    </message>
    <message>
        <source>The schedule was complete already: nothing was added.</source>
        <translation>报告计划已完整，未添加任何报告。</translation>
    </message>
    <message>
        <source>Report {n} recorded.</source>
        <translation>第 {n} 期报告已登记。</translation>
    </message>
    <message>
        <source> It came in after the grace days: it counts as late.</source>
        <translation>该报告在宽限期后提交，计为逾期。</translation>
    </message>
    <message>
        <source> {over} — allowed, but flagged.</source>
        <translation>{over}——允许登记，但已标记。</translation>
    </message>
    <message>
        <source>Open files</source>
        <translation>打开附件</translation>
    </message>
    <message>
        <source>Over budget by {amount} yuan</source>
        <translation>超出预算 {amount} 元</translation>
    </message>
    <message>
        <source>{percent}% used</source>
        <translation>已使用 {percent}%</translation>
    </message>
    <message>
        <source>Spending against the approved budget</source>
        <translation>支出与核定预算对照</translation>
    </message>
    <message>
        <source>Add visit…</source>
        <translation>添加走访…</translation>
    </message>
    <message>
        <source>Rectified…</source>
        <translation>整改完成…</translation>
    </message>
    <message>
        <source>No rectification needed</source>
        <translation>无需整改</translation>
    </message>
    <message>
        <source>Rectification open</source>
        <translation>整改未完成</translation>
    </message>
    <message>
        <source>Rectified on {date}</source>
        <translation>已于 {date} 整改</translation>
    </message>
    <message>
        <source>Site visit recorded.</source>
        <translation>实地走访已登记。</translation>
    </message>
    <message>
        <source>Rectification done</source>
        <translation>整改完成</translation>
    </message>
    <message>
        <source>Required: {what}</source>
        <translation>整改要求：{what}</translation>
    </message>
    <message>
        <source>Rectified on:</source>
        <translation>整改完成日期：</translation>
    </message>
    <message>
        <source>Milestones</source>
        <translation>里程碑</translation>
    </message>
    <message>
        <source>Progress reports</source>
        <translation>进度报告</translation>
    </message>
    <message>
        <source>Site visits</source>
        <translation>实地走访</translation>
    </message>
    <message>
        <source>Select a project above to see its milestones, reports and visits.</source>
        <translation>在上方选择一个项目，查看其里程碑、进度报告和实地走访。</translation>
    </message>
    <message>
        <source>{organization} — {title} ({start} to {end})</source>
        <translation>{organization} — {title}（{start} 至 {end}）</translation>
    </message>
    <message>
        <source>Due, in the grace days</source>
        <translation>已到期，在宽限期内</translation>
    </message>
    <message>
        <source>All reports in</source>
        <translation>报告已全部提交</translation>
    </message>
    <message>
        <source>No schedule yet</source>
        <translation>尚未生成报告计划</translation>
    </message>
    <message>
        <source>Late report: tranche withheld</source>
        <translation>报告逾期：已暂停拨付</translation>
    </message>
    <message>
        <source>No report schedule</source>
        <translation>无报告计划</translation>
    </message>
    <message>
        <source>; </source>
        <translation>；</translation>
    </message>
    <message>
        <source>The late-report rule withheld {count} tranches today: finance sees them under Funding → Tranches, with the late report named.</source>
        <translation>按逾期报告规则，今天暂停了 {count} 笔拨付：财务可在“资金管理 → 分期拨付”中查看，原因中写明了逾期的报告。</translation>
    </message>
    <message>
        <source>All competitions</source>
        <translation>全部大赛</translation>
    </message>
    <message>
        <source>{shown} of {total} projects</source>
        <translation>显示 {shown} / 共 {total} 个项目</translation>
    </message>
    <message>
        <source>{total} projects</source>
        <translation>共 {total} 个项目</translation>
    </message>
    <message>
        <source>, {count} with overdue reports</source>
        <translation>，其中 {count} 个有逾期报告</translation>
    </message>
    <message>
        <source>Unexpected error: {error}</source>
        <translation>意外错误：{error}</translation>
    </message>
    <message>
        <source>Project monitoring</source>
        <translation>项目监测</translation>
    </message>
    <message>
        <source>Evaluation</source>
        <translation>评估</translation>
    </message>
    <message>
        <source>Evaluations are not available yet.</source>
        <translation>评估功能暂不可用。</translation>
    </message>
    <message>
        <source>Competition</source>
        <translation>大赛</translation>
    </message>
    <message>
        <source>Search…</source>
        <translation>搜索…</translation>
    </message>
    <message>
        <source>Once awards are committed (Funding), each funded project is listed here with its milestones, progress reports and site visits.</source>
        <translation>资助确定后（资金管理），每个获资助项目都会列在这里，附带其里程碑、进度报告和实地走访记录。</translation>
    </message>
</context>
<context>
    <name>NeedDialog</name>
    <message>
        <source>The need</source>
        <translation>需求信息</translation>
    </message>
    <message>
        <source>Themes and proposals</source>
        <translation>大赛主题与申报项目</translation>
    </message>
    <message>
        <source>Record a community need</source>
        <translation>登记社区需求</translation>
    </message>
    <message>
        <source>Community need: {title}</source>
        <translation>社区需求：{title}</translation>
    </message>
    <message>
        <source>1 (highest)</source>
        <translation>1（最高）</translation>
    </message>
    <message>
        <source>5 (lowest)</source>
        <translation>5（最低）</translation>
    </message>
    <message>
        <source>New community…</source>
        <translation>新增社区…</translation>
    </message>
    <message>
        <source>Community</source>
        <translation>社区</translation>
    </message>
    <message>
        <source>Service domain</source>
        <translation>服务领域</translation>
    </message>
    <message>
        <source>Need</source>
        <translation>需求标题</translation>
    </message>
    <message>
        <source>Description</source>
        <translation>需求描述</translation>
    </message>
    <message>
        <source>Source</source>
        <translation>来源</translation>
    </message>
    <message>
        <source>People affected</source>
        <translation>受益人数</translation>
    </message>
    <message>
        <source>Priority</source>
        <translation>优先级</translation>
    </message>
    <message>
        <source>Collected on</source>
        <translation>收集日期</translation>
    </message>
    <message>
        <source>Search proposals…</source>
        <translation>搜索申报项目…</translation>
    </message>
    <message>
        <source>Competition themes that target this need (set when the themes are chosen).</source>
        <translation>关联该需求的大赛主题（在确定大赛主题时勾选）。</translation>
    </message>
    <message>
        <source>Proposals that answer this need: the coverage report counts these. Proposals of the need&apos;s service domain and those already linked are listed.</source>
        <translation>回应该需求的申报项目，需求覆盖报告据此统计。列出与该需求服务领域相同的项目和已关联的项目。</translation>
    </message>
    <message>
        <source>draft</source>
        <translation>草稿</translation>
    </message>
</context>
<context>
    <name>Needs</name>
    <message>
        <source>No project</source>
        <translation>无项目</translation>
    </message>
    <message>
        <source>Eligible project</source>
        <translation>有合格项目</translation>
    </message>
    <message>
        <source>Funded</source>
        <translation>已资助</translation>
    </message>
    <message>
        <source>Completed</source>
        <translation>已完成</translation>
    </message>
    <message>
        <source>No project answers this need, though a theme targets it.</source>
        <translation>已有大赛主题关联该需求，但还没有项目回应。</translation>
    </message>
    <message>
        <source>No project answers this need and no theme targets it.</source>
        <translation>没有项目回应该需求，也没有大赛主题关联该需求。</translation>
    </message>
    <message>
        <source>All districts</source>
        <translation>全部辖区</translation>
    </message>
    <message>
        <source>No needs were collected up to this year.</source>
        <translation>截至该年度没有收集到需求。</translation>
    </message>
    <message>
        <source>{total} needs: {completed} completed, {funded} funded, {eligible} with an eligible project, {none} with no project.</source>
        <translation>共 {total} 条需求：已完成 {completed} 条，已资助 {funded} 条，有合格项目 {eligible} 条，无项目 {none} 条。</translation>
    </message>
    <message>
        <source>The chart appears once needs collected up to this year are recorded.</source>
        <translation>登记了截至该年度收集的需求后，这里显示图表。</translation>
    </message>
    <message>
        <source>Needs</source>
        <translation>需求数</translation>
    </message>
    <message>
        <source>{name}, {status}: {count}</source>
        <translation>{name}，{status}：{count} 条</translation>
    </message>
    <message>
        <source>all districts</source>
        <translation>全部辖区</translation>
    </message>
    <message>
        <source>Needs by service domain, {place}, {year}</source>
        <translation>{year}年{place}各服务领域需求覆盖情况</translation>
    </message>
    <message>
        <source>Needs by community, {place}, {year}</source>
        <translation>{year}年{place}各社区需求覆盖情况</translation>
    </message>
    <message>
        <source>Needs ({count}; {unmet} with no project, highlighted)</source>
        <translation>需求明细（共{count}条，其中{unmet}条无项目，已标出）</translation>
    </message>
    <message>
        <source>Needs coverage {year}.xlsx</source>
        <translation>{year}年需求覆盖情况.xlsx</translation>
    </message>
    <message>
        <source>Export the coverage report</source>
        <translation>导出需求覆盖报告</translation>
    </message>
    <message>
        <source>The coverage report was saved to {file}.</source>
        <translation>需求覆盖报告已保存到 {file}。</translation>
    </message>
    <message>
        <source>District</source>
        <translation>辖区</translation>
    </message>
    <message>
        <source>Export the report…</source>
        <translation>导出报告…</translation>
    </message>
    <message>
        <source>A workbook with the figures by community and by service domain and every need with its status and projects.</source>
        <translation>一份工作簿：按社区、按服务领域的统计，以及每条需求的状态和对应项目。</translation>
    </message>
    <message>
        <source>Show by</source>
        <translation>统计方式</translation>
    </message>
    <message>
        <source>By community</source>
        <translation>按社区</translation>
    </message>
    <message>
        <source>By service domain</source>
        <translation>按服务领域</translation>
    </message>
    <message>
        <source>Only needs with no project</source>
        <translation>只看无项目的需求</translation>
    </message>
    <message>
        <source>Record a need…</source>
        <translation>登记需求…</translation>
    </message>
    <message>
        <source>Open…</source>
        <translation>打开…</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>删除</translation>
    </message>
    <message>
        <source>Import from a workbook…</source>
        <translation>从工作簿导入…</translation>
    </message>
    <message>
        <source>Blank import template…</source>
        <translation>空白导入模板…</translation>
    </message>
    <message>
        <source>Export to Excel…</source>
        <translation>导出到 Excel…</translation>
    </message>
    <message>
        <source>All communities</source>
        <translation>全部社区</translation>
    </message>
    <message>
        <source>All service domains</source>
        <translation>全部服务领域</translation>
    </message>
    <message>
        <source>All years</source>
        <translation>全部年度</translation>
    </message>
    <message>
        <source>All sources</source>
        <translation>全部来源</translation>
    </message>
    <message>
        <source>All priorities</source>
        <translation>全部优先级</translation>
    </message>
    <message>
        <source>Priority {n}</source>
        <translation>优先级 {n}</translation>
    </message>
    <message>
        <source>{count} needs</source>
        <translation>共 {count} 条</translation>
    </message>
    <message>
        <source>Delete the need</source>
        <translation>删除需求</translation>
    </message>
    <message>
        <source>Delete the need {title} of {community}? This cannot be undone.</source>
        <translation>删除{community}的需求{title}？删除后不能恢复。</translation>
    </message>
    <message>
        <source>Not deleted</source>
        <translation>未删除</translation>
    </message>
    <message>
        <source>Community needs</source>
        <translation>社区需求</translation>
    </message>
    <message>
        <source>Search needs…</source>
        <translation>搜索需求…</translation>
    </message>
    <message>
        <source>No community needs recorded yet</source>
        <translation>尚未登记社区需求</translation>
    </message>
    <message>
        <source>Record the needs collected by surveys, residents&apos; meetings, the hotline and grid workers, or import them from a workbook. Competition themes and proposals then link to the needs they answer, and the coverage report shows which needs no project has taken up.</source>
        <translation>登记通过问卷调查、居民议事会、热线和网格员走访收集到的需求，或从工作簿导入。大赛主题和申报项目关联它们回应的需求，需求覆盖报告显示哪些需求还没有项目承接。</translation>
    </message>
    <message>
        <source>Needs register</source>
        <translation>需求登记</translation>
    </message>
    <message>
        <source>Coverage</source>
        <translation>需求覆盖</translation>
    </message>
    <message>
        <source>Community</source>
        <translation>社区</translation>
    </message>
    <message>
        <source>Service domain</source>
        <translation>服务领域</translation>
    </message>
    <message>
        <source>Year</source>
        <translation>年度</translation>
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
        <source>Capacity record</source>
        <translation>能力档案</translation>
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
        <source>Review rounds with their rubrics, panels and assignments, and the judges on the roster with their PINs and conflicts of interest. Judges score in judge mode with their PIN; paper sheets are keyed in twice by staff.</source>
        <translation>各评审轮次及其评分标准、评审组和评审分配，以及专家库中的评审专家及其 PIN 码和利益回避。评委凭 PIN 码在评委模式中打分；纸质评分表由工作人员双人录入。</translation>
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
        <source>New round…</source>
        <translation>新建轮次…</translation>
    </message>
    <message>
        <source>Edit round…</source>
        <translation>编辑轮次…</translation>
    </message>
    <message>
        <source>Panels…</source>
        <translation>评审组…</translation>
    </message>
    <message>
        <source>Assign…</source>
        <translation>分配评审…</translation>
    </message>
    <message>
        <source>Add judge…</source>
        <translation>添加评审专家…</translation>
    </message>
    <message>
        <source>Judge mode…</source>
        <translation>评委模式…</translation>
    </message>
    <message>
        <source>Export judges to Excel…</source>
        <translation>导出评审专家到 Excel…</translation>
    </message>
    <message>
        <source>New round</source>
        <translation>新建轮次</translation>
    </message>
    <message>
        <source>Competition of the new round:</source>
        <translation>新轮次所属大赛：</translation>
    </message>
    <message>
        <source>Certificates and letters are entered here with a serial number when they are made (“Make certificates…”), so that any copy can be verified later, with or without its PDF file.</source>
        <translation>证书和聘书制作时（“制作证书…”）会带编号登记在这里，日后无论有没有 PDF 文件，任何一份都可以查验真伪。</translation>
    </message>
    <message>
        <source>Issued documents</source>
        <translation>已签发文书</translation>
    </message>
    <message>
        <source>Make certificates…</source>
        <translation>制作证书…</translation>
    </message>
    <message>
        <source>Verify…</source>
        <translation>查验真伪…</translation>
    </message>
    <message>
        <source>Preview PDF…</source>
        <translation>预览 PDF…</translation>
    </message>
    <message>
        <source>Void…</source>
        <translation>作废…</translation>
    </message>
    <message>
        <source>Certificate design…</source>
        <translation>证书样式…</translation>
    </message>
    <message>
        <source>No documents issued yet</source>
        <translation>尚未签发文书</translation>
    </message>
    <message>
        <source>Public notice list (PDF)…</source>
        <translation>公示名单（PDF）…</translation>
    </message>
    <message>
        <source>Judges&apos; score sheets for signature (PDF)…</source>
        <translation>评委评分表（供签字，PDF）…</translation>
    </message>
    <message>
        <source>Round summary (PDF)…</source>
        <translation>本轮评审汇总表（PDF）…</translation>
    </message>
    <message>
        <source>Blank score sheets (PDF)…</source>
        <translation>空白评分表（PDF）…</translation>
    </message>
    <message>
        <source>Results</source>
        <translation>评审结果</translation>
    </message>
    <message>
        <source>Freeze results…</source>
        <translation>冻结结果…</translation>
    </message>
    <message>
        <source>Reopen round…</source>
        <translation>重新开启本轮…</translation>
    </message>
    <message>
        <source>Verify snapshot</source>
        <translation>校验结果快照</translation>
    </message>
    <message>
        <source>Reopen a sheet…</source>
        <translation>退回评分表…</translation>
    </message>
    <message>
        <source>Key paper sheet…</source>
        <translation>录入纸质评分表…</translation>
    </message>
    <message>
        <source>Judge laptops…</source>
        <translation>评审笔记本…</translation>
    </message>
    <message>
        <source>Results board…</source>
        <translation>结果大屏…</translation>
    </message>
    <message>
        <source>Print</source>
        <translation>打印</translation>
    </message>
    <message>
        <source>Export…</source>
        <translation>导出…</translation>
    </message>
    <message>
        <source>No awards in this competition yet</source>
        <translation>本届大赛尚无资助项目</translation>
    </message>
    <message>
        <source>Once every review round is frozen, “Propose awards…” works out who is funded and how much from the final ranking, within the pool and the caps.</source>
        <translation>所有评审轮次的结果锁定后，点击“拟定资助方案…”，按最终排名在资金池和资助上限内确定资助哪些项目、各资助多少。</translation>
    </message>
    <message>
        <source>Funding</source>
        <translation>资金管理</translation>
    </message>
    <message>
        <source>Propose awards…</source>
        <translation>拟定资助方案…</translation>
    </message>
    <message>
        <source>Adjust amount…</source>
        <translation>调整金额…</translation>
    </message>
    <message>
        <source>Cancel award…</source>
        <translation>取消资助…</translation>
    </message>
    <message>
        <source>Sign agreement…</source>
        <translation>签订协议…</translation>
    </message>
    <message>
        <source>Payment schedule…</source>
        <translation>拨付计划…</translation>
    </message>
    <message>
        <source>Print agreement…</source>
        <translation>打印资助协议…</translation>
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
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <source>Change log…</source>
        <translation>变更记录…</translation>
    </message>
    <message>
        <source>Change my password…</source>
        <translation>修改我的密码…</translation>
    </message>
    <message>
        <source>User accounts…</source>
        <translation>用户账号…</translation>
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
    <message>
        <source>Bidding and commission</source>
        <translation>招投标与委托</translation>
    </message>
</context>
<context>
    <name>PanelDialog</name>
    <message>
        <source>Panels: {round} — {competition}</source>
        <translation>评审组：{round} — {competition}</translation>
    </message>
    <message>
        <source>The results of this round are frozen: its panels are shown as they were and cannot change.</source>
        <translation>本轮结果已锁定：评审组按原样显示，不能修改。</translation>
    </message>
    <message>
        <source>A judge sits on one panel in this round. Every member belongs to a judge group ({groups}); each group&apos;s scores are weighted separately.</source>
        <translation>本轮每位评委只能加入一个评审组。每位成员须归入一个评委类别（{groups}），各类别的评分分别计权。</translation>
    </message>
    <message>
        <source>A judge sits on one panel in this round. Each proposal is scored by {k} judges of the round&apos;s panels.</source>
        <translation>本轮每位评委只能加入一个评审组。每个项目由本轮评审组中的 {k} 位评委评分。</translation>
    </message>
    <message>
        <source>Panels of this round</source>
        <translation>本轮评审组</translation>
    </message>
    <message>
        <source>New panel</source>
        <translation>新建评审组</translation>
    </message>
    <message>
        <source>Delete panel…</source>
        <translation>删除评审组…</translation>
    </message>
    <message>
        <source>e.g. Panel 1</source>
        <translation>例如：第一评审组</translation>
    </message>
    <message>
        <source>e.g. Third-floor hall of the community service centre</source>
        <translation>例如：党群服务中心三楼多功能厅</translation>
    </message>
    <message>
        <source>Panel name</source>
        <translation>评审组名称</translation>
    </message>
    <message>
        <source>Venue</source>
        <translation>评审地点</translation>
    </message>
    <message>
        <source>Type a name to find a judge</source>
        <translation>输入姓名查找评委</translation>
    </message>
    <message>
        <source>Add to panel</source>
        <translation>加入评审组</translation>
    </message>
    <message>
        <source>Remove from panel</source>
        <translation>移出评审组</translation>
    </message>
    <message>
        <source>Save panel</source>
        <translation>保存评审组</translation>
    </message>
    <message>
        <source>Panel “{name}”</source>
        <translation>评审组“{name}”</translation>
    </message>
    <message>
        <source>  (on {panel})</source>
        <translation>  （已在{panel}）</translation>
    </message>
    <message>
        <source>Panel {n}</source>
        <translation>第{n}评审组</translation>
    </message>
    <message>
        <source>Delete panel</source>
        <translation>删除评审组</translation>
    </message>
    <message>
        <source>Delete panel “{name}”? Its judges leave this round, with the proposals they have not scored yet.</source>
        <translation>确定删除评审组“{name}”吗？组内评委将退出本轮，其尚未评分的项目一并收回。</translation>
    </message>
    <message>
        <source>Unsaved changes</source>
        <translation>尚未保存的修改</translation>
    </message>
    <message>
        <source>Save the changes to this panel first?</source>
        <translation>是否先保存对本评审组的修改？</translation>
    </message>
</context>
<context>
    <name>PaperEntryDialog</name>
    <message>
        <source>Key a paper score sheet</source>
        <translation>录入纸质评分表</translation>
    </message>
    <message>
        <source>Your name</source>
        <translation>您的姓名</translation>
    </message>
    <message>
        <source>Pass 1</source>
        <translation>第一遍</translation>
    </message>
    <message>
        <source>Pass 2</source>
        <translation>第二遍</translation>
    </message>
    <message>
        <source>Key pass 1 again</source>
        <translation>重新录入第一遍</translation>
    </message>
    <message>
        <source>Key pass 2 again</source>
        <translation>重新录入第二遍</translation>
    </message>
    <message>
        <source>Save this pass</source>
        <translation>保存本遍录入</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>Keyed by</source>
        <translation>录入人</translation>
    </message>
    <message>
        <source>Judge</source>
        <translation>评委</translation>
    </message>
    <message>
        <source>Proposal</source>
        <translation>申报项目</translation>
    </message>
    <message>
        <source>Pass</source>
        <translation>录入遍次</translation>
    </message>
    <message>
        <source>bonus, up to {max}</source>
        <translation>加分项，最高 {max} 分</translation>
    </message>
    <message>
        <source>out of {max}</source>
        <translation>满分 {max} 分</translation>
    </message>
    <message>
        <source>Paper score sheet: {round}</source>
        <translation>纸质评分表：{round}</translation>
    </message>
    <message>
        <source>{judge} ({count} to key)</source>
        <translation>{judge}（待录 {count} 份）</translation>
    </message>
    <message>
        <source>Every sheet of this round is in: there is nothing to key.</source>
        <translation>本轮评分表已全部提交，无需录入。</translation>
    </message>
    <message>
        <source>Both passes are keyed (pass 1 by {first}, pass 2 by {second}) and they differ. Check the paper ballot and key the wrong pass again.</source>
        <translation>两遍均已录入（第一遍：{first}，第二遍：{second}），但结果不一致。请核对纸质评分表，重新录入有误的一遍。</translation>
    </message>
    <message>
        <source>Pass 1 was keyed by {name}. Pass 2 is due, keyed by someone else.</source>
        <translation>第一遍已由{name}录入。待录第二遍，须由其他人录入。</translation>
    </message>
    <message>
        <source>Pass 2 was keyed by {name}. Pass 1 is due, keyed by someone else.</source>
        <translation>第二遍已由{name}录入。待录第一遍，须由其他人录入。</translation>
    </message>
    <message>
        <source>Pass 1 is due. Pass 2 must then be keyed by someone else.</source>
        <translation>待录第一遍。第二遍须由其他人录入。</translation>
    </message>
    <message>
        <source>Total keyed: {total}</source>
        <translation>已录合计：{total} 分</translation>
    </message>
    <message>
        <source>The two passes differ in {count} cells (highlighted below). Nothing is counted until they agree.</source>
        <translation>两遍录入有 {count} 处不一致（见下方标红处）。两遍一致前，该评分表不计入成绩。</translation>
    </message>
    <message>
        <source>Counted: both passes agree (pass 1 by {first}, pass 2 by {second}).</source>
        <translation>已计入：两遍录入一致（第一遍：{first}，第二遍：{second}）。</translation>
    </message>
    <message>
        <source>Pass {number} saved. The other pass must be keyed by someone else.</source>
        <translation>第 {number} 遍已保存。另一遍须由其他人录入。</translation>
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
    <name>PinDialog</name>
    <message>
        <source>PIN for {name}</source>
        <translation>{name}的 PIN 码</translation>
    </message>
    <message>
        <source>The judge types this PIN to sign in to judge mode. Six digits; not repeated or consecutive digits, not a year and month.</source>
        <translation>评委凭此 PIN 码进入评委模式。须为 6 位数字，不能是重复或连续的数字，也不能是年份加月份。</translation>
    </message>
    <message>
        <source>New PIN</source>
        <translation>新 PIN 码</translation>
    </message>
    <message>
        <source>Type it again</source>
        <translation>再次输入</translation>
    </message>
    <message>
        <source>The two PINs are not the same. Type them again.</source>
        <translation>两次输入的 PIN 码不一致，请重新输入。</translation>
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
    <name>Purchasing</name>
    <message>
        <source>Tender projects</source>
        <translation>招标项目</translation>
    </message>
    <message>
        <source>Commissioned projects</source>
        <translation>服务委托</translation>
    </message>
    <message>
        <source>Comparing the modes</source>
        <translation>模式比较</translation>
    </message>
    <message>
        <source>This tab could not be loaded.</source>
        <translation>此标签页无法加载。</translation>
    </message>
</context>
<context>
    <name>Results</name>
    <message>
        <source>Public notice list.pdf</source>
        <translation>公示名单.pdf</translation>
    </message>
    <message>
        <source>Judges&apos; score sheets.pdf</source>
        <translation>评委评分表.pdf</translation>
    </message>
    <message>
        <source>Round summary.pdf</source>
        <translation>评审汇总表.pdf</translation>
    </message>
    <message>
        <source>Blank score sheets.pdf</source>
        <translation>空白评分表.pdf</translation>
    </message>
    <message>
        <source>In</source>
        <translation>已提交</translation>
    </message>
    <message>
        <source>Not started</source>
        <translation>未开始</translation>
    </message>
    <message>
        <source>Draft</source>
        <translation>草稿</translation>
    </message>
    <message>
        <source>Reopened</source>
        <translation>已退回</translation>
    </message>
    <message>
        <source>Paper keyed once</source>
        <translation>纸质表仅录一遍</translation>
    </message>
    <message>
        <source>Paper mismatch</source>
        <translation>纸质表两遍不一致</translation>
    </message>
    <message>
        <source>Rank</source>
        <translation>名次</translation>
    </message>
    <message>
        <source>Intake no.</source>
        <translation>申报编号</translation>
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
        <source>Score</source>
        <translation>得分</translation>
    </message>
    <message>
        <source>Advanced</source>
        <translation>是否晋级</translation>
    </message>
    <message>
        <source>Trimmed</source>
        <translation>去最高最低分</translation>
    </message>
    <message>
        <source>Sheets not in</source>
        <translation>未交评分表</translation>
    </message>
    <message>
        <source>Judge</source>
        <translation>评委</translation>
    </message>
    <message>
        <source>Sheets</source>
        <translation>评分表数</translation>
    </message>
    <message>
        <source>Mean</source>
        <translation>平均分</translation>
    </message>
    <message>
        <source>Leniency vs the others</source>
        <translation>与其他评委的平均分差</translation>
    </message>
    <message>
        <source>Flag</source>
        <translation>提示</translation>
    </message>
    <message>
        <source>Std. deviation</source>
        <translation>标准差</translation>
    </message>
    <message>
        <source>Highest − lowest</source>
        <translation>最高分−最低分</translation>
    </message>
    <message>
        <source>Others&apos; mean</source>
        <translation>其他评委平均分</translation>
    </message>
    <message>
        <source>Difference</source>
        <translation>差值</translation>
    </message>
    <message>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Final score</source>
        <translation>最终得分</translation>
    </message>
    <message>
        <source>Final score (provisional)</source>
        <translation>最终得分（暂定）</translation>
    </message>
    <message>
        <source>Note</source>
        <translation>说明</translation>
    </message>
    <message>
        <source>{name} ({percent}%)</source>
        <translation>{name}（{percent}%）</translation>
    </message>
    <message>
        <source> (keyed by {names})</source>
        <translation>（录入人：{names}）</translation>
    </message>
    <message>
        <source>Whether the highest and the lowest score were dropped.</source>
        <translation>是否去掉一个最高分和一个最低分。</translation>
    </message>
    <message>
        <source>No sheet is in yet.</source>
        <translation>尚无评分表提交。</translation>
    </message>
    <message>
        <source>Provisional: {count} sheets are not in ({names}).</source>
        <translation>暂定：尚有 {count} 份评分表未交（{names}）。</translation>
    </message>
    <message>
        <source>Not in: {names}</source>
        <translation>未交：{names}</translation>
    </message>
    <message>
        <source>Not in</source>
        <translation>未交</translation>
    </message>
    <message>
        <source>Conflict</source>
        <translation>回避</translation>
    </message>
    <message>
        <source>Conflict of interest: this sheet does not count.</source>
        <translation>利益冲突须回避：该评分表不计入成绩。</translation>
    </message>
    <message>
        <source>{raw} → {normalized}</source>
        <translation>{raw} → {normalized}</translation>
    </message>
    <message>
        <source>Raw total → normalized (z-score over the judge&apos;s own sheets).</source>
        <translation>原始总分 → 标准化分（按该评委本人全部评分表计算 z 分数）。</translation>
    </message>
    <message>
        <source>{score} (dropped)</source>
        <translation>{score}（去掉）</translation>
    </message>
    <message>
        <source>Dropped as a highest or lowest score.</source>
        <translation>作为最高分或最低分被去掉。</translation>
    </message>
    <message>
        <source>⚠ Lenient</source>
        <translation>⚠ 偏宽</translation>
    </message>
    <message>
        <source>⚠ Severe</source>
        <translation>⚠ 偏严</translation>
    </message>
    <message>
        <source>⚠ Judges disagree</source>
        <translation>⚠ 评委分歧大</translation>
    </message>
    <message>
        <source>Did not advance after “{round}”</source>
        <translation>未通过“{round}”晋级</translation>
    </message>
    <message>
        <source>No score yet in “{round}”</source>
        <translation>“{round}”尚无得分</translation>
    </message>
    <message>
        <source>Search intake no., project or organization…</source>
        <translation>搜索申报编号、项目名称或申报机构…</translation>
    </message>
</context>
<context>
    <name>ResultsBoard</name>
    <message>
        <source>Rank</source>
        <translation>名次</translation>
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
        <source>Score</source>
        <translation>得分</translation>
    </message>
    <message>
        <source>Results board — PSP Desktop</source>
        <translation>评审结果大屏 — PSP Desktop</translation>
    </message>
    <message>
        <source>Updated {time}</source>
        <translation>更新于 {time}</translation>
    </message>
    <message>
        <source>Could not update: {error}</source>
        <translation>未能更新：{error}</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>正在加载…</translation>
    </message>
    <message>
        <source>{round} · scoring in progress</source>
        <translation>{round} · 评分进行中</translation>
    </message>
    <message>
        <source>{round} · all score sheets are in</source>
        <translation>{round} · 评分表已全部收齐</translation>
    </message>
    <message>
        <source>score sheets in</source>
        <translation>份评分表已提交</translation>
    </message>
    <message>
        <source>Final ranking</source>
        <translation>最终排名</translation>
    </message>
    <message>
        <source>{round} · ranking</source>
        <translation>{round} · 排名</translation>
    </message>
    <message>
        <source>{count} places still to be revealed</source>
        <translation>还有 {count} 个名次待揭晓</translation>
    </message>
</context>
<context>
    <name>ResultsPage</name>
    <message>
        <source>Final ranking (all rounds)</source>
        <translation>最终排名（各轮合计）</translation>
    </message>
    <message>
        <source>No competitions yet</source>
        <translation>还没有大赛</translation>
    </message>
    <message>
        <source>Results appear here once a competition has rounds with judges assigned.</source>
        <translation>大赛设置评审轮次并分配评委后，评审结果将显示在这里。</translation>
    </message>
    <message>
        <source>This competition has no review rounds</source>
        <translation>该大赛尚未设置评审轮次</translation>
    </message>
    <message>
        <source>Set up the rounds and their rubrics on the competition first.</source>
        <translation>请先在大赛中设置评审轮次及评分细则。</translation>
    </message>
    <message>
        <source>No judges are assigned in “{round}” yet</source>
        <translation>“{round}”尚未分配评委</translation>
    </message>
    <message>
        <source>Assign judges to the proposals of this round; the ranking fills in as their score sheets come in.</source>
        <translation>请为本轮申报项目分配评委；评委提交评分表后，排名将随之生成。</translation>
    </message>
    <message>
        <source>No proposals in this round.</source>
        <translation>本轮没有申报项目。</translation>
    </message>
    <message>
        <source>Judges: leniency and severity</source>
        <translation>评委打分宽严</translation>
    </message>
    <message>
        <source>Leniency is a judge&apos;s average difference from the other judges on the same proposals; flagged beyond ±{limit} points.</source>
        <translation>宽严度指评委对同一项目的打分与其他评委平均分之差的平均值；超过 ±{limit} 分时提示。</translation>
    </message>
    <message>
        <source>No sheets are in yet.</source>
        <translation>尚无评分表提交。</translation>
    </message>
    <message>
        <source>Proposals: how far the judges agree</source>
        <translation>项目评分分歧</translation>
    </message>
    <message>
        <source>Flagged when the highest and the lowest total differ by more than {limit} points.</source>
        <translation>最高分与最低分相差超过 {limit} 分时提示。</translation>
    </message>
    <message>
        <source>Outlying scores</source>
        <translation>异常分数</translation>
    </message>
    <message>
        <source>Totals more than {limit} points away from the other judges&apos; mean on the same proposal.</source>
        <translation>与其他评委对同一项目的平均分相差超过 {limit} 分的总分。</translation>
    </message>
    <message>
        <source>None: no score stands out.</source>
        <translation>无：没有明显异常的分数。</translation>
    </message>
    <message>
        <source>Sheets not in</source>
        <translation>未交评分表</translation>
    </message>
    <message>
        <source>Assigned sheets that do not count yet. The results cannot be frozen until every one is in.</source>
        <translation>已分配但尚未计入成绩的评分表。全部交齐前，评审结果不能冻结。</translation>
    </message>
    <message>
        <source>None: every sheet is in.</source>
        <translation>无：评分表已全部交齐。</translation>
    </message>
    <message>
        <source>Sheets in: {done} / {total}</source>
        <translation>已交评分表：{done} / {total}</translation>
    </message>
    <message>
        <source>Frozen by {name} on {when}</source>
        <translation>已由{name}于 {when} 冻结</translation>
    </message>
    <message>
        <source>SHA-256 {short}…</source>
        <translation>SHA-256 {short}…</translation>
    </message>
    <message>
        <source>Not frozen</source>
        <translation>未冻结</translation>
    </message>
    <message>
        <source>Final score = {parts}.</source>
        <translation>最终得分 = {parts}。</translation>
    </message>
    <message>
        <source>The round weights do not add up to 100%.</source>
        <translation>各轮权重之和不等于 100%。</translation>
    </message>
    <message>
        <source>“{round}” has no scores yet; the final ranking is not complete.</source>
        <translation>“{round}”尚无得分，最终排名尚不完整。</translation>
    </message>
    <message>
        <source>“{round}” is not frozen yet.</source>
        <translation>“{round}”的结果尚未冻结。</translation>
    </message>
    <message>
        <source>Final ranking across rounds</source>
        <translation>各轮合计的最终排名</translation>
    </message>
    <message>
        <source>Final ranking</source>
        <translation>最终排名</translation>
    </message>
    <message>
        <source>No proposals.</source>
        <translation>没有申报项目。</translation>
    </message>
    <message>
        <source>No round has scores yet</source>
        <translation>各轮均无得分</translation>
    </message>
    <message>
        <source>The final ranking combines the rounds&apos; scores once judges are assigned and sheets come in.</source>
        <translation>分配评委并提交评分表后，最终排名将按各轮得分合计生成。</translation>
    </message>
    <message>
        <source>Your name</source>
        <translation>您的姓名</translation>
    </message>
    <message>
        <source>Your name is recorded with this decision:</source>
        <translation>您的姓名将随本次操作记录在案：</translation>
    </message>
    <message>
        <source>Not done</source>
        <translation>操作未完成</translation>
    </message>
    <message>
        <source>Freeze the results of “{round}”? {done} of {total} sheets are in.

Once frozen, scores can only be changed by reopening the round formally, with a reason.</source>
        <translation>确定冻结“{round}”的评审结果吗？已交评分表 {done} / {total} 份。

冻结后，如需修改分数，须说明理由并按程序重新开启本轮评审。</translation>
    </message>
    <message>
        <source>Freeze results</source>
        <translation>冻结结果</translation>
    </message>
    <message>
        <source>Results frozen</source>
        <translation>结果已冻结</translation>
    </message>
    <message>
        <source>The results of “{round}” are frozen.

SHA-256 of the snapshot:
{sha}</source>
        <translation>“{round}”的评审结果已冻结。

结果快照的 SHA-256：
{sha}</translation>
    </message>
    <message>
        <source>Reopen round</source>
        <translation>重新开启本轮</translation>
    </message>
    <message>
        <source>Why are the results of “{round}” being reopened? The reason is recorded with the snapshot.</source>
        <translation>请说明重新开启“{round}”评审结果的理由。该理由将与结果快照一并记录。</translation>
    </message>
    <message>
        <source>Snapshot verified</source>
        <translation>快照校验通过</translation>
    </message>
    <message>
        <source>The frozen results of “{round}” are intact: their content still gives SHA-256
{sha}</source>
        <translation>“{round}”已冻结的结果完好，内容的 SHA-256 仍为
{sha}</translation>
    </message>
    <message>
        <source>Snapshot altered</source>
        <translation>快照已被改动</translation>
    </message>
    <message>
        <source>The stored results of “{round}” no longer match their SHA-256 {sha}: they were changed after freezing. Do not publish them; report this to the person in charge.</source>
        <translation>“{round}”保存的结果与其 SHA-256 {sha} 不符，冻结后已被改动。请勿公布，并向负责人报告。</translation>
    </message>
    <message>
        <source>Reopen a sheet</source>
        <translation>退回评分表</translation>
    </message>
    <message>
        <source>Select a judge&apos;s score in the ranking first.</source>
        <translation>请先在排名表中选中某位评委的分数。</translation>
    </message>
    <message>
        <source>The sheet of {judge} on “{title}” is not in: there is nothing to reopen.</source>
        <translation>{judge}对“{title}”的评分表尚未提交，无需退回。</translation>
    </message>
    <message>
        <source>Reopen the sheet of {judge} on “{title}” so that it can be corrected? Give the reason; it is recorded on the sheet.</source>
        <translation>退回{judge}对“{title}”的评分表以便更正吗？请说明理由，理由将记录在评分表上。</translation>
    </message>
    <message>
        <source>Judge laptops</source>
        <translation>评审笔记本</translation>
    </message>
    <message>
        <source>Choose a round first.</source>
        <translation>请先选择评审轮次。</translation>
    </message>
    <message>
        <source>Results board</source>
        <translation>结果大屏</translation>
    </message>
    <message>
        <source>The results board is not available in this version yet.</source>
        <translation>本版本尚不支持结果大屏。</translation>
    </message>
    <message>
        <source>Print</source>
        <translation>打印</translation>
    </message>
    <message>
        <source>This printout is not available in this version yet.</source>
        <translation>本版本尚不支持打印该文书。</translation>
    </message>
    <message>
        <source>Choose a round first: this printout is for one round.</source>
        <translation>请先选择评审轮次：该文书按轮次打印。</translation>
    </message>
    <message>
        <source>Export</source>
        <translation>导出</translation>
    </message>
    <message>
        <source>Exporting results is not available in this version yet.</source>
        <translation>本版本尚不支持导出评审结果。</translation>
    </message>
    <message>
        <source>Export the results</source>
        <translation>导出评审结果</translation>
    </message>
    <message>
        <source>Results.xlsx</source>
        <translation>评审结果.xlsx</translation>
    </message>
    <message>
        <source>Competition</source>
        <translation>大赛</translation>
    </message>
    <message>
        <source>Round</source>
        <translation>评审轮次</translation>
    </message>
    <message>
        <source>Ranking</source>
        <translation>排名</translation>
    </message>
    <message>
        <source>Diagnostics</source>
        <translation>评分诊断</translation>
    </message>
</context>
<context>
    <name>Roles</name>
    <message>
        <source>Administrator</source>
        <translation>管理员</translation>
    </message>
    <message>
        <source>Staff</source>
        <translation>工作人员</translation>
    </message>
    <message>
        <source>Finance</source>
        <translation>财务</translation>
    </message>
    <message>
        <source>Judge</source>
        <translation>评委</translation>
    </message>
    <message>
        <source>Viewer</source>
        <translation>查阅人员</translation>
    </message>
</context>
<context>
    <name>RoundDialog</name>
    <message>
        <source>New review round</source>
        <translation>新建评审轮次</translation>
    </message>
    <message>
        <source>Review round: {name}</source>
        <translation>评审轮次：{name}</translation>
    </message>
    <message>
        <source>Blind review: judges do not see who applied</source>
        <translation>匿名评审：评委看不到申报机构</translation>
    </message>
    <message>
        <source>Every tender project</source>
        <translation>全部招标项目</translation>
    </message>
    <message>
        <source>Round</source>
        <translation>轮次</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>评审方式</translation>
    </message>
    <message>
        <source>Tender project</source>
        <translation>评审的招标项目</translation>
    </message>
    <message>
        <source>Date</source>
        <translation>日期</translation>
    </message>
    <message>
        <source>Weight in the final result</source>
        <translation>最终成绩权重</translation>
    </message>
    <message>
        <source>Judges per proposal</source>
        <translation>每项评委数</translation>
    </message>
    <message>
        <source>Score step (points)</source>
        <translation>打分步长（分）</translation>
    </message>
    <message>
        <source>Scores and advancement</source>
        <translation>计分与晋级</translation>
    </message>
    <message>
        <source>Drop the</source>
        <translation>去掉最高分和最低分各</translation>
    </message>
    <message>
        <source>highest and lowest</source>
        <translation>个</translation>
    </message>
    <message>
        <source>when at least</source>
        <translation>评分评委不少于</translation>
    </message>
    <message>
        <source>judges scored</source>
        <translation>人时</translation>
    </message>
    <message>
        <source>Combine judges&apos; scores</source>
        <translation>评委分数合成</translation>
    </message>
    <message>
        <source>Round scores to</source>
        <translation>得分保留</translation>
    </message>
    <message>
        <source>decimals</source>
        <translation>位小数</translation>
    </message>
    <message>
        <source>Advancement</source>
        <translation>晋级规则</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>删除</translation>
    </message>
    <message>
        <source>Up</source>
        <translation>上移</translation>
    </message>
    <message>
        <source>Down</source>
        <translation>下移</translation>
    </message>
    <message>
        <source>Rubric</source>
        <translation>评分标准</translation>
    </message>
    <message>
        <source>Add criterion</source>
        <translation>添加指标</translation>
    </message>
    <message>
        <source>Load template…</source>
        <translation>套用模板…</translation>
    </message>
    <message>
        <source>Save as template…</source>
        <translation>存为模板…</translation>
    </message>
    <message>
        <source>Judge groups</source>
        <translation>评委组</translation>
    </message>
    <message>
        <source>Add group</source>
        <translation>添加评委组</translation>
    </message>
    <message>
        <source>Tie-breaks, in order</source>
        <translation>同分排序依据（按顺序）</translation>
    </message>
    <message>
        <source>Add</source>
        <translation>添加</translation>
    </message>
    <message>
        <source>Proposals with the same score are compared on these, in this order; proposals equal on all of them share the rank.</source>
        <translation>得分相同的项目依次按以上各项比较；各项均相同的项目并列名次。</translation>
    </message>
    <message>
        <source>The results of this round are frozen, so its set-up can only be viewed. Reopen the round on the Results page to change it.</source>
        <translation>本轮结果已锁定，设置只能查看。如需修改，请在“评审结果”页重新开启本轮。</translation>
    </message>
    <message>
        <source>Score sheets are in for this round: criteria cannot be added or removed, and their maximum points, bonus items and the score step stay as they are. Names, descriptions, weights, advancement and tie-breaks can still change.</source>
        <translation>本轮已有评分表：不能增加或删除评分指标，满分、加分项和打分步长保持不变；指标名称、评分说明、权重、晋级规则和同分排序依据仍可修改。</translation>
    </message>
    <message>
        <source>other rounds {others} %, total {total} %</source>
        <translation>其他轮次 {others}%，合计 {total}%</translation>
    </message>
    <message>
        <source>proposals</source>
        <translation>个项目</translation>
    </message>
    <message>
        <source>points</source>
        <translation>分</translation>
    </message>
    <message>
        <source>Full marks {full} points · bonus up to {bonus} points · {count} criteria</source>
        <translation>满分 {full} 分 · 加分最多 {bonus} 分 · 共 {count} 项指标</translation>
    </message>
    <message>
        <source>No criteria yet: add them one by one, or load a template.</source>
        <translation>尚无评分指标：可逐项添加，或套用模板。</translation>
    </message>
    <message>
        <source>No groups: every judge counts the same.</source>
        <translation>未分评委组：每位评委的分数同等计算。</translation>
    </message>
    <message>
        <source>Weights add up to {total} % (must be 100 %)</source>
        <translation>权重合计 {total}%（须为 100%）</translation>
    </message>
    <message>
        <source>This round: {criterion}</source>
        <translation>本轮：{criterion}</translation>
    </message>
    <message>
        <source>This round: the round&apos;s score</source>
        <translation>本轮：本轮得分</translation>
    </message>
    <message>
        <source>{round}: {criterion}</source>
        <translation>{round}：{criterion}</translation>
    </message>
    <message>
        <source>{round}: the round&apos;s score</source>
        <translation>{round}：该轮得分</translation>
    </message>
    <message>
        <source>Rubric templates</source>
        <translation>评分标准模板</translation>
    </message>
    <message>
        <source>No rubric template has been saved yet.</source>
        <translation>尚未保存任何评分标准模板。</translation>
    </message>
    <message>
        <source>{name} ({count} criteria)</source>
        <translation>{name}（{count} 项指标）</translation>
    </message>
    <message>
        <source>Load template</source>
        <translation>套用模板</translation>
    </message>
    <message>
        <source>Rubric template:</source>
        <translation>评分标准模板：</translation>
    </message>
    <message>
        <source>Replace the {count} lines of the rubric with template “{name}”?</source>
        <translation>用模板“{name}”替换评分标准现有的 {count} 行吗？</translation>
    </message>
    <message>
        <source>Save as template</source>
        <translation>存为模板</translation>
    </message>
    <message>
        <source>Template name:</source>
        <translation>模板名称：</translation>
    </message>
    <message>
        <source>A template named “{name}” exists. Replace it?</source>
        <translation>已有名为“{name}”的模板，要替换吗？</translation>
    </message>
    <message>
        <source>The score step cannot be read: write it like 0.5 or 1.</source>
        <translation>无法识别打分步长：请填写 0.5 或 1 这样的数字。</translation>
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
        <source>No failed evaluation in the {years} year(s) before {as_of}</source>
        <translation>截至{as_of}的{years}年内无评估不合格记录</translation>
    </message>
    <message>
        <source>Mid-term evaluation of “{project}” ({competition}) graded Fail on {date}: {count} failed evaluation(s) in the {years} year(s) before {as_of}</source>
        <translation>“{project}”（{competition}）中期评估于{date}被评为不合格：截至{as_of}的{years}年内共有{count}次评估不合格</translation>
    </message>
    <message>
        <source>Final evaluation of “{project}” ({competition}) graded Fail on {date}: {count} failed evaluation(s) in the {years} year(s) before {as_of}</source>
        <translation>“{project}”（{competition}）终期评估于{date}被评为不合格：截至{as_of}的{years}年内共有{count}次评估不合格</translation>
    </message>
    <message>
        <source>No bar on applications in force on {as_of} ({count} on record)</source>
        <translation>{as_of}无生效中的禁止申报处理（历史记录{count}条）</translation>
    </message>
    <message>
        <source>Barred from applying from {start} until {until}: {reason}</source>
        <translation>自{start}至{until}禁止申报：{reason}</translation>
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
    <message>
        <source>No failed evaluation in recent years</source>
        <translation>近年无评估不合格</translation>
    </message>
    <message>
        <source>Bar on applications</source>
        <translation>禁止申报</translation>
    </message>
    <message>
        <source>Bid price within the ceiling</source>
        <translation>投标报价不超过最高限价</translation>
    </message>
    <message>
        <source>The bid for tender {code} names no price</source>
        <translation>对招标项目 {code} 的投标未报价</translation>
    </message>
    <message>
        <source>Bid price {price} yuan is over the ceiling of {ceiling} yuan: invalid bid</source>
        <translation>投标报价 {price} 元，超过最高限价 {ceiling} 元：无效投标</translation>
    </message>
    <message>
        <source>Bid price {price} yuan is within the ceiling of {ceiling} yuan</source>
        <translation>投标报价 {price} 元，未超过最高限价 {ceiling} 元</translation>
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
    <message>
        <source>Lock the window after idle minutes</source>
        <translation>无操作自动锁定</translation>
    </message>
    <message>
        <source>Automatic backups kept</source>
        <translation>自动备份保留份数</translation>
    </message>
    <message>
        <source>Shared database (PostgreSQL)</source>
        <translation>共享数据库（PostgreSQL）</translation>
    </message>
    <message>
        <source> min</source>
        <translation> 分钟</translation>
    </message>
</context>
<context>
    <name>Tenders</name>
    <message>
        <source>Register a bid</source>
        <translation>登记投标</translation>
    </message>
    <message>
        <source>Tender {code} {name}
Ceiling price {ceiling} yuan. A bid over the ceiling is recorded but is invalid.</source>
        <translation>招标项目 {code} {name}
最高限价 {ceiling} 元。超过最高限价的投标照常登记，但为无效投标。</translation>
    </message>
    <message>
        <source>Application:</source>
        <translation>申报项目：</translation>
    </message>
    <message>
        <source>Bid price (yuan):</source>
        <translation>投标报价（元）：</translation>
    </message>
    <message>
        <source>{number} {organization}: {title}</source>
        <translation>{number} {organization}：{title}</translation>
    </message>
    <message>
        <source>(draft)</source>
        <translation>（草稿）</translation>
    </message>
    <message>
        <source> [bids for {code}]</source>
        <translation> ［已投 {code}］</translation>
    </message>
    <message>
        <source>No application of this competition can bid: an application must be entered on the Proposals page first, and it must not have been screened yet.</source>
        <translation>本大赛没有可以投标的申报：请先在“项目申报”页面录入申报，且该申报尚未经过资格审查。</translation>
    </message>
    <message>
        <source>Already bids for this tender at {price} yuan: OK changes the price.</source>
        <translation>已投标本项目，报价 {price} 元：确定后修改报价。</translation>
    </message>
    <message>
        <source>Bids for tender {code} now: OK moves its bid to this tender.</source>
        <translation>目前投标的是 {code}：确定后改投本项目。</translation>
    </message>
    <message>
        <source>Over the ceiling price: the bid will be recorded as invalid.</source>
        <translation>报价超过最高限价：该投标将记为无效投标。</translation>
    </message>
    <message>
        <source>Choose the application that bids.</source>
        <translation>请选择投标的申报项目。</translation>
    </message>
    <message>
        <source>No. {rank}</source>
        <translation>第 {rank} 名</translation>
    </message>
    <message>
        <source>unranked</source>
        <translation>未排名</translation>
    </message>
    <message>
        <source>{rank}  {organization} — {price} yuan, total {total}</source>
        <translation>{rank}  {organization}——报价 {price} 元，总分 {total}</translation>
    </message>
    <message>
        <source>Decide tender {code}</source>
        <translation>定标：{code}</translation>
    </message>
    <message>
        <source>Decision:</source>
        <translation>定标结果：</translation>
    </message>
    <message>
        <source>Reason:</source>
        <translation>理由：</translation>
    </message>
    <message>
        <source>{code} {name} has one valid bid: {organization}, {price} yuan.
With a single bidder there is no price comparison: the panel judges only its necessity and feasibility, and the bid is accepted (it wins at its price) or rejected (no winner).</source>
        <translation>{code} {name} 只有一份有效投标：{organization}，报价 {price} 元。
只有一家投标时不作价格比较，评标委员会只评审其必要性和可行性：接受（按其报价中标）或否决（流标）。</translation>
    </message>
    <message>
        <source>Accept the bid</source>
        <translation>接受该投标</translation>
    </message>
    <message>
        <source>Reject the bid: no winner</source>
        <translation>否决该投标：流标</translation>
    </message>
    <message>
        <source>{code} {name}: {count} valid bids. The first-ranked bid wins unless the office gives a reason for another; a tender may also end without a winner, with the reason.</source>
        <translation>{code} {name}：有效投标 {count} 份。排名第一的投标中标；选择其他投标须说明理由。也可以流标，须说明理由。</translation>
    </message>
    <message>
        <source>Award to:</source>
        <translation>中标人：</translation>
    </message>
    <message>
        <source>No winner: the tender fails</source>
        <translation>流标：无中标人</translation>
    </message>
    <message>
        <source>the panel&apos;s view of necessity and feasibility (required)</source>
        <translation>评标委员会对必要性和可行性的意见（必填）</translation>
    </message>
    <message>
        <source>required for a winner other than the first-ranked bid, and for no winner</source>
        <translation>选择非第一名中标或流标时必填</translation>
    </message>
    <message>
        <source>No bid wins; every waiting bid is marked not awarded.</source>
        <translation>无投标中标，所有待定的投标记为未中标。</translation>
    </message>
    <message>
        <source>The first-ranked bid wins: an award at its bid price.</source>
        <translation>排名第一的投标中标，按其投标报价资助。</translation>
    </message>
    <message>
        <source>Not the first-ranked bid: give the reason for choosing it.</source>
        <translation>所选不是排名第一的投标：请填写选择理由。</translation>
    </message>
    <message>
        <source>Choose the winning bid.</source>
        <translation>请选择中标的投标。</translation>
    </message>
    <message>
        <source>New tender project</source>
        <translation>新建招标项目</translation>
    </message>
    <message>
        <source>Edit tender project {code}</source>
        <translation>编辑招标项目 {code}</translation>
    </message>
    <message>
        <source>Bidders read the ceiling price and the price points: once a bid is in, they can no longer be changed.</source>
        <translation>最高限价和价格分值是投标人报价的依据：收到投标后不能再修改。</translation>
    </message>
    <message>
        <source>Tender code:</source>
        <translation>项目编号：</translation>
    </message>
    <message>
        <source>Project name:</source>
        <translation>项目名称：</translation>
    </message>
    <message>
        <source>Service domain:</source>
        <translation>服务领域：</translation>
    </message>
    <message>
        <source>Ceiling price (yuan):</source>
        <translation>最高限价（元）：</translation>
    </message>
    <message>
        <source> points</source>
        <translation> 分</translation>
    </message>
    <message>
        <source>Price points:</source>
        <translation>价格分值：</translation>
    </message>
    <message>
        <source>to</source>
        <translation>至</translation>
    </message>
    <message>
        <source>Service period:</source>
        <translation>服务期限：</translation>
    </message>
    <message>
        <source>Qualifications:</source>
        <translation>资格要求：</translation>
    </message>
    <message>
        <source>what a bidder must be or have</source>
        <translation>投标人须具备的条件</translation>
    </message>
    <message>
        <source>Description:</source>
        <translation>项目说明：</translation>
    </message>
    <message>
        <source>the service to deliver, where and for whom</source>
        <translation>服务内容、地点和对象</translation>
    </message>
    <message>
        <source>Community needs:</source>
        <translation>社区需求：</translation>
    </message>
    <message>
        <source>Tick the collected needs this tender answers (optional).</source>
        <translation>勾选本招标项目回应的已收集需求（可不选）。</translation>
    </message>
    <message>
        <source>{community}: {title} ({domain})</source>
        <translation>{community}：{title}（{domain}）</translation>
    </message>
    <message>
        <source>No needs were collected in the competition&apos;s year or the year before.</source>
        <translation>大赛年度及上一年度没有收集到社区需求。</translation>
    </message>
    <message>
        <source>Awarded: {winner}</source>
        <translation>已定标：{winner}</translation>
    </message>
    <message>
        <source>No winner: {reason}</source>
        <translation>流标：{reason}</translation>
    </message>
    <message>
        <source>Bids closed: under evaluation</source>
        <translation>已截止投标，评标中</translation>
    </message>
    <message>
        <source>Taking bids</source>
        <translation>招标中</translation>
    </message>
    <message>
        <source>Objection to answer</source>
        <translation>有异议待答复</translation>
    </message>
    <message>
        <source>Notice from {date}</source>
        <translation>{date} 起公示</translation>
    </message>
    <message>
        <source>On notice until {date}</source>
        <translation>公示中（至 {date}）</translation>
    </message>
    <message>
        <source>Notice ended</source>
        <translation>公示结束</translation>
    </message>
    <message>
        <source>Valid</source>
        <translation>有效</translation>
    </message>
    <message>
        <source>New tender project…</source>
        <translation>新建招标项目…</translation>
    </message>
    <message>
        <source>Edit…</source>
        <translation>编辑…</translation>
    </message>
    <message>
        <source>Close bidding</source>
        <translation>截止投标</translation>
    </message>
    <message>
        <source>Register a bid…</source>
        <translation>登记投标…</translation>
    </message>
    <message>
        <source>Decide…</source>
        <translation>定标…</translation>
    </message>
    <message>
        <source>Notice…</source>
        <translation>公示…</translation>
    </message>
    <message>
        <source>Objection…</source>
        <translation>记录异议…</translation>
    </message>
    <message>
        <source>Answer…</source>
        <translation>答复异议…</translation>
    </message>
    <message>
        <source>Evaluation report (PDF)…</source>
        <translation>评标报告（PDF）…</translation>
    </message>
    <message>
        <source>Public notice (PDF)…</source>
        <translation>中标结果公示（PDF）…</translation>
    </message>
    <message>
        <source>{count} tender projects</source>
        <translation>共 {count} 个招标项目</translation>
    </message>
    <message>
        <source>Select a tender project to see its bids.</source>
        <translation>选择一个招标项目，查看其投标情况。</translation>
    </message>
    <message>
        <source>Evaluation of {code}: {bids} bids, {valid} valid</source>
        <translation>{code} 评标：投标 {bids} 份，有效 {valid} 份</translation>
    </message>
    <message>
        <source>Price score = lowest valid price ÷ bid price × {points}; panel part = panel score ÷ {full} × {rest}; total = panel part + price score.</source>
        <translation>价格分 = 最低有效报价 ÷ 投标报价 × {points}；评审分 = 评委会得分 ÷ {full} × {rest}；总分 = 评审分 + 价格分。</translation>
    </message>
    <message>
        <source>Price score = the lowest valid bid price ÷ the bid price × {points} price points. Panel part = the panel&apos;s score ÷ its {full} full marks × {rest} points. Total = panel part + price score; equal totals rank the lower price first. A bid over the ceiling of {ceiling} yuan is invalid.</source>
        <translation>价格分 = 评标基准价（最低有效报价）÷ 投标报价 × 价格分值 {points} 分；评审分 = 评标委员会得分 ÷ 满分 {full} 分 × {rest} 分；总分 = 评审分 + 价格分，总分相同的按投标报价由低到高排序。报价超过最高限价 {ceiling} 元的为无效投标。</translation>
    </message>
    <message>
        <source>Only one valid bid: there is no price comparison. The panel judges its necessity and feasibility, and the bid is accepted or rejected (Decide…).</source>
        <translation>只有一份有效投标：不作价格比较，由评标委员会就项目的必要性和可行性进行评审，决定接受或否决该投标（定标…）。</translation>
    </message>
    <message>
        <source>The evaluation cannot be shown: reading results is not allowed to you.</source>
        <translation>无法显示评标情况：您没有查看评审结果的权限。</translation>
    </message>
    <message>
        <source>The panel&apos;s results are not final: round “{round}” is not frozen yet.</source>
        <translation>评标结果尚未确定：轮次“{round}”尚未锁定。</translation>
    </message>
    <message>
        <source>The panel has not scored this tender yet: totals and ranks follow its frozen results.</source>
        <translation>评标委员会尚未对本项目评分：总分和排名在评审结果锁定后显示。</translation>
    </message>
    <message>
        <source>Select a tender project in the list first.</source>
        <translation>请先在列表中选择一个招标项目。</translation>
    </message>
    <message>
        <source>Tender project saved: {code}.</source>
        <translation>招标项目已保存：{code}。</translation>
    </message>
    <message>
        <source>Close bidding on {code} {name}?

{bids} bids are in. No bid can be added or changed afterwards; the evaluation and the decision follow.</source>
        <translation>截止 {code} {name} 的投标吗？

已收到投标 {bids} 份。截止后不能再增加或修改投标，随后进行评标和定标。</translation>
    </message>
    <message>
        <source>Bidding on {code} is closed.</source>
        <translation>{code} 已截止投标。</translation>
    </message>
    <message>
        <source>Bid registered for {code}.</source>
        <translation>已登记对 {code} 的投标。</translation>
    </message>
    <message>
        <source>Decided: {code}. The award is on the Funding page.</source>
        <translation>{code} 已定标，资助记录见“资金管理”页面。</translation>
    </message>
    <message>
        <source>{code} ends without a winner.</source>
        <translation>{code} 流标，无中标人。</translation>
    </message>
    <message>
        <source>Public notice</source>
        <translation>中标结果公示</translation>
    </message>
    <message>
        <source>Publish the result of {code} {name}: {state}.
Objections may be raised while the notice is up.</source>
        <translation>公示 {code} {name} 的结果：{state}。
公示期内可以提出异议。</translation>
    </message>
    <message>
        <source>Notice from:</source>
        <translation>公示开始：</translation>
    </message>
    <message>
        <source>Notice until:</source>
        <translation>公示截止：</translation>
    </message>
    <message>
        <source>The notice of {code} is published.</source>
        <translation>{code} 的结果已公示。</translation>
    </message>
    <message>
        <source>Raised on:</source>
        <translation>提出日期：</translation>
    </message>
    <message>
        <source>An objection to the result of {code} {name}. It must be answered on the record.</source>
        <translation>对 {code} {name} 结果的异议，须书面答复并存档。</translation>
    </message>
    <message>
        <source>Record objection</source>
        <translation>记录异议</translation>
    </message>
    <message>
        <source>Objection:</source>
        <translation>异议内容：</translation>
    </message>
    <message>
        <source>who objects, and to what</source>
        <translation>异议人及异议事项</translation>
    </message>
    <message>
        <source>Objection recorded: answer it on the record.</source>
        <translation>异议已记录，请书面答复。</translation>
    </message>
    <message>
        <source>Objection to {code}:
{text}</source>
        <translation>对 {code} 的异议：
{text}</translation>
    </message>
    <message>
        <source>Answer objection</source>
        <translation>答复异议</translation>
    </message>
    <message>
        <source>Answer:</source>
        <translation>答复：</translation>
    </message>
    <message>
        <source>how the objection was examined, and the outcome</source>
        <translation>异议的核查经过和处理结果</translation>
    </message>
    <message>
        <source>Answer recorded.</source>
        <translation>答复已记录。</translation>
    </message>
    <message>
        <source>Evaluation report {code}.pdf</source>
        <translation>评标报告 {code}.pdf</translation>
    </message>
    <message>
        <source>Tender result notice {code}.pdf</source>
        <translation>中标结果公示 {code}.pdf</translation>
    </message>
    <message>
        <source>Bidding programme:</source>
        <translation>招投标项目：</translation>
    </message>
    <message>
        <source>No bidding programme yet</source>
        <translation>还没有公益招投标</translation>
    </message>
    <message>
        <source>Tender projects belong to a competition whose mode is Project bidding (公益招投标). Create one on the Competitions page, then publish its tender projects here.</source>
        <translation>招标项目属于方式为“公益招投标”的大赛。请先在“大赛管理”页面新建一个这样的大赛，再在这里发布它的招标项目。</translation>
    </message>
    <message>
        <source>Print</source>
        <translation>打印</translation>
    </message>
</context>
<context>
    <name>Users</name>
    <message>
        <source>The two passwords differ.</source>
        <translation>两次输入的密码不一致。</translation>
    </message>
    <message>
        <source>New user</source>
        <translation>新建用户</translation>
    </message>
    <message>
        <source>User {name}</source>
        <translation>用户 {name}</translation>
    </message>
    <message>
        <source>User name</source>
        <translation>用户名</translation>
    </message>
    <message>
        <source>Full name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <source>Password</source>
        <translation>密码</translation>
    </message>
    <message>
        <source>Password again</source>
        <translation>确认密码</translation>
    </message>
    <message>
        <source>Roles</source>
        <translation>角色</translation>
    </message>
    <message>
        <source>Can sign in</source>
        <translation>允许登录</translation>
    </message>
    <message>
        <source>Active</source>
        <translation>启用</translation>
    </message>
    <message>
        <source>Change my password</source>
        <translation>修改我的密码</translation>
    </message>
    <message>
        <source>Current password</source>
        <translation>当前密码</translation>
    </message>
    <message>
        <source>New password for {name}</source>
        <translation>为{name}设置新密码</translation>
    </message>
    <message>
        <source>New password</source>
        <translation>新密码</translation>
    </message>
    <message>
        <source>New password again</source>
        <translation>确认新密码</translation>
    </message>
    <message>
        <source>At least 8 characters, not only digits, not the user name.</source>
        <translation>至少8个字符，不能全是数字，不能与用户名相同。</translation>
    </message>
    <message>
        <source>User accounts</source>
        <translation>用户账号</translation>
    </message>
    <message>
        <source>Administrators manage accounts; staff do the competition work; finance approves payments; viewers only read. A person may hold several roles.</source>
        <translation>管理员管理账号；工作人员办理大赛业务；财务审批拨款；查阅人员只能查看。一人可兼任多个角色。</translation>
    </message>
    <message>
        <source>Add…</source>
        <translation>新增…</translation>
    </message>
    <message>
        <source>Edit…</source>
        <translation>编辑…</translation>
    </message>
    <message>
        <source>Reset password…</source>
        <translation>重置密码…</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
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
        <source>Every row is right: {count} community needs will be imported.</source>
        <translation>每一行都正确：将导入 {count} 条社区需求。</translation>
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
        <source>Imported {count} community needs.</source>
        <translation>已导入 {count} 条社区需求。</translation>
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
