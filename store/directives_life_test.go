package store_test

// Cancelling and purging directives. Helpers are in directives_test.go.

import (
	"context"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/chihuy/chihuy"
	"github.com/chihuy/chihuy/directive"
)

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
