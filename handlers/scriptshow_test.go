package handlers

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/chihuy/chihuy"
	"github.com/chihuy/chihuy/directive"
)

// How scripts show messages and stored state (see script_test.go).

// dumpMessage is a message as a script shows it: a "<" line with the chat,
// the key and the other fields set, then its text and buttons.
func dumpMessage(m chihuy.Message) []string {
	head := []string{"<", m.Chat.String(), m.Key}
	add := func(name, v string) {
		if v != "" {
			head = append(head, name+"="+v)
		}
	}
	add("edit", m.EditOf)
	add("reply", m.ReplyTo)
	add("thread", m.Thread)
	add("sup", m.Supersedes)
	if m.CallbackID != "" {
		head = append(head, "toast")
	}
	if m.Priority == chihuy.PriorityBulk {
		head = append(head, "bulk")
	}
	if m.Group {
		head = append(head, "group")
	}
	if m.File != nil {
		head = append(head, "file="+m.File.Name)
	}
	out := []string{strings.Join(head, " ")}
	if m.Text != "" {
		out = append(out, prefixed(strings.Split(m.Text, "\n"))...)
	}
	if m.File != nil && strings.HasSuffix(m.File.Name, ".csv") {
		// A CSV file is shown whole; other files (pictures, workbooks)
		// only by name: their bytes are not text.
		out = append(out, "| ---")
		out = append(out, prefixed(strings.Split(strings.TrimSuffix(string(m.File.Data), "\n"), "\n"))...)
	}
	for _, row := range m.Buttons {
		var bs []string
		for _, b := range row {
			bs = append(bs, "["+b.Text+" → "+b.Data+"]")
		}
		out = append(out, "| "+strings.Join(bs, " "))
	}
	return out
}

// prefixed marks lines as output.
func prefixed(lines []string) []string {
	out := make([]string, len(lines))
	for i, l := range lines {
		out[i] = strings.TrimRight("| "+l, " ")
	}
	return out
}

// stamp is a time in a script: "-" when zero.
func stamp(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.In(vnLoc).Format("2006-01-02 15:04:05")
}

func dumpBinding(chat chihuy.ChatRef, unit string, kind chihuy.ChatKind, user, by chihuy.UserRef, at time.Time, broken, thread string) string {
	s := fmt.Sprintf("%s → %s (%s)", chat, unit, kind)
	if user.ID != "" {
		s += " member " + user.String()
	}
	if by.ID != "" {
		s += " by " + by.String()
	}
	if !at.IsZero() {
		s += " at " + stamp(at)
	}
	if broken != "" {
		s += " broken: " + broken
	}
	if thread != "" {
		s += " thread " + thread
	}
	return s
}

// dirStatus is the store's answer about one directive (one name to change
// if the type moves).
type dirStatus = directive.Status

// dumpStatus shows everything stored about a directive: the directive,
// its counts, each target unit, and the forwards under their unit.
func dumpStatus(st dirStatus, indent string) []string {
	d := st.Directive
	var lines []string
	add := func(format string, a ...any) { lines = append(lines, indent+fmt.Sprintf(format, a...)) }
	add("%s %s, issued by %s (%s) in %s, progress %s", d.ID, d.State, d.Issuer, d.By, d.LeadChat, d.ProgressKey)
	for i, l := range strings.Split(d.Body, "\n") {
		if i == 0 {
			add("body: %s", l)
		} else {
			add("      %s", l)
		}
	}
	var opts []string
	if d.Ref != "" {
		opts = append(opts, "ref "+d.Ref)
	}
	if !d.Deadline.IsZero() {
		opts = append(opts, "deadline "+stamp(d.Deadline))
	}
	if d.ResultRequired {
		opts = append(opts, "result required")
	}
	if d.Parent != "" {
		opts = append(opts, "forwards "+d.Parent)
	}
	if len(opts) > 0 {
		add("%s", strings.Join(opts, ", "))
	}
	add("targets: %s", d.Targets)
	var times []string
	for _, x := range []struct {
		name string
		t    time.Time
	}{{"created", d.Created}, {"started", d.Started}, {"finished", d.Finished}, {"cancelled", d.Cancelled},
		{"closed", d.Closed}, {"deadline reported", d.DeadlineReported}} {
		if !x.t.IsZero() {
			times = append(times, x.name+" "+stamp(x.t))
		}
	}
	add("%s", strings.Join(times, ", "))
	c := d.Counts
	add("units: %d, sent %d, failed %d, acked %d, results %d", c.Total, c.Sent, c.Failed, c.Acked, c.Results)
	for _, u := range st.Units {
		parts := []string{fmt.Sprintf("%s (in %s): chats %d, reached %d, failed %d", u.Unit, u.Parent, u.Chats, u.Reached, u.FailedChats)}
		if u.Failure != "" {
			parts = append(parts, "failure "+u.Failure)
		}
		if !u.DeliveredAt.IsZero() {
			parts = append(parts, "delivered "+stamp(u.DeliveredAt))
		}
		if !u.AckedAt.IsZero() {
			parts = append(parts, "acked "+stamp(u.AckedAt)+" by "+u.AckedBy.String())
		}
		if !u.ResultAt.IsZero() {
			parts = append(parts, fmt.Sprintf("result %s by %s: %q", stamp(u.ResultAt), u.ResultBy, u.Result))
		}
		if u.Reminders > 0 || !u.RemindedAt.IsZero() {
			parts = append(parts, fmt.Sprintf("reminded %d× last %s", u.Reminders, stamp(u.RemindedAt)))
		}
		if u.Forwarded != "" {
			parts = append(parts, "forwarded as "+u.Forwarded)
		}
		add("  %s", strings.Join(parts, ", "))
	}
	codes := make([]string, 0, len(st.Forwards))
	for code := range st.Forwards {
		codes = append(codes, code)
	}
	slices.Sort(codes)
	for _, code := range codes {
		add("  forward by %s:", code)
		lines = append(lines, dumpStatus(st.Forwards[code], indent+"    ")...)
	}
	return lines
}
