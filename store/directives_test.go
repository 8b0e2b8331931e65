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
