// Package config owns the bot's configuration: the CHIHUY_… environment
// variables and the optional YAML file named by CHIHUY_CONFIG (the
// contract of the specification's §13), their defaults, their validation,
// and the report "chihuy check" prints.
//
// Load reads and checks every value on its own (syntax, ranges, modes)
// and reports every defect at once, naming the variable or the YAML key.
// Validate and Check then hold the configuration against the units tree:
// chat bindings and roles must name known units, a chat binds once.
//
// # YAML keys
//
// "units:" takes a file or a built-in tree's name (gso-2025-03, the
// default, or gso-2025-07). "reorganise:" takes to (a built-in tree's
// name or a units file), mapping ("builtin", the default, or a merges file
// of the shape of dvhcvn/20250701) and effective (YYYY-MM-DD); codes in
// chats and roles stay those of the "units:" tree and are carried over.
//
// Beyond the keys of §13 (units, reorganise, root, dataset, admins,
// chats, roles, schedule, limits) the file takes:
//
//	schedule:
//	  daily_deadline: "17:00"        # daily reports due
//	  digest: "18:00"                # or a list: ["07:00", "18:00"]
//	  weekly_deadline: "thu 17:00"   # also "thứ 5 17:00", "t5 17h", "thứ Năm 17:00"
//	  weekly_compile: "fri 16:00"    # the province compiles the week
//	limits:
//	  telegram: {per_second: 30, per_chat_per_second: 1, per_group_per_minute: 20}
//	  zalo: {per_second: 10, per_chat_per_second: 1, per_group_per_minute: 20}
//	invite_ttl: 7d                   # Go durations, plus days: "7d", "1d12h"
//	report_window_days: 7            # oldest report date accepted, in days back
//	retention_days: 400              # older data is exported and dropped
//	directives: {reminder_interval: 2h, max_reminders: 3, confirm_above: 50}
//	coverage: {m1: 0.9, m2: 0.8, m3: 0.5}   # fraction (or "50%") per element;
//	                                 # replaces the default list as a whole
//	alerts: {oxy_below: 10}          # 0 turns the alert off
//
// Relative paths in the file (units, dataset) are taken from the file's
// directory.
package config

import (
	"os"
	"time"

	"github.com/rs/zerolog"

	"github.com/chihuy/chihuy"
	"github.com/chihuy/chihuy/store"
)

// Mode is how updates arrive from a platform.
type Mode string

const (
	Poll    Mode = "poll"
	Webhook Mode = "webhook"
)

// Platform is one chat platform's connection settings.
type Platform struct {
	Name   string // chihuy.Telegram or chihuy.Zalo
	Token  string // empty: the platform is off
	APIURL string // base URL, without a trailing slash
	Mode   Mode
}

// Enabled reports whether the platform has a token.
func (p Platform) Enabled() bool { return p.Token != "" }

// ChatBinding binds a chat to a unit.
type ChatBinding struct {
	Chat chihuy.ChatRef
	Unit string
	Line int // line in the YAML file, 0 when not from a file
}

// Reorganise is the "reorganise:" key: from Effective on, the tree To is
// in force, reached from the Units tree by Mapping.
type Reorganise struct {
	To        string // a built-in tree name, or a units file, resolved
	Mapping   string // MappingBuiltin, or a merges file, resolved
	Effective chihuy.Day
	Line      int
}

// MappingBuiltin names the built-in mapping of 1 July 2025.
const MappingBuiltin = "builtin"

// RoleGrant gives a user a role in a unit's subtree.
type RoleGrant struct {
	User chihuy.UserRef
	Unit string
	Role chihuy.Role
	Line int
}

// Schedule holds the default deadlines and digest times, in the
// configured time zone.
type Schedule struct {
	DailyDeadline  TimeOfDay
	Digest         []TimeOfDay // in order of the day
	WeeklyDeadline WeeklyTime
	WeeklyCompile  WeeklyTime
}

// RateLimit bounds outbound messages on one platform.
type RateLimit struct {
	PerSecond         float64 // whole bot
	PerChatPerSecond  float64 // one chat
	PerGroupPerMinute float64 // one group chat
}

// Directives holds the defaults of directive tracking.
type Directives struct {
	ReminderInterval time.Duration // between reminders to units that have not acknowledged
	MaxReminders     int
	ConfirmAbove     int // a directive to more units than this asks the lead to confirm
}

// Alerts holds thresholds of the alert rules that depend on configuration.
type Alerts struct {
	OxyBelow int // oxygen cylinders on hand below this alert the parent; 0: off
}

// Config is the whole configuration.
type Config struct {
	// File is the YAML file read (CHIHUY_CONFIG), "" when none.
	File string

	RedisURL      string // "" means the embedded in-memory store
	Telegram      Platform
	Zalo          Platform
	WebhookSecret string
	PublicURL     string // without a trailing slash
	HTTPAddr      string
	// Instance is this process's stable name (CHIHUY_INSTANCE, default
	// the host name): its leases, outbox reservations, intake consumer and
	// job claims are kept under it, so a restarted process takes them back
	// at once. Two live processes on one store need different names.
	Instance string
	TimeZone string // the CHIHUY_TZ name
	Location *time.Location
	LogLevel zerolog.Level

	// Units is the units file, resolved, or the name of a built-in tree
	// (units.TreeMarch2025, units.TreeJuly2025); "" means the default
	// built-in tree (gso-2025-03). Codes in Chats and Roles are of this
	// tree.
	Units string
	// Reorganise, when set, moves the deployment to another tree from a
	// date (SPEC §1).
	Reorganise *Reorganise
	Root       string // keep only this unit's subtree; "" keeps all
	Dataset    string // data set file, resolved; "" means the built-in COVID-19 set
	Admins     []chihuy.UserRef
	Chats      []ChatBinding
	Roles      []RoleGrant

	Schedule         Schedule
	Limits           map[string]RateLimit // by platform name
	InviteTTL        time.Duration
	ReportWindowDays int
	RetentionDays    int
	Directives       Directives
	Coverage         map[string]float64 // element code → fraction expected
	Alerts           Alerts
}

// Defaults of the environment (§13).
const (
	DefaultTelegramAPIURL = "https://api.telegram.org"
	DefaultZaloAPIURL     = "https://bot-api.zaloplatforms.com"
	DefaultHTTPAddr       = ":8080"
	DefaultTimeZone       = "Asia/Ho_Chi_Minh"
)

// Default returns the configuration used when nothing is set: no
// platform, the embedded store, the built-in tree and data set.
func Default() *Config {
	return &Config{
		Telegram:         Platform{Name: chihuy.Telegram, APIURL: DefaultTelegramAPIURL, Mode: Poll},
		Zalo:             Platform{Name: chihuy.Zalo, APIURL: DefaultZaloAPIURL, Mode: Poll},
		HTTPAddr:         DefaultHTTPAddr,
		Instance:         defaultInstance(),
		TimeZone:         DefaultTimeZone,
		Location:         DefaultLocation(),
		LogLevel:         zerolog.InfoLevel,
		Schedule:         DefaultSchedule(),
		Limits:           DefaultLimits(),
		InviteTTL:        7 * 24 * time.Hour,
		ReportWindowDays: 7,
		RetentionDays:    400,
		Directives:       Directives{ReminderInterval: 2 * time.Hour, MaxReminders: 3, ConfirmAbove: 50},
		Coverage:         DefaultCoverage(),
		Alerts:           Alerts{OxyBelow: 10},
	}
}

// DefaultLocation is the zone DefaultTimeZone names.
func DefaultLocation() *time.Location {
	loc, err := time.LoadLocation(DefaultTimeZone)
	if err != nil { // time/tzdata is linked in: cannot happen
		loc = time.FixedZone("ICT", 7*3600)
	}
	return loc
}

// DefaultSchedule: daily reports due 17:00, digest 18:00, weekly results
// due Thursday 17:00 and compiled by the province Friday 16:00.
func DefaultSchedule() Schedule {
	return Schedule{
		DailyDeadline:  TimeOfDay{Hour: 17},
		Digest:         []TimeOfDay{{Hour: 18}},
		WeeklyDeadline: WeeklyTime{Weekday: time.Thursday, TimeOfDay: TimeOfDay{Hour: 17}},
		WeeklyCompile:  WeeklyTime{Weekday: time.Friday, TimeOfDay: TimeOfDay{Hour: 16}},
	}
}

// DefaultLimits: Telegram's published limits; conservative ones for Zalo,
// which publishes none.
func DefaultLimits() map[string]RateLimit {
	return map[string]RateLimit{
		chihuy.Telegram: {PerSecond: 30, PerChatPerSecond: 1, PerGroupPerMinute: 20},
		chihuy.Zalo:     {PerSecond: 10, PerChatPerSecond: 1, PerGroupPerMinute: 20},
	}
}

// DefaultCoverage: vaccination coverage below which a locality is listed
// in digests, per dose element.
func DefaultCoverage() map[string]float64 {
	return map[string]float64{"m1": 0.9, "m2": 0.8, "m3": 0.5, "m1217": 0.8, "m511": 0.5}
}

// Platforms returns both platforms, Telegram first.
func (c *Config) Platforms() []Platform { return []Platform{c.Telegram, c.Zalo} }

// Platform returns the settings of the named platform.
func (c *Config) Platform(name string) (Platform, bool) {
	switch name {
	case chihuy.Telegram:
		return c.Telegram, true
	case chihuy.Zalo:
		return c.Zalo, true
	}
	return Platform{}, false
}

// Embedded reports whether the store is the in-memory one (no Redis URL).
func (c *Config) Embedded() bool { return c.RedisURL == "" }

// IsAdmin reports whether the user is a bootstrap admin.
func (c *Config) IsAdmin(u chihuy.UserRef) bool {
	for _, a := range c.Admins {
		if a == u {
			return true
		}
	}
	return false
}

// defaultInstance is the host name ("chihuy" when it cannot be read or is
// not a valid instance name).
func defaultInstance() string {
	h, err := os.Hostname()
	if err != nil || !validInstance(h) {
		return "chihuy"
	}
	return h
}

// validInstance checks an instance name: the store's rule for names that
// are part of its keys.
func validInstance(name string) bool { return store.CheckJobName(name) == nil }
