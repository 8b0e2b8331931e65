package directive

import (
	"time"

	"github.com/chihuy/chihuy"
)

// State is where a directive is in its life.
type State string

const (
	// Pending waits for the lead's confirmation (big broadcasts).
	Pending State = "pending"
	// Active is being delivered, acknowledged and reported on.
	Active State = "active"
	// Cancelled was cancelled (/huycd): nothing more is sent.
	Cancelled State = "cancelled"
	// Closed is finished; late acknowledgements and results are still
	// recorded.
	Closed State = "closed"
)

// Open reports whether the directive is pending or active.
func (st State) Open() bool { return st == Pending || st == Active }

// DeliveryNoChat is the failure reason of a target unit that had no chat
// to send to when the directive was created.
const DeliveryNoChat = "no_chat"

// Directive is one directive and its counters.
type Directive struct {
	ID     string
	Issuer string // code of the issuing unit
	By     chihuy.UserRef
	// LeadChat is where the lead issued it; ProgressKey is the outbox key
	// of the progress message there, edited in place.
	LeadChat       chihuy.ChatRef
	ProgressKey    string
	Body           string
	Ref            string
	Deadline       time.Time // zero: none
	ResultRequired bool
	// Targets says who it goes to, by level with counts ("97 xã, 12
	// phường, 4 thị trấn"), as the lead was shown it before sending.
	Targets string
	Created time.Time
	// Parent is the directive this one forwards (/chuyentiep), if any.
	Parent string
	State  State
	// Started is when delivery began (creation when active at once, else
	// confirmation); Finished when every target unit was settled.
	Started, Finished time.Time
	Cancelled, Closed time.Time
	// DeadlineReported is when the deadline report was marked sent.
	DeadlineReported time.Time
	Counts           Counts
}

// Counts counts target units.
type Counts struct {
	Total   int // units targeted
	Sent    int // reached in at least one chat
	Failed  int // settled without being reached
	Acked   int // acknowledged
	Results int // sent their result
}

// TargetUnit is one unit a directive goes to.
type TargetUnit struct {
	Unit string
	// Parent is the unit's parent code (its district, for grouping).
	Parent string
	// Chats is how many messages are enqueued for the unit (its groups and
	// members' private chats). A unit with none counts as failed at once,
	// with DeliveryNoChat.
	Chats int
}

// CheckID accepts only canonical ids (ParseID returns them unchanged):
// ids are part of the store's keys. The error is chihuy.EINVALID.
func CheckID(id string) error {
	if canon, ok := ParseID(id); !ok || canon != id {
		return chihuy.Errorf(chihuy.EINVALID, msgInvalidID, id)
	}
	return nil
}

// Validate checks a directive about to be created: a canonical ID, an
// issuer, a state that is empty (meaning Active), Pending or Active, and a
// canonical Parent when it forwards one. Errors are chihuy.EINVALID.
func (d Directive) Validate() error {
	if err := CheckID(d.ID); err != nil {
		return err
	}
	if d.Issuer == "" {
		return NoIssuer(d.ID)
	}
	if d.State != "" && !d.State.Open() {
		return chihuy.Errorf(chihuy.EINVALID, msgBadState, d.State)
	}
	if d.Parent != "" {
		return CheckID(d.Parent)
	}
	return nil
}

// UniqueTargets returns targets without those of an empty unit and
// without repeats of a unit (the first stands), in their order. A
// directive with none is invalid: the error is chihuy.EINVALID, naming
// directive id.
func UniqueTargets(id string, targets []TargetUnit) ([]TargetUnit, error) {
	seen := make(map[string]bool, len(targets))
	uniq := make([]TargetUnit, 0, len(targets))
	for _, t := range targets {
		if t.Unit != "" && !seen[t.Unit] {
			seen[t.Unit] = true
			uniq = append(uniq, t)
		}
	}
	if len(uniq) == 0 {
		return nil, chihuy.Errorf(chihuy.EINVALID, msgNoTargets, id)
	}
	return uniq, nil
}

// NoIssuer is the error of a directive id without an issuing unit
// (chihuy.EINVALID).
func NoIssuer(id string) error { return chihuy.Errorf(chihuy.EINVALID, msgNoIssuer, id) }
