package directive

import (
	"sort"
	"time"

	"github.com/chihuy/chihuy"
)

// UnitStatus is what happened to a directive at one target unit.
type UnitStatus struct {
	Unit, Parent string
	Chats        int    // messages enqueued
	Reached      int    // chats the message reached
	FailedChats  int    // chats it could not reach
	Failure      string // last failure reason
	DeliveredAt  time.Time
	AckedAt      time.Time
	AckedBy      chihuy.UserRef
	Result       string
	ResultAt     time.Time
	ResultBy     chihuy.UserRef
	Reminders    int
	RemindedAt   time.Time
	// Forwarded is the id of the directive the unit forwarded this one as.
	Forwarded string
}

// Acked reports whether the unit acknowledged.
func (u UnitStatus) Acked() bool { return !u.AckedAt.IsZero() }

// Settled reports whether every enqueued chat was reached or failed.
func (u UnitStatus) Settled() bool { return u.Reached+u.FailedChats >= u.Chats }

// Failed reports whether the unit is settled and was not reached.
func (u UnitStatus) Failed() bool { return u.Reached == 0 && u.Settled() }

// Status is a directive with the status of every target unit.
type Status struct {
	Directive
	// Units are sorted by parent, then unit code.
	Units []UnitStatus
	// Forwards are the directives target units forwarded this one as,
	// by forwarding unit: a district's communes under the district.
	Forwards map[string]Status
}

// Unacked returns the units that have not acknowledged.
func (st Status) Unacked() []UnitStatus {
	var out []UnitStatus
	for _, u := range st.Units {
		if !u.Acked() {
			out = append(out, u)
		}
	}
	return out
}

// MissingResults returns the units that have not sent their result.
func (st Status) MissingResults() []UnitStatus {
	var out []UnitStatus
	for _, u := range st.Units {
		if u.ResultAt.IsZero() {
			out = append(out, u)
		}
	}
	return out
}

// UnitGroup is the target units under one parent.
type UnitGroup struct {
	Parent string
	Units  []UnitStatus
}

// ByParent groups units by parent (district), in parent order: what a big
// broadcast's status lists.
func ByParent(units []UnitStatus) []UnitGroup {
	var out []UnitGroup
	idx := map[string]int{}
	for _, u := range units {
		i, ok := idx[u.Parent]
		if !ok {
			i = len(out)
			idx[u.Parent] = i
			out = append(out, UnitGroup{Parent: u.Parent})
		}
		out[i].Units = append(out[i].Units, u)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Parent < out[j].Parent })
	return out
}
