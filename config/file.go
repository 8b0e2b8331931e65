package config

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/chihuy/chihuy"
)

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

func containsUser(list []chihuy.UserRef, u chihuy.UserRef) bool {
	for _, x := range list {
		if x == u {
			return true
		}
	}
	return false
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
