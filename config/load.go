package config

import (
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
	"time"
	_ "time/tzdata" // CHIHUY_TZ must work in images without a zone database

	"github.com/rs/zerolog"

	"github.com/chihuy/chihuy"
)

// Error lists every problem found in a configuration, each naming the
// variable or YAML key (with file and line) it is about.
type Error struct {
	Problems []string
}

func (e *Error) Error() string {
	return msgProblems(len(e.Problems)) + "\n  " + strings.Join(e.Problems, "\n  ")
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

// problems collects defects; err returns nil when there are none.
type problems []string

func (p *problems) add(format string, args ...any) { *p = append(*p, fmt.Sprintf(format, args...)) }

func (p problems) err() error {
	if len(p) == 0 {
		return nil
	}
	return &Error{Problems: p}
}
