#!/usr/bin/python3
# Builds web/i18n/zh-CN.json and en.json from one table: every key has both languages.
import json, os, sys
E = {}
def k(key, zh, en):
    assert key not in E, key
    E[key] = (zh, en)

# navigation and frame
k("nav.skip", "跳到正文", "Skip to content")
k("nav.label", "主导航", "Main navigation")
k("nav.language", "语言", "Language")
k("nav.home", "首页", "Home")
k("nav.report", "报告漏洞", "Report a vulnerability")
k("nav.advisories", "安全公告", "Security advisories")
k("nav.console", "分析控制台", "Analyst console")
k("footer.text", "vulnflow · 时间以北京时间（Asia/Shanghai）显示，悬停可见 UTC。", "vulnflow · Times are shown in Asia/Shanghai; hover for UTC.")
k("form.required", "（必填）", "(required)")
k("time.shanghai", "北京时间", "Asia/Shanghai")
k("time.dhm", "{d} 天 {h} 小时 {m} 分", "{d} d {h} h {m} min")
k("time.hms", "{h}:{m}:{s}", "{h}:{m}:{s}")
# landing
k("landing.title", "漏洞披露", "Vulnerability disclosure")
k("landing.lead", "发现了我们产品中的安全漏洞？请通过本页报告。无需注册账号。", "Found a security vulnerability in our products? Report it here. No account needed.")
k("landing.cta_report", "报告漏洞", "Report a vulnerability")
k("landing.policy", "漏洞披露政策", "Disclosure policy")
k("landing.policy_default", "我们依照《网络产品安全漏洞管理规定》接收、验证和处置漏洞：收到报告后立即验证，在 2 日内向工业和信息化部网络安全威胁和漏洞信息共享平台报送，及时修复并向受影响用户提供修复措施。在修复措施可用之前，请勿公开漏洞细节。我们会在安全公告中致谢报告人（除非您希望匿名）。", "We receive, verify and handle vulnerabilities under the Provisions on the Management of Security Vulnerabilities of Network Products: we verify a report at once, report it to the MIIT sharing platform within 2 days, fix it promptly and give affected users the fix. Please do not publish details before a fix is available. We credit reporters in our advisories unless you prefer to stay anonymous.")
k("landing.policy_link", "完整政策", "Full policy")
k("landing.safe_harbour", "安全港承诺", "Safe harbour")
k("landing.safe_harbour_default", "对于善意、遵守本政策并避免损害用户数据和服务的安全研究，我们不会追究法律责任，也不会要求执法部门介入。如您的研究无意中超出范围，请立即停止并告知我们。", "We will not pursue legal action or ask law enforcement to act against good-faith security research that follows this policy and avoids harm to users' data and services. If your research strays out of scope by accident, stop and tell us.")
k("landing.status", "查询报告状态", "Check a report's status")
k("landing.status_token", "状态令牌（回执中的 vfr_…）", "Status token (vfr_… from your receipt)")
k("landing.status_go", "查询", "Look up")
k("landing.links", "链接", "Links")
k("landing.contact", "联系方式", "contact")
k("landing.csaf", "CSAF 安全公告源", "CSAF advisory feed")
k("landing.log", "回执日志（签名树头）", "Receipt log (signed tree head)")
# report form
k("report.title", "报告漏洞", "Report a vulnerability")
k("report.lead", "请尽量详细描述漏洞：受影响的产品和版本、复现步骤、影响。提交后您会得到带签名的回执和状态令牌。", "Describe the vulnerability in as much detail as you can: affected product and version, steps to reproduce, impact. You get a signed receipt and a status token.")
k("report.vuln", "漏洞", "Vulnerability")
k("report.product", "受影响产品", "Affected product")
k("report.reporter", "报告人（可选）", "Reporter (optional)")
k("report.files", "附件（可选）", "Attachments (optional)")
k("report.f_title", "标题", "Title")
k("report.f_description", "漏洞描述", "Description")
k("report.f_description_hint", "复现步骤、影响、概念验证。", "Steps to reproduce, impact, proof of concept.")
k("report.f_product_name", "产品名称", "Product name")
k("report.f_product_model", "型号", "Model")
k("report.f_product_version", "版本", "Version")
k("report.f_reporter_name", "姓名", "Name")
k("report.f_reporter_email", "电子邮箱", "E-mail")
k("report.f_attachment", "附件", "Attachments")
k("report.f_attachment_hint", "可选择多个文件", "You may choose several files")
k("report.submit", "提交报告", "Submit report")
k("report.noscript", "未启用 JavaScript 也可以提交：表单直接发送到服务器。", "Works without JavaScript: the form goes straight to the server.")
k("report.pow_working", "正在计算防滥用工作量证明，请稍候…", "Computing the anti-abuse proof of work, please wait…")
k("report.failed", "提交失败：", "Submission failed:")
k("report.id", "编号", "No.")
k("report.received", "接收时间", "Received")
# receipt
k("receipt.title", "报告回执", "Report receipt")
k("receipt.lead", "我们已收到您的报告，并已记入只可追加的回执日志。", "We have your report; it is recorded in the append-only receipt log.")
k("receipt.id", "回执编号", "Receipt number")
k("receipt.received", "接收时间", "Received")
k("receipt.status", "状态", "Status")
k("receipt.case", "案件", "Case")
k("receipt.token", "状态令牌", "Status token")
k("receipt.leaf", "日志叶序号", "Log leaf index")
k("receipt.log_id", "日志 ID", "Log ID")
k("receipt.keep", "请保存本页地址或状态令牌：凭它查询处理进度。令牌丢失无法找回。", "Keep this page's address or the status token: it is how you follow the report. A lost token cannot be recovered.")
k("receipt.verify", "如何验证回执", "How to verify this receipt")
k("receipt.verify_1", "取得日志当前的签名树头（tree_size、root_hash、签名）：", "Fetch the log's current signed tree head (tree_size, root_hash, signature):")
k("receipt.verify_2", "用日志叶序号和该 tree_size 取得包含证明，验证本回执的叶在树中：", "Fetch the inclusion proof for this leaf index at that tree_size and check the leaf is in the tree:")
k("receipt.verify_3", "随时用状态令牌查询状态（JSON）：", "Look up the status at any time with the token (JSON):")
k("receipt.download", "下载带签名的回执（JSON）", "Download the signed receipt (JSON)")
k("receipt.download_hint", "提交时服务器返回的完整回执，含签名和审计路径", "The full receipt the server returned, with signature and audit path")
k("receipt.missing", "未找到回执", "Receipt not found")
k("receipt.missing_text", "没有与该状态令牌对应的报告。请检查令牌是否完整。", "No report has this status token. Check that the token is complete.")
k("status.received", "已接收", "Received")
k("status.rejected", "已拒收", "Rejected")
k("status.spam", "已接收", "Received")
# advisories
k("advisories.title", "安全公告", "Security advisories")
k("advisories.lead", "我们发布的安全公告，以及机器可读的 CSAF 公告源。", "The security advisories we publish, and the machine-readable CSAF feed.")
k("advisories.none", "暂无已发布的安全公告。", "No advisories have been published yet.")
# errors
k("error.title", "无法处理请求", "The request could not be handled")
k("error.back", "返回", "Back to")
k("error.invalid_field", "有字段不符合要求，请检查后重试。", "A field is not valid; check and try again.")
k("error.payload_too_large", "报告或附件太大。", "The report or an attachment is too large.")
k("error.too_many_attachments", "附件太多。", "Too many attachments.")
k("error.rate_limited", "提交太频繁，请稍后再试。", "Too many submissions; try again later.")
k("error.unauthenticated", "请先登录。", "Please log in.")
k("error.forbidden", "没有权限。", "Not allowed.")
k("error.csrf_token_invalid", "会话令牌无效，请重新登录。", "The session token is invalid; log in again.")
k("error.not_found", "不存在。", "Not found.")
k("error.network", "网络错误。", "Network error.")
k("error.pow_required", "需要工作量证明。", "A proof of work is required.")
k("error.login_failed", "邮箱、密码或动态码不正确。", "E-mail, password or code is wrong.")
k("error.totp_required", "需要动态码。", "A two-factor code is required.")
# console frame
k("console.title", "分析控制台", "Analyst console")
k("console.loading", "正在加载…", "Loading…")
k("console.noscript", "控制台需要 JavaScript。公开页面（报告漏洞、回执）不需要。", "The console needs JavaScript. The public pages (report, receipt) do not.")
k("console.dashboard", "仪表盘", "Dashboard")
k("console.cases", "案件", "Cases")
k("console.score", "评分计算器", "Scoring")
k("console.logout", "退出", "Log out")
k("console.signed_in_as", "已登录：{email}（{role}）", "Signed in as {email} ({role})")
k("console.not_found", "页面不存在", "No such page")
k("console.error", "出错了", "Something went wrong")
# login
k("login.title", "登录", "Log in")
k("login.email", "电子邮箱", "E-mail")
k("login.password", "密码", "Password")
k("login.totp", "动态验证码（TOTP）", "Authenticator code (TOTP)")
k("login.totp_hint", "身份验证器应用中的 6 位数字（已启用双因素登录时）", "The 6 digits from your authenticator app (when two-factor login is on)")
k("login.submit", "登录", "Log in")
k("login.password_change_required", "请先用 API 或命令行修改一次性密码。", "Change your one-time password first (API or CLI).")
k("login.totp_enrollment_required", "请先启用双因素登录。", "Enroll in two-factor login first.")
# dashboard
k("dash.phases", "各阶段案件", "Cases by phase")
k("dash.overdue", "已超期的时限", "Overdue clocks")
k("dash.due", "即将到期的时限", "Clocks due")
k("dash.missed", "已错过的时限", "Missed clocks")
k("dash.show_missed", "显示已错过的时限", "Show missed clocks")
k("dash.none", "无。", "None.")
k("dash.queue", "待处理报告", "Intake queue")
k("dash.queue_empty", "没有待处理的报告。", "No reports waiting.")
k("dash.action", "操作", "Action")
k("dash.open_case", "立案", "Open case")
k("clock.case", "案件", "Case")
k("clock.obligation", "义务", "Obligation")
k("clock.due", "截止（北京时间）", "Due (Asia/Shanghai)")
k("clock.left", "剩余", "Left")
k("clock.state", "状态", "State")
k("clock.due_in", "剩余 {d}", "due in {d}")
k("clock.overdue_by", "已超期 {d}", "overdue by {d}")
for s, zh, en in (("pending", "进行中", "pending"), ("met", "已满足", "met"), ("missed", "已错过", "missed")):
    k(f"clockstate.{s}", zh, en)
for p, zh, en in (("receipt", "漏洞接收", "Receipt"), ("verification", "漏洞验证", "Verification"),
                  ("handling", "漏洞处置", "Handling"), ("publication", "漏洞发布", "Publication"),
                  ("tracking", "漏洞跟踪", "Tracking")):
    k(f"phase.{p}", zh, en)
for s, zh, en in (("triage", "待分诊", "Triage"), ("verified", "已验证", "Verified"), ("rejected", "已驳回", "Rejected"),
                  ("duplicate", "重复", "Duplicate"), ("assessed", "已评估", "Assessed"), ("fixing", "修复中", "Fixing"),
                  ("fix_available", "修复措施可用", "Fix available"), ("disclosure_pending", "待发布", "Disclosure pending"),
                  ("published", "已发布", "Published"), ("closed", "已关闭", "Closed"), ("none", "尚未立案", "no case yet")):
    k(f"state.{s}", zh, en)
for s, zh, en in (("Critical", "严重", "Critical"), ("High", "高危", "High"), ("Medium", "中危", "Medium"),
                  ("Low", "低危", "Low"), ("None", "无", "None")):
    k(f"severity.{s}", zh, en)
k("role.provider", "网络产品提供者", "Network product provider")
k("role.operator", "网络运营者", "Network operator")
# case list
k("cases.search", "标题关键词", "Words of the title")
k("cases.phase", "阶段", "Phase")
k("cases.severity", "严重程度", "Severity")
k("cases.sort", "排序", "Sort")
k("cases.any", "全部", "Any")
k("cases.apply", "筛选", "Filter")
k("cases.none", "没有符合条件的案件。", "No cases match.")
k("cases.pages", "翻页", "Pages")
k("cases.prev", "上一页", "Previous page")
k("cases.next", "下一页", "Next page")
k("sort.-id", "最新立案在前", "Newest first")
k("sort.id", "最早立案在前", "Oldest first")
k("sort.-learned_at", "最近获知在前", "Learned most recently")
k("sort.learned_at", "最早获知在前", "Learned earliest")
# case page
k("case.title", "标题", "Title")
k("case.state", "状态", "State")
k("case.role", "角色", "Role")
k("case.severity", "严重程度", "Severity")
k("case.gbt", "GB/T 30279 分级", "GB/T 30279 grade")
k("case.learned_at", "获知时间", "Learned at")
k("case.product", "受影响产品", "Affected products")
k("case.reports", "报告", "Reports")
k("case.score", "评分", "Score")
k("case.authority_report", "报送材料预览（打印）", "Authority report preview (print)")
k("case.transitions", "处置操作", "Transitions")
k("case.reason", "理由", "Reason")
k("case.duplicate_of", "与之重复的案件编号", "Duplicate of case no.")
k("case.missing", "还需要：", "Still needs:")
k("case.no_transitions", "当前状态没有可用操作。", "No transitions from this state.")
k("case.clocks", "时限", "Clocks")
k("case.timeline", "时间线", "Timeline")
k("case.notifications", "通知", "Notifications")
k("case.no_notifications", "尚无通知。", "No notifications yet.")
for m, zh, en in (("reason", "理由", "a reason"), ("duplicate_of", "重复的案件", "the duplicated case"),
                  ("affected_product", "受影响产品（名称和版本）", "an affected product with version"),
                  ("score", "CVSS 评分或 GB/T 30279 分级", "a CVSS score or GB/T 30279 grade"),
                  ("scope", "影响范围", "the impact scope"), ("remediation", "修复或缓解措施", "remediation"),
                  ("fix_available_at", "修复可用时间", "when the fix became available"),
                  ("authority_report", "向工信部平台报送", "the report to MIIT's platform"),
                  ("advisory_published", "已发布的安全公告", "a published advisory"),
                  ("advisory_not_published", "公告未发布", "an unpublished advisory"),
                  ("decision_not_to_publish", "不予发布的决定", "a decision not to publish")):
    k(f"missing.{m}", zh, en)
for ev, zh, en in (("created", "立案", "Opened"), ("transition", "状态变更", "Transition"), ("update", "修改", "Updated"),
                   ("learned_at", "修改获知时间", "Learned-at changed"), ("merged", "合并", "Merged"),
                   ("authority_report", "报送", "Authority report"), ("notification", "通知", "Notification")):
    k(f"event.{ev}", zh, en)
k("note.kind", "类型", "Kind")
k("note.recipient", "收件方", "Recipient")
k("note.status", "状态", "Status")
k("note.sent_at", "时间", "Time")
# scoring
k("score.cvss31", "CVSS 3.1", "CVSS 3.1")
k("score.cvss40", "CVSS 4.0", "CVSS 4.0")
k("score.gbt", "GB/T 30279-2020", "GB/T 30279-2020")
k("score.kinds", "评分体系", "Scoring systems")
k("score.pick_all", "请为每个必选指标选择一个值。", "Pick a value for every required metric.")
k("score.optional", "可选", "optional")
k("score.vector", "向量", "Vector")
k("score.save", "保存到案件 #{id}", "Save to case #{id}")
k("score.saved", "已保存到案件 #{id}。", "Saved to case #{id}.")
cv = [
 ("AV", "攻击途径", "Attack Vector", {"N": ("网络", "Network"), "A": ("相邻网络", "Adjacent"), "L": ("本地", "Local"), "P": ("物理", "Physical")}),
 ("AC", "攻击复杂度", "Attack Complexity", {"L": ("低", "Low"), "H": ("高", "High")}),
 ("AT", "攻击条件", "Attack Requirements", {"N": ("无", "None"), "P": ("存在", "Present")}),
 ("PR", "所需权限", "Privileges Required", {"N": ("无", "None"), "L": ("低", "Low"), "H": ("高", "High")}),
 ("UI", "用户交互", "User Interaction", {"N": ("无", "None"), "R": ("需要", "Required"), "P": ("被动", "Passive"), "A": ("主动", "Active")}),
 ("S", "影响范围", "Scope", {"U": ("不变", "Unchanged"), "C": ("改变", "Changed")}),
 ("C", "机密性", "Confidentiality", {"H": ("高", "High"), "L": ("低", "Low"), "N": ("无", "None")}),
 ("I", "完整性", "Integrity", {"H": ("高", "High"), "L": ("低", "Low"), "N": ("无", "None")}),
 ("A", "可用性", "Availability", {"H": ("高", "High"), "L": ("低", "Low"), "N": ("无", "None")}),
 ("VC", "受影响系统机密性", "Vulnerable System Confidentiality", {"H": ("高", "High"), "L": ("低", "Low"), "N": ("无", "None")}),
 ("VI", "受影响系统完整性", "Vulnerable System Integrity", {"H": ("高", "High"), "L": ("低", "Low"), "N": ("无", "None")}),
 ("VA", "受影响系统可用性", "Vulnerable System Availability", {"H": ("高", "High"), "L": ("低", "Low"), "N": ("无", "None")}),
 ("SC", "后续系统机密性", "Subsequent System Confidentiality", {"H": ("高", "High"), "L": ("低", "Low"), "N": ("无", "None")}),
 ("SI", "后续系统完整性", "Subsequent System Integrity", {"H": ("高", "High"), "L": ("低", "Low"), "N": ("无", "None")}),
 ("SA", "后续系统可用性", "Subsequent System Availability", {"H": ("高", "High"), "L": ("低", "Low"), "N": ("无", "None")}),
 ("E", "利用成熟度", "Exploit Maturity", {"X": ("未定义", "Not Defined"), "A": ("已被攻击", "Attacked"), "P": ("概念验证", "POC"), "U": ("未报告", "Unreported")}),
]
for m, zh, en, vals in cv:
    k(f"cvss.{m}", zh, en)
    for v, (vz, ve) in vals.items():
        k(f"cvss.{m}.{v}", vz, ve)
gb = [
 ("AP", "访问路径", "Access path", {"N": ("网络", "network"), "A": ("邻接", "adjacent"), "L": ("本地", "local"), "P": ("物理", "physical")}),
 ("TR", "触发要求", "Trigger requirement", {"L": ("低", "low"), "H": ("高", "high")}),
 ("PR", "权限需求", "Privileges required", {"N": ("无", "none"), "L": ("低", "low"), "H": ("高", "high")}),
 ("UI", "交互条件", "User interaction", {"N": ("不需要", "not required"), "R": ("需要", "required")}),
 ("C", "保密性影响", "Confidentiality impact", {"S": ("严重", "severe"), "M": ("一般", "moderate"), "N": ("无", "none")}),
 ("I", "完整性影响", "Integrity impact", {"S": ("严重", "severe"), "M": ("一般", "moderate"), "N": ("无", "none")}),
 ("A", "可用性影响", "Availability impact", {"S": ("严重", "severe"), "M": ("一般", "moderate"), "N": ("无", "none")}),
 ("EC", "被利用成本", "Cost of exploitation", {"L": ("低", "low"), "M": ("中", "medium"), "H": ("高", "high")}),
 ("RD", "修复难度", "Difficulty of repair", {"H": ("高", "high"), "M": ("中", "medium"), "L": ("低", "low")}),
 ("SC", "影响范围", "Impact scope", {"H": ("高", "high"), "M": ("中", "medium"), "L": ("低", "low"), "N": ("无", "none")}),
]
for m, zh, en, vals in gb:
    k(f"gbt.{m}", zh, en)
    for v, (vz, ve) in vals.items():
        k(f"gbt.{m}.{v}", vz, ve)
k("gbt.exploitability", "可利用性", "Exploitability")
k("gbt.impact", "影响程度", "Impact")
for lv, zh, en in (("high", "高", "high"), ("medium", "中", "medium"), ("low", "低", "low")):
    k(f"gbt.level.{lv}", zh, en)
k("gbt.provisional", "注意：分级表为占位表，结果仅供参考（见 docs/internals/gbt30279.md）。", "Note: the grading tables are placeholders; the result is provisional (see docs/internals/gbt30279.md).")

out = sys.argv[1]
for i, lang in enumerate(("zh-CN", "en")):
    with open(os.path.join(out, f"{lang}.json"), "w", encoding="utf-8") as f:
        json.dump({key: v[i] for key, v in sorted(E.items())}, f, ensure_ascii=False, indent=1)
        f.write("\n")
print(len(E), "keys")
