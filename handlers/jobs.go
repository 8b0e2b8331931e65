package handlers

import (
	"bytes"
	"context"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/chihuy/chihuy"
	"github.com/chihuy/chihuy/chart"
	"github.com/chihuy/chihuy/dataset"
	"github.com/chihuy/chihuy/digest"
	"github.com/chihuy/chihuy/export"
	"github.com/chihuy/chihuy/outboxkey"
	"github.com/chihuy/chihuy/units"
	"github.com/chihuy/chihuy/vntext"
)

// Scheduled work (§7, §8): reminders before the deadline, the late list
// after it, the evening digests and the weekly compile. The scheduler runs
// each occurrence once across processes; every message key derives from
// the job and its day, so a job run twice sends nothing twice.

// reporters are the units expected to report: the leaves of the tree
// (communes, checkpoints).
func (h *Handler) reporters(under *units.Unit) []*units.Unit {
	var out []*units.Unit
	h.Tree.Walk(under.Code, func(u *units.Unit) bool {
		if u.IsLeaf() {
			out = append(out, u)
		}
		return true
	})
	return out
}

// reportedOn returns the units of the tree that reported on any day of
// the period from..to (one day for a daily data set, a week for a weekly
// one).
func (h *Handler) reportedOn(ctx context.Context, from, to chihuy.Day) (map[string]int64, error) {
	out := map[string]int64{}
	for d := from; !d.After(to); d = d.AddDays(1) {
		m, err := h.reportedIn(ctx, h.Tree.Root(), d)
		if err != nil {
			return nil, err
		}
		for k, v := range m {
			out[k] = v
		}
	}
	return out, nil
}

// periodName is "ngày 08/11/2021" or "tuần 02/11–08/11/2021".
func periodName(from, to chihuy.Day) string {
	if from == to {
		return "ngày " + to.Short()
	}
	return fmt.Sprintf("tuần %02d/%02d–%s", from.Day, int(from.Month), to.Short())
}

// RemindUnreported reminds every reporting unit that has not reported for
// the period from..to yet (one hour before the deadline).
func (h *Handler) RemindUnreported(ctx context.Context, from, to chihuy.Day, deadline time.Time) (int, error) {
	done, err := h.reportedOn(ctx, from, to)
	if err != nil {
		return 0, err
	}
	day := to
	text := fmt.Sprintf(msgRemindReport, periodName(from, to), deadline.In(h.Loc).Format("15:04"))
	n := 0
	for _, u := range h.reporters(h.Tree.Root()) {
		if _, ok := done[u.Code]; ok {
			continue
		}
		sent, err := h.sendUnit(ctx, u.Code, outboxkey.ReportReminder(day, u.Code), chihuy.PriorityBulk, text)
		if err != nil {
			return n, err
		}
		if sent > 0 {
			n++
		}
	}
	return n, nil
}

// LateList tells each parent of reporting units which of them have not
// reported for the period from..to by the deadline.
func (h *Handler) LateList(ctx context.Context, from, to chihuy.Day) (int, error) {
	day := to
	done, err := h.reportedOn(ctx, from, to)
	if err != nil {
		return 0, err
	}
	late := map[*units.Unit][]string{}
	var parents []*units.Unit
	for _, u := range h.reporters(h.Tree.Root()) {
		if _, ok := done[u.Code]; ok || u.Parent == nil {
			continue
		}
		if _, seen := late[u.Parent]; !seen {
			parents = append(parents, u.Parent)
		}
		late[u.Parent] = append(late[u.Parent], u.FullName())
	}
	for _, p := range parents {
		names := late[p]
		text := fmt.Sprintf(msgLateList, periodName(from, to), len(names), len(h.reporters(p)), listNames(names))
		if _, err := h.sendUnit(ctx, p.Code, outboxkey.LateList(day, p.Code), chihuy.PriorityBulk, text); err != nil {
			return 0, err
		}
	}
	return len(parents), nil
}

// SendDigests sends the day's digest to every unit with children, with the
// 7-day chart where the platform takes pictures. Units are done in
// parallel (charts cost ~20 ms of CPU each). It returns how many units got
// one.
func (h *Handler) SendDigests(ctx context.Context, day chihuy.Day) (int, error) {
	var (
		mu       sync.Mutex
		n        int
		firstErr error
		wg       sync.WaitGroup
	)
	sem := make(chan struct{}, max(2, runtime.GOMAXPROCS(0)))
	for _, u := range h.Tree.Units() {
		if u.IsLeaf() {
			continue
		}
		mu.Lock()
		failed := firstErr != nil
		mu.Unlock()
		if failed {
			break
		}
		wg.Add(1)
		sem <- struct{}{}
		go func(u *units.Unit) {
			defer wg.Done()
			defer func() { <-sem }()
			sent, err := h.sendDigest(ctx, u, day)
			mu.Lock()
			defer mu.Unlock()
			if err != nil && firstErr == nil {
				firstErr = err
			}
			if sent {
				n++
			}
		}(u)
	}
	wg.Wait()
	return n, firstErr
}

// sendDigest sends one unit's digest to its chats; false when it has none.
func (h *Handler) sendDigest(ctx context.Context, u *units.Unit, day chihuy.Day) (bool, error) {
	targets, err := h.Store.Targets(ctx, u.Code)
	if err != nil || len(targets) == 0 {
		return false, err
	}
	// A run again after a crash skips the units already queued (their
	// keys are known); the outbox would drop the copies anyway, this
	// spares computing and rendering them.
	firsts := make([]string, len(targets))
	for i, b := range targets {
		firsts[i] = outboxkey.DigestPart(day, u.Code, b.Chat, 0)
	}
	if n, err := h.Store.Known(ctx, firsts...); err != nil {
		return false, err
	} else if n == len(firsts) {
		return true, nil
	}
	d, err := h.Digest(ctx, u, day)
	if err != nil {
		return false, err
	}
	png, err := h.TrendChart(ctx, u, day)
	if err != nil {
		h.Log.Warn().Err(err).Str("unit", u.Code).Msg("digest chart")
	}
	var msgs []chihuy.Message
	for _, b := range targets {
		parts := digest.Render(d, h.textLimit(b.Chat))
		for i, part := range parts {
			msgs = append(msgs, chihuy.Message{Key: outboxkey.DigestPart(day, u.Code, b.Chat, i), Chat: b.Chat, Group: b.Kind == chihuy.Group, Thread: b.Thread,
				Priority: chihuy.PriorityBulk, Text: part})
		}
		if png != nil {
			msgs = append(msgs, chihuy.Message{Key: outboxkey.DigestChart(day, u.Code, b.Chat), Chat: b.Chat, Group: b.Kind == chihuy.Group, Thread: b.Thread,
				Priority: chihuy.PriorityBulk, Text: fmt.Sprintf(msgChartCaption, u.FullName()),
				File: &chihuy.File{Name: "xu-huong-" + u.Code + ".png", Photo: true, Data: png}})
		}
	}
	_, err = h.Store.Enqueue(ctx, msgs...)
	return err == nil, err
}

// Digest is Summarize plus what only the evening digest shows: open
// directives with their acknowledgement rates and the localities below
// the vaccination coverage thresholds.
func (h *Handler) Digest(ctx context.Context, u *units.Unit, day chihuy.Day) (digest.Digest, error) {
	d, err := h.Summarize(ctx, u, day)
	if err != nil {
		return d, err
	}
	open, err := h.Store.OpenDirectives(ctx, u.Code)
	if err != nil {
		return d, err
	}
	for _, x := range open {
		d.Directives = append(d.Directives, digest.Directive{ID: x.ID, Title: firstLine(x.Body, 60), Acked: x.Counts.Acked, Total: x.Counts.Total})
	}
	if d.Coverage, err = h.coverage(ctx, u); err != nil {
		return d, err
	}
	return d, nil
}

// coverage lists u's children below a coverage threshold: cumulative doses
// over the population group of the element's denominator.
func (h *Handler) coverage(ctx context.Context, u *units.Unit) ([]digest.Coverage, error) {
	if len(h.Coverage) == 0 || len(u.Children) == 0 {
		return nil, nil
	}
	cum, err := readCumulative(ctx, h.Store, h.Tree, h.Reorg, u.Children)
	if err != nil {
		return nil, err
	}
	var out []digest.Coverage
	for _, e := range h.DataSet.Elements {
		threshold, ok := h.Coverage[e.Code]
		if !ok || e.Denominator == "" {
			continue
		}
		for _, c := range u.Children {
			pop := population(c.EffectivePopulation(), e.Denominator)
			if pop <= 0 {
				continue
			}
			rate := float64(cum[c.Code][e.Code]) / float64(pop)
			if rate < threshold {
				out = append(out, digest.Coverage{Name: c.FullName(), Element: e.Label, Rate: rate * 100, Threshold: threshold * 100})
			}
		}
	}
	return out, nil
}

func population(p units.Population, d dataset.Denominator) int64 {
	switch d {
	case dataset.DenomAdults:
		return p.Adults
	case dataset.DenomAge12to17:
		return p.Age12to17
	case dataset.DenomAge5to11:
		return p.Age5to11
	}
	return p.Total
}

// TrendChart draws the 7 days to day of u: new cases (community part
// stacked) and F1. It is nil when the data set has no headline element.
func (h *Handler) TrendChart(ctx context.Context, u *units.Unit, day chihuy.Day) ([]byte, error) {
	hl := h.headline()
	if hl == "" {
		return nil, nil
	}
	days := make([]chihuy.Day, 7)
	for i := range days {
		days[i] = day.AddDays(i - 6)
	}
	vals, err := readAggregates(ctx, h.Store, h.Tree, h.Reorg, []*units.Unit{u}, days, h.DataSet.Aggregations())
	if err != nil {
		return nil, err
	}
	var s chart.Series
	for _, d := range days {
		v := vals[u.Code][d]
		s.F0 = append(s.F0, v[hl])
		s.F0Community = append(s.F0Community, v["f0cd"])
		s.F1 = append(s.F1, v["f1"])
	}
	return chart.Trend(fmt.Sprintf(chart.TrendTitle, len(days), u.FullName()), days, s)
}

// WeeklyCompile sends every unit whose children have children (a province:
// its districts) the table of the week from..to by child, as text and
// XLSX.
func (h *Handler) WeeklyCompile(ctx context.Context, from, to chihuy.Day) (int, error) {
	n := 0
	cols := Columns(h.DataSet)
	for _, u := range h.Tree.Units() {
		if u.IsLeaf() || allLeaves(u.Children) {
			continue
		}
		targets, err := h.Store.Targets(ctx, u.Code)
		if err != nil || len(targets) == 0 {
			if err != nil {
				return n, err
			}
			continue
		}
		wk, err := h.weekly(ctx, u, from, to, cols)
		if err != nil {
			return n, err
		}
		var buf bytes.Buffer
		if err := export.WriteWeeklyXLSX(&buf, wk); err != nil {
			return n, err
		}
		text := h.weeklyText(wk, u)
		var msgs []chihuy.Message
		for _, b := range targets {
			msgs = append(msgs,
				chihuy.Message{Key: outboxkey.Weekly(to, u.Code, b.Chat), Chat: b.Chat, Group: b.Kind == chihuy.Group, Thread: b.Thread, Priority: chihuy.PriorityBulk, Text: text},
				chihuy.Message{Key: outboxkey.WeeklyFile(to, u.Code, b.Chat), Chat: b.Chat, Group: b.Kind == chihuy.Group, Thread: b.Thread, Priority: chihuy.PriorityBulk,
					Text: fmt.Sprintf(msgWeeklyFile, u.FullName(), from.Short(), to.Short()),
					File: &chihuy.File{Name: fmt.Sprintf("tuan-%s-%s.xlsx", u.Code, to), Data: buf.Bytes()}})
		}
		if _, err := h.Store.Enqueue(ctx, msgs...); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}

func allLeaves(us []*units.Unit) bool {
	for _, u := range us {
		if !u.IsLeaf() {
			return false
		}
	}
	return true
}

// weekly builds the week's table of u by child.
func (h *Handler) weekly(ctx context.Context, u *units.Unit, from, to chihuy.Day, cols []export.Column) (export.Weekly, error) {
	wk := export.Weekly{Title: u.Title() + msgWeeklyTitle, From: from, To: to, Columns: cols}
	var days []chihuy.Day
	for d := from; !d.After(to); d = d.AddDays(1) {
		days = append(days, d)
	}
	aggs := h.DataSet.Aggregations()
	vals, err := readAggregates(ctx, h.Store, h.Tree, h.Reorg, u.Children, days, aggs)
	if err != nil {
		return wk, err
	}
	for _, c := range u.Children {
		total := map[string]int64{}
		for _, d := range days {
			for code, v := range vals[c.Code][d] {
				switch aggs.Of(code) {
				case dataset.Latest:
					total[code] = v
				case dataset.Max:
					total[code] = max(total[code], v)
				default:
					total[code] += v
				}
			}
		}
		wk.Rows = append(wk.Rows, export.WeeklyRow{Unit: c.Code, Name: c.FullName(), Values: total})
	}
	return wk, nil
}

// weeklyText is the week's table in a chat message: one line per child
// with the first elements.
func (h *Handler) weeklyText(wk export.Weekly, u *units.Unit) string {
	show := min(4, len(wk.Columns))
	var heads []string
	for _, c := range wk.Columns[:show] {
		heads = append(heads, h.DataSet.Label(c.Code))
	}
	lines := []string{fmt.Sprintf(msgWeeklyHead, u.FullName(), wk.From.Short(), wk.To.Short()), strings.Join(heads, " · ")}
	for _, r := range wk.Rows {
		var vs []string
		for _, c := range wk.Columns[:show] {
			vs = append(vs, vntext.Number(r.Values[c.Code]))
		}
		lines = append(lines, "• "+r.Name+": "+strings.Join(vs, " · "))
	}
	return strings.Join(lines, "\n")
}
