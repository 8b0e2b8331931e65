package bot

// One reservation's send: the message planned as the platform takes it
// (parts of a long text, a caption), the part due sent or edited, and the
// platform's answer turned into the outcome the store settles.

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"
	"unicode/utf8"

	"github.com/chihuy/chihuy"
	"github.com/chihuy/chihuy/store"
	"github.com/chihuy/chihuy/vntext"
)

// defaultCaptionLimit is Telegram's caption limit, in runes.
const defaultCaptionLimit = 1024

// deliver waits for r's slot, sends its next part and says what came of it.
func (o *Outbox) deliver(sendCtx context.Context, stop <-chan struct{}, r *store.Reservation, slot time.Time) *delivery {
	d := &delivery{r: r}
	wait := slot.Sub(o.clock.Now())
	for {
		if wait > 0 {
			select {
			case <-o.clock.After(wait):
			case <-stop:
				d.out = r.Postpone(o.clock.Now(), time.Time{})
				return d
			}
		}
		if until := o.pausedUntil(); o.clock.Now().Before(until) {
			d.out = r.Postpone(until, time.Time{})
			return d
		}
		if wait = o.starts.admit(o.clock.Now()); wait <= 0 {
			break
		}
	}
	now := o.clock.Now()
	gap := o.lim.chatGap()
	win := o.lim.window(r.Message.Group)
	msg := r.Message
	if r.EditID == store.EditAsNew {
		// The edited message is in the chat's old incarnation: the edit
		// goes as a new message, which later edits address.
		msg.EditOf = ""
	}
	parts := o.plan(msg)
	if r.Part >= len(parts) { // the text limit shrank since the last part: nothing is left
		d.out, d.ids = r.Sent("", true, now.Add(gap)), r.SentIDs
		return d
	}
	editID := ""
	if msg.EditOf != "" {
		if r.EditID == "" {
			d.err = fmt.Errorf("edit of %s: no platform id is known for it", r.Message.EditOf)
			d.out, d.result = r.Dead(d.err.Error(), now.Add(gap)), ResultDead
			return d
		}
		editID = r.EditID
	}
	ctx, cancel := context.WithTimeout(sendCtx, o.sendTimeout)
	start := time.Now()
	id, err := o.p.Send(ctx, parts[r.Part], editID)
	cancel()
	d.took = time.Since(start)
	end := o.clock.Now()
	next := end.Add(gap)
	if err == nil {
		last := r.Part == len(parts)-1
		d.out, d.result = r.Sent(id, last, next).InWindow(win), ResultSent
		if last {
			d.ids = append(slices.Clip(r.SentIDs), id)
		}
		return d
	}
	d.err = err
	if sendCtx.Err() != nil { // abandoned at shutdown: not the message's fault
		d.out = r.Postpone(end, time.Time{})
		return d
	}
	switch FailureOf(err) {
	case RateLimited:
		wait := retryAfter(err)
		if wait <= 0 {
			wait = o.retry.Base
		}
		// The message keeps its turn; the pause holds every send back.
		until := end.Add(wait)
		o.setPause(until)
		d.out, d.result = r.Postpone(end, until), ResultRateLimited
	case Migrated:
		var se *SendError
		if errors.As(err, &se) && se.MigratedTo != "" && se.MigratedTo != r.Chat.ID {
			d.out, d.result, d.migratedTo = r.Migrated(se.MigratedTo), ResultMigrated, se.MigratedTo
			break
		}
		d.out, d.result = r.ChatGone(err.Error()), ResultChatGone
	case ChatGone:
		d.out, d.result = r.ChatGone(err.Error()), ResultChatGone
	case Permanent:
		d.out, d.result = r.Dead(err.Error(), next), ResultDead
	default:
		since := r.FailingSince
		if since.IsZero() {
			since = end
		}
		if end.Sub(since) >= o.retry.GiveUpAfter {
			d.err = fmt.Errorf("gave up after %d attempts in %s: %w", r.Attempts+1, end.Sub(since).Round(time.Second), err)
			d.out, d.result = r.Dead(d.err.Error(), next), ResultDead
			break
		}
		at := end.Add(o.retry.delay(r.Attempts + 1))
		if at.Before(next) {
			at = next
		}
		d.out, d.result = r.Retry(at, err.Error()), ResultRetry
	}
	return d
}

func retryAfter(err error) time.Duration {
	var se *SendError
	if errors.As(err, &se) {
		return se.RetryAfter
	}
	return 0
}

// plan cuts m into the parts sent one by one: text over the platform's
// limit is split with vntext.Split; the reply goes on the first part, the
// buttons on the last; a file goes first, with the text as its caption when
// it fits, else with no caption and the text after it. A button answer is
// one part, cut to the limit. An edit is one part too: it addresses the
// edited message's last part (the one carrying the buttons), so over the
// limit it keeps the last part of its text — a split message is one
// message, whose end changes when it is marked acknowledged.
func (o *Outbox) plan(m chihuy.Message) []chihuy.Message {
	limit := o.p.TextLimit()
	if m.CallbackID != "" {
		if utf8.RuneCountInString(m.Text) > limit {
			m.Text = vntext.Split(m.Text, limit)[0]
		}
		return []chihuy.Message{m}
	}
	if m.EditOf != "" {
		if utf8.RuneCountInString(m.Text) > limit {
			texts := vntext.Split(m.Text, limit)
			m.Text = texts[len(texts)-1]
		}
		return []chihuy.Message{m}
	}
	var parts []chihuy.Message
	if m.File != nil {
		if utf8.RuneCountInString(m.Text) <= o.captionLimit() {
			return []chihuy.Message{m}
		}
		file := m
		file.Text, file.Buttons = "", nil
		parts = append(parts, file)
	} else if utf8.RuneCountInString(m.Text) <= limit {
		return []chihuy.Message{m}
	}
	texts := vntext.Split(m.Text, limit)
	for i, text := range texts {
		p := m
		p.Text, p.File = text, nil
		if len(parts) > 0 {
			p.ReplyTo = ""
		}
		if i < len(texts)-1 {
			p.Buttons = nil
		}
		parts = append(parts, p)
	}
	return parts
}

func (o *Outbox) captionLimit() int {
	if c, ok := o.p.(CaptionLimiter); ok {
		return c.CaptionLimit()
	}
	return min(defaultCaptionLimit, o.p.TextLimit())
}
