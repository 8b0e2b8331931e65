package config

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/chihuy/chihuy"
	"github.com/chihuy/chihuy/units"
)

// LoadUnits loads the tree the configuration names (the units file, or
// the built-in national tree) and keeps only the subtree of Root when set.
func (c *Config) LoadUnits() (*units.Tree, error) {
	var (
		tree *units.Tree
		err  error
	)
	if tree, err = LoadTree(c.Units); err != nil {
		return nil, err
	}
	if c.Root == "" {
		return tree, nil
	}
	sub, err := tree.Subtree(c.Root)
	if err != nil {
		return nil, &Error{Problems: []string{c.where(0, "root") + msgRootNotFound(c.Root)}}
	}
	return sub, nil
}

// LoadTree loads a tree named as "units:" names it: "" for the default
// built-in tree, a built-in tree's name, or a units file.
func LoadTree(ref string) (*units.Tree, error) {
	switch {
	case ref == "":
		return units.Builtin()
	case units.IsBuiltinName(ref):
		return units.BuiltinNamed(ref)
	}
	return units.LoadFile(ref)
}

// where prefixes a problem with the file, line and key it is about.
func (c *Config) where(line int, key string) string {
	switch {
	case c.File != "" && line > 0:
		return fmt.Sprintf("%s:%d: %s: ", c.File, line, key)
	case c.File != "":
		return fmt.Sprintf("%s: %s: ", c.File, key)
	}
	return key + ": "
}

// personRef checks a reference to a person (an admin, a role holder): well
// formed, and not a platform's pseudo-sender (an anonymous group admin, a
// linked channel, a chat id), which stands for every admin of a group and
// can hold no role (SPEC §2).
func personRef(u chihuy.UserRef) string {
	if msg := platformRef(u.Platform, u.ID); msg != "" {
		return msg
	}
	if chihuy.IsPseudoUser(u) {
		return msgPseudoUser(u.String())
	}
	return ""
}

// Validate holds the configuration against the units tree: chat bindings
// and roles name known units, a chat is bound once, a user has one role
// per unit, references are well formed, the data set file is readable.
// It returns an *Error naming every problem.
func Validate(c *Config, tree *units.Tree) error {
	var p problems
	if tree == nil {
		p.add("units: %s", msgNoTree)
	}
	known := func(code string) bool {
		if tree == nil {
			return true // reported once above
		}
		_, ok := tree.Get(code)
		return ok
	}
	for _, a := range c.Admins {
		if msg := personRef(a); msg != "" {
			p.add("%s%s", c.where(0, "admins"), msg)
		}
	}
	bound := map[chihuy.ChatRef]int{}
	for _, b := range c.Chats {
		if msg := platformRef(b.Chat.Platform, b.Chat.ID); msg != "" {
			p.add("%s%s", c.where(b.Line, "chats"), msg)
		}
		if !known(b.Unit) {
			p.add("%s%s", c.where(b.Line, "chats"), msgUnknownUnit(b.Unit))
		}
		if first, twice := bound[b.Chat]; twice {
			p.add("%s%s", c.where(b.Line, "chats"), msgChatTwice(b.Chat.String(), first))
			continue
		}
		bound[b.Chat] = b.Line
	}
	type userUnit struct {
		user chihuy.UserRef
		unit string
	}
	granted := map[userUnit]int{}
	for _, g := range c.Roles {
		if msg := personRef(g.User); msg != "" {
			p.add("%s%s", c.where(g.Line, "roles"), msg)
		}
		if g.Role < chihuy.RoleMember || g.Role > chihuy.RoleAdmin {
			name := g.Role.String()
			if name == "" {
				name = "none"
			}
			p.add("%s%s", c.where(g.Line, "roles"), msgBadRole(name))
		}
		if !known(g.Unit) {
			p.add("%s%s", c.where(g.Line, "roles"), msgUnknownUnit(g.Unit))
		}
		k := userUnit{g.User, g.Unit}
		if first, twice := granted[k]; twice {
			p.add("%s%s", c.where(g.Line, "roles"), msgRoleTwice(g.User.String(), g.Unit, first))
			continue
		}
		granted[k] = g.Line
	}
	if tree != nil && c.Root != "" && tree.Root().Code != c.Root {
		p.add("%s%s", c.where(0, "root"), msgRootNotFound(c.Root))
	}
	if re := c.Reorganise; re != nil {
		if _, err := LoadTree(re.To); err != nil {
			p.add("%s%s", c.where(re.Line, "reorganise.to"), err.Error())
		}
		if re.Mapping != MappingBuiltin {
			if _, err := units.LoadMapping(re.Mapping); err != nil {
				msg := err.Error()
				if pe := (*fs.PathError)(nil); errors.As(err, &pe) {
					msg = msgMappingFile(re.Mapping, FileReason(pe))
				}
				p.add("%s%s", c.where(re.Line, "reorganise.mapping"), msg)
			}
		}
	}
	if c.Dataset != "" {
		if fi, err := os.Stat(c.Dataset); err != nil || fi.IsDir() {
			if err == nil {
				err = errors.New(msgIsDir)
			}
			p.add("%s%s", c.where(0, "dataset"), msgDatasetFile(c.Dataset, err))
		}
	}
	return p.err()
}

// Check validates the configuration against the tree (see Validate) and
// prints what was loaded to w: for "chihuy check". It returns Validate's
// error, after printing every problem.
func Check(c *Config, tree *units.Tree, w io.Writer) error {
	err := Validate(c, tree)
	r := report{w: w}
	r.line(hdrTitle)
	if c.File != "" {
		r.line("%s: %s", hdrFile, c.File)
	} else {
		r.line("%s: %s", hdrFile, txtNoFile)
	}
	r.units(c, tree)
	if c.Dataset != "" {
		r.line("%s: %s", hdrDataset, c.Dataset)
	} else {
		r.line("%s: %s", hdrDataset, txtBuiltinDataset)
	}
	r.people(c, tree)
	r.platforms(c)
	r.settings(c)

	var warnings []string
	if !c.Telegram.Enabled() && !c.Zalo.Enabled() {
		warnings = append(warnings, warnNoPlatform)
	}
	if c.Embedded() {
		warnings = append(warnings, warnEmbedded)
	}
	if c.Zalo.Enabled() && c.PublicURL == "" {
		warnings = append(warnings, warnZaloPictures)
	}
	if len(warnings) > 0 {
		r.line("%s:", hdrWarnings)
		for _, wn := range warnings {
			r.line("  - %s", wn)
		}
	}
	var cerr *Error
	if errors.As(err, &cerr) {
		r.line("%s", msgProblems(len(cerr.Problems)))
		for _, pr := range cerr.Problems {
			r.line("  - %s", pr)
		}
	} else if err == nil {
		r.line("%s", txtValid)
	}
	return err
}

// report prints the lines of Check.
type report struct{ w io.Writer }

func (r report) line(format string, args ...any) { fmt.Fprintf(r.w, format+"\n", args...) }

func (r report) units(c *Config, tree *units.Tree) {
	src := c.Units
	if src == "" || units.IsBuiltinName(src) {
		src = txtBuiltinUnits
	}
	if tree == nil {
		r.line("%s: %s (%s)", hdrUnits, src, msgNoTree)
		return
	}
	desc := tree.Source()
	if d := tree.DataDate(); d != "" {
		desc += ", " + txtDataDate + " " + d
	}
	if c.Units == "" || units.IsBuiltinName(c.Units) {
		if c.Units != "" {
			src += " " + c.Units
		}
		r.line("%s: %s — %s", hdrUnits, src, desc)
	} else {
		r.line("%s: %s", hdrUnits, desc)
	}
	root := tree.Root()
	r.line("%s: %s (%s)", hdrRoot, root.FullName(), root.Code)
	var parts []string
	for _, d := range tree.CountByDepth() {
		parts = append(parts, d.String())
	}
	r.line("%s: %d — %s", hdrCounts, tree.Len(), strings.Join(parts, ", "))
	if re := c.Reorganise; re != nil {
		to := re.To
		if t, err := LoadTree(re.To); err == nil {
			var parts []string
			for _, d := range t.CountByDepth() {
				parts = append(parts, d.String())
			}
			to += " (" + strings.Join(parts, ", ") + ")"
		}
		r.line("%s: %s", hdrReorganise, txtReorganise(to, re.Mapping, re.Effective.Short()))
	}
}

// unitName is "tỉnh Lai Châu (12)", or the bare code when unknown.
func unitName(tree *units.Tree, code string) string {
	if tree != nil {
		if u, ok := tree.Get(code); ok {
			return u.String()
		}
	}
	return strconv.Quote(code) + " " + txtUnknown
}

func (r report) people(c *Config, tree *units.Tree) {
	admins := make([]string, len(c.Admins))
	for i, a := range c.Admins {
		admins[i] = a.String()
	}
	if len(admins) == 0 {
		r.line("%s: %s", hdrAdmins, txtNone)
	} else {
		r.line("%s (%d): %s", hdrAdmins, len(admins), strings.Join(admins, ", "))
	}
	r.line("%s (%d)%s", hdrChats, len(c.Chats), colonIf(len(c.Chats)))
	for _, b := range c.Chats {
		r.line("  %s → %s", b.Chat, unitName(tree, b.Unit))
	}
	r.line("%s (%d)%s", hdrRoles, len(c.Roles), colonIf(len(c.Roles)))
	for _, g := range c.Roles {
		r.line("  %s — %s — %s", g.User, g.Role.Label(), unitName(tree, g.Unit))
	}
}

func colonIf(n int) string {
	if n > 0 {
		return ":"
	}
	return ""
}

func (r report) platforms(c *Config) {
	r.line("%s:", hdrPlatforms)
	for _, p := range c.Platforms() {
		if !p.Enabled() {
			r.line("  %s: %s", p.Name, txtOff(strings.ToUpper(p.Name)))
			continue
		}
		r.line("  %s: %s, %s, API %s", p.Name, txtOn, p.Mode, p.APIURL)
	}
	secret := txtUnset
	if c.WebhookSecret != "" {
		secret = txtSet
	}
	public := c.PublicURL
	if public == "" {
		public = txtUnset
	}
	r.line("%s: %s; %s: %s", hdrWebhookSecret, secret, hdrPublicURL, public)
	if c.Embedded() {
		r.line("%s: %s", hdrStore, txtEmbedded)
	} else {
		r.line("%s: %s", hdrStore, RedactURL(c.RedisURL))
	}
	r.line("%s: %s", hdrHTTP, c.HTTPAddr)
	r.line("%s: %s; %s: %s", hdrTZ, c.TimeZone, hdrLogLevel, c.LogLevel)
}

func (r report) settings(c *Config) {
	s := c.Schedule
	digests := make([]string, len(s.Digest))
	for i, t := range s.Digest {
		digests[i] = t.String()
	}
	r.line("%s: %s", hdrSchedule, txtSchedule(s.DailyDeadline.String(), strings.Join(digests, ", "),
		s.WeeklyDeadline.String(), s.WeeklyCompile.String()))
	r.line("%s:", hdrLimits)
	names := make([]string, 0, len(c.Limits))
	for name := range c.Limits {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		l := c.Limits[name]
		r.line("  %s: %s", name, txtLimit(num(l.PerSecond), num(l.PerChatPerSecond), num(l.PerGroupPerMinute)))
	}
	r.line("%s", txtRetention(duration(c.InviteTTL), c.ReportWindowDays, c.RetentionDays))
	d := c.Directives
	r.line("%s: %s", hdrDirectives, txtDirectives(duration(d.ReminderInterval), d.MaxReminders, d.ConfirmAbove))
	codes := make([]string, 0, len(c.Coverage))
	for code := range c.Coverage {
		codes = append(codes, code)
	}
	slices.Sort(codes)
	cov := make([]string, len(codes))
	for i, code := range codes {
		cov[i] = code + " " + num(math.Round(c.Coverage[code]*10000)/100) + "%"
	}
	if len(cov) == 0 {
		cov = []string{txtNone}
	}
	r.line("%s: %s", hdrCoverage, strings.Join(cov, ", "))
	if c.Alerts.OxyBelow > 0 {
		r.line("%s: %s", hdrAlerts, txtOxy(c.Alerts.OxyBelow))
	} else {
		r.line("%s: %s", hdrAlerts, txtOxyOff)
	}
}

func num(x float64) string { return strconv.FormatFloat(x, 'f', -1, 64) }

// duration is "7 ngày", "2h", "1h30m".
func duration(d time.Duration) string {
	if d > 0 && d%(24*time.Hour) == 0 {
		return fmt.Sprintf("%d %s", d/(24*time.Hour), txtDays)
	}
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = s[:len(s)-2]
	}
	if strings.HasSuffix(s, "h0m") {
		s = s[:len(s)-2]
	}
	return s
}
