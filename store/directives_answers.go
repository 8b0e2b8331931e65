package store

// Deliveries and answers: each message of a directive that reached or
// failed a chat, and each unit's acknowledgement and result (the key
// layout is in directives.go).

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/chihuy/chihuy"
)

var cdDeliveredScript = newScript("directive_delivered", scriptSpec{
	libs: []string{"lib_directive"},
	keys: []string{"meta", "targets", "reached", "unreached", "delivered", "sends", "acks", "waiting"},
	args: []string{"unit", "chat", "at"},
})

var cdFailedScript = newScript("directive_failed", scriptSpec{
	libs: []string{"lib_directive"},
	keys: []string{"meta", "targets", "reached", "unreached", "failures", "sends"},
	args: []string{"unit", "chat", "at", "reason"},
})

var cdAckScript = newScript("directive_ack", scriptSpec{
	libs: []string{"lib_directive", "lib_directive_answer"},
	keys: []string{"meta", "targets", "acks", "waiting"},
	args: []string{"unit", "at", "by"},
})

var cdResultScript = newScript("directive_result", scriptSpec{
	libs: []string{"lib_directive", "lib_directive_answer"},
	keys: []string{"meta", "targets", "acks", "results", "waiting"},
	args: []string{"unit", "at", "by", "rec"},
})

// DirectiveDelivered records that the message of directive id reached
// chat of unit (called once per confirmed send; a repeat counts once).
func (s *Store) DirectiveDelivered(ctx context.Context, id, unit string, chat chihuy.ChatRef, at time.Time) error {
	if err := cdCheckID(id); err != nil {
		return cdResult(cdrUnknown, id, unit)
	}
	code, err := cdDeliveredScript.run(ctx, s.rdb, s.cdKeys(id),
		names{"unit": unit, "chat": chat.String(), "at": unixMilli(at)}).Int64()
	if err != nil {
		return fmt.Errorf("directive %s delivered to %s: %w", id, unit, err)
	}
	return cdResult(code, id, unit)
}

// DirectiveFailed records that the message of directive id could not
// reach chat of unit, and why (a repeat counts once).
func (s *Store) DirectiveFailed(ctx context.Context, id, unit string, chat chihuy.ChatRef, reason string, at time.Time) error {
	if err := cdCheckID(id); err != nil {
		return cdResult(cdrUnknown, id, unit)
	}
	code, err := cdFailedScript.run(ctx, s.rdb, s.cdKeys(id),
		names{"unit": unit, "chat": chat.String(), "at": unixMilli(at), "reason": reason}).Int64()
	if err != nil {
		return fmt.Errorf("directive %s failed at %s: %w", id, unit, err)
	}
	return cdResult(code, id, unit)
}

// AckDirective records that unit acknowledged directive id. first is false
// when the unit had acknowledged already (nothing changes). A unknown
// directive or a unit that is not a target is chihuy.ENOTFOUND and changes
// nothing (a forged button); a cancelled or unconfirmed directive is
// chihuy.ECONFLICT. A closed directive still takes late acknowledgements.
func (s *Store) AckDirective(ctx context.Context, id, unit string, by chihuy.UserRef, at time.Time) (first bool, err error) {
	if err := cdCheckID(id); err != nil {
		return false, cdResult(cdrUnknown, id, unit)
	}
	code, err := cdAckScript.run(ctx, s.rdb, s.cdKeys(id),
		names{"unit": unit, "at": unixMilli(at), "by": userString(by)}).Int64()
	if err != nil {
		return false, fmt.Errorf("ack directive %s by %s: %w", id, unit, err)
	}
	return code == 1, cdResult(code, id, unit)
}

// RecordDirectiveResult records unit's result report for directive id
// (/ketqua); a later report replaces it. A result implies receipt: a unit
// that had not acknowledged is acknowledged by it. first is true for the
// unit's first result. Errors as AckDirective; empty text is
// chihuy.EINVALID.
func (s *Store) RecordDirectiveResult(ctx context.Context, id, unit string, by chihuy.UserRef, text string, at time.Time) (first bool, err error) {
	if err := cdCheckID(id); err != nil {
		return false, cdResult(cdrUnknown, id, unit)
	}
	text = strings.TrimSpace(text)
	if text == "" {
		return false, chihuy.Errorf(chihuy.EINVALID, msgDirectiveNoResult, id)
	}
	ms := unixMilli(at)
	rec, err := json.Marshal(cdResultRecord{Text: text, At: ms, By: userString(by)})
	if err != nil {
		return false, fmt.Errorf("result of %s for %s: %w", unit, id, err)
	}
	code, err := cdResultScript.run(ctx, s.rdb, s.cdKeys(id),
		names{"unit": unit, "at": ms, "by": userString(by), "rec": rec}).Int64()
	if err != nil {
		return false, fmt.Errorf("result of %s for %s: %w", unit, id, err)
	}
	return code == 1, cdResult(code, id, unit)
}

// cdResultRecord is a result as stored.
type cdResultRecord struct {
	Text string `json:"t"`
	At   int64  `json:"at"`
	By   string `json:"by"`
}
