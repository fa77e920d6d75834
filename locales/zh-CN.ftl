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
