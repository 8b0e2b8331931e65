package store_test

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"reflect"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/chihuy/chihuy"
	"github.com/chihuy/chihuy/directive"
	"github.com/chihuy/chihuy/internal/redistest"
	"github.com/chihuy/chihuy/store"
)

// cdT0 is when the test directives are issued: Wednesday 24/11/2021
// 08:00 in Hà Nội.
var cdT0 = time.Date(2021, 11, 24, 1, 0, 0, 0, time.UTC)

var (
	cdLead   = chihuy.UserRef{Platform: chihuy.Telegram, ID: "2002"}
	cdLeadCh = chihuy.ChatRef{Platform: chihuy.Telegram, ID: "-1001001"}
)

func cdStore(t testing.TB) *store.Store {
	t.Helper()
	srv := redistest.Shared(t)
	return store.New(srv.Client(t), store.WithPrefix(redistest.Prefix(t)),
		store.WithClock(chihuy.ClockFunc(func() time.Time { return cdT0 })))
}

// cdTree is the Lai Châu fixture: unit → parent, in file order.
type cdTree struct {
	units  []string
	parent map[string]string
}

func cdLoadTree(t testing.TB) cdTree {
	t.Helper()
	f, err := os.Open("testdata/directive_laichau.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	tree := cdTree{parent: map[string]string{}}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		fields := strings.Fields(line)
		if len(fields) < 2 {
			t.Fatalf("testdata/directive_laichau.txt: bad line %q", line)
		}
		tree.units = append(tree.units, fields[0])
		tree.parent[fields[0]] = fields[1]
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return tree
}

// children returns the units whose parent is unit.
func (tr cdTree) children(unit string) []string {
	var out []string
	for _, u := range tr.units {
		if tr.parent[u] == unit {
			out = append(out, u)
		}
	}
	return out
}

func (tr cdTree) targets(units []string, chats int) []directive.TargetUnit {
	out := make([]directive.TargetUnit, len(units))
	for i, u := range units {
		out[i] = directive.TargetUnit{Unit: u, Parent: tr.parent[u], Chats: chats}
	}
	return out
}

// cdSynthetic makes n commune targets spread over districts of 15, each
// with one chat.
func cdSynthetic(n int) []directive.TargetUnit {
	out := make([]directive.TargetUnit, n)
	for i := range out {
		out[i] = directive.TargetUnit{Unit: fmt.Sprintf("%05d", 10000+i), Parent: fmt.Sprintf("%03d", 100+i/15), Chats: 1}
	}
	return out
}

func cdChat(unit string) chihuy.ChatRef { return chihuy.ChatRef{Platform: chihuy.Zalo, ID: "z" + unit} }

func cdUser(unit string) chihuy.UserRef { return chihuy.UserRef{Platform: chihuy.Zalo, ID: "u" + unit} }

// cdNew creates a directive of issuer with targets and returns its id.
func cdNew(t testing.TB, st *store.Store, issuer string, targets []directive.TargetUnit, mod func(*directive.Directive)) string {
	t.Helper()
	ctx := context.Background()
	id, err := st.NextDirectiveID(ctx, issuer)
	if err != nil {
		t.Fatal(err)
	}
	d := directive.Directive{ID: id, Issuer: issuer, By: cdLead, LeadChat: cdLeadCh, ProgressKey: "cd:" + id + ":lead",
		Body: "Khẩn trương rà soát F1, báo cáo trước 16h.", Created: cdT0}
	if mod != nil {
		mod(&d)
	}
	if err := st.CreateDirective(ctx, d, targets); err != nil {
		t.Fatalf("create %s: %v", id, err)
	}
	return id
}

func cdCounts(t testing.TB, st *store.Store, id string) directive.Counts {
	t.Helper()
	d, err := st.Directive(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return d.Counts
}

func cdWantCode(t testing.TB, err error, code string) {
	t.Helper()
	if got := chihuy.ErrorCode(err); got != code {
		t.Fatalf("error %v has code %q, want %q", err, got, code)
	}
}

// cdRoundTrips counts the commands and pipelines a client sends.
type cdRoundTrips struct{ n atomic.Int64 }

func (h *cdRoundTrips) DialHook(next redis.DialHook) redis.DialHook { return next }

func (h *cdRoundTrips) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		if cmd.Name() != "hello" && cmd.Name() != "client" {
			h.n.Add(1)
		}
		return next(ctx, cmd)
	}
}

func (h *cdRoundTrips) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		if slices.ContainsFunc(cmds, func(c redis.Cmder) bool { return c.Name() != "client" && c.Name() != "hello" }) {
			h.n.Add(1)
		}
		return next(ctx, cmds)
	}
}

func TestNextDirectiveID(t *testing.T) {
	ctx := context.Background()
	st := cdStore(t)
	tests := []struct{ unit, want string }{
		{"12", "CD-12-0001"}, {"12", "CD-12-0002"}, {"111", "CD-111-0001"}, {"12", "CD-12-0003"}, {"VN", "CD-VN-0001"},
	}
	for _, tt := range tests {
		got, err := st.NextDirectiveID(ctx, tt.unit)
		if err != nil {
			t.Fatal(err)
		}
		if got != tt.want {
			t.Errorf("NextDirectiveID(%s) = %s, want %s", tt.unit, got, tt.want)
		}
	}
	_, err := st.NextDirectiveID(ctx, "")
	cdWantCode(t, err, chihuy.EINVALID)
}

func TestCreateDirective2000Targets(t *testing.T) {
	ctx := context.Background()
	srv := redistest.Shared(t)
	rdb := srv.Client(t)
	rt := &cdRoundTrips{}
	rdb.AddHook(rt)
	st := store.New(rdb, store.WithPrefix(redistest.Prefix(t)))
	targets := cdSynthetic(2000)
	targets = append(targets, targets[5], targets[1999]) // duplicates count once
	deadline := cdT0.Add(8 * time.Hour)
	d := directive.Directive{ID: "CD-12-0042", Issuer: "12", By: cdLead, LeadChat: cdLeadCh, ProgressKey: "cd:CD-12-0042:lead",
		Body: "Tiêm mũi 3 cho người từ 18 tuổi.", Ref: "2468/UBND-VX", Deadline: deadline, ResultRequired: true,
		Created: cdT0, State: directive.Pending}

	rt.n.Store(0)
	if err := st.CreateDirective(ctx, d, targets); err != nil {
		t.Fatal(err)
	}
	if n := rt.n.Load(); n > 3 {
		t.Errorf("create took %d round trips, want at most 3", n)
	}

	got, err := st.Directive(ctx, d.ID)
	if err != nil {
		t.Fatal(err)
	}
	want := d
	want.Counts = directive.Counts{Total: 2000}
	if !cdSameDirective(got, want) {
		t.Errorf("directive =\n%+v\nwant\n%+v", got, want)
	}
	status, err := st.DirectiveStatus(ctx, d.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(status.Units) != 2000 {
		t.Fatalf("status has %d units, want 2000", len(status.Units))
	}
	for i, u := range status.Units {
		if i > 0 && (u.Parent < status.Units[i-1].Parent || u.Parent == status.Units[i-1].Parent && u.Unit <= status.Units[i-1].Unit) {
			t.Fatalf("units not sorted by parent, unit at %d: %+v after %+v", i, u, status.Units[i-1])
		}
		if u.Chats != 1 || u.Acked() || !u.DeliveredAt.IsZero() {
			t.Fatalf("fresh unit %+v", u)
		}
	}
	groups := directive.ByParent(status.Units)
	if len(groups) != 134 || len(groups[0].Units) != 15 || groups[0].Parent != "100" {
		t.Errorf("groups: %d, first %s with %d units", len(groups), groups[0].Parent, len(groups[0].Units))
	}

	// Creating it again, or with bad input, is refused and changes nothing.
	bad := []struct {
		name    string
		d       directive.Directive
		targets []directive.TargetUnit
		code    string
	}{
		{"same id", d, targets[:1], chihuy.ECONFLICT},
		{"id not canonical", directive.Directive{ID: "cd-12-43", Issuer: "12"}, targets[:1], chihuy.EINVALID},
		{"id with a brace", directive.Directive{ID: "CD-1}-0001", Issuer: "12"}, targets[:1], chihuy.EINVALID},
		{"no issuer", directive.Directive{ID: "CD-12-0043"}, targets[:1], chihuy.EINVALID},
		{"no targets", directive.Directive{ID: "CD-12-0043", Issuer: "12"}, nil, chihuy.EINVALID},
		{"closed state", directive.Directive{ID: "CD-12-0043", Issuer: "12", State: directive.Closed}, targets[:1], chihuy.EINVALID},
		{"unknown parent", directive.Directive{ID: "CD-12-0043", Issuer: "12", Parent: "CD-VN-0001"}, targets[:1], chihuy.ENOTFOUND},
	}
	for _, b := range bad {
		err := st.CreateDirective(ctx, b.d, b.targets)
		if chihuy.ErrorCode(err) != b.code {
			t.Errorf("%s: error %v, want code %s", b.name, err, b.code)
		}
	}
	if c := cdCounts(t, st, d.ID); c.Total != 2000 {
		t.Errorf("after refused creates: %+v", c)
	}
	if _, err := st.Directive(ctx, "CD-12-0043"); chihuy.ErrorCode(err) != chihuy.ENOTFOUND {
		t.Errorf("refused directive exists: %v", err)
	}
}

// cdSameDirective compares directives, times by instant.
func cdSameDirective(a, b directive.Directive) bool {
	times := func(d *directive.Directive) []*time.Time {
		return []*time.Time{&d.Deadline, &d.Created, &d.Started, &d.Finished, &d.Cancelled, &d.Closed, &d.DeadlineReported}
	}
	ta, tb := times(&a), times(&b)
	for i := range ta {
		if !ta[i].Equal(*tb[i]) {
			return false
		}
		*ta[i], *tb[i] = time.Time{}, time.Time{}
	}
	return reflect.DeepEqual(a, b)
}

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

func TestCancelDirective(t *testing.T) {
	ctx := context.Background()
	st := cdStore(t)
	tree := cdLoadTree(t)
	communes := tree.children("111")
	id := cdNew(t, st, "111", tree.targets(communes, 1), func(d *directive.Directive) { d.Deadline = cdT0.Add(4 * time.Hour) })
	for _, u := range communes[:3] {
		if err := st.DirectiveDelivered(ctx, id, u, cdChat(u), cdT0); err != nil {
			t.Fatal(err)
		}
	}
	reached, err := st.CancelDirective(ctx, id, cdT0.Add(time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	if want := slices.Sorted(slices.Values(communes[:3])); !reflect.DeepEqual(reached, want) {
		t.Errorf("reached = %v, want %v", reached, want)
	}
	d, _ := st.Directive(ctx, id)
	if d.State != directive.Cancelled || !d.Cancelled.Equal(cdT0.Add(time.Minute)) {
		t.Errorf("state %s cancelled at %v", d.State, d.Cancelled)
	}
	_, err = st.CancelDirective(ctx, id, cdT0.Add(2*time.Minute))
	cdWantCode(t, err, chihuy.ECONFLICT)
	_, err = st.CancelDirective(ctx, "CD-111-0999", cdT0)
	cdWantCode(t, err, chihuy.ENOTFOUND)

	open, err := st.OpenDirectives(ctx, "111")
	if err != nil {
		t.Fatal(err)
	}
	if len(open) != 0 {
		t.Errorf("open after cancel: %v", open)
	}
	due, err := st.DueReminders(ctx, cdT0.Add(3*time.Hour), 2*time.Hour, 3)
	if err != nil || len(due) != 0 {
		t.Errorf("reminders for a cancelled directive: %v %v", due, err)
	}
	dl, err := st.DueDeadlines(ctx, cdT0.Add(5*time.Hour))
	if err != nil || len(dl) != 0 {
		t.Errorf("deadline report for a cancelled directive: %v %v", dl, err)
	}
	// A send that was under way when it was cancelled is still recorded,
	// so that unit is told too.
	if err := st.DirectiveDelivered(ctx, id, communes[3], cdChat(communes[3]), cdT0.Add(2*time.Minute)); err != nil {
		t.Fatal(err)
	}
	if c := cdCounts(t, st, id); c.Sent != 4 {
		t.Errorf("sent = %d, want 4", c.Sent)
	}
}

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

func TestForwardedDirectiveInStatus(t *testing.T) {
	ctx := context.Background()
	st := cdStore(t)
	tree := cdLoadTree(t)
	districts := tree.children("12")
	province := cdNew(t, st, "12", tree.targets(districts, 1), nil)
	for _, d := range districts {
		if err := st.DirectiveDelivered(ctx, province, d, cdChat(d), cdT0); err != nil {
			t.Fatal(err)
		}
	}
	// Tân Uyên (111) forwards to its communes; three acknowledge there.
	if _, err := st.AckDirective(ctx, province, "111", cdUser("111"), cdT0.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	communes := tree.children("111")
	fwd := cdNew(t, st, "111", tree.targets(communes, 1), func(d *directive.Directive) {
		d.Parent = province
		d.Body = "Chuyển tiếp chỉ đạo của tỉnh. Các xã thực hiện ngay."
	})
	for _, c := range communes {
		if err := st.DirectiveDelivered(ctx, fwd, c, cdChat(c), cdT0.Add(2*time.Minute)); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range communes[:3] {
		if _, err := st.AckDirective(ctx, fwd, c, cdUser(c), cdT0.Add(3*time.Minute)); err != nil {
			t.Fatal(err)
		}
	}

	status, err := st.DirectiveStatus(ctx, province)
	if err != nil {
		t.Fatal(err)
	}
	sub, ok := status.Forwards["111"]
	if !ok || len(status.Forwards) != 1 {
		t.Fatalf("forwards = %v", status.Forwards)
	}
	if sub.ID != fwd || sub.Parent != province || sub.Counts.Total != len(communes) || sub.Counts.Acked != 3 {
		t.Errorf("forwarded status %s: parent %s counts %+v", sub.ID, sub.Parent, sub.Counts)
	}
	for _, u := range status.Units {
		if (u.Forwarded != "") != (u.Unit == "111") || u.Unit == "111" && u.Forwarded != fwd {
			t.Errorf("unit %s forwarded = %q", u.Unit, u.Forwarded)
		}
	}
	links, err := st.ForwardedDirectives(ctx, province)
	if err != nil || !reflect.DeepEqual(links, map[string]string{"111": fwd}) {
		t.Errorf("links = %v %v", links, err)
	}

	refused := []struct {
		name, issuer string
		code         string
	}{
		{"forwarded twice", "111", chihuy.ECONFLICT},
		{"not a target of the parent", "03601", chihuy.ENOTFOUND},
	}
	for _, r := range refused {
		id, _ := st.NextDirectiveID(ctx, r.issuer)
		err := st.CreateDirective(ctx, directive.Directive{ID: id, Issuer: r.issuer, Parent: province, Body: "x"}, tree.targets(communes[:1], 1))
		if chihuy.ErrorCode(err) != r.code {
			t.Errorf("%s: %v, want %s", r.name, err, r.code)
		}
	}
	if _, err := st.CancelDirective(ctx, province, cdT0.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	id, _ := st.NextDirectiveID(ctx, "106")
	err = st.CreateDirective(ctx, directive.Directive{ID: id, Issuer: "106", Parent: province, Body: "x"}, tree.targets(tree.children("106"), 1))
	cdWantCode(t, err, chihuy.ECONFLICT)
}

func TestOpenDirectivesNewestFirst(t *testing.T) {
	ctx := context.Background()
	st := cdStore(t)
	targets := cdSynthetic(2)
	var ids []string
	for i := range 4 {
		ids = append(ids, cdNew(t, st, "111", targets, func(d *directive.Directive) {
			d.Created = cdT0.Add(time.Duration(i) * time.Hour)
			if i == 3 {
				d.State = directive.Pending
			}
		}))
	}
	cdNew(t, st, "106", targets, nil) // another unit's
	if err := st.CloseDirective(ctx, ids[1], cdT0.Add(5*time.Hour)); err != nil {
		t.Fatal(err)
	}
	open, err := st.OpenDirectives(ctx, "111")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, d := range open {
		got = append(got, d.ID)
	}
	if want := []string{ids[3], ids[2], ids[0]}; !slices.Equal(got, want) {
		t.Errorf("open = %v, want %v", got, want)
	}
	if open[0].State != directive.Pending || open[1].Body == "" || open[1].By != cdLead || open[1].LeadChat != cdLeadCh {
		t.Errorf("open directive decoded as %+v", open[0])
	}
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

func TestPurgeDirective(t *testing.T) {
	ctx := context.Background()
	st := cdStore(t)
	tree := cdLoadTree(t)
	province := cdNew(t, st, "12", tree.targets(tree.children("12"), 1), nil)
	fwd := cdNew(t, st, "111", tree.targets(tree.children("111"), 1), func(d *directive.Directive) {
		d.Parent = province
		d.Deadline = cdT0.Add(time.Hour)
	})
	if err := st.DirectiveDelivered(ctx, fwd, "03601", cdChat("03601"), cdT0); err != nil {
		t.Fatal(err)
	}
	if err := st.PurgeDirective(ctx, fwd); err != nil {
		t.Fatal(err)
	}
	keys, err := st.Client().Keys(ctx, st.Key("cd:"+fwd)+"*").Result()
	if err != nil || len(keys) != 0 {
		t.Errorf("keys left: %v %v", keys, err)
	}
	if links, _ := st.ForwardedDirectives(ctx, province); len(links) != 0 {
		t.Errorf("link left: %v", links)
	}
	if open, _ := st.OpenDirectives(ctx, "111"); len(open) != 0 {
		t.Errorf("still open: %v", open)
	}
	if due, _ := st.DueDeadlines(ctx, cdT0.Add(2*time.Hour)); len(due) != 0 {
		t.Errorf("still due: %v", due)
	}
	cdWantCode(t, st.PurgeDirective(ctx, fwd), chihuy.ENOTFOUND)
}
