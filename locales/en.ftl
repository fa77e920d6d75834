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
