package main

import (
	"bufio"
	"context"
	"encoding/csv"
	"flag"
	"fmt"
	"io"
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
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	fs.SetOutput(stderr)
	if err := fs.Parse(args); err != nil {
		return err
	}
	cfg, err := loadConfig(getenv)
	if err != nil {
		return err
	}
	log := newLogger(stderr, cfg.LogLevel)
	if !cfg.Telegram.Enabled() && !cfg.Zalo.Enabled() {
		log.Warn().Msg("no CHIHUY_TELEGRAM_TOKEN or CHIHUY_ZALO_TOKEN: starting the demo on simulated platforms")
		return demo.Run(ctx, demo.RunOptions{In: stdin, Out: stdout, Log: demoLogger(stderr, getenv, false), Getenv: getenv})
	}
	a, err := app.New(ctx, cfg, log, app.Options{})
	if err != nil {
		return err
	}
	defer a.Close()
	return a.Run(ctx)
}

func cmdDemo(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, getenv func(string) string) error {
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	fs.SetOutput(stderr)
	script := fs.String("script", "", "read the demo's input from this file instead of the terminal")
	verbose := fs.Bool("verbose", false, "log at info level (default: warnings only, so the chats stay readable)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	in := stdin
	if *script != "" {
		f, err := os.Open(*script)
		if err != nil {
			return err
		}
		defer f.Close()
		in = f
	}
	return demo.Run(ctx, demo.RunOptions{In: in, Out: stdout, Log: demoLogger(stderr, getenv, *verbose), Getenv: getenv})
}

func cmdCheck(args []string, stdout io.Writer, getenv func(string) string) error {
	cfg, err := loadConfig(getenv)
	if err != nil {
		return err
	}
	tree, err := cfg.LoadUnits()
	if err != nil {
		return err
	}
	return config.Check(cfg, tree, stdout)
}

// openStore opens the configured store for an offline command. The
// embedded store is refused: it would hold nothing.
func openStore(ctx context.Context, cfg *config.Config) (*store.Store, error) {
	if cfg.RedisURL == "" {
		return nil, fmt.Errorf("CHIHUY_REDIS_URL is not set: this command reads and writes the bot's Redis")
	}
	return store.Open(ctx, cfg.RedisURL)
}

func cmdInvite(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) error {
	fs := flag.NewFlagSet("invite", flag.ContinueOnError)
	fs.SetOutput(stderr)
	unit := fs.String("unit", "", "unit code (required)")
	below := fs.Bool("all-below", false, "one code for every unit below the unit instead")
	ttl := fs.String("ttl", "", "validity, e.g. 7d (default: invite_ttl of the configuration)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *unit == "" {
		return fmt.Errorf("--unit is required")
	}
	cfg, err := loadConfig(getenv)
	if err != nil {
		return err
	}
	life := cfg.InviteTTL
	if *ttl != "" {
		if life, err = config.ParseDuration(*ttl); err != nil {
			return fmt.Errorf("--ttl: %w", err)
		}
	}
	tree, err := cfg.LoadUnits()
	if err != nil {
		return err
	}
	u, ok := tree.Get(*unit)
	if !ok {
		return fmt.Errorf("unit %s is not in the tree", *unit)
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
			w.Write([]string{inv.Code, t.Code, t.Title(), t.Level, parent, inv.Expires.In(cfg.Location).Format(time.RFC3339)})
		}
	}
	w.Flush()
	return w.Error()
}

func cmdExport(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) error {
	fs := flag.NewFlagSet("export", flag.ContinueOnError)
	fs.SetOutput(stderr)
	unit := fs.String("unit", "", "unit code (required): its whole subtree is exported")
	fromS := fs.String("from", "", "first day, YYYY-MM-DD (required)")
	toS := fs.String("to", "", "last day, YYYY-MM-DD (required)")
	format := fs.String("format", "csv", "csv or xlsx")
	aggregate := fs.Bool("aggregate", false, "one row per unit with its aggregate over the period")
	out := fs.String("out", "", "output file (default: standard output)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *unit == "" || *fromS == "" || *toS == "" {
		return fmt.Errorf("--unit, --from and --to are required")
	}
	if *format != "csv" && *format != "xlsx" {
		return fmt.Errorf("--format must be csv or xlsx, not %q", *format)
	}
	from, err := chihuy.ParseDay(*fromS)
	if err != nil {
		return fmt.Errorf("--from: %s", chihuy.ErrorMessage(err))
	}
	to, err := chihuy.ParseDay(*toS)
	if err != nil {
		return fmt.Errorf("--to: %s", chihuy.ErrorMessage(err))
	}
	cfg, err := loadConfig(getenv)
	if err != nil {
		return err
	}
	tree, err := cfg.LoadUnits()
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
	t, err := handlers.ExportTable(ctx, st, tree, ds, *unit, from, to, *aggregate)
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
			return err
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

func cmdZaloWebhook(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) error {
	fs := flag.NewFlagSet("zalo-webhook", flag.ContinueOnError)
	fs.SetOutput(stderr)
	del := fs.Bool("delete", false, "delete the webhook (poll mode needs this)")
	set := fs.String("set", "", "set the webhook to this URL (with CHIHUY_WEBHOOK_SECRET)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	cfg, err := loadConfig(getenv)
	if err != nil {
		return err
	}
	if !cfg.Zalo.Enabled() {
		return fmt.Errorf("CHIHUY_ZALO_TOKEN is not set")
	}
	c := zalo.New(cfg.Zalo.Token, cfg.Zalo.APIURL)
	switch {
	case *del:
		if err := c.DeleteWebhook(ctx); err != nil {
			return err
		}
		fmt.Fprintln(stdout, "Zalo webhook deleted: the bot can poll (CHIHUY_ZALO_MODE=poll).")
	case *set != "":
		if err := c.SetWebhook(ctx, *set, cfg.WebhookSecret); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "Zalo webhook set to %s.\n", *set)
	default:
		info, err := c.WebhookInfo(ctx)
		if err != nil {
			return err
		}
		if strings.TrimSpace(info.URL) == "" {
			fmt.Fprintln(stdout, "No Zalo webhook is set.")
		} else {
			fmt.Fprintf(stdout, "Zalo webhook: %s (updated %s)\n", info.URL, info.UpdatedAt.Format(time.RFC3339))
		}
	}
	return nil
}

// demoLogger logs warnings only, unless CHIHUY_LOG_LEVEL or --verbose asks
// for more: the demo's terminal shows the chats.
func demoLogger(w io.Writer, getenv func(string) string, verbose bool) zerolog.Logger {
	level := zerolog.WarnLevel
	if verbose {
		level = zerolog.InfoLevel
	}
	if l, err := zerolog.ParseLevel(getenv("CHIHUY_LOG_LEVEL")); err == nil && getenv("CHIHUY_LOG_LEVEL") != "" {
		level = l
	}
	return newLogger(w, level)
}
