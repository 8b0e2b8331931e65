package outboxkey

// The readers shared by the parsers of outboxkey.go.

import (
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/chihuy/chihuy"
)

// fields reads key as prefix, n fields each ending in ':' and neither
// empty nor holding ':', and a non-empty rest.
func fields(key, prefix string, n int) (f []string, rest string, ok bool) {
	rest, ok = strings.CutPrefix(key, prefix)
	if !ok {
		return nil, "", false
	}
	f = make([]string, n)
	for i := range f {
		var found bool
		f[i], rest, found = strings.Cut(rest, ":")
		if !found || f[i] == "" {
			return nil, "", false
		}
	}
	return f, rest, rest != ""
}

// idUnitChat reads prefix + "ID:UNIT:CHAT".
func idUnitChat(key, prefix string) (id, unit string, chat chihuy.ChatRef, ok bool) {
	f, rest, ok := fields(key, prefix, 2)
	if !ok {
		return "", "", chat, false
	}
	chat, ok = parseChat(rest)
	return f[0], f[1], chat, ok
}

// dayUnitChat reads prefix + "DAY:UNIT:CHAT".
func dayUnitChat(key, prefix string) (day chihuy.Day, unit string, chat chihuy.ChatRef, ok bool) {
	f, rest, ok := fields(key, prefix, 2)
	if !ok {
		return day, "", chat, false
	}
	day, ok1 := parseDay(f[0])
	chat, ok2 := parseChat(rest)
	if !ok1 || !ok2 {
		return day, "", chat, false
	}
	return day, f[1], chat, true
}

// plainID reads prefix + "ID".
func plainID(key, prefix string) (string, bool) {
	id, ok := strings.CutPrefix(key, prefix)
	if !ok || id == "" || strings.IndexByte(id, ':') >= 0 {
		return "", false
	}
	return id, true
}

// cutLast cuts s around the last sep.
func cutLast(s, sep string) (before, after string, ok bool) {
	i := strings.LastIndex(s, sep)
	if i < 0 {
		return "", "", false
	}
	return s[:i], s[i+len(sep):], true
}

// parseChat reads "platform:id" as ChatRef.String writes it: the id takes
// the rest, ':' included.
func parseChat(s string) (chihuy.ChatRef, bool) {
	p, id, ok := strings.Cut(s, ":")
	if !ok || p == "" || id == "" {
		return chihuy.ChatRef{}, false
	}
	return chihuy.ChatRef{Platform: p, ID: id}, true
}

// parseDay reads a day as Day.String writes it.
func parseDay(s string) (chihuy.Day, bool) {
	d, err := chihuy.ParseDay(s)
	if err != nil || d.String() != s {
		return chihuy.Day{}, false
	}
	return d, true
}

// number reads a count as strconv.Itoa writes it, 0 or more.
func number(s string) (int, bool) {
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 || strconv.Itoa(n) != s {
		return 0, false
	}
	return n, true
}

// instant reads a time written as a count of spans of seconds seconds
// since 1970 (unix time divided by seconds): the start of that span.
func instant(s string, seconds int64) (time.Time, bool) {
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || strconv.FormatInt(n, 10) != s || n > math.MaxInt64/seconds || n < math.MinInt64/seconds {
		return time.Time{}, false
	}
	t := time.Unix(n*seconds, 0)
	return t, t.Unix()/seconds == n
}
