package outboxkey

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/chihuy/chihuy"
)

var (
	tg     = chihuy.ChatRef{Platform: chihuy.Telegram, ID: "-1001234567890"}
	zl     = chihuy.ChatRef{Platform: chihuy.Zalo, ID: "6789012345"}
	day    = chihuy.Day{Year: 2021, Month: time.November, Day: 8}
	at     = time.Date(2021, time.November, 8, 9, 41, 27, 123456789, time.UTC)
	update = "telegram:812345678"
)

// keyCase is one key: how it is built, the exact string it must be (the
// layout in Redis today), and its parse compared with what built it.
type keyCase struct {
	name  string
	built string
	want  string
	parse func(key string) (got, want []any, ok bool)
}

func vals(v ...any) []any { return v }

func keyCases() []keyCase {
	return []keyCase{
		{"reply", Reply(update, 2), "re:telegram:812345678:2", func(k string) ([]any, []any, bool) {
			u, n, ok := ParseReply(k)
			return vals(u, n), vals(update, 2), ok
		}},
		{"reply to an update without an id", Reply("telegram:raw:0a1b2c", 1), "re:telegram:raw:0a1b2c:1", func(k string) ([]any, []any, bool) {
			u, n, ok := ParseReply(k)
			return vals(u, n), vals("telegram:raw:0a1b2c", 1), ok
		}},
		{"callback answer", CallbackAnswer(update), "cb:telegram:812345678", func(k string) ([]any, []any, bool) {
			u, ok := ParseCallbackAnswer(k)
			return vals(u), vals(update), ok
		}},
		{"directive copy", Directive("CD-12-0042", "03418").To(tg), "cd:CD-12-0042:03418:telegram:-1001234567890", func(k string) ([]any, []any, bool) {
			id, unit, chat, ok := ParseDirective(k)
			return vals(id, unit, chat), vals("CD-12-0042", "03418", tg), ok
		}},
		{"directive copy on zalo", Directive("CD-T-0001", "T").To(zl), "cd:CD-T-0001:T:zalo:6789012345", func(k string) ([]any, []any, bool) {
			id, unit, chat, ok := ParseDirective(k)
			return vals(id, unit, chat), vals("CD-T-0001", "T", zl), ok
		}},
		{"acknowledgement edit", Acknowledged("CD-12-0042", "03418").To(tg), "cda:CD-12-0042:03418:telegram:-1001234567890", func(k string) ([]any, []any, bool) {
			id, unit, chat, ok := ParseAcknowledged(k)
			return vals(id, unit, chat), vals("CD-12-0042", "03418", tg), ok
		}},
		{"progress", Progress("CD-12-0042"), "cdp:CD-12-0042", func(k string) ([]any, []any, bool) {
			id, ok := ParseProgress(k)
			return vals(id), vals("CD-12-0042"), ok
		}},
		{"progress edit", ProgressEdit(Progress("CD-12-0042"), at), "cdp:CD-12-0042:e:" + "cfkasrk29xcl", func(k string) ([]any, []any, bool) {
			p, when, ok := ParseProgressEdit(k)
			return vals(p, when.UnixNano()), vals("cdp:CD-12-0042", at.UnixNano()), ok
		}},
		{"milestone", Milestone(Progress("CD-12-0042"), "half"), "cdp:CD-12-0042:m:half", func(k string) ([]any, []any, bool) {
			p, name, ok := ParseMilestone(k)
			return vals(p, name), vals("cdp:CD-12-0042", "half"), ok
		}},
		{"results", Results("CD-12-0042"), "cdr:CD-12-0042", func(k string) ([]any, []any, bool) {
			id, ok := ParseResults(k)
			return vals(id), vals("CD-12-0042"), ok
		}},
		{"results edit", ResultsEdit("CD-12-0042", 3, ""), "cdr:CD-12-0042:e:3", func(k string) ([]any, []any, bool) {
			id, n, again, ok := ParseResultsEdit(k)
			return vals(id, n, again), vals("CD-12-0042", 3, ""), ok
		}},
		{"results edit for a replaced result", ResultsEdit("CD-12-0042", 3, update), "cdr:CD-12-0042:e:3:telegram:812345678", func(k string) ([]any, []any, bool) {
			id, n, again, ok := ParseResultsEdit(k)
			return vals(id, n, again), vals("CD-12-0042", 3, update), ok
		}},
		{"cancellation notice", Cancelled("CD-12-0042", "03418").To(tg), "cdx:CD-12-0042:03418:telegram:-1001234567890", func(k string) ([]any, []any, bool) {
			id, unit, chat, ok := ParseCancelled(k)
			return vals(id, unit, chat), vals("CD-12-0042", "03418", tg), ok
		}},
		{"directive reminder", DirectiveReminder("CD-12-0042", "03418", at).To(zl), "cdrem:CD-12-0042:03418:27272741:zalo:6789012345", func(k string) ([]any, []any, bool) {
			id, unit, when, chat, ok := ParseDirectiveReminder(k)
			return vals(id, unit, when.Unix(), chat), vals("CD-12-0042", "03418", at.Truncate(time.Minute).Unix(), zl), ok
		}},
		{"deadline report to the lead", DeadlineLead("CD-12-0042"), "cddl:CD-12-0042:lead", func(k string) ([]any, []any, bool) {
			id, lead, chat, ok := ParseDeadline(k)
			return vals(id, lead, chat), vals("CD-12-0042", true, chihuy.ChatRef{}), ok
		}},
		{"deadline report", Deadline("CD-12-0042").To(tg), "cddl:CD-12-0042:telegram:-1001234567890", func(k string) ([]any, []any, bool) {
			id, lead, chat, ok := ParseDeadline(k)
			return vals(id, lead, chat), vals("CD-12-0042", false, tg), ok
		}},
		{"chat gone", ChatGone(tg, at).To(zl), "gone:telegram:-1001234567890:454545:zalo:6789012345", func(k string) ([]any, []any, bool) {
			gone, when, to, ok := ParseChatGone(k)
			return vals(gone, when.Unix(), to), vals(tg, at.Truncate(time.Hour).Unix(), zl), ok
		}},
		{"overwrite notice", Overwritten(update).To(tg), "ow:telegram:812345678:telegram:-1001234567890", func(k string) ([]any, []any, bool) {
			u, chat, ok := ParseOverwritten(k)
			return vals(u, chat), vals(update, tg), ok
		}},
		{"overwrite notice of an update without an id", Overwritten("zalo:raw:0a1b2c").To(zl), "ow:zalo:raw:0a1b2c:zalo:6789012345", func(k string) ([]any, []any, bool) {
			u, chat, ok := ParseOverwritten(k)
			return vals(u, chat), vals("zalo:raw:0a1b2c", zl), ok
		}},
		{"alert", Alert("03418", day, []string{"F_ge_5=7", "D_gt_0=2"}).To(tg), "al:03418:2021-11-08:F_ge_5=7,D_gt_0=2:telegram:-1001234567890", func(k string) ([]any, []any, bool) {
			unit, d, fired, chat, ok := ParseAlert(k)
			return vals(unit, d, fired, chat), vals("03418", day, []string{"F_ge_5=7", "D_gt_0=2"}, tg), ok
		}},
		{"report reminder", ReportReminder(day, "03418").To(tg), "rmd:2021-11-08:03418:telegram:-1001234567890", func(k string) ([]any, []any, bool) {
			d, unit, chat, ok := ParseReportReminder(k)
			return vals(d, unit, chat), vals(day, "03418", tg), ok
		}},
		{"late list", LateList(day, "12").To(zl), "late:2021-11-08:12:zalo:6789012345", func(k string) ([]any, []any, bool) {
			d, unit, chat, ok := ParseLateList(k)
			return vals(d, unit, chat), vals(day, "12", zl), ok
		}},
		{"digest part", DigestPart(day, "12", tg, 1), "dg:2021-11-08:12:telegram:-1001234567890:1", func(k string) ([]any, []any, bool) {
			d, unit, chat, n, chart, ok := ParseDigest(k)
			return vals(d, unit, chat, n, chart), vals(day, "12", tg, 1, false), ok
		}},
		{"digest chart", DigestChart(day, "12", tg), "dg:2021-11-08:12:telegram:-1001234567890:png", func(k string) ([]any, []any, bool) {
			d, unit, chat, n, chart, ok := ParseDigest(k)
			return vals(d, unit, chat, n, chart), vals(day, "12", tg, 0, true), ok
		}},
		{"weekly", Weekly(day, "12", zl), "wk:2021-11-08:12:zalo:6789012345", func(k string) ([]any, []any, bool) {
			d, unit, chat, file, ok := ParseWeekly(k)
			return vals(d, unit, chat, file), vals(day, "12", zl, false), ok
		}},
		{"weekly file", WeeklyFile(day, "12", zl), "wk:2021-11-08:12:zalo:6789012345:xlsx", func(k string) ([]any, []any, bool) {
			d, unit, chat, file, ok := ParseWeekly(k)
			return vals(d, unit, chat, file), vals(day, "12", zl, true), ok
		}},
		{"reorganisation notice", Reorganised(at).To(tg), "reorg:1636364487:telegram:-1001234567890", func(k string) ([]any, []any, bool) {
			when, chat, ok := ParseReorganised(k)
			return vals(when.Unix(), chat), vals(at.Unix(), tg), ok
		}},
		{"undone reorganisation notice", ReorganisationUndone(at).To(zl), "reorg-undo:1636364487:zalo:6789012345", func(k string) ([]any, []any, bool) {
			when, chat, ok := ParseReorganisationUndone(k)
			return vals(when.Unix(), chat), vals(at.Unix(), zl), ok
		}},
		{"acknowledge button", Button(ButtonAck, "CD-12-0042"), "ack:CD-12-0042", func(k string) ([]any, []any, bool) {
			kind, id, ok := ParseButton(k)
			return vals(kind, id), vals("ack", "CD-12-0042"), ok
		}},
		{"confirm button", Button(ButtonConfirm, "CD-12-0042"), "cdok:CD-12-0042", func(k string) ([]any, []any, bool) {
			kind, id, ok := ParseButton(k)
			return vals(kind, id), vals("cdok", "CD-12-0042"), ok
		}},
		{"abort button", Button(ButtonAbort, "CD-12-0042"), "cdno:CD-12-0042", func(k string) ([]any, []any, bool) {
			kind, id, ok := ParseButton(k)
			return vals(kind, id), vals("cdno", "CD-12-0042"), ok
		}},
		{"hold store button", Button(ButtonHoldStore, "AB2CD"), "rpok:AB2CD", func(k string) ([]any, []any, bool) {
			kind, id, ok := ParseButton(k)
			return vals(kind, id, HoldButton(kind)), vals("rpok", "AB2CD", true), ok
		}},
		{"hold add button", Button(ButtonHoldAdd, "AB2CD"), "rpadd:AB2CD", func(k string) ([]any, []any, bool) {
			kind, id, ok := ParseButton(k)
			return vals(kind, id, HoldButton(kind)), vals("rpadd", "AB2CD", true), ok
		}},
		{"hold drop button", Button(ButtonHoldDrop, "AB2CD"), "rpno:AB2CD", func(k string) ([]any, []any, bool) {
			kind, id, ok := ParseButton(k)
			return vals(kind, id, HoldButton(kind)), vals("rpno", "AB2CD", true), ok
		}},
		{"echo tag", EchoTag("03418", day), "echo:03418:2021-11-08", func(k string) ([]any, []any, bool) {
			unit, d, ok := ParseEchoTag(k)
			return vals(unit, d), vals("03418", day), ok
		}},
	}
}

// TestKeysAreTodays pins every layout byte for byte (keys live in Redis)
// and reads every key back to what built it.
func TestKeysAreTodays(t *testing.T) {
	for _, c := range keyCases() {
		if c.built != c.want {
			t.Errorf("%s: built %q, want %q", c.name, c.built, c.want)
		}
		got, want, ok := c.parse(c.built)
		if !ok || !reflect.DeepEqual(got, want) {
			t.Errorf("%s: parse %q = %v, %v; want %v, true", c.name, c.built, got, ok, want)
		}
	}
}

// TestParsersRefuseOtherFamilies reads every key with every parser: only
// its own family's parser (and, for a copy of a directive, nothing else)
// accepts it.
func TestParsersRefuseOtherFamilies(t *testing.T) {
	for _, c := range keyCases() {
		for name, p := range parsers() {
			if p(c.built) && !strings.HasPrefix(c.name, name) {
				t.Errorf("%s parser accepts %s key %q", name, c.name, c.built)
			}
		}
	}
}

// parsers are the key parsers by the name of the family (a prefix of the
// names of its cases), each reduced to whether it accepts a key. Button
// data and supersede tags are not keys and are left out.
func parsers() map[string]func(string) bool {
	return map[string]func(string) bool{
		"reply":                 func(k string) bool { _, _, ok := ParseReply(k); return ok },
		"callback answer":       func(k string) bool { _, ok := ParseCallbackAnswer(k); return ok },
		"directive copy":        func(k string) bool { _, _, _, ok := ParseDirective(k); return ok },
		"acknowledgement edit":  func(k string) bool { _, _, _, ok := ParseAcknowledged(k); return ok },
		"progress edit":         func(k string) bool { _, _, ok := ParseProgressEdit(k); return ok },
		"milestone":             func(k string) bool { _, _, ok := ParseMilestone(k); return ok },
		"results edit":          func(k string) bool { _, _, _, ok := ParseResultsEdit(k); return ok },
		"cancellation notice":   func(k string) bool { _, _, _, ok := ParseCancelled(k); return ok },
		"directive reminder":    func(k string) bool { _, _, _, _, ok := ParseDirectiveReminder(k); return ok },
		"deadline report":       func(k string) bool { _, _, _, ok := ParseDeadline(k); return ok },
		"chat gone":             func(k string) bool { _, _, _, ok := ParseChatGone(k); return ok },
		"overwrite notice":      func(k string) bool { _, _, ok := ParseOverwritten(k); return ok },
		"alert":                 func(k string) bool { _, _, _, _, ok := ParseAlert(k); return ok },
		"report reminder":       func(k string) bool { _, _, _, ok := ParseReportReminder(k); return ok },
		"late list":             func(k string) bool { _, _, _, ok := ParseLateList(k); return ok },
		"digest":                func(k string) bool { _, _, _, _, _, ok := ParseDigest(k); return ok },
		"weekly":                func(k string) bool { _, _, _, _, ok := ParseWeekly(k); return ok },
		"reorganisation notice": func(k string) bool { _, _, ok := ParseReorganised(k); return ok },
		"undone reorganisation": func(k string) bool { _, _, ok := ParseReorganisationUndone(k); return ok },
		"echo tag":              func(k string) bool { _, _, ok := ParseEchoTag(k); return ok },
		// Progress and Results take the bare key only.
		"progress": func(k string) bool { _, ok := ParseProgress(k); return ok },
		"results":  func(k string) bool { _, ok := ParseResults(k); return ok },
	}
}

// TestDirectivePrefixTakesOnlyItsCopies: cancelling a directive drops its
// queued copies by prefix, and nothing else.
func TestDirectivePrefixTakesOnlyItsCopies(t *testing.T) {
	p := DirectivePrefix("CD-12-0042")
	if k := Directive("CD-12-0042", "03418").To(tg); !strings.HasPrefix(k, p) {
		t.Errorf("copy %q lacks the prefix %q", k, p)
	}
	for _, c := range keyCases() {
		if strings.HasPrefix(c.built, p) && c.name != "directive copy" {
			t.Errorf("%s key %q has the copies' prefix %q", c.name, c.built, p)
		}
	}
	for _, other := range []string{
		Directive("CD-12-00421", "03418").To(tg),
		Acknowledged("CD-12-0042", "03418").To(tg),
		Cancelled("CD-12-0042", "03418").To(tg),
		Progress("CD-12-0042"),
	} {
		if strings.HasPrefix(other, p) {
			t.Errorf("%q has the prefix %q of another directive's copies", other, p)
		}
	}
}

// FuzzParse: no parser panics, and whatever a parser accepts is built back
// to the same bytes.
func FuzzParse(f *testing.F) {
	for _, c := range keyCases() {
		f.Add(c.built)
	}
	for _, s := range []string{"", ":", "cd:", "cd::::", "re::", "re:x:-1", "cdp:a:e:", "cdp:a:e:-zz", "dg:2021-02-30:1:t:1:1",
		"gone:t:1:99999999999999999999:z:2", "al:1:2021-11-08:,:t:1", "wk:2021-11-08:1:t:xlsx", "cddl:a:lead", "echo:1:"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, k string) {
		if u, n, ok := ParseReply(k); ok && Reply(u, n) != k {
			t.Errorf("reply %q rebuilt as %q", k, Reply(u, n))
		}
		if u, ok := ParseCallbackAnswer(k); ok && CallbackAnswer(u) != k {
			t.Errorf("callback answer %q rebuilt as %q", k, CallbackAnswer(u))
		}
		if id, unit, chat, ok := ParseDirective(k); ok && Directive(id, unit).To(chat) != k {
			t.Errorf("directive copy %q rebuilt as %q", k, Directive(id, unit).To(chat))
		}
		if id, unit, chat, ok := ParseAcknowledged(k); ok && Acknowledged(id, unit).To(chat) != k {
			t.Errorf("acknowledgement %q rebuilt as %q", k, Acknowledged(id, unit).To(chat))
		}
		if id, ok := ParseProgress(k); ok && Progress(id) != k {
			t.Errorf("progress %q rebuilt as %q", k, Progress(id))
		}
		if p, at, ok := ParseProgressEdit(k); ok && ProgressEdit(p, at) != k {
			t.Errorf("progress edit %q rebuilt as %q", k, ProgressEdit(p, at))
		}
		if p, name, ok := ParseMilestone(k); ok && Milestone(p, name) != k {
			t.Errorf("milestone %q rebuilt as %q", k, Milestone(p, name))
		}
		if id, ok := ParseResults(k); ok && Results(id) != k {
			t.Errorf("results %q rebuilt as %q", k, Results(id))
		}
		if id, n, again, ok := ParseResultsEdit(k); ok && ResultsEdit(id, n, again) != k {
			t.Errorf("results edit %q rebuilt as %q", k, ResultsEdit(id, n, again))
		}
		if id, unit, chat, ok := ParseCancelled(k); ok && Cancelled(id, unit).To(chat) != k {
			t.Errorf("cancellation %q rebuilt as %q", k, Cancelled(id, unit).To(chat))
		}
		if id, unit, at, chat, ok := ParseDirectiveReminder(k); ok && DirectiveReminder(id, unit, at).To(chat) != k {
			t.Errorf("directive reminder %q rebuilt as %q", k, DirectiveReminder(id, unit, at).To(chat))
		}
		if id, lead, chat, ok := ParseDeadline(k); ok {
			back := Deadline(id).To(chat)
			if lead {
				back = DeadlineLead(id)
			}
			if back != k {
				t.Errorf("deadline report %q rebuilt as %q", k, back)
			}
		}
		if gone, at, to, ok := ParseChatGone(k); ok && ChatGone(gone, at).To(to) != k {
			t.Errorf("chat gone %q rebuilt as %q", k, ChatGone(gone, at).To(to))
		}
		if u, chat, ok := ParseOverwritten(k); ok && Overwritten(u).To(chat) != k {
			t.Errorf("overwrite %q rebuilt as %q", k, Overwritten(u).To(chat))
		}
		if unit, d, fired, chat, ok := ParseAlert(k); ok && Alert(unit, d, fired).To(chat) != k {
			t.Errorf("alert %q rebuilt as %q", k, Alert(unit, d, fired).To(chat))
		}
		if d, unit, chat, ok := ParseReportReminder(k); ok && ReportReminder(d, unit).To(chat) != k {
			t.Errorf("report reminder %q rebuilt as %q", k, ReportReminder(d, unit).To(chat))
		}
		if d, unit, chat, ok := ParseLateList(k); ok && LateList(d, unit).To(chat) != k {
			t.Errorf("late list %q rebuilt as %q", k, LateList(d, unit).To(chat))
		}
		if d, unit, chat, n, chart, ok := ParseDigest(k); ok {
			back := DigestPart(d, unit, chat, n)
			if chart {
				back = DigestChart(d, unit, chat)
			}
			if back != k {
				t.Errorf("digest %q rebuilt as %q", k, back)
			}
		}
		if d, unit, chat, file, ok := ParseWeekly(k); ok {
			back := Weekly(d, unit, chat)
			if file {
				back = WeeklyFile(d, unit, chat)
			}
			if back != k {
				t.Errorf("weekly %q rebuilt as %q", k, back)
			}
		}
		if at, chat, ok := ParseReorganised(k); ok && Reorganised(at).To(chat) != k {
			t.Errorf("reorganisation %q rebuilt as %q", k, Reorganised(at).To(chat))
		}
		if at, chat, ok := ParseReorganisationUndone(k); ok && ReorganisationUndone(at).To(chat) != k {
			t.Errorf("undone reorganisation %q rebuilt as %q", k, ReorganisationUndone(at).To(chat))
		}
		if kind, id, ok := ParseButton(k); ok && Button(kind, id) != k {
			t.Errorf("button %q rebuilt as %q", k, Button(kind, id))
		}
		if unit, d, ok := ParseEchoTag(k); ok && EchoTag(unit, d) != k {
			t.Errorf("echo tag %q rebuilt as %q", k, EchoTag(unit, d))
		}
	})
}
