# dalaba 命令行的中文（LANG=zh_CN.UTF-8 等）。消息名与 en.ftl 相同；这里没有的消息显示英文。

## 状态词
outcome-claimed = 准备中
outcome-airing = 正在播出
outcome-aired = 已播出
outcome-failed = 播出失败
outcome-missed = 错过
outcome-interrupted = 被打断
outcome-skipped = 跳过
status-draft = 草稿
status-approved = 已审核
status-rejected = 已驳回
status-withdrawn = 已撤回
status-void = 审核作废

## 常见提示
error-line = 错误：{ $message }
warning-line = 注意：{ $message }
error-no-article = 没有编号为 { $id } 的稿件；用 `dalaba list` 查看全部稿件
error-not-a-station = `{ $dir }` 不是站点目录（里面没有 `dalaba.toml`）：用 `dalaba init { $dir }` 在那里新建一个，或用 `--station 目录`（或环境变量 `DALABA_STATION`）指定别的站点

## dalaba plan（节目单）
plan-nothing = 今后 { $hours } 小时内没有要播的节目
plan-rendered = { $seconds } 秒（已合成）
plan-estimate = 约 { $seconds } 秒
plan-already = 此前{ $outcome }
plan-slot = { $at }  { $slot }  { $title }  队列 `{ $queue }`  声音 { $voice }  ×{ $repeat }  { $length }
plan-quiet = 静默时段：只播紧急稿件
plan-article = + { $id } { $title }（稿本 { $script }，审核人 { $by }）
plan-empty-slot = （没有可播的稿件：这个时段将记为跳过）

## dalaba log（播出记录）
log-none = 还没有播出记录
log-started = 开始
log-ended = 结束
log-approved-by = 审核人 { $by }
log-countersigned = 未审核，补签人 { $by }
log-unsigned = 未审核
csv-header = 时段,计划时间,开始时间,结束时间,结果,原因,稿件,声音,时长(秒),响度(LUFS),设备,紧急插播人,操作人

## dalaba list（稿件列表）
list-header = {"  id"}  状态       队列        优先级     稿本          标题
list-void = （审核作废：稿件内容改过了，见 `dalaba show`）

## --help：命令和参数的说明
help-heading-usage = 用法：
help-heading-commands = 命令
help-heading-options = 选项
help-heading-args = 参数
help-heading-example = 示例
help-flag = 显示帮助
help = dalaba（大喇叭）：审核过的稿件 → 普通话语音 → 村里的大喇叭。
help-station = 站点目录（里面有 dalaba.toml、voices/、schedules/、state/）
help-verbose = 多输出日志（-v 信息，-vv 调试）
help-render = 把稿件合成为节目 WAV：提示音、开场白、稿件、重复、结束语
help-preview = 合成稿件并在这台机器上马上试听
help-script = 显示稿件的播读稿：喇叭里实际会说的话
help-script-json = 输出 JSON 给程序用
help-normalize = 把标准输入的文字整理成可朗读的普通话，一行进一行出
help-voices = 列出 voices/ 里的声音，以及它们的服务是否在线
help-cache = 查看或清理语音片段缓存（state/cache）
help-devices = 列出声音输出设备
help-add = 把稿件加入队列：存为草稿，显示编号（第一行）和播读稿
help-add-file = 稿件文件（UTF-8 或 GBK 文本，开头可有 +++ 设置）
help-add-queue = 队列（默认：稿件设置里的 queue）
help-add-from = 最早播出日期，`YYYY-MM-DD` 或 RFC 3339（默认：稿件设置里的 from）
help-add-until = 最后播出日期（默认：稿件设置里的 until）
help-add-priority = `normal`（普通）、`urgent`（紧急）或 `emergency`（应急）
help-list = 列出队列里的稿件
help-list-status = 只列这个状态：draft（草稿）、approved（已审核）、rejected（已驳回）、withdrawn（已撤回）
help-list-queue = 只列这个队列
help-list-json = 输出 JSON（稿件数组）给程序用
help-show = 显示一篇稿件：播读稿、审核和播出情况
help-show-id = 稿件编号
help-approve = 审核通过稿件的这一版播读稿
help-approve-id = 稿件编号
help-approve-by = 审核人
help-approve-script = 审核人看过的播读稿（哈希，或 `show` 显示的前几位）；稿件已改动时拒绝
help-reject = 驳回稿件
help-reject-id = 稿件编号
help-reject-by = 驳回人
help-reject-reason = 驳回理由
help-withdraw = 撤回稿件，不再播出
help-withdraw-id = 稿件编号
help-update = 替换稿件内容；需要重新审核
help-update-id = 稿件编号
help-update-file = 新的稿件文件
help-plan = 显示什么时候播什么、播哪些稿件，以及其他稿件为什么不播
help-plan-hours = 往后看多少小时
help-plan-now = 假装现在是这个时间（RFC 3339）
help-plan-json = 输出 JSON（即将播出的节目）给程序用
help-tick = 定时任务入口：合成快到的节目，播出到点的，记下错过的
help-run = 常驻运行：每个时段按时播出，直到收到 SIGTERM 或 Ctrl-C
help-run-console = 同时在这个地址提供工作台（单独运行的村子用）；不加密的 HTTP 只允许本机回环地址，否则加 --tls-cert 或 --behind-proxy
help-run-tls_cert = 工作台的证书（PEM）
help-run-tls_key = 证书的私钥（PEM）
help-run-behind_proxy = 在非回环地址上用不加密的 HTTP：前面有 TLS 反向代理负责 HTTPS
help-play-now = 马上播出一篇稿件（`dalaba run` 运行时会打断正在播的节目）
help-play-now-id = 稿件编号
help-play-now-emergency = 稿件还没审核也播出（审核前记为未签署）
help-play-now-by = 下令紧急播出的人
help-log = 播出记录
help-log-since = 从这一天（`YYYY-MM-DD`，站点时间）或这一时刻（RFC 3339）起
help-log-until = 到这一天或这一时刻为止（含）
help-log-csv = 输出 CSV 表格，用于上报存档（默认中文表头，Excel 可直接打开）
help-log-csv_lang = CSV 的语言：`zh`（中文表头和结果，默认）或 `en`（原来的英文格式）
help-log-json = 输出 JSON
help-check = 检查整个站点：设置、声音、排期
help-init = 新建站点：`dalaba.toml`、离线声音、读音词典、带说明的排期
help-hub = 镇里的中心：登记喇叭箱、发布节目、为喇叭箱提供服务
help-hub-enroll = 登记一台喇叭箱：只显示一次它的密钥
help-hub-revoke = 让一台喇叭箱的密钥立即作废
help-hub-status = 每台喇叭箱：是否在线、离线多久、上次播出、设备、时钟、磁盘、版本
help-hub-publish = 把一个合成好的节目发布到片区的某个时段（给每台喇叭箱生成新清单）
help-hub-serve = 为喇叭箱提供服务：有 `--tls-cert`/`--tls-key` 时用 HTTPS；不加密的 HTTP 只允许本机回环地址或 `--behind-proxy`
help-hub-serve-listen = 监听地址（端口 0：任选空闲端口，打印在标准输出）
help-hub-serve-tls_cert = 中心的证书（PEM；先中心自己的，再中间 CA）
help-hub-serve-tls_key = 证书的私钥（PEM）
help-hub-serve-behind_proxy = 在非回环地址上用不加密的 HTTP：前面有 TLS 反向代理负责 HTTPS
help-box = 村里的喇叭箱：和中心通信
help-box-sync = 同步一轮：取清单和节目，回报播出记录
help-box-sync-hub = 中心的地址（https://…）
help-box-sync-credential = `dalaba hub enroll` 给的密钥（最好用环境变量）
help-box-sync-hub_ca = 只信任这个 CA 证书（PEM）来连中心：中心自建的 CA，或中心的自签名证书
help-version-flag = 显示版本
help-hub-emergency = 紧急插播到片区：在线的喇叭箱立即播出（离线的在有效期内重新连上时播出）
help-hub-emergency-program = 节目 WAV（或用 `--text`）
help-hub-emergency-text = 用站点的默认声音读这段文字，不用 WAV
help-hub-emergency-zone = 目标片区（可重复写多个）
help-hub-emergency-reason = 原因（也是标题，如 暴雪橙色预警）
help-hub-emergency-by = 下令插播的人
help-hub-emergency-severity = 级别：1（特别重大/红）… 4（一般/蓝），或 `test`（测试）
help-hub-emergency-minutes = 对现在离线的喇叭箱，多少分钟内仍然有效
help-hub-emergency-repeat = 每台喇叭箱读几遍
help-hub-emergency-json = 输出 JSON 给程序用
help-hub-cancel = 取消紧急插播：正在播的停下，还没播的不再播
help-hub-cancel-alert_id = `hub emergency` 打印的插播编号
help-hub-cancel-by = 取消人
help-box-run = 常驻运行喇叭箱：每隔 `--every` 秒同步一次，保持紧急插播通道，按中心清单准时播出，断网也照播
help-box-run-hub = 中心的地址（https://…）
help-box-run-credential = `dalaba hub enroll` 给的密钥（最好用环境变量）
help-box-run-hub_ca = 只信任这个 CA 证书（PEM）来连中心：中心自建的 CA，或中心的自签名证书
help-box-run-every = 每隔多少秒同步一次
help-box-run-now = 假装现在是这个时间（RFC 3339）；只能在演练站点上用

## 命令行用法错误（clap）
clap-more = 查看用法：加 `--help`。
clap-unknown-argument = 不认识的参数 `{ $arg }`
clap-unknown-subcommand = 没有 `{ $name }` 这个命令
clap-no-value = `{ $arg }` 后面要跟一个值
clap-invalid-value = `{ $arg }` 的值 `{ $value }` 不对（可以用：{ $valid }）
clap-bad-value = `{ $arg }` 的值 `{ $value }` 不对：{ $cause }
clap-range = 要在 { $low } 到 { $high } 之间
clap-missing = 缺少必需的参数：{ $args }
clap-missing-subcommand = `{ $name }` 后面要跟一个子命令
clap-repeated = 参数 `{ $arg }` 只能写一次
clap-conflict = 参数 `{ $arg }` 不能和 `{ $other }` 一起用
clap-too-many = `{ $arg }` 多了一个值 `{ $value }`
clap-wrong-count = `{ $arg }` 的值的个数不对
clap-no-equals = `{ $arg }` 的值要用 `=` 连着写
clap-not-utf8 = 参数里有不是 UTF-8 的字符
clap-tip-argument = 提示：是不是要用 `{ $value }`？
clap-tip-subcommand = 提示：是不是要用 `{ $value }`？
clap-tip-value = 提示：是不是要用 `{ $value }`？
clap-tip-trailing = 提示：要把 `{ $arg }` 当作值，写成 `-- { $arg }`

## --help 的附注
help-note-default = [默认：{ $value }]
help-note-env = [环境变量：{ $value }]
help-note-values = [可选：{ $value }]
help-help = 显示本说明，或某个子命令的说明
help-help-subcommand = 要看说明的子命令

## --help：其余命令和参数
help-render-files = 稿件，按这个顺序读：文件（UTF-8 或 GBK 文本）或队列里稿件的编号
help-render-out = WAV 写到哪里
help-render-voice = voices/ 里的声音（默认：站点的默认声音）
help-render-repeat = 稿件读几遍（默认：稿件自己设置的 `repeat`，否则 1 遍）
help-preview-files = 稿件，按这个顺序读：文件（UTF-8 或 GBK 文本）或队列里稿件的编号
help-preview-voice = voices/ 里的声音
help-preview-repeat = 稿件读几遍（默认：稿件自己设置的 `repeat`，否则 1 遍）
help-preview-out = 同时把 WAV 存到这里
help-preview-device = 输出设备名（见 `dalaba devices`）；不写就用系统默认设备
help-script-file = 稿件：文件，或队列里稿件的编号
help-script-keep_line = 文件第 N 行虽被当作网页杂项去掉，仍然要读（可写多次）；要在播出时也这样，在稿件设置里加 `keep_lines = [N]`
help-script-drop_line = 播读稿里不要文件第 N 行（可写多次）；稿件设置里的 `drop_lines = [N]` 在播出时起同样作用
help-script-pinyin = 每段下面显示内置声音要读的带调拼音（核对地名；读音写进 voices/lexicon.toml，如 "单县" = "shàn xiàn"）
help-normalize-no_lexicon = 不用站点的读音词典（voices/lexicon.toml）
help-voices-test = 用一个声音说一句固定的测试句，然后播放（或用 --out 写成文件）
help-voices-test-name = 声音名（voices/ 里的文件）
help-voices-test-out = 把 WAV 写到这里，不播放
help-voices-test-device = 输出设备名（见 `dalaba devices`）
help-cache-stats = 条数、大小、音频秒数和新旧
help-cache-prune = 删除坏条目和残留的临时文件，以及超过 --older-than 没用过的条目
help-cache-prune-older_than = 时间界限，如 `30d`（天）、`12h`（小时）、`90m`（分钟）或 `2w`（周）
help-plan-zone = 只列覆盖这个片区的时段（没写 `zones` 的时段覆盖全镇）
help-tick-now = 假装现在是这个时间（RFC 3339），用来重放一天
help-init-dir = 建在哪里（默认：`--station`，否则当前目录）；没有就新建
help-hub-enroll-name = 村名（如 张家村）
help-hub-enroll-id = 简单的编号（默认：村名本身，如果可以当编号）
help-hub-enroll-zone = 喇叭箱所属的片区（可写多个）
help-hub-enroll-hub_url = 喇叭箱访问中心用的地址
help-hub-enroll-json = 输出 JSON 给程序用
help-hub-revoke-box_id = 喇叭箱编号
help-hub-status-json = 输出 JSON 给程序用
help-hub-publish-program = 节目 WAV
help-hub-publish-slot = 时段名
help-hub-publish-at = 播出时间（RFC 3339）
help-hub-publish-zone = 目标片区（可写多个）
help-hub-publish-catch_up_minutes = 晚了多少分钟内仍可开播
help-hub-serve-hours = 清单列出往后多少小时的播出
help-hub-serve-now = 中心的时钟从这个时间开始走（RFC 3339；只能在演练站点上用）
help-hub-plan-publish = 排一次节目：往后几小时每个时段给哪些片区播什么；每个不同的节目只合成一次；播出有变的喇叭箱拿到新清单
help-hub-plan-publish-now = 假装现在是这个时间（RFC 3339；只能在演练站点上用）
help-hub-plan-publish-hours = 清单列出往后多少小时的播出
help-hub-plan-publish-json = 输出 JSON 给程序用
help-hub-log = 所有喇叭箱的播出记录，合在一起，每行注明是哪台喇叭箱
help-hub-log-box_id = 只看这台喇叭箱
help-hub-log-json = 输出 JSON 给程序用
help-hub-log-csv = 输出 CSV，格式同 `dalaba log --csv`（中文表头），设备一栏写喇叭箱
help-console = 工作台：由 `dalaba hub serve` 在 `/console` 下提供的网页
help-console-add-user = 添加工作台账号（第一个站长就这样添加）；密码从 `DALABA_PASSWORD` 或标准输入的第一行读，从不写在命令行上
help-console-add-user-name = 登录名
help-console-add-user-role = 编辑、审核、站长 或 只读（也可写 editor、approver、manager、reader）

## dalaba show（稿件详情）
priority-normal = 普通
priority-urgent = 紧急
priority-emergency = 应急
show-title = 稿件 { $id }：{ $title }
show-untitled = （无标题）
show-status = 状态：  { $status }（第 { $version } 版）
show-queue = 队列：  { $queue }   优先级：{ $priority }
show-valid = 有效期：{ $from } … { $until }
show-any-time = 不限
show-no-end = 不限
show-source = 来源：  { $source }
show-script = 播读稿：{ $hash }
show-approved = 审核：  { $by } 于 { $at } 审核通过
show-approval-void = 审核：  未通过 —— { $by } 对播读稿 { $old } 的审核已作废：按现在的文字规则或读音词典，播读稿变成了下面这样；请重新审核：`dalaba approve { $id } --by 姓名 --script { $new }`
show-not-approved = 审核：  还没审核
show-verdict-approved = {"  "}{ $by } 于 { $at } 审核通过（第 { $version } 版，播读稿 { $script }）{ $reason }
show-verdict-rejected = {"  "}{ $by } 于 { $at } 驳回（第 { $version } 版，播读稿 { $script }）{ $reason }
show-reason = ：{ $reason }
show-rehashed = 注意：  按现在的文字规则，播读稿和存下的（{ $stored }）不同；`approve` 审核的是下面这一版
show-airings = 播出：

## dalaba script（播读稿）
script-legend = （" | " 是句间停顿，" / " 是句内停顿，空行是段落）
script-legend-pinyin = （每段下面是内置声音读的拼音；空行是段落）
script-removed = 去掉了 { $count } 行：
script-line = 第 { $line } 行
script-choices = 这些选择只对这一次有效；要在播出时也这样，在稿件设置里加上：
    {"  "}keep_lines = { $keep }
    {"  "}drop_lines = { $drop }
script-lexicon = 读音词典用上了 { $count } 次：
script-place-title = 标题
script-place-paragraph = 第 { $n } 段

## 为什么去掉这一行
removed-separator = 分隔线
removed-timestamp = 时间戳
removed-banner = 报头
removed-related-list = 相关链接
removed-comments = 评论区
removed-byline = 作者署名
removed-editor = 责任编辑
removed-page-chrome = 网页杂项
removed-print = 打印按钮
removed-qr-code = 二维码
removed-end-mark = 结束标记
removed-copyright = 版权声明
removed-breadcrumb = 网页路径
removed-source = 来源
removed-prompt = 阅读提示
removed-distribution = 分送范围
removed-page-number = 页码
removed-navigation = 导航
removed-site-credit = 网站署名
removed-document-number = 文号
removed-font-size = 字号按钮
removed-metadata = 元信息
removed-share = 分享按钮
removed-submission = 投稿信息
removed-views = 阅读数
removed-markup = 标记
removed-markup-in-line = 行内标记
removed-dropped-by-approver = 审核人删去

## dalaba add、update、approve、reject、withdraw
add-done = # 草稿，队列 `{ $queue }`，播读稿 { $script }；审核：`dalaba approve { $id } --by 姓名`
update-done = 稿件 { $id } 现在是第 { $version } 版，草稿（播读稿 { $script }）{ $void }
update-void = ；原来的审核作废，要重新审核
approve-already = 稿件 { $id } 已由 { $by } 于 { $at } 审核通过（播读稿 { $script }），没有改动
approve-done = 稿件 { $id }“{ $title }”（播读稿 { $script }）已由 { $by } 审核通过
reject-done = 稿件 { $id } 已由 { $by } 驳回：{ $reason }
withdraw-already = 稿件 { $id } 早已撤回，没有改动
withdraw-done = 稿件 { $id } 已撤回，不会再播出
warning-expired = 它只能播到 { $until }，这个时间已经过了，不会播出；用 `dalaba update { $id } 文件` 给一个更晚的 `--until`
warning-no-slot = 没有时段播队列 `{ $queue }`（时段播的队列：{ $queues }）；只能用 `dalaba play-now { $id }` 播出
warning-same-script = 稿件 { $other }（{ $status }）的播读稿和它一样；用 `dalaba withdraw 编号` 撤回其中一篇
error-no-queue = `{ $file }` 没有指定队列：加 `--queue news`，或在稿件设置里写 `queue = "news"`
error-empty-queue = `{ $file }`：队列名是空的；写一个时段会播的队列，如 `--queue news`
error-bad-status = 没有 `{ $status }` 这个状态；可用 draft（草稿）、approved（已审核）、rejected（已驳回）、withdrawn（已撤回）
error-empty-by = `--by` 是空的；写上审核人
error-bad-script-hash = `--script { $script }` 不是播读稿编号：至少写出 `dalaba show { $id }` 显示的前 { $min } 位
error-no-longer-parses = 稿件 { $id } 现在读不出来了；用 `dalaba update { $id } 文件` 替换它
error-script-changed = 稿件 { $id } 已不是你看过的那一版：你看的是播读稿 { $read }，现在是 { $now }；没有审核。先用 `dalaba show { $id }` 看一遍，再审核你看过的：`dalaba approve { $id } --by 姓名 --script { $now }`
error-cannot-read = 读不了 `{ $path }`
io-not-found = 没有这个文件或目录
io-permission-denied = 没有权限
io-already-exists = 已经存在

## dalaba plan：片区、节假日、没排上的稿件
list-separator = 、
plan-box = { $name }（{ $id }）
plan-zone = 片区 { $zone }：{ $boxes }
plan-zone-empty = 片区 { $zone }：还没有喇叭箱
plan-zones = 片区：{ $zones }
plan-day-airs = { $date }  { $slot }  播出：{ $reason }
plan-day-off = { $date }  { $slot }  不播：{ $reason }
plan-excluded = - { $id } { $title }：{ $reason }
exclusion-unapproved = 还没审核
exclusion-changed = 审核后稿件改过了，要重新审核
exclusion-rejected = 已驳回
exclusion-withdrawn = 已撤回
exclusion-not-yet = 还没到有效期（从 { $from } 起）
exclusion-expired = 已过有效期（到 { $until } 止）
exclusion-over-articles = 超过每次最多 { $max } 篇
exclusion-over-minutes = 超过每次最长 { $max } 分钟

## dalaba tick、run、play-now
event-line = { $at }  { $what }：{ $detail }
event-slot-line = { $at }  { $slot }  { $what }：{ $detail }
event-aired = 已播出
event-failed = 播出失败
event-missed = 错过
event-interrupted = 被打断
event-skipped = 跳过
event-released = 已放回
event-rendered = 已合成
event-render-failed = 合成失败
event-error = 出错
event-reloaded = 已重新读取时段
event-reload-failed = 重新读取时段失败
stopped-by-signal = `dalaba { $command }` 被停下了（SIGTERM 或 Ctrl-C）
tick-problems = 这一轮有 { $count } 个问题（见上面和 `dalaba log`）
run-already = `{ $dir }` 上已经有一个 `dalaba run` 在运行；先把它停掉
run-started = dalaba run：{ $slots } 个时段，时区 { $tz }；按 Ctrl-C 或发 SIGTERM 停止，发 SIGHUP 重新读取时段
play-now-handed = 稿件 { $id } 已交给正在运行的 `dalaba run`，马上插播
play-now-failed = 稿件 { $id } 没有播出：{ $detail }

## dalaba check（检查站点）
check-problems = 站点 `{ $dir }` 有 { $count } 个问题
check-quiet = ，静默时段 { $hours }
check-warnings = ，上面有 { $count } 条注意
check-ok = 没问题：站点 `{ $dir }`，时区 { $tz }，{ $voices } 个声音，{ $slots } 个时段{ $quiet }{ $warnings }

## dalaba voices、devices、render、preview
voices-unusable = 用不了：{ $error }
voices-neural-installed = 已安装（模型和 onnxruntime 都在）
voices-not-installed = 没有安装：{ $why }
voices-installed = 已安装（{ $path }）
voices-not-on-path = 没有安装：PATH 里找不到 `{ $program }`
voices-answers = 有应答
voices-server-answers = 服务器有应答（GET { $path } 回 HTTP { $status }）；试试 `dalaba voices test { $voice }`
voices-no-answer-within = { $seconds } 秒内没有应答
voices-no-answer = 没有应答：{ $why }
voices-said = 声音 `{ $voice }` 用 { $seconds } 秒读了“{ $sentence }”：{ $out }
standard-output = 标准输出
played-seconds = 播放了 { $seconds } 秒
played-stopped = 已停止
devices-none = （没有找到声卡；`default` 也许还能通过声音服务播放）
wrote = 已写出 { $out }（{ $summary }）
program-summary = { $seconds } 秒，{ $segments } 段，响度 { $lufs } LUFS，峰值 { $peak } dBTP
preview-unplayable = 节目已在 `{ $path }`，但播放不了

## dalaba init（新建站点）
init-already = `{ $dir }` 已经是站点了（里面有 `dalaba.toml`），没有改动
init-done = 已在 `{ $dir }` 新建站点：编辑 `schedules/news.toml` 定下什么时候播，然后在那里运行 `dalaba check`

## dalaba cache（缓存）
cache-dir = 缓存目录    { $dir }
cache-entries = 条目        { $count } 条（{ $size }，共 { $seconds } 秒音频）
cache-used = 最近使用    最早的 { $oldest } 前，最新的 { $newest } 前
cache-temp = 临时文件    { $count } 个
cache-days = { $count } 天
cache-stale = { $count } 条超过 { $age } 没用的条目，
cache-old-outputs = ，{ $count } 个旧节目和试听文件
cache-no-age = ；没有按时间清理（要清理，加 `--older-than 30d`）
cache-removed = 已删除 { $by_age }{ $broken } 条损坏的条目，{ $temp } 个临时文件{ $old_outputs }；腾出 { $size }
cache-bad-age = 看不懂时长 `{ $age }`：写一个数加单位，如 `30d`、`12h`、`90m`、`45s` 或 `2w`

## dalaba hub、box、console
listening = { $what }：正在监听 { $url }
hub-needs-id = 喇叭箱 `{ $name }` 要有一个简单的编号：加上 `--id zhangjiacun`（小写字母、数字、`-`）
hub-enrolled = 已登记 { $name } ({ $id })，片区：{ $zones }
hub-enroll-command = 在村里的喇叭箱上运行（密钥只显示这一次，请妥善保管）：
hub-not-enrolled = 喇叭箱 `{ $id }` 没有在这个中心登记（见 `dalaba hub { $see }`）
hub-revoked = 已吊销 { $id }：它的密钥立即失效
hub-log-none = 还没有收到任何播出记录
hub-log-reason = ：{ $reason }
hub-log-line = { $started }  { $name }（{ $id }）  { $airing }{ $titles }  { $state }{ $duration }{ $reason }
hub-log-duration = {"  "}{ $seconds } 秒
asrun-waiting = 等待
asrun-playing = 正在播
asrun-succeeded = 已播出
asrun-failed = 失败
asrun-cancelled = 已取消
hub-no-boxes = 还没有登记任何喇叭箱（用 `dalaba hub enroll` 登记）
hub-box-revoked = 已吊销
hub-box-never = 从未联系
hub-box-online = 在线（最后联系 { $at }）
hub-box-offline = 离线，自 { $at } 起
hub-box-seconds = { $seconds } 秒
hub-box-line = { $name }（{ $id }）  { $contact }  上次播出 { $airing }  音频设备 { $device }  时钟偏差 { $clock }  磁盘剩余 { $disk }  版本 { $version }
box-synced = 节目清单：{ $manifest }；取回节目 { $fetched } 个；待播 { $ready } 次；发出播出记录 { $sent } 条
box-run-already = `{ $dir }` 上已经有一个 `dalaba run` 或 `dalaba box run` 在运行；先把它停掉
box-run-started = dalaba box run：喇叭箱 `{ $id }`，中心 { $hub }，每 { $every } 秒同步一次；按 Ctrl-C 或发 SIGTERM 停止
console-bad-role = `--role { $role }` 不是角色：用 编辑、审核、站长 或 只读
console-user-added = 已添加工作台用户 { $name }（{ $role }）
emergency-sent = 紧急广播 { $id } 已发出（片区：{ $zones }，有效至 { $end }）
emergency-hub-down = 注意：hub 没有在运行；启动 `dalaba hub serve` 后，在线的喇叭箱会收到它
emergency-cancel-with = 取消：dalaba hub cancel { $id }
emergency-unknown = 这个中心没有紧急广播 `{ $id }`（编号见 `dalaba hub emergency` 的输出）
emergency-cancelled = 已取消紧急广播 { $id }
hub-plan-failed = 有 { $count } 个节目做不出来；它们的播出没有写进节目清单
hub-plan-no-slots = schedules/ 里没有排期：中心不编排，清单保持原样（可用 `dalaba hub publish` 手工发布）
hub-plan-head = { $now }：未来的 { $airings } 次播出，{ $programs } 个节目（本次合成 { $rendered } 个）
hub-plan-preflight = 节目未通过播前检查：{ $slot }：{ $why }
hub-plan-airings = { $count } 次播出
hub-plan-unchanged = 清单未变的喇叭箱：{ $count } 台

## 常见错误（核心模块用英文写，这里是命令行的中文）
error-file-line = `{ $path }` 第 { $line } 行：{ $message }
error-bad-voice-name = `{ $name }` 不是声音名：声音由文件 `voices/名字.toml` 命名，名字只能有字母、数字、`-` 和 `_`{ $hint }
error-unknown-voice = 没有声音 `{ $name }`：找不到 `{ $path }`（这里的声音有：{ $known }）
error-bad-setting = `{ $path }` 的 `{ $key }`：{ $message }
error-db-too-new = 站点数据库 `{ $path }` 的结构版本是 { $found }，比这个 dalaba 认识的（{ $known }）新；请升级 dalaba
error-db-too-old = 站点数据库 `{ $path }` 的结构版本是 { $found }，比这个 dalaba 能读的（{ $known }）旧；请以站点所有者身份运行一次会写入的命令（如 `dalaba add`）
error-refused = 稿件 { $id } { $status }：{ $hint }
error-stale = 稿件 { $id } 在审核时被改动了（播读稿现在是 { $current }）；用 `dalaba show { $id }` 重新看一遍
error-encoding = `{ $path }` 不是 UTF-8 或 GBK 文本：{ $why }；请另存为 UTF-8 再添加
error-too-large = `{ $path }` 有 { $size } 字节，超过一篇稿件 { $limit } 字节的上限；看看是不是选错了文件，或者拆成几篇
error-empty-article = `{ $path }` 去掉网页杂项后没有可播的文字
error-line-choice = `{ $path }`：`{ $key }` 指的是第 { $line } 行，但是 { $why }；请用 `dalaba script` 列出的行号
error-unclosed-front-matter = `{ $path }` 第 1 行：用 `+++` 开始的稿件设置没有结束；在设置后面加一行 `+++`
error-slot = `{ $path }` 第 { $line } 行：时段 `{ $slot }`：{ $message }
error-no-device = 这台机器上没有声卡（{ $why }）
error-no-such-device = 没有输出设备 `{ $name }`；这里的设备有：{ $known }（见 `dalaba devices`）
error-device = 声卡出错了：{ $why }
event-program = { $count } 篇稿件，{ $seconds } 秒
event-resumed = ；从第 { $from } 秒（被打断的那一段的开头）接着播
error-cannot-create = 建不了 `{ $path }`
error-cannot-write = 写不了 `{ $path }`
error-cannot-remove = 删不掉 `{ $path }`
error-temp-folder = 建不了临时文件夹
error-stdout = 写不了标准输出
error-stdin-line = 读不了标准输入的第 { $line } 行
error-front-matter-voice = `{ $file }` 稿件设置里的 `voice`
error-bad-timezone = dalaba.toml 里的 `timezone = { $name }` 不是认识的时区（如 "Asia/Shanghai"）
error-bad-at = `--at { $at }` 不是带时区的 RFC 3339 时间（如 2026-12-02T07:00:00+08:00）
error-bad-address = `{ $flag } { $listen }` 不是地址（例如 { $example }）
error-cannot-listen = 监听不了 `{ $listen }`
error-read-password = 读不了标准输入里的密码
error-bad-box-id = `--box { $id }` 不是喇叭箱编号
error-hub-planner = 中心按时段和审核结果排节目时出错
error-hub-server = 中心服务出错了
error-console-server = 工作台服务出错了
error-hub-manifests = 生成各喇叭箱的播出清单时出错
error-wav-or-text = 请给出节目的 WAV 文件，或用 `--text` 写出要播的文字
io-not-a-directory = 路径中间有一段不是文件夹
io-is-a-directory = 这是个文件夹
io-storage-full = 磁盘满了
error-out-not-a-file = `{ $path }` 是{ $kind }，不是普通文件；dalaba 只写普通文件（要写到标准输出就用 `-`）
error-out-no-folder = 文件夹 `{ $dir }` 不存在；先建好它（`mkdir -p { $dir }`）
error-out-dangling = `{ $path }` 是指向 `{ $target }` 的链接，但那里什么也没有
error-out-examine = 查看不了 `{ $path }`
file-kind-folder = 文件夹
file-kind-device = 设备
file-kind-fifo = 命名管道（FIFO）
file-kind-socket = 套接字
file-kind-other = 特殊文件
