// Package outboxkey is the registry of outbox message keys: every key a
// message is queued under, the data of every button a message carries and
// the tags by which a message makes older ones moot are built here and
// read back here, and nowhere else.
//
// A message key is the outbox's idempotency guarantee (store/outbox.go):
// queueing a key that is already queued, or was sent, dead or cancelled
// within store.DoneTTL (30 days), is a no-op. So a key derives from the
// event it tells of (an update, a directive, a day) and never from when it
// happens to be handled, and two different messages never share one. Keys
// are persisted in Redis and compared as bytes: changing a layout resends
// or drops what is in flight at the upgrade, so the tests pin every layout
// byte for byte.
//
// Layout (ID: a directive id as directive.FormatID writes it; UNIT: a unit
// code; DAY: "YYYY-MM-DD"; CHAT: a chat reference "platform:id"; UPDATE:
// an update id, "platform:id" or "platform:raw:hash"; none of ID, UNIT,
// DAY and the platforms holds ':'; a chat next to another free-form part
// is read back only if its id holds no ':', as on both platforms). Who builds each key, in
// parentheses; why it is unique, after:
//
//	re:UPDATE:N            the Nth answer to an update (handlers, replyWith).
//	                       Handling an update again answers under the same
//	                       keys, so nothing is said twice.
//	cb:UPDATE              the toast answering a button press, when it goes
//	                       through the outbox (handlers, answerCallback).
//	cd:ID:UNIT:CHAT        directive ID's copy to a chat of a target unit
//	                       (handlers, deliver). The sent and dead hooks read
//	                       it back to count deliveries; cancelling the
//	                       directive drops its queued copies by the prefix
//	                       "cd:ID:" (store.CancelQueued). No other family
//	                       starts with "cd:".
//	cda:ID:UNIT:CHAT       the edit of that copy saying who acknowledged and
//	                       when (EditOf the cd: key). The store counts a
//	                       unit's first acknowledgement only, so one a copy.
//	cdp:ID                 the lead's progress message of directive ID,
//	                       stored with the directive (Directive.ProgressKey).
//	cdp:ID:e:REV           an edit of it; REV is the edit's time in unix ns,
//	                       base 36. A newer pending edit supersedes an older
//	                       one in the outbox, so edits coalesce.
//	cdp:ID:m:NAME          a milestone (sent, half, all, cancel) said anew
//	                       below the progress message; once a name.
//	cdr:ID                 the lead's list of results of directive ID, sent
//	                       with the first result (handlers, showResults).
//	cdr:ID:e:N             its edit listing N results: one per count.
//	cdr:ID:e:N:UPDATE      its edit when the result of UPDATE replaced a
//	                       unit's earlier one, so changed no count: one
//	                       per such update.
//	cdx:ID:UNIT:CHAT       the notice that directive ID is cancelled, to the
//	                       chats of a unit it reached (handlers, cancel).
//	cdrem:ID:UNIT:MIN:CHAT a reminder of directive ID to a unit that has not
//	                       acknowledged; MIN is the run's unix minute, so a
//	                       run resumed within the minute repeats nothing
//	                       and each run's reminder is new.
//	cddl:ID:lead           the deadline report of directive ID to the lead's
//	cddl:ID:CHAT           chat, and to the issuing unit's other chats.
//	gone:CHAT:HOUR:TO      the notice to a chat TO of the parent unit that
//	                       CHAT refused the bot (handlers, ChatGone); HOUR is
//	                       the unix hour: at most one an hour.
//	ow:UPDATE:CHAT         the notice that the report of UPDATE, sent from a
//	                       unit above, overwrote the unit's figures.
//	al:UNIT:DAY:FIRED:CHAT an alert on UNIT's report of DAY to a chat of a
//	                       unit above; FIRED lists the rules tripped as
//	                       "rule=severity", comma-separated: the same alert
//	                       is sent once, a graver one again.
//	rmd:DAY:UNIT:CHAT      the reminder to report for the period ending DAY.
//	late:DAY:UNIT:CHAT     the list of UNIT's children late for that period.
//	dg:DAY:UNIT:CHAT:N     part N (0, 1, …) of UNIT's digest of DAY; the
//	dg:DAY:UNIT:CHAT:png   digest's chart. The digest job skips a chat whose
//	                       part 0 is known (store.Known).
//	wk:DAY:UNIT:CHAT       UNIT's weekly summary of the week ending DAY,
//	wk:DAY:UNIT:CHAT:xlsx  and its spreadsheet.
//	reorg:STAMP:CHAT       the notice that a reorganisation moved or ended a
//	                       chat's unit (reorg, tell); STAMP is the run's unix
//	                       second from its journal, so a resumed run repeats
//	                       nothing.
//	reorg-undo:STAMP:CHAT  the notice that the reorganisation run at STAMP
//	                       was undone, to the chats it had moved (reorg,
//	                       Undo).
//
// Keys sent to every chat of a unit share a Stem and end in ":CHAT": the
// stem names the event, the chat the copy.
//
// Button data ("kind:id", Telegram allows 64 bytes):
//
//	ack:ID                 a unit acknowledges directive ID
//	cdok:ID, cdno:ID       the lead confirms or aborts directive ID's big
//	                       broadcast
//	rpok:HOLD              a held report is stored as written,
//	rpadd:HOLD             added to the stored figures,
//	rpno:HOLD              or dropped (HOLD: the hold's id)
//
// Supersede tags (chihuy.Message.Supersedes: queueing a message with a tag
// cancels the chat's older queued message with the same tag):
//
//	echo:UNIT:DAY          the echo of UNIT's report of DAY: a newer echo
//	                       makes an unsent older one moot.
package outboxkey

import (
	"strconv"
	"strings"
	"time"

	"github.com/chihuy/chihuy"
)

// Stem is the part of a key shared by the copies of one message to every
// chat of a unit.
type Stem string

// To is the key of the copy to chat: the stem, ':' and the chat.
func (s Stem) To(chat chihuy.ChatRef) string { return string(s) + ":" + chat.String() }

// Reply is the key of the nth answer (from 1) to update.
func Reply(update string, n int) string { return "re:" + update + ":" + strconv.Itoa(n) }

// ParseReply reads a Reply key.
func ParseReply(key string) (update string, n int, ok bool) {
	rest, ok := strings.CutPrefix(key, "re:")
	i := strings.LastIndexByte(rest, ':')
	if !ok || i <= 0 {
		return "", 0, false
	}
	n, ok = number(rest[i+1:])
	return rest[:i], n, ok
}

// CallbackAnswer is the key of the toast answering update's button press.
func CallbackAnswer(update string) string { return "cb:" + update }

// ParseCallbackAnswer reads a CallbackAnswer key.
func ParseCallbackAnswer(key string) (update string, ok bool) {
	update, ok = strings.CutPrefix(key, "cb:")
	return update, ok && update != ""
}

// Directive is the stem of directive id's copies to the chats of unit.
func Directive(id, unit string) Stem { return Stem("cd:" + id + ":" + unit) }

// DirectivePrefix is the prefix of every copy of directive id, for
// store.CancelQueued.
func DirectivePrefix(id string) string { return "cd:" + id + ":" }

// ParseDirective reads the key of a directive's copy to a chat.
func ParseDirective(key string) (id, unit string, chat chihuy.ChatRef, ok bool) {
	return idUnitChat(key, "cd:")
}

// Acknowledged is the stem of the edits of directive id's copies to the
// chats of unit saying who acknowledged: the edit of Directive(id,
// unit).To(chat) has key Acknowledged(id, unit).To(chat).
func Acknowledged(id, unit string) Stem { return Stem("cda:" + id + ":" + unit) }

// ParseAcknowledged reads the key of an acknowledgement edit.
func ParseAcknowledged(key string) (id, unit string, chat chihuy.ChatRef, ok bool) {
	return idUnitChat(key, "cda:")
}

// Progress is the key of the lead's progress message of directive id.
func Progress(id string) string { return "cdp:" + id }

// ParseProgress reads a Progress key.
func ParseProgress(key string) (id string, ok bool) { return plainID(key, "cdp:") }

// ProgressEdit is the key of the edit made at at of the progress message
// whose key is progress (Directive.ProgressKey).
func ProgressEdit(progress string, at time.Time) string {
	return progress + ":e:" + strconv.FormatInt(at.UnixNano(), 36)
}

// ParseProgressEdit reads a ProgressEdit key.
func ParseProgressEdit(key string) (progress string, at time.Time, ok bool) {
	progress, rev, ok := cutLast(key, ":e:")
	if !ok {
		return "", time.Time{}, false
	}
	if _, ok := ParseProgress(progress); !ok {
		return "", time.Time{}, false
	}
	ns, err := strconv.ParseInt(rev, 36, 64)
	if err != nil || strconv.FormatInt(ns, 36) != rev {
		return "", time.Time{}, false
	}
	return progress, time.Unix(0, ns), true
}

// Milestone is the key of milestone name said below the progress message
// whose key is progress.
func Milestone(progress, name string) string { return progress + ":m:" + name }

// ParseMilestone reads a Milestone key.
func ParseMilestone(key string) (progress, name string, ok bool) {
	progress, name, ok = cutLast(key, ":m:")
	if !ok || name == "" || strings.IndexByte(name, ':') >= 0 {
		return "", "", false
	}
	if _, ok := ParseProgress(progress); !ok {
		return "", "", false
	}
	return progress, name, true
}

// Results is the key of the lead's list of directive id's results.
func Results(id string) string { return "cdr:" + id }

// ParseResults reads a Results key.
func ParseResults(key string) (id string, ok bool) { return plainID(key, "cdr:") }

// ResultsEdit is the key of the edit of Results(id) listing n results;
// again is the update whose result replaced a unit's earlier one, empty
// for a new result.
func ResultsEdit(id string, n int, again string) string {
	key := Results(id) + ":e:" + strconv.Itoa(n)
	if again != "" {
		key += ":" + again
	}
	return key
}

// ParseResultsEdit reads a ResultsEdit key.
func ParseResultsEdit(key string) (id string, n int, again string, ok bool) {
	f, rest, ok := fields(key, "cdr:", 2)
	if !ok || f[1] != "e" {
		return "", 0, "", false
	}
	count, again, found := strings.Cut(rest, ":")
	if n, ok = number(count); !ok || found && again == "" {
		return "", 0, "", false
	}
	return f[0], n, again, true
}

// Cancelled is the stem of the notice to unit's chats that directive id
// is cancelled.
func Cancelled(id, unit string) Stem { return Stem("cdx:" + id + ":" + unit) }

// ParseCancelled reads the key of a cancellation notice.
func ParseCancelled(key string) (id, unit string, chat chihuy.ChatRef, ok bool) {
	return idUnitChat(key, "cdx:")
}

// DirectiveReminder is the stem of the reminder of directive id to unit's chats by
// the run at at (counted in whole minutes).
func DirectiveReminder(id, unit string, at time.Time) Stem {
	return Stem("cdrem:" + id + ":" + unit + ":" + strconv.FormatInt(at.Unix()/60, 10))
}

// ParseDirectiveReminder reads the key of a directive's reminder; at is the start
// of the run's minute.
func ParseDirectiveReminder(key string) (id, unit string, at time.Time, chat chihuy.ChatRef, ok bool) {
	f, rest, ok := fields(key, "cdrem:", 3)
	if !ok {
		return "", "", time.Time{}, chat, false
	}
	at, ok = instant(f[2], 60)
	if !ok {
		return "", "", time.Time{}, chat, false
	}
	chat, ok = parseChat(rest)
	return f[0], f[1], at, chat, ok
}

// DeadlineLead is the key of directive id's deadline report to the lead's
// chat.
func DeadlineLead(id string) string { return "cddl:" + id + ":lead" }

// Deadline is the stem of directive id's deadline report to the issuing
// unit's other chats.
func Deadline(id string) Stem { return Stem("cddl:" + id) }

// ParseDeadline reads either deadline report key: lead is set for the
// lead's chat, chat otherwise.
func ParseDeadline(key string) (id string, lead bool, chat chihuy.ChatRef, ok bool) {
	f, rest, ok := fields(key, "cddl:", 1)
	if !ok {
		return "", false, chat, false
	}
	if rest == "lead" {
		return f[0], true, chat, true
	}
	chat, ok = parseChat(rest)
	return f[0], false, chat, ok
}

// ChatGone is the stem of the notice to the parent unit's chats that chat
// refused the bot, once in the hour of at.
func ChatGone(chat chihuy.ChatRef, at time.Time) Stem {
	return Stem("gone:" + chat.String() + ":" + strconv.FormatInt(at.Unix()/3600, 10))
}

// ParseChatGone reads the key of a ChatGone notice to chat to; at is the
// start of the hour.
func ParseChatGone(key string) (gone chihuy.ChatRef, at time.Time, to chihuy.ChatRef, ok bool) {
	f, rest, ok := fields(key, "gone:", 3)
	if !ok {
		return gone, time.Time{}, to, false
	}
	at, ok1 := instant(f[2], 3600)
	to, ok2 := parseChat(rest)
	if !ok1 || !ok2 {
		return gone, time.Time{}, to, false
	}
	return chihuy.ChatRef{Platform: f[0], ID: f[1]}, at, to, true
}

// Overwritten is the stem of the notice to a unit's chats that the report
// of update overwrote its figures.
func Overwritten(update string) Stem { return Stem("ow:" + update) }

// ParseOverwritten reads the key of an overwrite notice.
func ParseOverwritten(key string) (update string, chat chihuy.ChatRef, ok bool) {
	rest, ok := strings.CutPrefix(key, "ow:")
	if !ok {
		return "", chat, false
	}
	head, id, ok1 := cutLast(rest, ":")
	update, platform, ok2 := cutLast(head, ":")
	if !ok1 || !ok2 || update == "" || platform == "" || id == "" {
		return "", chat, false
	}
	return update, chihuy.ChatRef{Platform: platform, ID: id}, true
}

// Alert is the stem of the alert to a unit above on unit's report of day;
// fired lists the rules tripped as "rule=severity", none empty or holding
// ',' or ':'.
func Alert(unit string, day chihuy.Day, fired []string) Stem {
	return Stem("al:" + unit + ":" + day.String() + ":" + strings.Join(fired, ","))
}

// ParseAlert reads the key of an alert.
func ParseAlert(key string) (unit string, day chihuy.Day, fired []string, chat chihuy.ChatRef, ok bool) {
	f, rest, ok := fields(key, "al:", 3)
	if !ok {
		return "", day, nil, chat, false
	}
	day, ok1 := parseDay(f[1])
	chat, ok2 := parseChat(rest)
	if !ok1 || !ok2 {
		return "", day, nil, chat, false
	}
	fired = strings.Split(f[2], ",")
	for _, s := range fired {
		if s == "" {
			return "", day, nil, chat, false
		}
	}
	return f[0], day, fired, chat, true
}

// ReportReminder is the stem of the reminder to unit's chats to report for
// the period ending day.
func ReportReminder(day chihuy.Day, unit string) Stem {
	return Stem("rmd:" + day.String() + ":" + unit)
}

// ParseReportReminder reads the key of a ReportReminder.
func ParseReportReminder(key string) (day chihuy.Day, unit string, chat chihuy.ChatRef, ok bool) {
	return dayUnitChat(key, "rmd:")
}

// LateList is the stem of the list to parent's chats of its children late
// for the period ending day.
func LateList(day chihuy.Day, parent string) Stem {
	return Stem("late:" + day.String() + ":" + parent)
}

// ParseLateList reads the key of a LateList.
func ParseLateList(key string) (day chihuy.Day, parent string, chat chihuy.ChatRef, ok bool) {
	return dayUnitChat(key, "late:")
}

// DigestPart is the key of part n (from 0) of unit's digest of day to
// chat.
func DigestPart(day chihuy.Day, unit string, chat chihuy.ChatRef, n int) string {
	return digest(day, unit, chat) + ":" + strconv.Itoa(n)
}

// DigestChart is the key of the chart of unit's digest of day to chat.
func DigestChart(day chihuy.Day, unit string, chat chihuy.ChatRef) string {
	return digest(day, unit, chat) + ":png"
}

func digest(day chihuy.Day, unit string, chat chihuy.ChatRef) string {
	return "dg:" + day.String() + ":" + unit + ":" + chat.String()
}

// ParseDigest reads a DigestPart key (chart false, part n) or a
// DigestChart key (chart true).
func ParseDigest(key string) (day chihuy.Day, unit string, chat chihuy.ChatRef, n int, chart bool, ok bool) {
	head, last, found := cutLast(key, ":")
	if !found {
		return day, "", chat, 0, false, false
	}
	day, unit, chat, ok = dayUnitChat(head, "dg:")
	if !ok {
		return day, "", chat, 0, false, false
	}
	if last == "png" {
		return day, unit, chat, 0, true, true
	}
	n, ok = number(last)
	return day, unit, chat, n, false, ok
}

// Weekly is the key of unit's weekly summary of the week ending day to
// chat.
func Weekly(day chihuy.Day, unit string, chat chihuy.ChatRef) string {
	return "wk:" + day.String() + ":" + unit + ":" + chat.String()
}

// WeeklyFile is the key of the spreadsheet that goes with Weekly.
func WeeklyFile(day chihuy.Day, unit string, chat chihuy.ChatRef) string {
	return Weekly(day, unit, chat) + ":xlsx"
}

// ParseWeekly reads a Weekly key (file false) or a WeeklyFile key (file
// true).
func ParseWeekly(key string) (day chihuy.Day, unit string, chat chihuy.ChatRef, file bool, ok bool) {
	if head, found := strings.CutSuffix(key, ":xlsx"); found {
		if day, unit, chat, ok = dayUnitChat(head, "wk:"); ok {
			return day, unit, chat, true, true
		}
	}
	day, unit, chat, ok = dayUnitChat(key, "wk:")
	return day, unit, chat, false, ok
}

// Reorganised is the stem of the notices of the reorganisation run at at
// (counted in whole seconds, the run's journal time) to the chats whose
// unit it moved or ended.
func Reorganised(at time.Time) Stem { return Stem("reorg:" + strconv.FormatInt(at.Unix(), 10)) }

// ParseReorganised reads the key of a Reorganised notice.
func ParseReorganised(key string) (at time.Time, chat chihuy.ChatRef, ok bool) {
	return stampChat(key, "reorg:")
}

// stampChat reads prefix + "STAMP:CHAT", STAMP in unix seconds.
func stampChat(key, prefix string) (at time.Time, chat chihuy.ChatRef, ok bool) {
	f, rest, ok := fields(key, prefix, 1)
	if !ok {
		return time.Time{}, chat, false
	}
	at, ok1 := instant(f[0], 1)
	chat, ok2 := parseChat(rest)
	if !ok1 || !ok2 {
		return time.Time{}, chat, false
	}
	return at, chat, true
}

// ReorganisationUndone is the stem of the notices that the reorganisation
// run at at (its journal time, in whole seconds) was undone.
func ReorganisationUndone(at time.Time) Stem {
	return Stem("reorg-undo:" + strconv.FormatInt(at.Unix(), 10))
}

// ParseReorganisationUndone reads the key of a ReorganisationUndone notice.
func ParseReorganisationUndone(key string) (at time.Time, chat chihuy.ChatRef, ok bool) {
	return stampChat(key, "reorg-undo:")
}

// Kinds of button: the part of a button's data before ':'.
const (
	ButtonAck       = "ack"   // a unit acknowledges a directive
	ButtonConfirm   = "cdok"  // the lead confirms a big broadcast
	ButtonAbort     = "cdno"  // the lead aborts it
	ButtonHoldStore = "rpok"  // a held report is stored as written
	ButtonHoldAdd   = "rpadd" // it is added to the stored figures
	ButtonHoldDrop  = "rpno"  // it is dropped
)

// Button is the data of a button of kind about id (a directive's or a
// hold's).
func Button(kind, id string) string { return kind + ":" + id }

// ParseButton reads a button's data: kind is what comes before the first
// ':' (all of data without one), id what follows; ok reports the ':'.
func ParseButton(data string) (kind, id string, ok bool) { return strings.Cut(data, ":") }

// HoldButton reports whether kind is one of the buttons of a held report.
func HoldButton(kind string) bool { return strings.HasPrefix(kind, "rp") }

// EchoTag is the supersede tag of the echo of unit's report of day.
func EchoTag(unit string, day chihuy.Day) string { return "echo:" + unit + ":" + day.String() }

// ParseEchoTag reads an EchoTag.
func ParseEchoTag(tag string) (unit string, day chihuy.Day, ok bool) {
	f, rest, ok := fields(tag, "echo:", 1)
	if !ok {
		return "", day, false
	}
	day, ok = parseDay(rest)
	return f[0], day, ok
}
