package main

import (
	"bufio"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"
	"time"

	"github.com/rs/zerolog"

	"github.com/chihuy/chihuy"
	"github.com/chihuy/chihuy/app"
	"github.com/chihuy/chihuy/bot/zalo"
	"github.com/chihuy/chihuy/config"
	"github.com/chihuy/chihuy/demo"
	"github.com/chihuy/chihuy/export"
	"github.com/chihuy/chihuy/handlers"
	"github.com/chihuy/chihuy/store"
	"github.com/chihuy/chihuy/units"
)

func cmdRun(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, getenv func(string) string) error {
	fs := flags("run")
	if err := parseFlags(fs, args, stdout); err != nil {
		return err
	}
	cfg, err := loadConfig(getenv)
	if err != nil {
		return err
	}
	log := newLogger(stderr, cfg.LogLevel)
	if !cfg.Telegram.Enabled() && !cfg.Zalo.Enabled() {
		log.Warn().Msg(msgDemoInstead)
		return demo.Run(ctx, demo.RunOptions{In: stdin, Out: stdout, LogLevel: demoLogLevel(getenv, false), Getenv: getenv})
	}
	a, err := app.New(ctx, cfg, log, app.Options{})
	if err != nil {
		return err
	}
	defer a.Close()
	return a.Run(ctx)
}

func cmdDemo(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, getenv func(string) string) error {
	fs := flags("demo")
	script := fs.String("script", "", flagScript)
	dir := fs.String("dir", "", flagDir)
	verbose := fs.Bool("verbose", false, flagVerbose)
	noIntro := fs.Bool("no-intro", false, flagNoIntro)
	startS := fs.String("start", "", flagStart)
	tree := fs.String("units", units.TreeMarch2025, flagDemoUnits)
	if err := parseFlags(fs, args, stdout); err != nil {
		return err
	}
	if !units.IsBuiltinName(*tree) {
		return usageError{msgBadDemoUnits(*tree)}
	}
	var start time.Time
	if *startS != "" {
		var err error
		if start, err = time.ParseInLocation("2006-01-02 15:04", *startS, config.DefaultLocation()); err != nil {
			return usageError{msgBadStart(*startS)}
		}
	}
	in := stdin
	if *script != "" {
		f, err := os.Open(*script)
		if err != nil {
			return errors.New(msgOpenScript(*script, config.FileReason(err)))
		}
		defer f.Close()
		in = f
	}
	return demo.Run(ctx, demo.RunOptions{In: in, Out: stdout, Dir: *dir, LogLevel: demoLogLevel(getenv, *verbose),
		Getenv: getenv, NoIntro: *noIntro, Start: start, Units: *tree})
}

func cmdCheck(args []string, stdout io.Writer, getenv func(string) string) error {
	if err := parseFlags(flags("check"), args, stdout); err != nil {
		return err
	}
	cfg, err := loadConfig(getenv)
	if err != nil {
		return err
	}
	tree, err := loadTree(cfg)
	if err != nil {
		return err
	}
	if err := config.Check(cfg, tree, stdout); err != nil {
		return errReported // Check printed every problem
	}
	return nil
}

// loadTree loads the configured units tree; a file that cannot be read
// is named with the reason in Vietnamese.
func loadTree(cfg *config.Config) (*units.Tree, error) {
	tree, err := cfg.LoadUnits()
	var pe *fs.PathError
	if err != nil && errors.As(err, &pe) {
		return nil, errors.New(msgUnitsFile(pe.Path, config.FileReason(pe)))
	}
	return tree, err
}

// findUnit finds a unit by code, or by a name that names one unit only.
func findUnit(tree *units.Tree, s string) (*units.Unit, error) {
	if u, ok := tree.Get(s); ok {
		return u, nil
	}
	switch found := tree.Lookup(s); len(found) {
	case 0:
		return nil, errors.New(msgUnitNotInTree(s))
	case 1:
		return found[0], nil
	default:
		return nil, errors.New(msgUnitAmbiguous(s, len(found)))
	}
}

// openStore opens the configured store for an offline command. The
// embedded store is refused: it would hold nothing.
func openStore(ctx context.Context, cfg *config.Config) (*store.Store, error) {
	if cfg.RedisURL == "" {
		return nil, errors.New(msgNeedRedis)
	}
	st, err := store.Open(ctx, cfg.RedisURL)
	if err != nil {
		return nil, errors.New(msgRedisOpen(config.RedactURL(cfg.RedisURL), err))
	}
	return st, nil
}

func cmdInvite(ctx context.Context, args []string, stdout io.Writer, getenv func(string) string) error {
	fs := flags("invite")
	unit := fs.String("unit", "", flagUnit)
	below := fs.Bool("all-below", false, flagAllBelow)
	ttl := fs.String("ttl", "", flagTTL)
	if err := parseFlags(fs, args, stdout); err != nil {
		return err
	}
	if *unit == "" {
		return usageError{msgRequired("--unit")}
	}
	cfg, err := loadConfig(getenv)
	if err != nil {
		return err
	}
	life := cfg.InviteTTL
	if *ttl != "" {
		if life, err = config.ParseDuration(*ttl); err != nil {
			return usageError{fmt.Sprintf(msgFlagTTL, chihuy.ErrorMessage(err))}
		}
	}
	tree, err := loadTree(cfg)
	if err != nil {
		return err
	}
	u, err := findUnit(tree, *unit)
	if err != nil {
		return err
	}
	targets := []*units.Unit{u}
	if *below {
		targets = tree.Descendants(u.Code)
	}
	st, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer st.Close()
	codes := make([]string, len(targets))
	for i, t := range targets {
		codes[i] = t.Code
	}
	by := chihuy.UserRef{Platform: "cli", ID: "operator"}
	w := csv.NewWriter(stdout)
	w.Write([]string{"invite", "unit", "name", "level", "parent", "expires"})
	for start := 0; start < len(codes); start += 1000 {
		end := min(start+1000, len(codes))
		invs, err := st.CreateInvites(ctx, codes[start:end], by, life)
		if err != nil {
			return err
		}
		for i, inv := range invs {
			t := targets[start+i]
			parent := ""
			if t.Parent != nil {
				parent = t.Parent.Code
			}
			w.Write([]string{inv.Code, t.Code, t.FullName(), t.Level, parent, inv.Expires.In(cfg.Location).Format(time.RFC3339)})
		}
	}
	w.Flush()
	return w.Error()
}

func cmdExport(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) error {
	fs := flags("export")
	unit := fs.String("unit", "", flagExpUnit)
	fromS := fs.String("from", "", flagFrom)
	toS := fs.String("to", "", flagTo)
	format := fs.String("format", "csv", flagFormat)
	aggregate := fs.Bool("aggregate", false, flagAggregate)
	out := fs.String("out", "", flagOut)
	if err := parseFlags(fs, args, stdout); err != nil {
		return err
	}
	var missing []string
	for _, f := range []struct {
		name, value string
	}{{"--unit", *unit}, {"--from", *fromS}, {"--to", *toS}} {
		if f.value == "" {
			missing = append(missing, f.name)
		}
	}
	if len(missing) > 0 {
		return usageError{msgRequired(strings.Join(missing, ", "))}
	}
	if *format != "csv" && *format != "xlsx" {
		return usageError{msgBadFormat(*format)}
	}
	from, err := chihuy.ParseDay(*fromS)
	if err != nil {
		return usageError{fmt.Sprintf(msgFlagDayPrefix, "from", chihuy.ErrorMessage(err))}
	}
	to, err := chihuy.ParseDay(*toS)
	if err != nil {
		return usageError{fmt.Sprintf(msgFlagDayPrefix, "to", chihuy.ErrorMessage(err))}
	}
	cfg, err := loadConfig(getenv)
	if err != nil {
		return err
	}
	tree, err := loadTree(cfg)
	if err != nil {
		return err
	}
	ds, err := app.LoadDataSet(cfg)
	if err != nil {
		return err
	}
	st, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer st.Close()
	plan, tree, err := loadPlan(ctx, cfg, st, tree)
	if err != nil {
		return err
	}
	u, err := findUnit(tree, *unit)
	if err != nil {
		return err
	}
	t, notes, err := handlers.ExportHistory(ctx, st, tree, plan, ds, u.Code, from, to, *aggregate)
	for _, n := range notes {
		fmt.Fprintln(stderr, n)
	}
	if err != nil {
		if msg := chihuy.ErrorMessage(err); chihuy.ErrorCode(err) != chihuy.EINTERNAL {
			return fmt.Errorf("%s", msg)
		}
		return err
	}
	w := stdout
	var f *os.File
	if *out != "" {
		if f, err = os.Create(*out); err != nil {
			return errors.New(msgCreateOut(*out, config.FileReason(err)))
		}
		w = f
	}
	bw := bufio.NewWriter(w)
	if *format == "csv" {
		err = export.WriteCSV(bw, t)
	} else {
		err = export.WriteXLSX(bw, export.Book{Table: t, Levels: handlers.Levels(tree)})
	}
	if err == nil {
		err = bw.Flush()
	}
	if f != nil {
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}
	return err
}

func cmdZaloWebhook(ctx context.Context, args []string, stdout io.Writer, getenv func(string) string) error {
	fs := flags("zalo-webhook")
	del := fs.Bool("delete", false, flagDelete)
	set := fs.String("set", "", flagSet)
	if err := parseFlags(fs, args, stdout); err != nil {
		return err
	}
	cfg, err := loadConfig(getenv)
	if err != nil {
		return err
	}
	if !cfg.Zalo.Enabled() {
		return errors.New(msgNeedZaloToken)
	}
	c := zalo.New(cfg.Zalo.Token, cfg.Zalo.APIURL)
	switch {
	case *del:
		if err := c.DeleteWebhook(ctx); err != nil {
			return err
		}
		fmt.Fprintln(stdout, msgZaloDeleted)
	case *set != "":
		if err := c.SetWebhook(ctx, *set, cfg.WebhookSecret); err != nil {
			return err
		}
		fmt.Fprintf(stdout, msgZaloWebhookSet+"\n", *set)
	default:
		info, err := c.WebhookInfo(ctx)
		if err != nil {
			return err
		}
		if strings.TrimSpace(info.URL) == "" {
			fmt.Fprintln(stdout, msgZaloNoWebhook)
		} else {
			fmt.Fprintf(stdout, msgZaloWebhookInfo+"\n", info.URL, info.UpdatedAt.Format(time.RFC3339))
		}
	}
	return nil
}

// demoLogLevel is warnings only, unless CHIHUY_LOG_LEVEL or --verbose
// asks for more. The demo logs to a file in its folder: the terminal shows
// the chats.
func demoLogLevel(getenv func(string) string, verbose bool) zerolog.Level {
	level := zerolog.WarnLevel
	if verbose {
		level = zerolog.InfoLevel
	}
	if l, err := zerolog.ParseLevel(getenv("CHIHUY_LOG_LEVEL")); err == nil && getenv("CHIHUY_LOG_LEVEL") != "" {
		level = l
	}
	return level
}
