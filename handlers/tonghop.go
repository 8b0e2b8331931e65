package handlers

import (
	"context"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/chihuy/chihuy"
	"github.com/chihuy/chihuy/digest"
	"github.com/chihuy/chihuy/units"
	"github.com/chihuy/chihuy/vntext"
)

// cmdTonghop answers "/tonghop [đơn vị] [ngày]" from the stored aggregates.
func (h *Handler) cmdTonghop(ctx context.Context, r *request) error {
	home, err := h.homeUnit(ctx, r)
	if err != nil {
		return err
	}
	rest, day, err := h.splitDay(r.args)
	if err != nil {
		return err
	}
	u, err := h.readableUnit(ctx, r, home, rest)
	if err != nil {
		return err
	}
	d, err := h.Summarize(ctx, u, day)
	if err != nil {
		return err
	}
	for _, part := range digest.RenderSummary(d, h.textLimit(r.u.Chat)) {
		if err := h.reply(ctx, r, part); err != nil {
			return err
		}
	}
	return nil
}

var (
	dayNumeric = regexp.MustCompile(`(?:^|\s)(?:ngay\s+)?(\d{1,2})[/.-](\d{1,2})(?:[/.-](\d{2,4}))?\s*$`)
	dayISO     = regexp.MustCompile(`(?:^|\s)(\d{4})-(\d{2})-(\d{2})\s*$`)
)

// splitDay takes a date off the end of args ("8/11", "08/11/2021",
// "2021-11-08", "hôm qua", "hôm nay") and returns the rest and the day
// (today when none). A date in the future is refused.
func (h *Handler) splitDay(args string) (string, chihuy.Day, error) {
	today := h.today()
	s := strings.TrimSpace(args)
	folded := vntext.Fold(s)
	// Folding keeps byte lengths of ASCII, not of Vietnamese letters: cut
	// by rune counts instead.
	cut := func(foldedPrefix string) string {
		n := len([]rune(foldedPrefix))
		return strings.TrimSpace(string([]rune(s)[:n]))
	}
	switch {
	case strings.HasSuffix(folded, "hom qua"):
		return cut(strings.TrimSuffix(folded, "hom qua")), today.AddDays(-1), nil
	case strings.HasSuffix(folded, "hom nay"):
		return cut(strings.TrimSuffix(folded, "hom nay")), today, nil
	}
	var day chihuy.Day
	if m := dayISO.FindStringSubmatchIndex(folded); m != nil {
		y, _ := strconv.Atoi(folded[m[2]:m[3]])
		mo, _ := strconv.Atoi(folded[m[4]:m[5]])
		d, _ := strconv.Atoi(folded[m[6]:m[7]])
		var err error
		if day, err = validDay(y, mo, d); err != nil {
			return "", day, err
		}
		return cut(folded[:m[0]]), day, checkNotFuture(day, today)
	}
	if m := dayNumeric.FindStringSubmatchIndex(folded); m != nil {
		d, _ := strconv.Atoi(folded[m[2]:m[3]])
		mo, _ := strconv.Atoi(folded[m[4]:m[5]])
		y := today.Year
		if m[6] >= 0 {
			y, _ = strconv.Atoi(folded[m[6]:m[7]])
			if y < 100 {
				y += 2000
			}
		} else if (chihuy.Day{Year: y, Month: time.Month(mo), Day: d}).After(today) {
			y-- // "28/12" typed on 2 January means last year
		}
		var err error
		if day, err = validDay(y, mo, d); err != nil {
			return "", day, err
		}
		return cut(folded[:m[0]]), day, checkNotFuture(day, today)
	}
	return s, today, nil
}

func validDay(y, m, d int) (chihuy.Day, error) {
	t := time.Date(y, time.Month(m), d, 12, 0, 0, 0, time.UTC)
	if m < 1 || m > 12 || d < 1 || t.Day() != d {
		return chihuy.Day{}, chihuy.Errorf(chihuy.EINVALID, msgBadDate, d, m, y)
	}
	return chihuy.DayOf(t), nil
}

func checkNotFuture(day, today chihuy.Day) error {
	if day.After(today) {
		return chihuy.Errorf(chihuy.EINVALID, msgFutureDate, day.Short())
	}
	return nil
}

// readableUnit resolves the unit a user named (home when none) and checks
// the user may read it.
func (h *Handler) readableUnit(ctx context.Context, r *request, home *units.Unit, name string) (*units.Unit, error) {
	u := home
	if name != "" {
		var err error
		if u, err = h.findUnit(home, name); err != nil {
			return nil, err
		}
	}
	return u, h.require(ctx, r, u, chihuy.RoleMember)
}
