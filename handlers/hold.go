package handlers

import (
	"context"
	"crypto/sha256"
	"encoding/base32"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/chihuy/chihuy"
	"github.com/chihuy/chihuy/outboxkey"
	"github.com/chihuy/chihuy/report"
	"github.com/chihuy/chihuy/units"
	"github.com/chihuy/chihuy/vntext"
)

// Checks of a report against what is already known (§4): the day's
// report stays consistent after every change; a value far outside what
// the unit can have, or a word that may mean "add", is held until the
// sender answers — a button on Telegram, /xacnhan everywhere — and nothing
// of it is stored before.

// holdTTL is how long a held report waits for its answer.
const holdTTL = time.Hour

// Plausibility (DHIS2's min-max and outlier idea): a value is far above
// the unit's recent history when it is more than historyFactor times the
// largest value of the last historyDays days and at least historyMargin
// more, with at least historyMin earlier reports of the element.
const (
	historyDays   = 14
	historyFactor = 5
	historyMargin = 20
	historyMin    = 2
)

// Kinds of hold.
const (
	holdPlausible = "plaus" // a value far outside what the unit can have
	holdAdditive  = "add"   // "bổ sung", "thêm" where a value is already stored
)

// Kinds of the hold buttons (outboxkey.Button): store, add to the stored
// values, drop.
const (
	cbHoldOK  = outboxkey.ButtonHoldStore
	cbHoldAdd = outboxkey.ButtonHoldAdd
	cbHoldNo  = outboxkey.ButtonHoldDrop
)

// heldReport is a report waiting for its sender's answer.
type heldReport struct {
	Kind    string           `json:"kind,omitempty"`
	Unit    string           `json:"unit"`
	Day     chihuy.Day       `json:"day"`
	Values  map[string]int64 `json:"values"`
	Added   map[string]int64 `json:"added,omitempty"` // holdAdditive: stored + written
	Word    string           `json:"word,omitempty"`  // the word that may mean "add"
	Reasons []string         `json:"reasons,omitempty"`
	Aside   []report.Aside   `json:"aside,omitempty"`
	Raw     string           `json:"raw,omitempty"`
	By      chihuy.UserRef   `json:"by"`
	ByName  string           `json:"name,omitempty"`
	At      time.Time        `json:"at"`
}

// holdID is a short id derived from the update, so that handling an
// update again holds the same report under the same id.
func holdID(updateID string) string {
	sum := sha256.Sum256([]byte(updateID))
	return base32.StdEncoding.EncodeToString(sum[:])[:5]
}

// isHoldID reports whether s has the shape of a hold id.
func isHoldID(s string) bool {
	if len(s) != 5 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !('A' <= s[i] && s[i] <= 'Z' || '2' <= s[i] && s[i] <= '7') {
			return false
		}
	}
	return true
}

// hold keeps the report back and asks the sender.
func (h *Handler) hold(ctx context.Context, r *request, target *units.Unit, held heldReport, stored map[string]int64) error {
	data, err := json.Marshal(held)
	if err != nil {
		return fmt.Errorf("hold report: %w", err)
	}
	id := holdID(r.u.ID)
	if err := h.Store.PutHold(ctx, r.u.Chat, id, data, holdTTL); err != nil {
		return err
	}
	var lines []string
	var buttons [][]chihuy.Button
	switch held.Kind {
	case holdAdditive:
		lines = append(lines, fmt.Sprintf(msgHoldAddHead, held.Word, target.FullName(), held.Day.Short()))
		var add, repl []string
		for _, e := range h.DataSet.Entries(held.Values) {
			old := stored[e.Code]
			lines = append(lines, fmt.Sprintf(msgHoldAddLine, e.Label, vntext.Number(old), vntext.Number(e.Value),
				vntext.Number(old+e.Value), vntext.Number(e.Value)))
			add = append(add, fmt.Sprintf("%s = %s", e.Code, vntext.Number(old+e.Value)))
			repl = append(repl, fmt.Sprintf("%s = %s", e.Code, vntext.Number(e.Value)))
		}
		lines = append(lines, fmt.Sprintf(msgHoldAddHow, id, id))
		buttons = [][]chihuy.Button{
			{{Text: fmt.Sprintf(btnHoldAdd, strings.Join(add, ", ")), Data: outboxkey.Button(cbHoldAdd, id)}},
			{{Text: fmt.Sprintf(btnHoldReplace, strings.Join(repl, ", ")), Data: outboxkey.Button(cbHoldOK, id)}},
			{{Text: btnHoldDrop, Data: outboxkey.Button(cbHoldNo, id)}},
		}
	default:
		lines = append(lines, fmt.Sprintf(msgHoldHead, target.FullName(), held.Day.Short()))
		for _, e := range h.DataSet.Entries(held.Values) {
			lines = append(lines, fmt.Sprintf(msgEchoLine, e.Label, vntext.Number(e.Value)))
		}
		lines = append(lines, msgHoldWhy)
		for _, why := range held.Reasons {
			lines = append(lines, "• "+why)
		}
		lines = append(lines, fmt.Sprintf(msgHoldHow, id))
		buttons = [][]chihuy.Button{{{Text: btnHoldConfirm, Data: outboxkey.Button(cbHoldOK, id)}, {Text: btnHoldDrop, Data: outboxkey.Button(cbHoldNo, id)}}}
	}
	m := chihuy.Message{Text: strings.Join(lines, "\n")}
	if p, ok := h.Platforms[r.u.Chat.Platform]; ok && p.Buttons {
		m.Buttons = buttons
	}
	return h.replyWith(ctx, r, m)
}

// cmdXacnhan answers /xacnhan: a held report of the chat goes first,
// then a directive waiting for the lead's confirmation (directives.go).
// With nothing waiting, the answer names directives only to a lead of a
// unit that can issue them.
func (h *Handler) cmdXacnhan(ctx context.Context, r *request) error {
	if done, err := h.confirmHeld(ctx, r); done || err != nil {
		return err
	}
	if strings.TrimSpace(r.args) == "" {
		_, err := h.pendingID(ctx, r)
		if chihuy.ErrorCode(err) == chihuy.ENOTFOUND {
			text, err := h.nothingToConfirm(ctx, r)
			if err != nil {
				return err
			}
			return h.reply(ctx, r, text)
		}
		if err != nil {
			return err
		}
	}
	return h.confirmDirective(ctx, r)
}

// nothingToConfirm is the answer to a bare /xacnhan with nothing waiting:
// reports only, unless the sender leads a unit with units below it (who
// may have directives to confirm).
func (h *Handler) nothingToConfirm(ctx context.Context, r *request) (string, error) {
	home, err := h.homeUnit(ctx, r)
	if err != nil {
		return "", err
	}
	if home.IsLeaf() {
		return msgHoldNone, nil
	}
	role, err := h.roleAt(ctx, r, home.Code, chihuy.RoleLead)
	if err != nil {
		return "", err
	}
	if role >= chihuy.RoleLead {
		return msgNothingPending, nil
	}
	return msgHoldNone, nil
}

// confirmHeld answers a held report: "/xacnhan [id]" stores it as
// written, "/xacnhan [id] cộng" adds it to what was stored, "/xacnhan [id]
// thay" replaces it, "/xacnhan [id] hủy" drops it; without id, the chat's
// latest hold. A report whose "bổ sung"/"thêm" may mean adding needs
// "cộng" or "thay": without either nothing is stored and the sender is
// asked again (never guess which). It reports whether the command was
// about a held report: without id and with no hold waiting in the chat,
// it was not (a directive may be waiting).
func (h *Handler) confirmHeld(ctx context.Context, r *request) (bool, error) {
	if r.unit == nil {
		return false, nil
	}
	id, choice, chosen := "", cbHoldOK, false
	// answers are the different answers the words name: more than one
	// ("thay cộng", "ok hủy") is not guessed at.
	answers := map[string]bool{}
	for _, w := range strings.Fields(r.args) {
		switch vntext.Fold(w) {
		case "cong", "congthem", "them":
			choice, chosen = cbHoldAdd, true
			answers[choice] = true
		case "huy", "bo", "khong":
			choice, chosen = cbHoldNo, true
			answers[choice] = true
		case "thay", "sua":
			choice, chosen = cbHoldOK, true
			answers[choice] = true
		case "dong", "y", "ok":
			// "đồng ý": confirms a value, does not choose between
			// adding and replacing
			choice = cbHoldOK
			answers[choice] = true
		default:
			if !isHoldID(strings.ToUpper(w)) {
				return false, nil // a directive's id ("/xacnhan CD-12-0001")
			}
			id = strings.ToUpper(w)
		}
	}
	named := id != ""
	if !named {
		last, err := h.Store.LastHold(ctx, r.u.Chat)
		if err != nil || last == "" {
			return false, err
		}
		id = last
	}
	if len(answers) > 1 {
		return true, h.reply(ctx, r, fmt.Sprintf(msgHoldTwoAnswers, id, id, id, id))
	}
	if !chosen {
		ask, err := h.needsChoice(ctx, r.u.Chat, id)
		if err != nil {
			return true, err
		}
		if ask {
			return true, h.reply(ctx, r, fmt.Sprintf(msgHoldAddChoose, id, id, id))
		}
	}
	text, err := h.answerHold(ctx, r, choice, id)
	if err != nil {
		return true, err
	}
	if text == fmt.Sprintf(msgHoldGone, id) && !named {
		return false, nil // answered already: a directive may be waiting
	}
	if text != "" {
		return true, h.reply(ctx, r, text)
	}
	return true, nil
}

// needsChoice reports whether hold id of chat is still waiting and asks
// whether to add or replace, which a bare confirmation does not answer.
func (h *Handler) needsChoice(ctx context.Context, chat chihuy.ChatRef, id string) (bool, error) {
	data, err := h.Store.PeekHold(ctx, chat, id)
	if chihuy.ErrorCode(err) == chihuy.ENOTFOUND {
		return false, nil // answered or expired: said so below
	}
	if err != nil {
		return false, err
	}
	var held heldReport
	if err := json.Unmarshal(data, &held); err != nil {
		return false, fmt.Errorf("held report %s: %w", id, err)
	}
	return held.Kind == holdAdditive, nil
}

// holdCallback answers a held report from its buttons.
func (h *Handler) holdCallback(ctx context.Context, r *request, kind, id string) error {
	if r.unit == nil {
		return h.answerCallback(ctx, r, msgCdForged)
	}
	text, err := h.answerHold(ctx, r, kind, id)
	if err != nil {
		if chihuy.ErrorCode(err) == chihuy.EINTERNAL || chihuy.ErrorCode(err) == "" {
			return err
		}
		return h.answerCallback(ctx, r, chihuy.ErrorMessage(err))
	}
	if text != "" {
		if err := h.reply(ctx, r, text); err != nil {
			return err
		}
	}
	return h.answerCallback(ctx, r, "")
}

// answerHold takes the hold back and does what the sender chose. It
// returns a text to reply when nothing was stored (dropped, or no longer
// consistent); storing replies with the echo itself.
func (h *Handler) answerHold(ctx context.Context, r *request, choice, id string) (string, error) {
	data, err := h.Store.TakeHold(ctx, r.u.Chat, id)
	if chihuy.ErrorCode(err) == chihuy.ENOTFOUND {
		return fmt.Sprintf(msgHoldGone, id), nil
	}
	if err != nil {
		return "", err
	}
	var held heldReport
	if err := json.Unmarshal(data, &held); err != nil {
		return "", fmt.Errorf("held report %s: %w", id, err)
	}
	target, ok := h.Tree.Get(held.Unit)
	if !ok {
		return fmt.Sprintf(msgHoldGone, id), nil
	}
	if err := h.require(ctx, r, target, chihuy.RoleMember); err != nil {
		return "", err
	}
	values := held.Values
	switch {
	case choice == cbHoldNo:
		return fmt.Sprintf(msgHoldDropped, id), nil
	case choice == cbHoldAdd && held.Added != nil:
		values = held.Added
	case choice == cbHoldAdd:
		return fmt.Sprintf(msgHoldNoAdd, id), nil
	}
	// the day's report may have changed while the report was held
	stored, _, err := h.figures().UnitReport(ctx, target.Code, held.Day)
	if err != nil {
		return "", err
	}
	if msg := h.inconsistent(target, held.Day, stored.Values, values); msg != "" {
		return msg, nil
	}
	return "", h.storeReport(ctx, r, target, held, values)
}

// inconsistent checks the day's report as it would be after the new
// values against the rules of the data set (f0cd ≤ f0, f0kr ≤ f0,
// duongtinh ≤ xn, …). A rule broken by the new values together with a
// stored one refuses the report, naming the stored value; a rule broken
// within the message itself the parser refused already.
func (h *Handler) inconsistent(target *units.Unit, day chihuy.Day, stored, values map[string]int64) string {
	if len(stored) == 0 {
		return ""
	}
	merged := make(map[string]int64, len(stored)+len(values))
	for k, v := range stored {
		merged[k] = v
	}
	for k, v := range values {
		merged[k] = v
	}
	var lines []string
	for _, v := range h.DataSet.Violations(merged) {
		_, newSub := values[v.Sub]
		_, newParent := values[v.Parent]
		switch {
		case newSub && newParent:
			continue
		case newParent:
			// never propose lowering the stored sub-count: only the sender
			// knows which of the two is right
			lines = append(lines, fmt.Sprintf(msgInconsistentBoth, h.DataSet.Label(v.Parent), vntext.Number(v.ParentValue),
				h.DataSet.Label(v.Sub), vntext.Number(v.SubValue), v.Parent, v.Sub))
		default:
			lines = append(lines, fmt.Sprintf(msgInconsistent, h.DataSet.Label(v.Sub), vntext.Number(v.SubValue),
				h.DataSet.Label(v.Parent), vntext.Number(v.ParentValue), v.Parent, vntext.Number(v.SubValue), v.Sub, vntext.Number(v.SubValue)))
		}
	}
	if len(lines) == 0 {
		return ""
	}
	return fmt.Sprintf(msgInconsistentHead, target.FullName(), day.Short()) + "\n" + strings.Join(lines, "\n")
}

// implausible returns why values are far outside what the unit can have:
// above its population, where known, or far above its own recent history.
func (h *Handler) implausible(ctx context.Context, target *units.Unit, day chihuy.Day, values map[string]int64) ([]string, error) {
	var reasons []string
	pop := target.EffectivePopulation().Total
	over := map[string]bool{}
	for _, e := range h.DataSet.Entries(values) {
		if pop > 0 && e.Value > pop {
			reasons = append(reasons, fmt.Sprintf(msgPlausPop, e.Label, vntext.Number(e.Value), target.FullName(), vntext.Number(pop)))
			over[e.Code] = true
		}
	}
	hist, err := h.figures().UnitReports(ctx, []string{target.Code}, day.AddDays(-historyDays), day.AddDays(-1))
	if err != nil {
		return nil, err
	}
	for _, e := range h.DataSet.Entries(values) {
		if over[e.Code] {
			continue
		}
		var most int64
		n := 0
		for _, rep := range hist {
			if v, ok := rep.Values[e.Code]; ok {
				most, n = max(most, v), n+1
			}
		}
		if n >= historyMin && e.Value > historyFactor*most && e.Value-most >= historyMargin {
			reasons = append(reasons, fmt.Sprintf(msgPlausHistory, e.Label, vntext.Number(e.Value), historyDays, vntext.Number(most)))
		}
	}
	return reasons, nil
}
