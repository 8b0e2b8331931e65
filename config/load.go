package config

import (
	"fmt"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
	_ "time/tzdata" // CHIHUY_TZ must work in images without a zone database

	"github.com/rs/zerolog"
	"go.yaml.in/yaml/v3"

	"github.com/chihuy/chihuy"
	"github.com/chihuy/chihuy/units"
	"github.com/chihuy/chihuy/vntext"
)

// Error lists every problem found in a configuration, each naming the
// variable or YAML key (with file and line) it is about.
type Error struct {
	Problems []string
}

func (e *Error) Error() string {
	return msgProblems(len(e.Problems)) + "\n  " + strings.Join(e.Problems, "\n  ")
}

// problems collects defects; err returns nil when there are none.
type problems []string

func (p *problems) add(format string, args ...any) { *p = append(*p, fmt.Sprintf(format, args...)) }

func (p problems) err() error {
	if len(p) == 0 {
		return nil
	}
	return &Error{Problems: p}
}

// Load builds the configuration from the environment (getenv is os.Getenv
// in production) and the YAML file CHIHUY_CONFIG names, over the defaults.
// It returns an *Error naming every bad value.
func Load(getenv func(string) string) (*Config, error) {
	c := Default()
	var p problems
	env := func(key string) string { return strings.TrimSpace(getenv(key)) }

	if v := env("CHIHUY_REDIS_URL"); v != "" {
		c.RedisURL = v
		checkRedisURL(&p, v)
	}
	c.Telegram = loadPlatform(&p, env, c.Telegram, "TELEGRAM")
	c.Zalo = loadPlatform(&p, env, c.Zalo, "ZALO")
	c.WebhookSecret = env("CHIHUY_WEBHOOK_SECRET")
	if v := env("CHIHUY_PUBLIC_URL"); v != "" {
		if base, ok := baseURL(&p, "CHIHUY_PUBLIC_URL", v); ok {
			c.PublicURL = base
		}
	}
	if v := env("CHIHUY_HTTP_ADDR"); v != "" {
		c.HTTPAddr = v
		if _, port, err := net.SplitHostPort(v); err != nil || !validPort(port) {
			p.add("CHIHUY_HTTP_ADDR: %s", msgBadAddr(v))
		}
	}
	if v := env("CHIHUY_INSTANCE"); v != "" {
		c.Instance = v
		if !validInstance(v) {
			p.add("CHIHUY_INSTANCE: %s", msgBadInstance(v))
		}
	}
	if v := env("CHIHUY_TZ"); v != "" {
		loc, err := time.LoadLocation(v)
		if err != nil {
			p.add("CHIHUY_TZ: %s", msgBadTZ(v))
		} else {
			c.TimeZone, c.Location = v, loc
		}
	}
	if v := env("CHIHUY_LOG_LEVEL"); v != "" {
		lvl, err := zerolog.ParseLevel(strings.ToLower(v))
		if err != nil || lvl == zerolog.NoLevel {
			p.add("CHIHUY_LOG_LEVEL: %s", msgBadLogLevel(v))
		} else {
			c.LogLevel = lvl
		}
	}
	if path := env("CHIHUY_CONFIG"); path != "" {
		c.File = path
		readFile(c, path, &p)
	}

	for _, pl := range c.Platforms() {
		if pl.Mode != Webhook {
			continue
		}
		key := "CHIHUY_" + strings.ToUpper(pl.Name) + "_MODE"
		if c.WebhookSecret == "" {
			p.add("CHIHUY_WEBHOOK_SECRET: %s", msgNeedSecret(key))
		}
		if pl.Enabled() && c.PublicURL == "" {
			p.add("CHIHUY_PUBLIC_URL: %s", msgNeedPublicURL(key))
		}
	}
	if c.Telegram.Mode == Webhook && c.WebhookSecret != "" && !telegramSecret(c.WebhookSecret) {
		p.add("CHIHUY_WEBHOOK_SECRET: %s", msgBadTelegramSecret)
	}
	if c.ReportWindowDays >= c.RetentionDays {
		p.add("report_window_days: %s", msgWindowRetention(c.ReportWindowDays, c.RetentionDays))
	}
	if err := p.err(); err != nil {
		return nil, err
	}
	return c, nil
}

// loadPlatform reads CHIHUY_<NAME>_TOKEN, _API_URL and _MODE.
func loadPlatform(p *problems, env func(string) string, pl Platform, name string) Platform {
	prefix := "CHIHUY_" + name + "_"
	pl.Token = env(prefix + "TOKEN")
	if strings.ContainsAny(pl.Token, " \t\r\n/") {
		p.add("%sTOKEN: %s", prefix, msgBadToken)
	}
	if v := env(prefix + "API_URL"); v != "" {
		if base, ok := baseURL(p, prefix+"API_URL", v); ok {
			pl.APIURL = base
		}
	}
	if v := env(prefix + "MODE"); v != "" {
		switch m := Mode(strings.ToLower(v)); m {
		case Poll, Webhook:
			pl.Mode = m
		default:
			p.add("%sMODE: %s", prefix, msgBadMode(v))
		}
	}
	return pl
}

// baseURL checks an http(s) base URL and drops its trailing slashes.
func baseURL(p *problems, key, v string) (string, bool) {
	u, err := url.Parse(v)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		p.add("%s: %s", key, msgBadURL(RedactURL(v)))
		return "", false
	}
	return strings.TrimRight(v, "/"), true
}

func validPort(s string) bool {
	n, err := strconv.Atoi(s)
	return err == nil && n >= 0 && n <= 65535
}

func checkRedisURL(p *problems, v string) {
	u, err := url.Parse(v)
	if err != nil {
		p.add("CHIHUY_REDIS_URL: %s", msgBadRedisURL(RedactURL(v)))
		return
	}
	switch u.Scheme {
	case "redis", "rediss", "unix", "redis-sentinel", "redis-cluster":
	default:
		p.add("CHIHUY_REDIS_URL: %s", msgBadRedisURL(RedactURL(v)))
	}
}

// telegramSecret: Telegram takes 1–256 characters of A–Z, a–z, 0–9, _ and -.
func telegramSecret(s string) bool {
	if len(s) > 256 {
		return false
	}
	for i := 0; i < len(s); i++ {
		switch b := s[i]; {
		case 'a' <= b && b <= 'z', 'A' <= b && b <= 'Z', '0' <= b && b <= '9', b == '_', b == '-':
		default:
			return false
		}
	}
	return true
}

// platformRef checks the platform and id of a chat or user reference.
// Telegram ids are integers (groups negative); Zalo ids are opaque.
func platformRef(platform, id string) string {
	switch platform {
	case chihuy.Telegram:
		if _, err := strconv.ParseInt(id, 10, 64); err != nil {
			return msgTelegramID(id)
		}
	case chihuy.Zalo:
		if strings.ContainsAny(id, " \t\r\n") {
			return msgZaloID(id)
		}
	default:
		return msgUnknownPlatform(platform)
	}
	return ""
}

// readFile reads the YAML file into c.
func readFile(c *Config, path string, p *problems) {
	data, err := os.ReadFile(path)
	if err != nil {
		p.add("CHIHUY_CONFIG: %s", msgReadFile(path, err))
		return
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		p.add("%s", SyntaxError(path, data, err))
		return
	}
	if len(doc.Content) == 0 {
		return // empty file: defaults
	}
	r := &fileReader{file: path, dir: filepath.Dir(path), probs: p}
	top := resolve(doc.Content[0])
	if isNull(top) {
		return
	}
	if top.Kind != yaml.MappingNode {
		r.bad(top, "", msgTopLevel)
		return
	}
	r.mapping(top, "", func(key string, k, v *yaml.Node) {
		switch key {
		case "units":
			if s, ok := r.str(v, key); ok && s != "" {
				c.Units = r.unitsRef(s)
			}
		case "reorganise":
			c.Reorganise = r.reorganise(v, key)
		case "root":
			if s, ok := r.str(v, key); ok {
				c.Root = s
			}
		case "dataset":
			if s, ok := r.str(v, key); ok && s != "" {
				c.Dataset = r.path(s)
			}
		case "admins":
			c.Admins = r.admins(v, key)
		case "chats":
			c.Chats = r.chats(v, key)
		case "roles":
			c.Roles = r.roles(v, key)
		case "schedule":
			r.schedule(v, key, &c.Schedule)
		case "limits":
			r.limits(v, key, c.Limits)
		case "invite_ttl":
			if d, ok := r.duration(v, key); ok {
				c.InviteTTL = d
			}
		case "report_window_days":
			if n, ok := r.integer(v, key, 0); ok {
				c.ReportWindowDays = n
			}
		case "retention_days":
			if n, ok := r.integer(v, key, 1); ok {
				c.RetentionDays = n
			}
		case "directives":
			r.directives(v, key, &c.Directives)
		case "coverage":
			if m, ok := r.coverage(v, key); ok {
				c.Coverage = m
			}
		case "alerts":
			r.mapping(v, key, func(sub string, k, v *yaml.Node) {
				switch sub {
				case "oxy_below":
					if n, ok := r.integer(v, key+"."+sub, 0); ok {
						c.Alerts.OxyBelow = n
					}
				default:
					r.unknown(k, key+"."+sub, "oxy_below")
				}
			})
		default:
			r.unknown(k, key, topKeys...)
		}
	})
}

// topKeys are the keys of the file's top level, for suggestions.
var topKeys = []string{"units", "root", "dataset", "admins", "chats", "roles", "schedule", "limits",
	"invite_ttl", "report_window_days", "retention_days", "directives", "coverage", "alerts"}

// fileReader reads values from YAML nodes and reports bad ones with their
// file, line and key.
type fileReader struct {
	file, dir string
	probs     *problems
}

func (r *fileReader) bad(n *yaml.Node, key, msg string) {
	if key == "" {
		r.probs.add("%s:%d: %s", r.file, n.Line, msg)
		return
	}
	r.probs.add("%s:%d: %s: %s", r.file, n.Line, key, msg)
}

// unknown reports a key the file may not have, suggesting the closest of
// the keys it may ("schedul" → "schedule").
func (r *fileReader) unknown(k *yaml.Node, key string, known ...string) {
	r.bad(k, key, msgUnknownKey+suggest(k.Value, known))
}

// suggest is " (có phải schedule?)" for a near miss, "" otherwise.
func suggest(got string, known []string) string {
	if c := vntext.Closest(got, known); c != "" {
		return msgDidYouMean(c)
	}
	return ""
}

func resolve(n *yaml.Node) *yaml.Node {
	for n != nil && n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	return n
}

func isNull(n *yaml.Node) bool { return n.Kind == yaml.ScalarNode && n.Tag == "!!null" }

// path resolves a path of the file against the file's directory.
func (r *fileReader) path(s string) string {
	if filepath.IsAbs(s) {
		return s
	}
	return filepath.Join(r.dir, s)
}

// unitsRef is a built-in tree's name as written, else a path.
func (r *fileReader) unitsRef(s string) string {
	if units.IsBuiltinName(s) {
		return s
	}
	return r.path(s)
}

// reorganise reads {to, mapping, effective}; to and effective are
// required.
func (r *fileReader) reorganise(n *yaml.Node, key string) *Reorganise {
	n = resolve(n)
	if isNull(n) {
		return nil
	}
	out := &Reorganise{Mapping: MappingBuiltin, Line: n.Line}
	seen := map[string]bool{}
	r.mapping(n, key, func(sub string, k, v *yaml.Node) {
		key := key + "." + sub
		seen[sub] = true
		s, ok := r.str(v, key)
		if !ok {
			return
		}
		switch sub {
		case "to":
			if s != "" {
				out.To = r.unitsRef(s)
			}
		case "mapping":
			if s != "" && s != MappingBuiltin {
				out.Mapping = r.path(s)
			}
		case "effective":
			d, err := chihuy.ParseDay(s)
			if err != nil {
				r.bad(v, key, msgBadEffective(s))
				return
			}
			out.Effective = d
		default:
			r.bad(k, key, msgUnknownKey)
		}
	})
	if out.To == "" {
		r.bad(n, key+".to", msgMissing)
	}
	if out.Effective.IsZero() && !seen["effective"] {
		r.bad(n, key+".effective", msgMissing)
	}
	return out
}

// mapping calls fn for every key of a mapping node; null is an empty
// mapping. Repeated keys are reported.
func (r *fileReader) mapping(n *yaml.Node, key string, fn func(sub string, k, v *yaml.Node)) {
	n = resolve(n)
	if isNull(n) {
		return
	}
	if n.Kind != yaml.MappingNode {
		r.bad(n, key, msgWantMapping)
		return
	}
	seen := make(map[string]bool, len(n.Content)/2)
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := resolve(n.Content[i]), resolve(n.Content[i+1])
		if seen[k.Value] {
			r.bad(k, join(key, k.Value), msgDuplicateKey)
			continue
		}
		seen[k.Value] = true
		fn(k.Value, k, v)
	}
}

func join(key, sub string) string {
	if key == "" {
		return sub
	}
	return key + "." + sub
}

// list calls fn for every item of a sequence; a single scalar is a list
// of one, null an empty list.
func (r *fileReader) list(n *yaml.Node, key string, fn func(key string, item *yaml.Node)) {
	n = resolve(n)
	switch {
	case isNull(n):
	case n.Kind == yaml.ScalarNode:
		fn(key, n)
	case n.Kind == yaml.SequenceNode:
		for i, item := range n.Content {
			fn(fmt.Sprintf("%s[%d]", key, i), resolve(item))
		}
	default:
		r.bad(n, key, msgWantList)
	}
}

// str returns a scalar's text as written; null is reported as absent.
func (r *fileReader) str(n *yaml.Node, key string) (string, bool) {
	if isNull(n) {
		return "", false
	}
	if n.Kind != yaml.ScalarNode {
		r.bad(n, key, msgWantScalar)
		return "", false
	}
	return strings.TrimSpace(n.Value), true
}

func (r *fileReader) integer(n *yaml.Node, key string, min int) (int, bool) {
	s, ok := r.str(n, key)
	if !ok {
		return 0, false
	}
	v, err := strconv.Atoi(strings.ReplaceAll(s, "_", ""))
	if err != nil || v < min {
		r.bad(n, key, msgWantInt(s, min))
		return 0, false
	}
	return v, true
}

func (r *fileReader) positive(n *yaml.Node, key string) (float64, bool) {
	s, ok := r.str(n, key)
	if !ok {
		return 0, false
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || !(v > 0) || v > 1e6 {
		r.bad(n, key, msgWantPositive(s))
		return 0, false
	}
	return v, true
}

func (r *fileReader) duration(n *yaml.Node, key string) (time.Duration, bool) {
	s, ok := r.str(n, key)
	if !ok {
		return 0, false
	}
	d, err := ParseDuration(s)
	if err != nil || d <= 0 {
		r.bad(n, key, msgBadDurationValue(s))
		return 0, false
	}
	return d, true
}

func (r *fileReader) admins(n *yaml.Node, key string) []chihuy.UserRef {
	var out []chihuy.UserRef
	r.list(n, key, func(key string, item *yaml.Node) {
		s, ok := r.str(item, key)
		if !ok {
			return
		}
		if u, ok := r.user(item, key, s); ok && !containsUser(out, u) {
			out = append(out, u)
		}
	})
	return out
}

func containsUser(list []chihuy.UserRef, u chihuy.UserRef) bool {
	for _, x := range list {
		if x == u {
			return true
		}
	}
	return false
}

func (r *fileReader) user(n *yaml.Node, key, s string) (chihuy.UserRef, bool) {
	u, err := chihuy.ParseUserRef(s)
	if err != nil {
		r.bad(n, key, msgBadUserRef(s))
		return u, false
	}
	u.Platform = strings.ToLower(u.Platform)
	if msg := platformRef(u.Platform, u.ID); msg != "" {
		r.bad(n, key, msg)
		return u, false
	}
	return u, true
}

// fields reads a mapping of scalars with the given keys, all required.
func (r *fileReader) fields(n *yaml.Node, key string, names ...string) (map[string]*yaml.Node, bool) {
	if n.Kind != yaml.MappingNode {
		r.bad(n, key, msgWantMapping)
		return nil, false
	}
	got := make(map[string]*yaml.Node, len(names))
	ok := true
	r.mapping(n, key, func(sub string, k, v *yaml.Node) {
		for _, name := range names {
			if sub == name {
				got[sub] = v
				return
			}
		}
		r.unknown(k, key+"."+sub, names...)
		ok = false
	})
	for _, name := range names {
		if v, present := got[name]; !present || isNull(v) {
			r.bad(n, key+"."+name, msgMissing)
			ok = false
		}
	}
	return got, ok
}

func (r *fileReader) chats(n *yaml.Node, key string) []ChatBinding {
	var out []ChatBinding
	r.list(n, key, func(key string, item *yaml.Node) {
		f, ok := r.fields(item, key, "chat", "unit")
		if !ok {
			return
		}
		s, ok1 := r.str(f["chat"], key+".chat")
		unit, ok2 := r.str(f["unit"], key+".unit")
		if !ok1 || !ok2 {
			return
		}
		chat, err := chihuy.ParseChatRef(s)
		if err != nil {
			r.bad(f["chat"], key+".chat", msgBadChatRef(s))
			return
		}
		chat.Platform = strings.ToLower(chat.Platform)
		if msg := platformRef(chat.Platform, chat.ID); msg != "" {
			r.bad(f["chat"], key+".chat", msg)
			return
		}
		out = append(out, ChatBinding{Chat: chat, Unit: unit, Line: item.Line})
	})
	return out
}

func (r *fileReader) roles(n *yaml.Node, key string) []RoleGrant {
	var out []RoleGrant
	r.list(n, key, func(key string, item *yaml.Node) {
		f, ok := r.fields(item, key, "user", "unit", "role")
		if !ok {
			return
		}
		s, ok1 := r.str(f["user"], key+".user")
		unit, ok2 := r.str(f["unit"], key+".unit")
		rs, ok3 := r.str(f["role"], key+".role")
		if !ok1 || !ok2 || !ok3 {
			return
		}
		user, ok := r.user(f["user"], key+".user", s)
		if !ok {
			return
		}
		role, err := chihuy.ParseRole(rs)
		if err != nil {
			r.bad(f["role"], key+".role", msgBadRole(rs))
			return
		}
		out = append(out, RoleGrant{User: user, Unit: unit, Role: role, Line: item.Line})
	})
	return out
}

func (r *fileReader) schedule(n *yaml.Node, key string, s *Schedule) {
	r.mapping(n, key, func(sub string, k, v *yaml.Node) {
		key := key + "." + sub
		switch sub {
		case "daily_deadline":
			if t, ok := r.timeOfDay(v, key); ok {
				s.DailyDeadline = t
			}
		case "digest":
			var times []TimeOfDay
			ok := true
			r.list(v, key, func(key string, item *yaml.Node) {
				t, good := r.timeOfDay(item, key)
				ok = ok && good
				if good && !containsTime(times, t) {
					times = append(times, t)
				}
			})
			if ok && len(times) > 0 {
				sortTimes(times)
				s.Digest = times
			}
		case "weekly_deadline", "weekly_compile":
			text, ok := r.str(v, key)
			if !ok {
				return
			}
			w, err := ParseWeekly(text)
			if err != nil {
				r.bad(v, key, chihuy.ErrorMessage(err))
				return
			}
			if sub == "weekly_deadline" {
				s.WeeklyDeadline = w
			} else {
				s.WeeklyCompile = w
			}
		default:
			r.unknown(k, key, "daily_deadline", "digest", "weekly_deadline", "weekly_compile")
		}
	})
}

func (r *fileReader) timeOfDay(n *yaml.Node, key string) (TimeOfDay, bool) {
	text, ok := r.str(n, key)
	if !ok {
		return TimeOfDay{}, false
	}
	t, err := ParseTimeOfDay(text)
	if err != nil {
		r.bad(n, key, chihuy.ErrorMessage(err))
		return TimeOfDay{}, false
	}
	return t, true
}

func containsTime(list []TimeOfDay, t TimeOfDay) bool {
	for _, x := range list {
		if x == t {
			return true
		}
	}
	return false
}

func sortTimes(ts []TimeOfDay) {
	for i := 1; i < len(ts); i++ {
		for j := i; j > 0 && ts[j].Hour*60+ts[j].Minute < ts[j-1].Hour*60+ts[j-1].Minute; j-- {
			ts[j], ts[j-1] = ts[j-1], ts[j]
		}
	}
}

func (r *fileReader) limits(n *yaml.Node, key string, limits map[string]RateLimit) {
	r.mapping(n, key, func(platform string, k, v *yaml.Node) {
		key := key + "." + platform
		l, known := limits[platform]
		if !known {
			r.bad(k, key, msgUnknownPlatform(platform))
			return
		}
		r.mapping(v, key, func(sub string, k, v *yaml.Node) {
			var dst *float64
			switch sub {
			case "per_second":
				dst = &l.PerSecond
			case "per_chat_per_second":
				dst = &l.PerChatPerSecond
			case "per_group_per_minute":
				dst = &l.PerGroupPerMinute
			default:
				r.unknown(k, key+"."+sub, "per_second", "per_chat_per_second", "per_group_per_minute")
				return
			}
			if x, ok := r.positive(v, key+"."+sub); ok {
				*dst = x
			}
		})
		limits[platform] = l
	})
}

func (r *fileReader) directives(n *yaml.Node, key string, d *Directives) {
	r.mapping(n, key, func(sub string, k, v *yaml.Node) {
		key := key + "." + sub
		switch sub {
		case "reminder_interval":
			if x, ok := r.duration(v, key); ok {
				d.ReminderInterval = x
			}
		case "max_reminders":
			if x, ok := r.integer(v, key, 0); ok {
				d.MaxReminders = x
			}
		case "confirm_above":
			if x, ok := r.integer(v, key, 0); ok {
				d.ConfirmAbove = x
			}
		default:
			r.unknown(k, key, "reminder_interval", "max_reminders", "confirm_above")
		}
	})
}

// coverage reads element code → fraction in (0, 1], written 0.5 or "50%".
func (r *fileReader) coverage(n *yaml.Node, key string) (map[string]float64, bool) {
	if isNull(n) {
		return nil, false // no value: keep the defaults; {} turns them off
	}
	out := map[string]float64{}
	ok := true
	r.mapping(n, key, func(code string, k, v *yaml.Node) {
		key := key + "." + code
		s, present := r.str(v, key)
		if !present {
			ok = false
			return
		}
		pct := strings.HasSuffix(s, "%")
		x, err := strconv.ParseFloat(strings.TrimSpace(strings.TrimSuffix(s, "%")), 64)
		if pct {
			x /= 100
		}
		if err != nil || !(x > 0) || x > 1 {
			r.bad(v, key, msgBadFraction(s))
			ok = false
			return
		}
		out[code] = x
	})
	return out, ok
}
