package handlers

import (
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chihuy/chihuy"
	"github.com/chihuy/chihuy/store"
)

// Scripted handler tests: an update goes in, the stored state and the
// outbox messages come out. A script file under testdata/scripts holds the
// cases of one table; each case starts from an empty store on a fixed
// clock (Monday 8 November 2021, 09:00 in Vietnam) and is a list of steps,
// each followed by what the bot queued in answer:
//
//	=== lead directs two communes
//	bind telegram:-100106 106
//	grant 2002 106 lead
//	send telegram:-100106 2002 /chidao Rà soát F1 gửi: xã Bản Giang
//	< telegram:-100106 cdp:CD-106-0001
//	| 📢 Chỉ đạo CD-106-0001: Rà soát F1
//	state CD-106-0001
//	| CD-106-0001 active, issued by 106 (telegram:2002) in telegram:-100106
//
// Lines starting with "<" and "|" are the expected output of the step
// above them: every message queued (sorted by chat and key), or the stored
// state asked for; the whole transcript must match exactly. With
// CHIHUY_UPDATE_GOLDEN=1 the output lines are rewritten from the run,
// keeping the steps and comments (review the diff).
//
// Steps:
//
//	at 2021-11-08 16:30          set the clock (Vietnam time)
//	advance 2h1m                 move the clock on
//	set confirm-above N          directives to more than N units wait for confirmation
//	bind CHAT UNIT               bind a chat (group when its id starts with "-")
//	grant USER UNIT ROLE         give a role (USER "2002" is a Telegram user)
//	send CHAT USER TEXT          a message ("\n" in TEXT is a new line)
//	press CHAT USER DATA         a button press
//	sent KEY…                    the outbox confirms the messages whose key starts with KEY
//	dead REASON KEY…             the outbox gives them up
//	job directives               the scheduler's directive job (reminders every 2 h, at most 3; deadlines)
//	hold / release               keep what is queued in the outbox (not yet sent), then send it
//	close ID                     the store closes a directive
//	gone CHAT REASON             the platform refused a chat (the outbox's ChatGone)
//	state ID                     the stored directive, its units and forwards
//	roles USER / binding CHAT / targets UNIT / invites    other stored state
//	reports UNIT FROM TO         the unit's own stored reports (days as 2021-11-08)
//
// Invite codes are random: a script shows and types them as ‹mã UNIT›.
//
// Every case must look at the stored state at least once.

// scriptCase is one "=== name" section of a script file.
type scriptCase struct {
	name  string
	lines []string // the section, without its header
}

// parseScript splits a script file into its preamble and cases.
func parseScript(t *testing.T, text string) (preamble []string, cases []scriptCase) {
	t.Helper()
	lines := strings.Split(strings.TrimSuffix(text, "\n"), "\n")
	seen := map[string]bool{}
	for _, l := range lines {
		if name, ok := strings.CutPrefix(l, "=== "); ok {
			if seen[name] {
				t.Fatalf("case %q twice", name)
			}
			seen[name] = true
			cases = append(cases, scriptCase{name: name})
			continue
		}
		if len(cases) == 0 {
			preamble = append(preamble, l)
			continue
		}
		c := &cases[len(cases)-1]
		c.lines = append(c.lines, l)
	}
	return preamble, cases
}

// runScripts runs every case of testdata/scripts/name and compares the
// transcripts with the file.
func runScripts(t *testing.T, name string) {
	path := filepath.Join("testdata", "scripts", name)
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	preamble, cases := parseScript(t, string(raw))
	if len(cases) == 0 {
		t.Fatalf("%s has no cases", path)
	}
	out := slices.Clone(preamble)
	for _, c := range cases {
		var got []string
		t.Run(c.name, func(t *testing.T) {
			got = runCase(t, c)
			want := strings.Join(c.lines, "\n")
			if g := strings.Join(got, "\n"); g != want && os.Getenv("CHIHUY_UPDATE_GOLDEN") == "" {
				t.Errorf("%s, case %q:\n%s\n(review, then CHIHUY_UPDATE_GOLDEN=1 go test -run %s)", path, c.name, lineDiff(c.lines, got), t.Name())
			}
		})
		if got == nil {
			got = c.lines
		}
		out = append(out, "=== "+c.name)
		out = append(out, got...)
	}
	if os.Getenv("CHIHUY_UPDATE_GOLDEN") != "" && !t.Failed() {
		if err := os.WriteFile(path, []byte(strings.Join(out, "\n")+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// lineDiff shows where got first departs from want, with context.
func lineDiff(want, got []string) string {
	i := 0
	for i < len(want) && i < len(got) && want[i] == got[i] {
		i++
	}
	from := max(i-3, 0)
	var b strings.Builder
	for j := from; j < i; j++ {
		fmt.Fprintf(&b, "   %s\n", want[j])
	}
	for j := i; j < min(i+8, len(want)); j++ {
		fmt.Fprintf(&b, "-  %s\n", want[j])
	}
	for j := i; j < min(i+8, len(got)); j++ {
		fmt.Fprintf(&b, "+  %s\n", got[j])
	}
	return b.String()
}

// runCase runs the steps of c on a new environment and returns its
// transcript: the steps and comments as written, each step followed by
// its output.
func runCase(t *testing.T, c scriptCase) []string {
	e := newEnv(t)
	s := &scripted{env: e, queued: map[string]chihuy.Message{}, inviteNames: map[string]string{}}
	var out []string
	looked := false
	for i, l := range c.lines {
		if strings.HasPrefix(l, "<") || strings.HasPrefix(l, "|") {
			continue // expected output: produced again below
		}
		out = append(out, l)
		f := strings.Fields(l)
		if len(f) == 0 || strings.HasPrefix(f[0], "#") {
			continue
		}
		res, err := s.step(f, l)
		if err != nil {
			t.Fatalf("line %d %q: %v", i+1, l, err)
		}
		out = append(out, res...)
		looked = looked || slices.Contains([]string{"state", "roles", "binding", "targets", "invites", "reports"}, f[0])
	}
	if !looked {
		t.Errorf("case %q never looks at the stored state", c.name)
	}
	return out
}

// scripted is the state of one running case.
type scripted struct {
	*env
	// queued are the messages drained so far by key, for sent and dead.
	queued map[string]chihuy.Message
	// holding keeps messages in the outbox (not yet taken by the sender)
	// until release.
	holding bool
	// inviteNames name the invite codes made so far ("‹mã 03418›"): the
	// codes are random.
	inviteNames map[string]string
}

// nameInvites names the invites made since the last call.
func (s *scripted) nameInvites() error {
	invs, err := s.st.Invites(s.ctx)
	if err != nil {
		return err
	}
	slices.SortFunc(invs, func(a, b store.Invite) int { return strings.Compare(a.Unit, b.Unit) })
	for _, inv := range invs {
		if _, ok := s.inviteNames[inv.Code]; ok {
			continue
		}
		name := "‹mã " + inv.Unit + "›"
		for n := 2; slices.Contains(slices.Collect(maps.Values(s.inviteNames)), name); n++ {
			name = fmt.Sprintf("‹mã %s #%d›", inv.Unit, n)
		}
		s.inviteNames[inv.Code] = name
	}
	return nil
}

// step runs one step and returns its output lines.
func (s *scripted) step(f []string, line string) ([]string, error) {
	arg := func(i int) string {
		if i < len(f) {
			return f[i]
		}
		return ""
	}
	switch f[0] {
	case "at":
		at, err := time.ParseInLocation("2006-01-02 15:04", arg(1)+" "+arg(2), vnLoc)
		if err != nil {
			return nil, err
		}
		s.clock.Set(at)
		return nil, nil
	case "advance":
		d, err := time.ParseDuration(arg(1))
		if err != nil {
			return nil, err
		}
		s.clock.Add(d)
		return nil, nil
	case "set":
		n, err := strconv.Atoi(arg(2))
		if arg(1) != "confirm-above" || err != nil {
			return nil, fmt.Errorf("set confirm-above N")
		}
		s.h.ConfirmAbove = n
		return nil, nil
	case "bind":
		s.bind(arg(1), arg(2))
		return nil, nil
	case "hold":
		s.holding = true
		return nil, nil
	case "release":
		s.holding = false
		return s.drained(), nil
	case "close":
		if err := s.st.CloseDirective(s.ctx, arg(1), s.clock.Now()); err != nil {
			return nil, err
		}
		return s.drained(), nil
	case "gone":
		ref, err := chihuy.ParseChatRef(arg(1))
		if err != nil {
			return nil, err
		}
		_, reason, _ := strings.Cut(line, arg(1))
		s.h.ChatGone(s.ctx, ref, errors.New(strings.TrimSpace(reason)))
		return s.drained(), nil
	case "grant":
		role, err := chihuy.ParseRole(arg(3))
		if err != nil {
			return nil, err
		}
		if err := s.st.Grant(s.ctx, scriptUser(arg(1)), arg(2), role); err != nil {
			return nil, err
		}
		return nil, nil
	case "send", "press":
		if len(f) < 4 {
			return nil, fmt.Errorf("%s CHAT USER TEXT", f[0])
		}
		// The text is the rest of the line, spacing kept.
		rest := strings.TrimPrefix(line, f[0])
		for _, x := range f[1:3] {
			rest = strings.TrimPrefix(strings.TrimLeft(rest, " "), x)
		}
		rest = strings.ReplaceAll(strings.TrimLeft(rest, " "), `\n`, "\n")
		for code, name := range s.inviteNames {
			rest = strings.ReplaceAll(rest, name, code)
		}
		return s.update(f[0], f[1], f[2], rest)
	case "sent", "dead":
		keys := f[1:]
		reason := ""
		if f[0] == "dead" {
			reason, keys = arg(1), f[2:]
		}
		var hit []string
		for k := range s.queued {
			for _, p := range keys {
				if strings.HasPrefix(k, p) {
					hit = append(hit, k)
				}
			}
		}
		if len(hit) == 0 {
			return nil, fmt.Errorf("no message queued with a key starting with %q", keys)
		}
		slices.Sort(hit)
		for _, k := range slices.Compact(hit) {
			m := s.queued[k]
			delete(s.queued, k)
			if f[0] == "sent" {
				s.h.Sent(s.ctx, m, []string{"1"})
			} else {
				s.h.Dead(s.ctx, m, reason)
			}
		}
		return s.drained(), nil
	case "job":
		if arg(1) != "directives" {
			return nil, fmt.Errorf("unknown job %q", arg(1))
		}
		if err := s.h.RemindAndEscalate(s.ctx, 2*time.Hour, 3); err != nil {
			return nil, err
		}
		return s.drained(), nil
	case "state":
		st, err := s.st.DirectiveStatus(s.ctx, arg(1))
		if err != nil {
			return []string{"| error " + chihuy.ErrorCode(err)}, nil
		}
		return prefixed(dumpStatus(st, "")), nil
	case "invites":
		if err := s.nameInvites(); err != nil {
			return nil, err
		}
		invs, err := s.st.Invites(s.ctx)
		if err != nil {
			return nil, err
		}
		var lines []string
		for _, inv := range invs {
			lines = append(lines, fmt.Sprintf("%s for %s by %s until %s", s.inviteNames[inv.Code], inv.Unit, inv.By, stamp(inv.Expires)))
		}
		slices.Sort(lines)
		if len(lines) == 0 {
			lines = []string{"no invites"}
		}
		return prefixed(lines), nil
	case "reports":
		from, err := chihuy.ParseDay(arg(2))
		if err != nil {
			return nil, err
		}
		to, err := chihuy.ParseDay(arg(3))
		if err != nil {
			return nil, err
		}
		tab, err := ExportTable(s.ctx, s.st, s.tree, s.h.DataSet, arg(1), from, to, false)
		if err != nil {
			return nil, err
		}
		var lines []string
		for _, row := range tab.Rows {
			var vs []string
			for code, v := range row.Values {
				vs = append(vs, fmt.Sprintf("%s=%d", code, v))
			}
			slices.Sort(vs)
			lines = append(lines, fmt.Sprintf("%s %s: %s", row.Day, row.Unit, strings.Join(vs, " ")))
		}
		if len(lines) == 0 {
			lines = []string{"no reports"}
		}
		return prefixed(lines), nil
	case "roles":
		roles, err := s.st.Roles(s.ctx, scriptUser(arg(1)))
		if err != nil {
			return nil, err
		}
		var lines []string
		for u, r := range roles {
			lines = append(lines, u+" "+r.String())
		}
		slices.Sort(lines)
		if len(lines) == 0 {
			lines = []string{"no roles"}
		}
		return prefixed(lines), nil
	case "binding":
		ref, err := chihuy.ParseChatRef(arg(1))
		if err != nil {
			return nil, err
		}
		b, err := s.st.Binding(s.ctx, ref)
		if err != nil {
			return []string{"| error " + chihuy.ErrorCode(err)}, nil
		}
		return prefixed([]string{dumpBinding(b.Chat, b.Unit, b.Kind, b.User, b.By, b.At, b.Broken, b.Thread)}), nil
	case "targets":
		bs, err := s.st.Targets(s.ctx, arg(1))
		if err != nil {
			return nil, err
		}
		lines := []string{}
		for _, b := range bs {
			lines = append(lines, dumpBinding(b.Chat, b.Unit, b.Kind, b.User, b.By, b.At, b.Broken, b.Thread))
		}
		slices.Sort(lines)
		if len(lines) == 0 {
			lines = []string{"no chats"}
		}
		return prefixed(lines), nil
	}
	return nil, fmt.Errorf("unknown step %q", f[0])
}

// scriptUser reads "2002" (a Telegram user) or "zalo:u77".
func scriptUser(s string) chihuy.UserRef {
	if p, id, ok := strings.Cut(s, ":"); ok {
		return chihuy.UserRef{Platform: p, ID: id}
	}
	return chihuy.UserRef{Platform: chihuy.Telegram, ID: s}
}

// update handles a message or a button press and returns what was queued.
func (s *scripted) update(kind, chat, from, text string) ([]string, error) {
	ref, err := chihuy.ParseChatRef(chat)
	if err != nil {
		return nil, err
	}
	s.seq++
	u := chihuy.Update{
		ID: fmt.Sprintf("%s:%d", ref.Platform, s.seq), Chat: ref, ChatKind: chihuy.Group, ChatTitle: "Nhóm " + ref.ID,
		From: chihuy.UserRef{Platform: ref.Platform, ID: from}, FromName: "Cán bộ " + from,
		MessageID: strconv.Itoa(s.seq), Time: s.clock.Now(),
	}
	if !strings.HasPrefix(ref.ID, "-") {
		u.ChatKind = chihuy.Private
	}
	if kind == "press" {
		u.Callback = &chihuy.Callback{ID: "cb" + strconv.Itoa(s.seq), Data: text, MessageID: "1"}
	} else {
		u.Text = text
	}
	if err := s.h.Handle(s.ctx, u); err != nil {
		return nil, err
	}
	return s.drained(), nil
}

// drained drains the outbox and shows what was in it, invite codes by
// their names.
func (s *scripted) drained() []string {
	if s.holding {
		return nil
	}
	if err := s.nameInvites(); err != nil {
		s.t.Fatal(err)
	}
	ms := s.drain()
	slices.SortStableFunc(ms, func(a, b chihuy.Message) int {
		if c := strings.Compare(a.Chat.String(), b.Chat.String()); c != 0 {
			return c
		}
		return strings.Compare(a.Key, b.Key)
	})
	var out []string
	for _, m := range ms {
		s.queued[m.Key] = m
		for code, name := range s.inviteNames {
			m.Text = strings.ReplaceAll(m.Text, code, name)
		}
		out = append(out, dumpMessage(m)...)
	}
	return out
}
