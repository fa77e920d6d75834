# dalaba's command line in English: the source texts. Message ids: lowercase, `-` between
# words. `locales/zh-CN.ftl` translates them; a message it lacks is shown in English.
# `help-…` messages are only used for Chinese `--help` (English help comes from the code).

## Status words
outcome-claimed = claimed
outcome-airing = airing
outcome-aired = aired
outcome-failed = failed
outcome-missed = missed
outcome-interrupted = interrupted
outcome-skipped = skipped
status-draft = draft
status-approved = approved
status-rejected = rejected
status-withdrawn = withdrawn
status-void = void

## Common lines
error-line = error: { $message }
warning-line = warning: { $message }
error-no-article = there is no article { $id }; see `dalaba list`
error-not-a-station = `{ $dir }` is not a station: it has no `dalaba.toml`; make one there with `dalaba init { $dir }`, or pass `--station DIR` (or set `DALABA_STATION`) to use another

## dalaba plan
plan-nothing = nothing airs in the next { $hours } hours
plan-rendered = { $seconds } s (rendered)
plan-estimate = ~{ $seconds } s
plan-already = already { $outcome }
plan-slot = { $at }  { $slot }  { $title }  queue `{ $queue }`  voice { $voice }  ×{ $repeat }  { $length }
plan-quiet = quiet hours: only emergency articles air
plan-article = + { $id } { $title } (script { $script }, approved by { $by })
plan-empty-slot = (nothing to air: the slot will be logged as skipped)

## dalaba log
log-none = no airings logged
log-started = started
log-ended = ended
log-approved-by = approved by { $by }
log-countersigned = unsigned, countersigned by { $by }
log-unsigned = unsigned
csv-header = slot,scheduled,started,ended,outcome,reason,articles,voice,duration_s,lufs,device,emergency_by,operator

## dalaba list
list-header = {"  id"}  status     queue       priority   script        title
list-void = (approval void: the script changed; see `dalaba show`)

## Usage errors (Chinese only in practice: in English clap prints its own, worded as here)
clap-more = For more information, try '--help'.
clap-unknown-argument = unexpected argument '{ $arg }' found
clap-unknown-subcommand = unrecognized subcommand '{ $name }'
clap-no-value = a value is required for '{ $arg }' but none was supplied
clap-invalid-value = invalid value '{ $value }' for '{ $arg }' (possible values: { $valid })
clap-bad-value = invalid value '{ $value }' for '{ $arg }': { $cause }
clap-range = must be from { $low } to { $high }
clap-missing = the following required arguments were not provided: { $args }
clap-missing-subcommand = '{ $name }' requires a subcommand but one was not provided
clap-repeated = the argument '{ $arg }' cannot be used multiple times
clap-conflict = the argument '{ $arg }' cannot be used with '{ $other }'
clap-too-many = unexpected value '{ $value }' for '{ $arg }' found; no more were expected
clap-wrong-count = wrong number of values for '{ $arg }'
clap-no-equals = equal sign is needed when assigning values to '{ $arg }'
clap-not-utf8 = invalid UTF-8 was detected in one or more arguments
clap-tip-argument = tip: a similar argument exists: '{ $value }'
clap-tip-subcommand = tip: a similar subcommand exists: '{ $value }'
clap-tip-value = tip: a similar value exists: '{ $value }'
clap-tip-trailing = tip: to pass '{ $arg }' as a value, use '-- { $arg }'

## dalaba show
priority-normal = normal
priority-urgent = urgent
priority-emergency = emergency
show-title = article { $id }: { $title }
show-untitled = (untitled)
show-status = status:   { $status } (version { $version })
show-queue = queue:    { $queue }   priority: { $priority }
show-valid = valid:    { $from } … { $until }
show-any-time = any time
show-no-end = no end
show-source = source:   { $source }
show-script = script:   { $hash }
show-approved = approved: by { $by } at { $at }
show-approval-void = approved: no — the approval by { $by } (script { $old }) is void: the text rules or the lexicon now give the script below; approve it again with `dalaba approve { $id } --by NAME --script { $new }`
show-not-approved = approved: no
show-verdict-approved = {"  "}approved by { $by } at { $at } (version { $version }, script { $script }){ $reason }
show-verdict-rejected = {"  "}rejected by { $by } at { $at } (version { $version }, script { $script }){ $reason }
show-reason = : { $reason }
show-rehashed = note:     the text rules now give a different script than was stored ({ $stored }); `approve` binds the one below
show-airings = airings:

## dalaba script
script-legend = (segments end at " | " sentence, " / " clause, blank line paragraph)
script-legend-pinyin = (each segment with the pinyin the built-in voice says; blank line paragraph)
script-removed = removed { $count } { $count ->
        [one] line
       *[other] lines
    }:
script-line = line { $line }
script-choices = these choices hold for this run only; to air them, add to the front matter:
    {"  "}keep_lines = { $keep }
    {"  "}drop_lines = { $drop }
script-lexicon = lexicon fired { $count } { $count ->
        [one] time
       *[other] times
    }:
script-place-title = title
script-place-paragraph = paragraph { $n }

## Why a line was left out of the script (`--json` keeps the English word)
removed-separator = separator
removed-timestamp = timestamp
removed-banner = banner
removed-related-list = related list
removed-comments = comments
removed-byline = byline
removed-editor = editor
removed-page-chrome = page chrome
removed-print = print
removed-qr-code = qr code
removed-end-mark = end mark
removed-copyright = copyright
removed-breadcrumb = breadcrumb
removed-source = source
removed-prompt = prompt
removed-distribution = distribution
removed-page-number = page number
removed-navigation = navigation
removed-site-credit = site credit
removed-document-number = document number
removed-font-size = font size
removed-metadata = metadata
removed-share = share
removed-submission = submission
removed-views = views
removed-markup = markup
removed-markup-in-line = markup in line
removed-dropped-by-approver = dropped by approver

## dalaba add, update, approve, reject, withdraw
add-done = # draft in queue `{ $queue }`, script { $script }; approve with `dalaba approve { $id } --by NAME`
update-done = article { $id } is now version { $version }, a draft (script { $script }){ $void }
update-void = ; the approval is void until it is approved again
approve-already = article { $id } is already approved (script { $script }) by { $by } at { $at }; nothing changed
approve-done = approved article { $id } “{ $title }” (script { $script }) by { $by }
reject-done = rejected article { $id } by { $by }: { $reason }
withdraw-already = article { $id } was already withdrawn; nothing changed
withdraw-done = withdrew article { $id }; it will not air again
warning-expired = it may air only until { $until }, which is past: it will not air; give a later `--until` with `dalaba update { $id } FILE`
warning-no-slot = no slot plays the queue `{ $queue }` (slots play: { $queues }); it airs only with `dalaba play-now { $id }`
warning-same-script = article { $other } ({ $status }) has the same script; withdraw one with `dalaba withdraw ID`
error-no-queue = `{ $file }` names no queue; pass `--queue news` or add `queue = "news"` to its front matter
error-empty-queue = `{ $file }`: the queue name is empty; name the queue a slot plays, e.g. `--queue news`
error-bad-status = `{ $status }` is not a status; use draft, approved, rejected or withdrawn
error-empty-by = `--by` is empty; name who approves
error-bad-script-hash = `--script { $script }` is not a script hash: give at least its first { $min } characters as `dalaba show { $id }` prints them
error-no-longer-parses = article { $id } no longer parses; replace it with `dalaba update { $id } FILE`
error-script-changed = article { $id } is not the script you read: you read script { $read }, it is now { $now }; nothing was approved. Read it with `dalaba show { $id }`, then approve what you read with `dalaba approve { $id } --by NAME --script { $now }`
error-cannot-read = cannot read `{ $path }`
io-not-found = no such file or directory
io-permission-denied = permission denied
io-already-exists = it already exists

## dalaba plan: zones, days off, articles left out
list-separator = ,{" "}
plan-box = { $name } ({ $id })
plan-zone = zone { $zone }: { $boxes }
plan-zone-empty = zone { $zone }: no boxes yet
plan-zones = zones: { $zones }
plan-day-airs = { $date }  { $slot }  airs: { $reason }
plan-day-off = { $date }  { $slot }  off: { $reason }
plan-excluded = - { $id } { $title }: { $reason }
exclusion-unapproved = not approved
exclusion-changed = script changed after approval; approve it again
exclusion-rejected = rejected
exclusion-withdrawn = withdrawn
exclusion-not-yet = not yet valid (from { $from })
exclusion-expired = expired (until { $until })
exclusion-over-articles = over the limit of { $max } articles
exclusion-over-minutes = over the limit of { $max } minutes

## dalaba tick, run, play-now
event-line = { $at }  { $what }: { $detail }
event-slot-line = { $at }  { $slot }  { $what }: { $detail }
event-aired = aired
event-failed = failed
event-missed = missed
event-interrupted = interrupted
event-skipped = skipped
event-released = released
event-rendered = rendered
event-render-failed = render failed
event-error = error
event-reloaded = reloaded
event-reload-failed = reload failed
tick-problems = { $count } problem(s) this tick (see above and `dalaba log`)
run-already = another `dalaba run` is already running on `{ $dir }`; stop it first
run-started = dalaba run: { $slots } slot(s), time zone { $tz }; stop with Ctrl-C or SIGTERM, reload with SIGHUP
play-now-handed = handed article { $id } to the running `dalaba run`; it breaks in at once
play-now-failed = article { $id } did not air: { $detail }

## dalaba check
check-problems = { $count } problem(s) in the station `{ $dir }`
check-quiet = , quiet hours { $hours }
check-warnings = , { $count } warning(s) above
check-ok = ok: station `{ $dir }`, time zone { $tz }, { $voices } voice(s), { $slots } slot(s){ $quiet }{ $warnings }

## dalaba voices, devices, render, preview
voices-unusable = cannot be used: { $error }
voices-neural-installed = installed (model and onnxruntime found)
voices-not-installed = not installed: { $why }
voices-installed = installed ({ $path })
voices-not-on-path = not installed: `{ $program }` is not on PATH
voices-answers = answers
voices-server-answers = a server answers (HTTP { $status } to GET { $path }); try `dalaba voices test { $voice }`
voices-no-answer-within = no answer within { $seconds } s
voices-no-answer = no answer: { $why }
voices-said = voice `{ $voice }` said “{ $sentence }” in { $seconds } s: { $out }
standard-output = standard output
played-seconds = played { $seconds } s
played-stopped = stopped
devices-none = (no sound card found; `default` may still play through a sound server)
wrote = wrote { $out } ({ $summary })
program-summary = { $seconds } s, { $segments } segments, { $lufs } LUFS, { $peak } dBTP
preview-unplayable = the program is in `{ $path }` but cannot be played

## dalaba init
init-already = `{ $dir }` is already a station (it has a `dalaba.toml`); nothing was changed
init-done = made a station in `{ $dir }`: edit `schedules/news.toml` to choose when to air, then run `dalaba check` there

## dalaba cache
cache-dir = cache      { $dir }
cache-entries = entries    { $count } ({ $size }, { $seconds } s of audio)
cache-used = last used  oldest { $oldest } ago, newest { $newest } ago
cache-temp = temp files { $count }
cache-days = { $count } days
cache-stale = { $count } entries unused for over { $age },{" "}
cache-old-outputs = , { $count } old programs and previews
cache-no-age = ; nothing by age (add `--older-than 30d` for that)
cache-removed = removed { $by_age }{ $broken } broken entries, { $temp } temp files{ $old_outputs }; freed { $size }
cache-bad-age = cannot read the age `{ $age }`: write a number and a unit, such as `30d`, `12h`, `90m`, `45s` or `2w`

## dalaba hub, box, console
listening = { $what }: listening on { $url }
hub-needs-id = box `{ $name }` needs a plain id: add `--id zhangjiacun` (lowercase letters, digits, `-`)
hub-enrolled = enrolled { $name } ({ $id }), zones: { $zones }
hub-enroll-command = run this on the box in the village (the key is shown only this once; keep it safe):
hub-not-enrolled = box `{ $id }` is not enrolled at this hub (see `dalaba hub { $see }`)
hub-revoked = revoked { $id }: its key stops working at once
hub-log-none = no as-run rows received yet
hub-log-reason = : { $reason }
hub-log-line = { $started }  { $name } ({ $id })  { $airing }{ $titles }  { $state }{ $duration }{ $reason }
hub-log-duration = {"  "}{ $seconds } s
asrun-waiting = waiting
asrun-playing = playing
asrun-succeeded = aired
asrun-failed = failed
asrun-cancelled = cancelled
hub-no-boxes = no boxes enrolled yet (enroll one with `dalaba hub enroll`)
hub-box-revoked = revoked
hub-box-never = never in contact
hub-box-online = online (last contact { $at })
hub-box-offline = offline since { $at }
hub-box-seconds = { $seconds } s
hub-box-line = { $name } ({ $id })  { $contact }  last airing { $airing }  device { $device }  clock offset { $clock }  disk free { $disk }  version { $version }
box-synced = manifest: { $manifest }; programs fetched: { $fetched }; ready airings: { $ready }; as-run rows sent: { $sent }
box-run-already = another `dalaba run` or `dalaba box run` is already running on `{ $dir }`; stop it first
box-run-started = dalaba box run: box `{ $id }`, hub { $hub }, sync every { $every } s; stop with Ctrl-C or SIGTERM
console-bad-role = `--role { $role }` is not a role: use 编辑, 审核, 站长 or 只读
console-user-added = added console user { $name } ({ $role })
emergency-sent = emergency { $id } sent (zones: { $zones }, until { $end })
emergency-hub-down = note: the hub is not running; boxes online get it once `dalaba hub serve` starts
emergency-cancel-with = cancel: dalaba hub cancel { $id }
emergency-unknown = no emergency `{ $id }` at this hub (see the id `dalaba hub emergency` printed)
emergency-cancelled = cancelled emergency { $id }
hub-plan-failed = { $count } program(s) could not be made; their airings are left out of the manifests
hub-plan-no-slots = no slots in schedules/: the hub plans nothing and the manifests stay as they are (publish by hand with `dalaba hub publish`)
hub-plan-head = { $now }: { $airings } airing(s) ahead, { $programs } program(s) ({ $rendered } rendered this round)
hub-plan-preflight = program failed its pre-flight check: { $slot }: { $why }
hub-plan-airings = { $count } airing(s)
hub-plan-unchanged = boxes with an unchanged manifest: { $count }

## Typed errors (the core words them in English; these are their Chinese at the command layer)
error-file-line = `{ $path }` line { $line }: { $message }
error-bad-voice-name = `{ $name }` is not a voice name: a voice is named by a file `voices/NAME.toml`, and NAME is letters, digits, `-` and `_`{ $hint }
error-unknown-voice = no voice `{ $name }`: there is no `{ $path }` (voices here: { $known })
error-bad-setting = `{ $path }` `{ $key }`: { $message }
error-db-too-new = the station database `{ $path }` has schema version { $found }, newer than this dalaba knows ({ $known }); upgrade dalaba
error-db-too-old = the station database `{ $path }` has schema version { $found }, older than this dalaba reads ({ $known }); run a command that writes (e.g. `dalaba add`) as the station's owner once
error-refused = article { $id } is { $status }: { $hint }
error-stale = article { $id } changed while it was being approved (its script is now { $current }); read it again with `dalaba show { $id }`
error-encoding = `{ $path }` is not UTF-8 or GBK text: { $why }; save it as UTF-8 and add it again
error-too-large = `{ $path }` is { $size } bytes, over the limit of { $limit } bytes for one article; check that it is the right file, or split it into several articles
error-empty-article = `{ $path }` has no text to broadcast once page furniture is removed
error-line-choice = `{ $path }`: `{ $key }` names line { $line }, but { $why }; use the line numbers `dalaba script` lists
error-unclosed-front-matter = `{ $path }` line 1: front matter opened with `+++` is never closed; add a `+++` line after the settings
error-slot = `{ $path }` line { $line }: slot `{ $slot }`: { $message }
error-no-device = there is no sound device on this machine ({ $why })
error-no-such-device = there is no output device `{ $name }`; the devices here are: { $known } (see `dalaba devices`)
error-device = the sound device failed: { $why }
event-program = { $count } article(s), { $seconds } s
event-note = ; { $note }
error-cannot-create = cannot create `{ $path }`
error-cannot-write = cannot write `{ $path }`
error-cannot-remove = cannot remove `{ $path }`
error-temp-folder = cannot make a temporary folder
error-stdout = cannot write to standard output
error-stdin-line = cannot read line { $line } of standard input
error-front-matter-voice = `{ $file }` front matter `voice`
error-bad-timezone = `timezone = { $name }` in dalaba.toml is not a known time zone
error-bad-at = `--at { $at }` is not RFC 3339 with an offset (e.g. 2026-12-02T07:00:00+08:00)
error-bad-address = `{ $flag } { $listen }` is not an address (e.g. { $example })
error-cannot-listen = cannot listen on `{ $listen }`
error-read-password = cannot read the password from standard input
error-bad-box-id = `--box { $id }` is not a box id
error-hub-planner = the hub plans from its schedules and approvals
error-hub-server = the hub server failed
error-console-server = the console server failed
error-hub-manifests = planning the boxes' manifests
error-wav-or-text = give the program WAV or `--text`
io-not-a-directory = not a folder
io-is-a-directory = is a folder
io-storage-full = the disk is full
error-out-not-a-file = `{ $path }` is { $kind }, not a regular file; dalaba only writes regular files (use `-` for standard output)
error-out-no-folder = the folder `{ $dir }` does not exist; create it first (`mkdir -p { $dir }`)
error-out-dangling = `{ $path }` is a symlink to `{ $target }`, which does not exist
error-out-examine = cannot examine `{ $path }`
file-kind-folder = a folder
file-kind-device = a device
file-kind-fifo = a FIFO (named pipe)
file-kind-socket = a socket
file-kind-other = not a regular file
reason-not-aired = not aired: { $why }
reason-outage-minutes = not aired within its catch-up window of { $minutes } minutes (the box was off or not ticking)
reason-outage = not aired within its catch-up window (the box was off or not running)
reason-no-program = its program had not arrived from the hub (or did not match its digest) before its window closed
reason-superseded = the box was off; only the latest airing of the slot inside its window airs (the one at { $by })
reason-quiet-hours = quiet hours ({ $hours }): no emergency article in queue `{ $queue }`
reason-emergency-cancelled = the emergency broadcast was cancelled by { $by }
reason-request-cancelled = request { $id } was cancelled by { $by } before it aired
reason-alert-cancelled = cancelled by the hub (alert { $id }) before it aired
reason-hub-cancelled = cancelled by the hub
reason-alert-broke-in = emergency alert { $id } broke in
reason-no-longer-parses = article { $id } no longer parses; fix it with `dalaba update`
reason-preparer-stopped = the process preparing it stopped before air
reason-stopped-mid-program = its process stopped mid-program
reason-device-too-fast = the sound device took the { $length } s program in { $took } s: it cannot have played it; check the device
reason-resumed = resumed from { $from } s, the start of the paragraph that was cut off
reason-stopped = stopped
reason-play-now-broke-in = an emergency broadcast (play-now) broke in
reason-daemon-stopped = the daemon was stopped (SIGTERM or Ctrl-C)
reason-box-stopped = the box was stopped (SIGTERM or Ctrl-C)
reason-command-stopped = `dalaba { $command }` was stopped (SIGTERM or Ctrl-C)
