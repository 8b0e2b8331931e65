package handlers

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/chihuy/chihuy"
	"github.com/chihuy/chihuy/directive"
	"github.com/chihuy/chihuy/vntext"
)

// A directive's status (/trangthai): who received, acknowledged and
// reported, within a screen, with the full list on request.

// cmdTrangthai shows delivery, acknowledgement and results within a
// screen: the progress, then the groups of units (by parent) that need
// action, the most behind first, with a few names each. "/trangthai <mã>
// tatca" gives the full list by unit.
func (h *Handler) cmdTrangthai(ctx context.Context, r *request) error {
	fields := strings.Fields(r.args)
	if len(fields) == 0 {
		return h.reply(ctx, r, msgTrangthaiUsage)
	}
	d, err := h.directiveFor(ctx, r, fields[0], chihuy.RoleMember)
	if err != nil {
		return err
	}
	full := len(fields) > 1 && fullWords[vntext.Fold(strings.Join(fields[1:], " "))]
	st, err := h.Store.DirectiveStatus(ctx, d.ID)
	if err != nil {
		return err
	}
	issuer := h.dirShown(d, d.Issuer)
	head := strings.TrimSuffix(h.progressText(st.Directive, issuer, h.Clock.Now()), fmt.Sprintf(msgCdStatusHint, d.ID))
	lines := []string{head}
	if !full {
		used := strings.Count(strings.Join(lines, "\n"), "\n") + 1
		lines = append(lines, h.statusSummary(st, screenLines-used)...)
		return h.reply(ctx, r, strings.Join(lines, "\n"))
	}
	if ended := h.endedLine(st.Directive); ended != "" {
		lines = append(lines, ended)
	}
	lines = append(lines, h.statusLines(st, "")...)
	for _, part := range splitLines(lines, h.textLimit(r.u.Chat)) {
		if err := h.reply(ctx, r, part); err != nil {
			return err
		}
	}
	return nil
}

// directiveFor loads directive rawID and checks the sender may see it
// (member at the issuing unit) or, with lead, direct it.
func (h *Handler) directiveFor(ctx context.Context, r *request, rawID string, role chihuy.Role) (directive.Directive, error) {
	id, ok := directive.ParseID(rawID)
	if !ok {
		return directive.Directive{}, chihuy.Errorf(chihuy.EINVALID, msgCdBadID, rawID)
	}
	d, err := h.Store.Directive(ctx, id)
	if err != nil {
		return d, err
	}
	issuer, ok := h.dirUnit(d, d.Issuer)
	if !ok {
		return d, chihuy.Errorf(chihuy.ENOTFOUND, msgCdBadID, rawID)
	}
	return d, h.require(ctx, r, issuer, role)
}

// maxStatusNames bounds the names listed per group in /trangthai.
const maxStatusNames = 15

// fullWords ask /trangthai for the full list (folded).
var fullWords = map[string]bool{"tatca": true, "tat ca": true, "day du": true, "du": true, "het": true, "all": true}

// endedLine says that directive d was cancelled or closed, and when: it
// has nobody left to chase. It is "" while d is open.
func (h *Handler) endedLine(d directive.Directive) string {
	format, at := "", time.Time{}
	switch d.State {
	case directive.Cancelled:
		format, at = msgStatusCancelled, d.Cancelled
	case directive.Closed:
		format, at = msgStatusClosed, d.Closed
	default:
		return ""
	}
	when := ""
	if !at.IsZero() {
		when = fmt.Sprintf(msgStatusEndedAt, directive.FormatDeadline(at.In(h.Loc)))
	}
	return fmt.Sprintf(format, when)
}

// statusSummary is the part of /trangthai after the progress, in at most
// room lines: one line per group of units that needs action, or when the
// directive was cancelled or closed, that it was.
func (h *Handler) statusSummary(st directive.Status, room int) []string {
	if ended := h.endedLine(st.Directive); ended != "" {
		lines := []string{ended}
		if len(st.Forwards) > 0 {
			lines = append(lines, fmt.Sprintf(msgStatusForwards, len(st.Forwards)))
		}
		return append(lines, fmt.Sprintf(msgStatusFullHint, st.ID))
	}
	type group struct {
		title                          string
		total, acked, failed, noResult int
		unacked                        []string
	}
	var need []group
	for _, g := range directive.ByParent(st.Units) {
		x := group{title: h.dirName(st.Directive, g.Parent), total: len(g.Units)}
		for _, u := range g.Units {
			switch {
			case u.Failed():
				x.failed++
			case !u.Acked():
				x.unacked = append(x.unacked, h.dirName(st.Directive, u.Unit))
			default:
				x.acked++
			}
			if st.ResultRequired && u.ResultAt.IsZero() {
				x.noResult++
			}
		}
		if x.failed+len(x.unacked)+x.noResult > 0 {
			need = append(need, x)
		}
	}
	var lines []string
	if len(need) == 0 {
		lines = append(lines, msgStatusAllDone)
	} else {
		sort.SliceStable(need, func(i, j int) bool {
			return need[i].failed+len(need[i].unacked) > need[j].failed+len(need[j].unacked)
		})
		lines = append(lines, msgStatusNeedHead)
		shown := min(len(need), max(room-3, 1))
		if shown < len(need) {
			shown = max(shown-1, 1) // room for the "and more" line
		}
		names := 3
		if shown == 1 {
			names = 10
		}
		for _, x := range need[:shown] {
			line := fmt.Sprintf(msgStatusGroup, "", x.title, x.acked, x.total)
			if len(x.unacked) > 0 {
				line += fmt.Sprintf(msgStatusUnackedShort, fewNames(x.unacked, names))
			}
			if x.failed > 0 {
				line += fmt.Sprintf(msgStatusFailedShort, x.failed)
			}
			if x.noResult > 0 {
				line += fmt.Sprintf(msgStatusNoResultShort, x.noResult)
			}
			lines = append(lines, line)
		}
		if rest := len(need) - shown; rest > 0 {
			lines = append(lines, fmt.Sprintf(msgStatusMoreGroups, rest))
		}
	}
	if len(st.Forwards) > 0 {
		lines = append(lines, fmt.Sprintf(msgStatusForwards, len(st.Forwards)))
	}
	return append(lines, fmt.Sprintf(msgStatusFullHint, st.ID))
}

// fewNames lists up to n names, then how many more.
func fewNames(names []string, n int) string {
	if len(names) <= n {
		return strings.Join(names, ", ")
	}
	return strings.Join(names[:n], ", ") + fmt.Sprintf(msgMoreNames, len(names)-n)
}

// statusLines lists, per parent group, the units missing an
// acknowledgement or a result, and the forwarded directives under their
// forwarding unit.
func (h *Handler) statusLines(st directive.Status, indent string) []string {
	var lines []string
	for _, g := range directive.ByParent(st.Units) {
		var unacked, noResult, failed []string
		acked := 0
		for _, u := range g.Units {
			name := h.dirName(st.Directive, u.Unit)
			switch {
			case u.Failed():
				failed = append(failed, name)
			case !u.Acked():
				unacked = append(unacked, name)
			default:
				acked++
			}
			if st.ResultRequired && u.ResultAt.IsZero() {
				noResult = append(noResult, name)
			}
		}
		head := fmt.Sprintf(msgStatusGroup, indent, h.dirName(st.Directive, g.Parent), acked, len(g.Units))
		lines = append(lines, head)
		if len(failed) > 0 {
			lines = append(lines, indent+"  "+fmt.Sprintf(msgStatusFailed, listNames(failed)))
		}
		if len(unacked) > 0 {
			lines = append(lines, indent+"  "+fmt.Sprintf(msgStatusUnacked, listNames(unacked)))
		}
		if len(noResult) > 0 {
			lines = append(lines, indent+"  "+fmt.Sprintf(msgStatusNoResult, listNames(noResult)))
		}
		for _, u := range g.Units {
			if fwd, ok := st.Forwards[u.Unit]; ok {
				lines = append(lines, indent+"  "+fmt.Sprintf(msgStatusForward, h.dirName(st.Directive, u.Unit), fwd.ID, fwd.Counts.Acked, fwd.Counts.Total))
				lines = append(lines, h.statusLines(fwd, indent+"    ")...)
			}
		}
	}
	return lines
}

func listNames(names []string) string {
	if len(names) <= maxStatusNames {
		return strings.Join(names, ", ")
	}
	return strings.Join(names[:maxStatusNames], ", ") + fmt.Sprintf(msgAndMore, len(names)-maxStatusNames)
}

// splitLines packs lines into messages within limit runes.
func splitLines(lines []string, limit int) []string {
	var parts []string
	var cur strings.Builder
	n := 0
	for _, l := range lines {
		ln := len([]rune(l)) + 1
		if n > 0 && n+ln > limit {
			parts = append(parts, cur.String())
			cur.Reset()
			n = 0
		}
		if n > 0 {
			cur.WriteByte('\n')
		}
		cur.WriteString(l)
		n += ln
	}
	if n > 0 {
		parts = append(parts, cur.String())
	}
	return parts
}
