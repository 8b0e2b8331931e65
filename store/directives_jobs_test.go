package store_test

// Reminders, deadline reports and progress edits. Helpers are in
// directives_test.go.

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/chihuy/chihuy"
	"github.com/chihuy/chihuy/directive"
)

func TestDueReminders(t *testing.T) {
	ctx := context.Background()
	st := cdStore(t)
	tree := cdLoadTree(t)
	communes := tree.children("111") // 10 communes
	id := cdNew(t, st, "111", tree.targets(communes, 1), func(d *directive.Directive) { d.Deadline = cdT0.Add(9 * time.Hour) })
	pending := cdNew(t, st, "111", tree.targets(communes, 1), func(d *directive.Directive) { d.State = directive.Pending })
	// communes[0..7] reached at t0, [8] at t0+1h, [9] never; [0] and [1] acknowledge.
	for _, u := range communes[:8] {
		if err := st.DirectiveDelivered(ctx, id, u, cdChat(u), cdT0); err != nil {
			t.Fatal(err)
		}
	}
	if err := st.DirectiveDelivered(ctx, id, communes[8], cdChat(communes[8]), cdT0.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	for _, u := range communes[:2] {
		if _, err := st.AckDirective(ctx, id, u, cdUser(u), cdT0.Add(30*time.Minute)); err != nil {
			t.Fatal(err)
		}
	}
	const interval, maxReminders = 2 * time.Hour, 3
	group := communes[2:8]
	steps := []struct {
		at     time.Duration // after t0
		want   []string
		remind bool
	}{
		{2*time.Hour - time.Second, nil, false},
		{2 * time.Hour, group, true},
		{3 * time.Hour, []string{communes[8]}, true},
		{4*time.Hour - time.Second, nil, false},
		{4 * time.Hour, group, true},
		{5 * time.Hour, []string{communes[8]}, true},
		{6 * time.Hour, group, true},
		{7 * time.Hour, []string{communes[8]}, true},
		{8 * time.Hour, nil, false},  // three reminders each: no more
		{10 * time.Hour, nil, false}, // past the deadline
	}
	for _, s := range steps {
		now := cdT0.Add(s.at)
		due, err := st.DueReminders(ctx, now, interval, maxReminders)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, d := range due {
			if d.ID == pending {
				t.Fatalf("reminder for an unconfirmed directive at +%v", s.at)
			}
			if d.ID == id {
				got = d.Units
			}
		}
		want := slices.Sorted(slices.Values(s.want))
		if !slices.Equal(got, want) {
			t.Fatalf("due at +%v = %v, want %v", s.at, got, want)
		}
		if s.remind {
			n, err := st.MarkReminded(ctx, id, got, now)
			if err != nil || n != len(got) {
				t.Fatalf("mark reminded at +%v: %d %v", s.at, n, err)
			}
		}
	}
	// An acknowledgement after reminders stops them; marking it is a no-op.
	if _, err := st.AckDirective(ctx, id, communes[2], cdUser(communes[2]), cdT0.Add(8*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if n, err := st.MarkReminded(ctx, id, []string{communes[2], communes[9]}, cdT0.Add(8*time.Hour)); err != nil || n != 0 {
		t.Errorf("mark reminded for acked and unreached units: %d %v", n, err)
	}
	status, err := st.DirectiveStatus(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range status.Units {
		want := 0
		if slices.Contains(communes[2:9], u.Unit) {
			want = maxReminders
		}
		if u.Reminders != want {
			t.Errorf("%s reminded %d times, want %d", u.Unit, u.Reminders, want)
		}
	}
}

func TestDeadlineReportOnce(t *testing.T) {
	ctx := context.Background()
	st := cdStore(t)
	targets := cdSynthetic(5)
	deadline := cdT0.Add(8 * time.Hour)
	id := cdNew(t, st, "12", targets, func(d *directive.Directive) { d.Deadline = deadline })
	cdNew(t, st, "12", targets, nil) // no deadline
	later := cdNew(t, st, "12", targets, func(d *directive.Directive) { d.Deadline = deadline.Add(24 * time.Hour) })

	steps := []struct {
		at   time.Time
		want []string
		mark bool
	}{
		{deadline.Add(-time.Millisecond), nil, false},
		{deadline, []string{id}, false},
		{deadline.Add(time.Minute), []string{id}, true}, // not marked yet: still due
		{deadline.Add(time.Hour), nil, false},
		{deadline.Add(25 * time.Hour), []string{later}, false},
	}
	for _, s := range steps {
		got, err := st.DueDeadlines(ctx, s.at)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(got, s.want) {
			t.Errorf("due deadlines at %v = %v, want %v", s.at, got, s.want)
		}
		if s.mark {
			first, err := st.MarkDeadlineReported(ctx, id, s.at)
			if err != nil || !first {
				t.Fatalf("mark: %v %v", first, err)
			}
			if first, err := st.MarkDeadlineReported(ctx, id, s.at.Add(time.Second)); err != nil || first {
				t.Fatalf("mark again: %v %v", first, err)
			}
		}
	}
	d, _ := st.Directive(ctx, id)
	if !d.DeadlineReported.Equal(deadline.Add(time.Minute)) {
		t.Errorf("reported at %v", d.DeadlineReported)
	}
	_, err := st.MarkDeadlineReported(ctx, "CD-12-0999", deadline)
	cdWantCode(t, err, chihuy.ENOTFOUND)
}

func TestShouldEditProgress(t *testing.T) {
	ctx := context.Background()
	st := cdStore(t)
	id := cdNew(t, st, "12", cdSynthetic(3), nil)
	const every = 3 * time.Second
	steps := []struct {
		at    time.Duration
		final bool
		want  bool
	}{
		{0, false, true},
		{time.Second, false, false},
		{every - time.Millisecond, false, false},
		{every, false, true},
		{every + time.Second, true, true},    // the final edit goes through the throttle
		{every + 2*time.Second, true, false}, // once
		{2*every + time.Second, false, true}, // acknowledgements keep coming: throttled edits
		{2*every + 2*time.Second, false, false},
	}
	for _, s := range steps {
		got, err := st.ShouldEditProgress(ctx, id, cdT0.Add(s.at), every, s.final)
		if err != nil {
			t.Fatal(err)
		}
		if got != s.want {
			t.Errorf("at +%v final=%v: %v, want %v", s.at, s.final, got, s.want)
		}
	}
	_, err := st.ShouldEditProgress(ctx, "CD-12-0999", cdT0, every, false)
	cdWantCode(t, err, chihuy.ENOTFOUND)
}
