// Command chihuy is the command-center chat bot.
//
//	chihuy run            run the bot (the demo when no platform token is set)
//	chihuy check          validate the configuration and units, print what was loaded
//	chihuy invite         print one-time invite codes as CSV
//	chihuy export         export report data as CSV or XLSX
//	chihuy demo           run the local demo with simulated platforms
//	chihuy zalo-webhook   show, set or delete the Zalo webhook
//
// Configuration comes from CHIHUY_… environment variables and the YAML
// file named by CHIHUY_CONFIG; see README.md.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/mattn/go-isatty"
	"github.com/rs/zerolog"

	"github.com/chihuy/chihuy/config"
)

const usage = `chihuy — bot chỉ huy phòng, chống dịch

Usage:
  chihuy [run]                      run the bot; with no CHIHUY_TELEGRAM_TOKEN and no
                                    CHIHUY_ZALO_TOKEN it runs the demo instead
  chihuy check                      validate configuration and units; print what was loaded
  chihuy invite --unit CODE [--all-below] [--ttl 7d]
                                    print one-time invite codes (CSV)
  chihuy export --unit CODE --from YYYY-MM-DD --to YYYY-MM-DD [--format csv|xlsx]
                [--aggregate] [--out FILE]
  chihuy demo [--script FILE]       local demo: embedded store, Lai Châu, simulated chats
  chihuy zalo-webhook [--delete | --set URL]
                                    show, set or delete the Zalo webhook

Environment: CHIHUY_CONFIG, CHIHUY_REDIS_URL, CHIHUY_TELEGRAM_TOKEN, CHIHUY_TELEGRAM_API_URL,
CHIHUY_TELEGRAM_MODE, CHIHUY_ZALO_TOKEN, CHIHUY_ZALO_API_URL, CHIHUY_ZALO_MODE,
CHIHUY_WEBHOOK_SECRET, CHIHUY_PUBLIC_URL, CHIHUY_HTTP_ADDR, CHIHUY_TZ, CHIHUY_LOG_LEVEL.
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr, os.Getenv))
}

// run executes one subcommand and returns the exit code.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, getenv func(string) string) int {
	cmd := "run"
	if len(args) > 0 && args[0] != "" && args[0][0] != '-' {
		cmd, args = args[0], args[1:]
	}
	var err error
	switch cmd {
	case "run":
		err = cmdRun(ctx, args, stdin, stdout, stderr, getenv)
	case "check":
		err = cmdCheck(args, stdout, getenv)
	case "invite":
		err = cmdInvite(ctx, args, stdout, stderr, getenv)
	case "export":
		err = cmdExport(ctx, args, stdout, stderr, getenv)
	case "demo":
		err = cmdDemo(ctx, args, stdin, stdout, stderr, getenv)
	case "zalo-webhook":
		err = cmdZaloWebhook(ctx, args, stdout, stderr, getenv)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return 0
	default:
		fmt.Fprintf(stderr, "chihuy: unknown command %q\n\n%s", cmd, usage)
		return 2
	}
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 2
		}
		fmt.Fprintf(stderr, "chihuy %s: %v\n", cmd, err)
		return 1
	}
	return 0
}

// newLogger logs JSON, or human-readable lines when stderr is a terminal.
func newLogger(w io.Writer, level zerolog.Level) zerolog.Logger {
	if f, ok := w.(*os.File); ok && (isatty.IsTerminal(f.Fd()) || isatty.IsCygwinTerminal(f.Fd())) {
		w = zerolog.ConsoleWriter{Out: f, TimeFormat: "15:04:05"}
	}
	return zerolog.New(w).Level(level).With().Timestamp().Logger()
}

// loadConfig reads the configuration from the environment.
func loadConfig(getenv func(string) string) (*config.Config, error) {
	return config.Load(getenv)
}
