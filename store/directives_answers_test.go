package store_test

// Deliveries, acknowledgements and results. Helpers are in
// directives_test.go.

import (
	"context"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/chihuy/chihuy"
	"github.com/chihuy/chihuy/directive"
	"github.com/chihuy/chihuy/internal/redistest"
	"github.com/chihuy/chihuy/store"
)

func TestDeliveryCounts(t *testing.T) {
	ctx := context.Background()
	st := cdStore(t)
	targets := []directive.TargetUnit{
		{Unit: "03598", Parent: "111", Chats: 2}, // a group and a member's private chat
		{Unit: "03601", Parent: "111", Chats: 1},
		{Unit: "03602", Parent: "111", Chats: 1},
		{Unit: "03605", Parent: "111", Chats: 0}, // not enrolled
	}
	id := cdNew(t, st, "111", targets, nil)
	if c := cdCounts(t, st, id); c != (directive.Counts{Total: 4, Failed: 1}) {
		t.Fatalf("at creation: %+v", c)
	}
	group := chihuy.ChatRef{Platform: chihuy.Telegram, ID: "-100598"}
	private := chihuy.ChatRef{Platform: chihuy.Zalo, ID: "p598"}
	steps := []struct {
		name   string
		do     func() error
		want   directive.Counts
		finish bool
	}{
		{"group of 03598 fails", func() error {
			return st.DirectiveFailed(ctx, id, "03598", group, "chat not found", cdT0.Add(time.Second))
		}, directive.Counts{Total: 4, Failed: 1}, false},
		{"its private chat is reached", func() error {
			return st.DirectiveDelivered(ctx, id, "03598", private, cdT0.Add(2*time.Second))
		}, directive.Counts{Total: 4, Sent: 1, Failed: 1}, false},
		{"the same delivery reported again", func() error {
			return st.DirectiveDelivered(ctx, id, "03598", private, cdT0.Add(3*time.Second))
		}, directive.Counts{Total: 4, Sent: 1, Failed: 1}, false},
		{"03601 reached", func() error {
			return st.DirectiveDelivered(ctx, id, "03601", cdChat("03601"), cdT0.Add(4*time.Second))
		}, directive.Counts{Total: 4, Sent: 2, Failed: 1}, false},
		{"03602 fails", func() error {
			return st.DirectiveFailed(ctx, id, "03602", cdChat("03602"), "blocked", cdT0.Add(5*time.Second))
		}, directive.Counts{Total: 4, Sent: 2, Failed: 2}, true},
		{"the same failure reported again", func() error {
			return st.DirectiveFailed(ctx, id, "03602", cdChat("03602"), "blocked", cdT0.Add(6*time.Second))
		}, directive.Counts{Total: 4, Sent: 2, Failed: 2}, true},
	}
	for _, s := range steps {
		if err := s.do(); err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		d, err := st.Directive(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if d.Counts != s.want {
			t.Errorf("%s: counts %+v, want %+v", s.name, d.Counts, s.want)
		}
		if d.Finished.IsZero() == s.finish {
			t.Errorf("%s: finished = %v", s.name, d.Finished)
		}
	}
	d, _ := st.Directive(ctx, id)
	if !d.Finished.Equal(cdT0.Add(5 * time.Second)) {
		t.Errorf("finished at %v, want the last settling report", d.Finished)
	}
	status, err := st.DirectiveStatus(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	u := status.Units[0]
	if u.Unit != "03598" || u.Reached != 1 || u.FailedChats != 1 || u.Failure != "chat not found" || u.Failed() ||
		!u.DeliveredAt.Equal(cdT0.Add(2*time.Second)) {
		t.Errorf("03598: %+v", u)
	}
	if u := status.Units[3]; u.Unit != "03605" || !u.Failed() || u.Failure != directive.DeliveryNoChat {
		t.Errorf("03605: %+v", u)
	}
	cdWantCode(t, st.DirectiveDelivered(ctx, id, "99999", cdChat("99999"), cdT0), chihuy.ENOTFOUND)
	cdWantCode(t, st.DirectiveDelivered(ctx, "CD-111-0099", "03601", cdChat("03601"), cdT0), chihuy.ENOTFOUND)
	if c := cdCounts(t, st, id); c != (directive.Counts{Total: 4, Sent: 2, Failed: 2}) {
		t.Errorf("after refused reports: %+v", c)
	}
}

func TestAckIsIdempotent(t *testing.T) {
	ctx := context.Background()
	st := cdStore(t)
	tree := cdLoadTree(t)
	id := cdNew(t, st, "111", tree.targets(tree.children("111"), 1), nil)
	unit := "03601"
	if err := st.DirectiveDelivered(ctx, id, unit, cdChat(unit), cdT0); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		by    chihuy.UserRef
		at    time.Time
		first bool
	}{
		{cdUser(unit), cdT0.Add(time.Minute), true},
		{cdUser(unit), cdT0.Add(2 * time.Minute), false},     // button pressed twice
		{cdUser("other"), cdT0.Add(3 * time.Minute), false},  // another member of the unit
		{chihuy.UserRef{}, cdT0.Add(4 * time.Minute), false}, // /danhan from an unknown sender
		{cdUser(unit), cdT0.Add(-time.Hour), false},          // a late replay with an old time
		{cdUser(unit), cdT0.Add(24 * time.Hour), false},      // much later
		{cdUser(unit), cdT0.Add(time.Minute + time.Second), false},
	}
	for i, tt := range tests {
		first, err := st.AckDirective(ctx, id, unit, tt.by, tt.at)
		if err != nil {
			t.Fatal(err)
		}
		if first != tt.first {
			t.Errorf("ack %d: first = %v, want %v", i, first, tt.first)
		}
	}
	status, err := st.DirectiveStatus(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if status.Counts.Acked != 1 {
		t.Errorf("acked = %d, want 1", status.Counts.Acked)
	}
	for _, u := range status.Units {
		if u.Unit == unit && (u.AckedBy != cdUser(unit) || !u.AckedAt.Equal(cdT0.Add(time.Minute))) {
			t.Errorf("ack kept as %v by %v, want the first", u.AckedAt, u.AckedBy)
		}
	}
	unacked, err := st.UnackedUnits(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if len(unacked) != len(tree.children("111"))-1 || slices.Contains(unacked, unit) {
		t.Errorf("unacked = %v", unacked)
	}
}

func TestForgedAckChangesNothing(t *testing.T) {
	ctx := context.Background()
	st := cdStore(t)
	tree := cdLoadTree(t)
	id := cdNew(t, st, "111", tree.targets(tree.children("111"), 1), nil)
	for _, u := range tree.children("111") {
		if err := st.DirectiveDelivered(ctx, id, u, cdChat(u), cdT0); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := st.AckDirective(ctx, id, "03601", cdUser("03601"), cdT0); err != nil {
		t.Fatal(err)
	}
	before, err := st.DirectiveStatus(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	forged := []struct {
		name, id, unit string
	}{
		{"unit not targeted (a chat of another district)", id, "03390"},
		{"unit of the issuer itself", id, "111"},
		{"empty unit", id, ""},
		{"unknown id", "CD-111-0999", "03601"},
		{"id of another issuer", "CD-106-0001", "03601"},
		{"malformed id", "CD-111-0001}x", "03601"},
		{"not an id", "xyz", "03601"},
	}
	for _, f := range forged {
		first, err := st.AckDirective(ctx, f.id, f.unit, cdUser("evil"), cdT0.Add(time.Hour))
		if first || chihuy.ErrorCode(err) != chihuy.ENOTFOUND {
			t.Errorf("%s: first=%v err=%v, want ENOTFOUND", f.name, first, err)
		}
		if _, err := st.RecordDirectiveResult(ctx, f.id, f.unit, cdUser("evil"), "xong", cdT0.Add(time.Hour)); chihuy.ErrorCode(err) != chihuy.ENOTFOUND {
			t.Errorf("%s: result err=%v, want ENOTFOUND", f.name, err)
		}
	}
	after, err := st.DirectiveStatus(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(before, after) {
		t.Errorf("forged acks changed the status:\nbefore %+v\nafter  %+v", before.Counts, after.Counts)
	}
	if _, err := st.Directive(ctx, "CD-111-0999"); chihuy.ErrorCode(err) != chihuy.ENOTFOUND {
		t.Errorf("a forged ack created a directive: %v", err)
	}
}

func TestAckByState(t *testing.T) {
	ctx := context.Background()
	st := cdStore(t)
	targets := cdSynthetic(3)
	id := cdNew(t, st, "12", targets, func(d *directive.Directive) { d.State = directive.Pending })
	u := targets[0].Unit

	_, err := st.AckDirective(ctx, id, u, cdUser(u), cdT0)
	cdWantCode(t, err, chihuy.ECONFLICT) // not confirmed: nobody got it

	changed, err := st.ConfirmDirective(ctx, id, cdT0.Add(time.Minute))
	if err != nil || !changed {
		t.Fatalf("confirm: %v %v", changed, err)
	}
	if changed, err := st.ConfirmDirective(ctx, id, cdT0.Add(2*time.Minute)); err != nil || changed {
		t.Fatalf("confirm again: %v %v", changed, err)
	}
	d, _ := st.Directive(ctx, id)
	if d.State != directive.Active || !d.Started.Equal(cdT0.Add(time.Minute)) {
		t.Fatalf("after confirm: %s started %v", d.State, d.Started)
	}
	if first, err := st.AckDirective(ctx, id, u, cdUser(u), cdT0.Add(time.Hour)); err != nil || !first {
		t.Fatalf("ack active: %v %v", first, err)
	}

	if err := st.CloseDirective(ctx, id, cdT0.Add(48*time.Hour)); err != nil {
		t.Fatal(err)
	}
	late := targets[1].Unit
	if first, err := st.AckDirective(ctx, id, late, cdUser(late), cdT0.Add(49*time.Hour)); err != nil || !first {
		t.Fatalf("late ack of a closed directive: %v %v", first, err)
	}
	_, err = st.ConfirmDirective(ctx, id, cdT0)
	cdWantCode(t, err, chihuy.ECONFLICT)
	cdWantCode(t, st.CloseDirective(ctx, id, cdT0), chihuy.ECONFLICT)

	id2 := cdNew(t, st, "12", targets, nil)
	if _, err := st.CancelDirective(ctx, id2, cdT0.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	_, err = st.AckDirective(ctx, id2, u, cdUser(u), cdT0.Add(time.Hour))
	cdWantCode(t, err, chihuy.ECONFLICT)
	_, err = st.RecordDirectiveResult(ctx, id2, u, cdUser(u), "đã xong", cdT0.Add(time.Hour))
	cdWantCode(t, err, chihuy.ECONFLICT)
	if c := cdCounts(t, st, id2); c.Acked != 0 || c.Results != 0 {
		t.Errorf("cancelled directive counts changed: %+v", c)
	}
}

func TestRestartMidBroadcastKeepsAcks(t *testing.T) {
	ctx := context.Background()
	srv := redistest.Start(t, true)
	prefix := redistest.Prefix(t)
	st := store.New(srv.Client(t), store.WithPrefix(prefix))
	targets := cdSynthetic(2000)
	id := cdNew(t, st, "VN", targets, func(d *directive.Directive) { d.State = directive.Pending })
	if _, err := st.ConfirmDirective(ctx, id, cdT0); err != nil {
		t.Fatal(err)
	}
	// Half delivered, 300 acknowledged, then Redis and the bot restart.
	for i, tg := range targets[:1000] {
		if err := st.DirectiveDelivered(ctx, id, tg.Unit, cdChat(tg.Unit), cdT0.Add(time.Duration(i)*time.Millisecond)); err != nil {
			t.Fatal(err)
		}
	}
	acked := map[string]bool{}
	for _, tg := range targets[:300] {
		if _, err := st.AckDirective(ctx, id, tg.Unit, cdUser(tg.Unit), cdT0.Add(time.Minute)); err != nil {
			t.Fatal(err)
		}
		acked[tg.Unit] = true
	}
	srv.Restart(t)
	st = store.New(srv.Client(t), store.WithPrefix(prefix))

	status, err := st.DirectiveStatus(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if status.Counts != (directive.Counts{Total: 2000, Sent: 1000, Acked: 300}) {
		t.Fatalf("after restart: %+v", status.Counts)
	}
	for _, u := range status.Units {
		if u.Acked() != acked[u.Unit] {
			t.Fatalf("unit %s acked=%v after restart, want %v", u.Unit, u.Acked(), acked[u.Unit])
		}
	}
	// The sender resumes: the last 10 sends before the restart are
	// reported again (at least once), then the rest; acks repeat too.
	for _, tg := range targets[990:] {
		if err := st.DirectiveDelivered(ctx, id, tg.Unit, cdChat(tg.Unit), cdT0.Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
	}
	for _, tg := range targets[:300] {
		if first, err := st.AckDirective(ctx, id, tg.Unit, cdUser(tg.Unit), cdT0.Add(2*time.Hour)); err != nil || first {
			t.Fatalf("ack of %s again after restart: first=%v err=%v", tg.Unit, first, err)
		}
	}
	if _, err := st.AckDirective(ctx, id, targets[1500].Unit, cdUser("x"), cdT0.Add(2*time.Hour)); err != nil {
		t.Fatal(err)
	}
	d, err := st.Directive(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if d.Counts != (directive.Counts{Total: 2000, Sent: 2000, Acked: 301}) || !d.Finished.Equal(cdT0.Add(time.Hour)) {
		t.Errorf("after resuming: %+v finished %v", d.Counts, d.Finished)
	}
}

func TestDirectiveResults(t *testing.T) {
	ctx := context.Background()
	st := cdStore(t)
	tree := cdLoadTree(t)
	communes := tree.children("111")
	id := cdNew(t, st, "111", tree.targets(communes, 1), func(d *directive.Directive) { d.ResultRequired = true })
	steps := []struct {
		unit, text string
		at         time.Time
		first      bool
	}{
		{communes[0], "Đã rà soát 120 hộ, phát hiện 2 F1.", cdT0.Add(time.Hour), true},
		{communes[0], "  Bổ sung: đã rà soát 135 hộ, 3 F1.  ", cdT0.Add(2 * time.Hour), false},
		{communes[1], "Hoàn thành.", cdT0.Add(3 * time.Hour), true},
	}
	for _, s := range steps {
		first, err := st.RecordDirectiveResult(ctx, id, s.unit, cdUser(s.unit), s.text, s.at)
		if err != nil {
			t.Fatal(err)
		}
		if first != s.first {
			t.Errorf("result of %s at %v: first=%v, want %v", s.unit, s.at, first, s.first)
		}
	}
	_, err := st.RecordDirectiveResult(ctx, id, communes[2], cdUser(communes[2]), "   ", cdT0)
	cdWantCode(t, err, chihuy.EINVALID)

	status, err := st.DirectiveStatus(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if status.Counts.Results != 2 || status.Counts.Acked != 2 {
		t.Errorf("counts %+v, want 2 results that also acknowledge", status.Counts)
	}
	byUnit := map[string]directive.UnitStatus{}
	for _, u := range status.Units {
		byUnit[u.Unit] = u
	}
	if u := byUnit[communes[0]]; u.Result != "Bổ sung: đã rà soát 135 hộ, 3 F1." || !u.ResultAt.Equal(cdT0.Add(2*time.Hour)) ||
		!u.AckedAt.Equal(cdT0.Add(time.Hour)) || u.ResultBy != cdUser(communes[0]) {
		t.Errorf("latest result replaces, ack keeps the first time: %+v", u)
	}
	missing, err := st.MissingResults(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if len(missing) != len(communes)-2 || slices.Contains(missing, communes[0]) || slices.Contains(missing, communes[1]) {
		t.Errorf("missing results = %v", missing)
	}
	if got := status.MissingResults(); len(got) != len(missing) {
		t.Errorf("status.MissingResults() has %d units, want %d", len(got), len(missing))
	}
	if got := status.Unacked(); len(got) != len(communes)-2 {
		t.Errorf("status.Unacked() has %d units", len(got))
	}
	_, err = st.MissingResults(ctx, "CD-111-0999")
	cdWantCode(t, err, chihuy.ENOTFOUND)
}
