package handlers

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/chihuy/chihuy"
	"github.com/chihuy/chihuy/dataset"
	"github.com/chihuy/chihuy/outboxkey"
	"github.com/chihuy/chihuy/report"
	"github.com/chihuy/chihuy/store"
	"github.com/chihuy/chihuy/units"
	"github.com/chihuy/chihuy/vntext"
)

// Reports (§4, §5): free text in a bound chat, /baocao and /sua.

// unitNames adapts the unit tree to the parser: a unit named at the start
// of a line (§4). A name is read within the sender's subtree (scope); a
// name that is ambiguous, names a unit outside the subtree, names with a
// type word a unit that does not exist, or names bare both the sender's
// unit and a unit above it ("Tam Đường", town and district) refuses the
// message, naming the candidates: the figures never fall back to the
// sender's own unit.
type unitNames struct {
	tree  *units.Tree
	scope string
}

// maxCandidates bounds the units a refusal lists.
const maxCandidates = 4

func (n unitNames) FindPrefix(text string) (report.UnitMatch, bool) {
	in, size := n.tree.FindPrefixStrict(n.scope, text)
	all, allSize := n.tree.FindPrefixStrict("", text)
	typed := n.tree.TypeWordAt(text) > 0
	switch {
	case len(in) == 1 && size >= allSize:
		if !typed {
			for _, a := range all {
				if a != in[0] && n.tree.Within(n.scope, a.Code) {
					return report.UnitMatch{N: size, Refuse: fmt.Sprintf(msgReportUnitAmbiguous, text[:size], candidates(append([]*units.Unit{in[0]}, a)), in[0].Code)}, true
				}
			}
		}
		return report.UnitMatch{Code: in[0].Code, Name: in[0].FullName(), N: size}, true
	case len(in) > 1 && size >= allSize:
		return report.UnitMatch{N: size, Refuse: fmt.Sprintf(msgReportUnitAmbiguous, text[:size], candidates(in), in[0].Code)}, true
	case len(all) > 0:
		scope := n.scope
		if u, ok := n.tree.Get(n.scope); ok {
			scope = u.FullName()
		}
		return report.UnitMatch{N: allSize, Refuse: fmt.Sprintf(msgUnitOutside, text[:allSize], scope, candidates(all))}, true
	case typed:
		// "xã Nậm Xe: F0 2": a type word, a name, then ':' — a unit that is
		// not in the tree
		if end := strings.IndexAny(text, ":,"); end > 0 && strings.TrimSpace(text[:end]) != "" && !strings.ContainsAny(text[:end], "0123456789") {
			name := strings.TrimRightFunc(text[:end], unicode.IsSpace)
			return report.UnitMatch{N: len(name), Refuse: fmt.Sprintf(msgUnitNone, name, n.exampleCode())}, true
		}
	}
	return report.UnitMatch{}, false
}

// exampleCode is a unit code to show in a hint: the first unit below the
// sender's, or the sender's own.
func (n unitNames) exampleCode() string {
	u, ok := n.tree.Get(n.scope)
	if !ok {
		return n.scope
	}
	if len(u.Children) > 0 {
		return u.Children[0].Code
	}
	return u.Code
}

// candidates names units for a refusal: "xã Thu Lũm (03310), …".
func candidates(us []*units.Unit) string {
	names := make([]string, 0, maxCandidates)
	for i, u := range us {
		if i == maxCandidates {
			names = append(names, fmt.Sprintf(msgUnitsMore, len(us)-maxCandidates))
			break
		}
		names = append(names, u.String())
	}
	return strings.Join(names, ", ")
}

// maxExampleRunes bounds the sender's own text quoted in an example.
const maxExampleRunes = 60

// unitExample is a report line naming unit u before the sender's figures
// ("xã Bản Giang: F0 2"), or before a short sample when the text is long.
func unitExample(u *units.Unit, text string) string {
	text = strings.TrimSpace(text)
	if text == "" || strings.ContainsAny(text, "\r\n") || utf8.RuneCountInString(text) > maxExampleRunes {
		text = "F0 2"
	}
	return u.FullName() + ": " + text
}

// stampSlack is how far ahead of the bot's clock a message's own time may
// be (clocks of phones and servers differ a little).
const stampSlack = 5 * time.Minute

// written returns when the message was written: its platform timestamp
// (§4: the report day and timeliness are judged on it, not on when the bot
// read it). An edited report carries its original's time: an edit after
// midnight corrects the day it was written for. A message without a stamp
// was written now. A stamp ahead of
// the clock (a phone set to the year 2100) is refused, never booked to
// today; a stamp older than the report window is refused too.
func (h *Handler) written(r *request) (time.Time, error) {
	now := h.now()
	at := r.u.Time
	if at.IsZero() {
		return now, nil
	}
	at = at.In(h.Loc)
	if at.After(now.Add(stampSlack)) {
		return time.Time{}, chihuy.Errorf(chihuy.EINVALID, msgBadStamp, at.Format("15:04 02/01/2006"))
	}
	if days := chihuy.DayOf(now).Sub(chihuy.DayOf(at)); days > h.ReportWindow {
		return time.Time{}, chihuy.Errorf(chihuy.EINVALID, msgStampOld, chihuy.DayOf(at).Short(), h.ReportWindow)
	}
	return at, nil
}

// parseOptions are the parser's options for a message written at: its
// day is the default report day, and written dates are judged from it.
func (h *Handler) parseOptions(scope *units.Unit, at time.Time) report.Options {
	return report.Options{
		Now:    at,
		Window: time.Duration(h.ReportWindow) * 24 * time.Hour,
		Units:  unitNames{tree: h.Tree, scope: scope.Code},
	}
}

// textReport handles free text: a report is recorded and echoed; chatter
// in a group gets no answer.
func (h *Handler) textReport(ctx context.Context, r *request) error {
	if r.u.Forwarded {
		// §4: a forwarded message quotes someone else, never a report
		if r.u.ChatKind == chihuy.Private {
			return h.reply(ctx, r, msgForwarded)
		}
		return nil
	}
	at, err := h.written(r)
	if err != nil {
		return err
	}
	res := report.Parse(r.args, h.DataSet, h.parseOptions(r.unit, at))
	if !res.IsReport {
		switch {
		case r.u.ChatKind != chihuy.Private && !r.u.ToBot:
			return nil
		case res.News:
			return h.reply(ctx, r, msgNews)
		}
		return h.reply(ctx, r, msgNotAReport)
	}
	return h.record(ctx, r, res, at)
}

func (h *Handler) cmdBaocao(ctx context.Context, r *request) error {
	if strings.TrimSpace(r.args) == "" {
		return h.reply(ctx, r, msgBaocaoUsage)
	}
	if r.u.Forwarded {
		return h.reply(ctx, r, msgForwarded)
	}
	at, err := h.written(r)
	if err != nil {
		return err
	}
	res := report.ParseStructured(r.args, h.DataSet, h.parseOptions(r.unit, at))
	if res.News {
		return h.reply(ctx, r, msgNews)
	}
	return h.record(ctx, r, res, at)
}

// cmdSua shows today's report of the chat's unit; with values, it corrects
// them (the latest report of an element wins).
func (h *Handler) cmdSua(ctx context.Context, r *request) error {
	if strings.TrimSpace(r.args) != "" {
		return h.cmdBaocao(ctx, r)
	}
	day := h.today()
	rep, ok, err := h.figures().UnitReport(ctx, r.unit.Code, day)
	if err != nil {
		return err
	}
	if !ok || len(rep.Values) == 0 {
		return h.reply(ctx, r, fmt.Sprintf(msgSuaNone, r.unit.Title(), day.Short()))
	}
	hist, err := h.figures().UnitHistory(ctx, r.unit.Code, day)
	if err != nil {
		return err
	}
	lines := []string{fmt.Sprintf(msgSuaHead, r.unit.FullName(), day.Short(), len(hist))}
	for _, e := range h.DataSet.Entries(rep.Values) {
		lines = append(lines, fmt.Sprintf(msgSuaLine, e.Label, vntext.Number(e.Value), e.Code))
	}
	lines = append(lines, msgSuaHow)
	return h.reply(ctx, r, strings.Join(lines, "\n"))
}

// record checks a parsed report, stores it, echoes it and raises alerts.
// Nothing is stored when any part was not understood.
func (h *Handler) record(ctx context.Context, r *request, res report.Result, at time.Time) error {
	if len(res.Problems) > 0 {
		lines := []string{msgProblemsHead}
		for _, p := range res.Problems {
			lines = append(lines, "• "+p.Message)
		}
		lines = append(lines, msgProblemsTail)
		return h.reply(ctx, r, strings.Join(lines, "\n"))
	}
	if len(res.Values) == 0 {
		return h.reply(ctx, r, msgBaocaoUsage)
	}
	target := r.unit
	if res.Unit != "" {
		u, ok := h.Tree.Get(res.Unit)
		if !ok {
			return h.reply(ctx, r, fmt.Sprintf(msgUnitUnknown, res.UnitName))
		}
		target = u
	}
	if err := h.require(ctx, r, target, chihuy.RoleMember); err != nil {
		return err
	}
	if res.Unit == "" && !target.IsLeaf() {
		// a unit whose children report has no figures of its own: they
		// would be added on top of its children's (§4: never guess)
		return h.reply(ctx, r, fmt.Sprintf(msgReportNameUnit, target.Title(), unitExample(target.Children[0], r.args)))
	}
	day := res.Day
	if day.IsZero() {
		day = chihuy.DayOf(at)
	}
	if h.today().Sub(day) > h.ReportWindow {
		return h.reply(ctx, r, fmt.Sprintf(msgStampOld, day.Short(), h.ReportWindow))
	}
	held := heldReport{Unit: target.Code, Day: day, Values: res.Values, Aside: res.Aside, Raw: r.u.Text, By: r.u.From,
		ByName: r.u.FromName, At: at}
	stored, _, err := h.figures().UnitReport(ctx, target.Code, day)
	if err != nil {
		return err
	}
	var added map[string]int64 // the values added to the stored ones, when "bổ sung" may mean that
	if res.Additive != "" {
		added = map[string]int64{}
		changed := false
		for code, v := range res.Values {
			old, ok := stored.Values[code]
			added[code] = v + old
			changed = changed || ok && old != 0
		}
		if !changed {
			added = nil
		}
	}
	// "bổ sung F0 1" over F0 3 of which 3 in the community: the addition
	// is consistent even where the replacement is not; the question is
	// asked, and a replacement chosen is checked again
	if msg := h.inconsistent(target, day, stored.Values, res.Values); msg != "" &&
		(added == nil || h.inconsistent(target, day, stored.Values, added) != "") {
		return h.reply(ctx, r, msg)
	}
	if added != nil {
		held.Kind, held.Added, held.Word = holdAdditive, added, res.Additive
		return h.hold(ctx, r, target, held, stored.Values)
	}
	reasons, err := h.implausible(ctx, target, day, res.Values)
	if err != nil {
		return err
	}
	if len(reasons) > 0 {
		held.Kind, held.Reasons = holdPlausible, reasons
		return h.hold(ctx, r, target, held, stored.Values)
	}
	return h.storeReport(ctx, r, target, held, res.Values)
}

// storeReport records the values of a report that passed every check (or
// was confirmed), echoes them, tells the unit when someone above it wrote
// its figures, and raises alerts.
func (h *Handler) storeReport(ctx context.Context, r *request, target *units.Unit, held heldReport, values map[string]int64) error {
	rec, err := h.figures().RecordUnitReport(ctx, report.Input{
		Unit: target.Code, Day: held.Day,
		Values: values, Agg: h.DataSet.Aggregations(), By: held.By, Chat: r.u.Chat,
		Raw: held.Raw, At: held.At,
	})
	if err != nil {
		return err
	}
	h.Log.Debug().Str("unit", target.Code).Str("day", held.Day.String()).Str("text", held.Raw).Msg("report recorded")
	echo := h.echo(target, held.Day, values, rec)
	for _, a := range held.Aside {
		echo += "\n" + fmt.Sprintf(msgEchoAside, a.Concept, a.Text)
	}
	// A newer echo of the unit and day supersedes a queued older one: a
	// flood of reports from one chat cannot clog its queue (SPEC §11).
	if err := h.replyWith(ctx, r, chihuy.Message{Text: echo, Supersedes: outboxkey.EchoTag(target.Code, held.Day)}); err != nil {
		return err
	}
	if err := h.tellOverwritten(ctx, r, target, held, values, rec); err != nil {
		return err
	}
	return h.raiseAlerts(ctx, target, held.Day, rec.Report)
}

// tellOverwritten tells a unit's chats that someone of a unit above wrote
// its figures: who, from which unit, and every value with the one it
// replaced.
func (h *Handler) tellOverwritten(ctx context.Context, r *request, target *units.Unit, held heldReport, values map[string]int64, rec report.Recorded) error {
	if r.unit == nil || r.unit.Code == target.Code {
		return nil
	}
	var lines []string
	for _, e := range h.DataSet.Entries(values) {
		old, had := rec.Previous[e.Code]
		switch {
		case had && old == e.Value:
			continue
		case had:
			lines = append(lines, fmt.Sprintf(msgOverwriteLine, e.Label, vntext.Number(old), vntext.Number(e.Value)))
		default:
			lines = append(lines, fmt.Sprintf(msgOverwriteNew, e.Label, vntext.Number(e.Value)))
		}
	}
	if len(lines) == 0 {
		return nil
	}
	who := held.ByName
	if who == "" {
		who = held.By.String()
	}
	text := fmt.Sprintf(msgOverwriteHead, r.unit.Title(), who, target.FullName(), held.Day.Short()) + "\n" + strings.Join(lines, "\n")
	_, err := h.sendUnit(ctx, target.Code, outboxkey.Overwritten(r.u.ID), chihuy.PriorityReply, text)
	return err
}

// echo states exactly what was recorded, and what it replaced.
func (h *Handler) echo(u *units.Unit, day chihuy.Day, values map[string]int64, rec report.Recorded) string {
	lines := []string{fmt.Sprintf(msgEchoHead, u.FullName(), day.Short())}
	for _, e := range h.DataSet.Entries(values) {
		line := fmt.Sprintf(msgEchoLine, e.Label, vntext.Number(e.Value))
		if old, ok := rec.Previous[e.Code]; ok {
			if old == e.Value {
				line += msgEchoSame
			} else {
				line += fmt.Sprintf(msgEchoReplaced, vntext.Number(old))
			}
		}
		lines = append(lines, line)
	}
	if len(rec.Report) > len(values) {
		lines = append(lines, fmt.Sprintf(msgEchoTotal, len(rec.Report)))
	}
	return strings.Join(lines, "\n")
}

// raiseAlerts evaluates the data set's rules on the unit's report of the
// day and alerts the tiers above, at most once per unit, rule and day
// unless the value grows. The alerts one report trips go to each tier in
// one message.
func (h *Handler) raiseAlerts(ctx context.Context, u *units.Unit, day chihuy.Day, report map[string]int64) error {
	type fired struct {
		key, message string
		level        int
	}
	var all []fired
	for _, f := range h.DataSet.Alerts(report) {
		severity := f.Value
		if f.Rule.Op == dataset.OpLT || f.Rule.Op == dataset.OpLE {
			severity = f.Rule.Threshold - f.Value
		}
		name := ruleName(f.Rule)
		fire, err := h.figures().UnitAlertOnce(ctx, store.Alert{
			Unit: u.Code, Rule: name, Day: day, Value: severity, At: h.Clock.Now(),
		})
		if err != nil {
			return err
		}
		if fire {
			all = append(all, fired{key: name + "=" + strconv.FormatInt(severity, 10), message: f.Message, level: max(f.Rule.Level, 1)})
		}
	}
	if len(all) == 0 {
		return nil
	}
	for i, a := 0, u.Parent; a != nil; i, a = i+1, a.Parent {
		var keys, lines []string
		for _, f := range all {
			if i < f.level {
				keys = append(keys, f.key)
				lines = append(lines, f.message)
			}
		}
		if len(lines) == 0 {
			break // rules reach the nearest tiers first: none goes further
		}
		if _, err := h.sendUnit(ctx, a.Code, outboxkey.Alert(u.Code, day, keys), chihuy.PriorityReply, alertText(u, day, lines)); err != nil {
			return err
		}
	}
	return nil
}

// alertText is one alert message for the alerts of a unit's report.
func alertText(u *units.Unit, day chihuy.Day, lines []string) string {
	if len(lines) == 1 {
		return fmt.Sprintf(msgAlert, unitPath(u), day.Short(), lines[0])
	}
	return fmt.Sprintf(msgAlerts, len(lines), unitPath(u), day.Short(), "• "+strings.Join(lines, "\n• "))
}
