// Command chihuy is the command-center chat bot.
//
//	chihuy run            run the bot (the demo when no platform token is set)
//	chihuy check          validate the configuration and units, print what was loaded
//	chihuy invite         print one-time invite codes as CSV
//	chihuy export         export report data as CSV or XLSX
//	chihuy demo           run the local demo with simulated platforms
//	chihuy zalo-webhook   show, set or delete the Zalo webhook
//	chihuy help [command] usage, in Vietnamese (also --help, -h)
//
// Configuration comes from CHIHUY_… environment variables and the YAML
// file named by CHIHUY_CONFIG; see README.md. Texts for the operator are
// in messages.go.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/signal"
	"slices"
	"strings"
	"syscall"

	"github.com/mattn/go-isatty"
	"github.com/rs/zerolog"

	"github.com/chihuy/chihuy"
	"github.com/chihuy/chihuy/config"
	"github.com/chihuy/chihuy/vntext"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr, os.Getenv))
}

// commands are the subcommands, for the dispatcher and for suggestions.
var commands = []string{"run", "check", "invite", "export", "reorganise", "demo", "zalo-webhook", "help"}

// Exit codes: 0 done (or help printed), 1 the command failed, 2 it was
// called wrongly (unknown command or option, missing argument).
const (
	exitOK    = 0
	exitError = 1
	exitUsage = 2
)

// usageError is a wrong call of the command line: exit code 2.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

// errReported is an error the command has already printed in full.
var errReported = errors.New("reported")

// run executes one subcommand and returns the exit code.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, getenv func(string) string) int {
	cmd := "run"
	if len(args) > 0 {
		switch a := args[0]; {
		case a == "-h" || a == "--help" || a == "-help":
			fmt.Fprint(stdout, usage)
			return exitOK
		case a != "" && a[0] != '-':
			cmd, args = a, args[1:]
		}
	}
	var err error
	switch cmd {
	case "run":
		err = cmdRun(ctx, args, stdin, stdout, stderr, getenv)
	case "check":
		err = cmdCheck(args, stdout, getenv)
	case "invite":
		err = cmdInvite(ctx, args, stdout, getenv)
	case "export":
		err = cmdExport(ctx, args, stdout, stderr, getenv)
	case "reorganise":
		err = cmdReorganise(ctx, args, stdout, getenv)
	case "demo":
		err = cmdDemo(ctx, args, stdin, stdout, stderr, getenv)
	case "zalo-webhook":
		err = cmdZaloWebhook(ctx, args, stdout, getenv)
	case "help":
		if len(args) > 0 && args[0] != "help" && slices.Contains(commands, args[0]) {
			return run(ctx, []string{args[0], "--help"}, stdin, stdout, stderr, getenv)
		}
		if len(args) > 0 {
			fmt.Fprintf(stderr, "chihuy: %s\n", msgUnknownCommand(args[0], vntext.Closest(args[0], commands)))
			return exitUsage
		}
		fmt.Fprint(stdout, usage)
		return exitOK
	default:
		fmt.Fprintf(stderr, "chihuy: %s\n", msgUnknownCommand(cmd, vntext.Closest(cmd, commands)))
		return exitUsage
	}
	var ue usageError
	switch {
	case err == nil:
		return exitOK
	case errors.Is(err, flag.ErrHelp):
		return exitOK
	case errors.Is(err, errReported):
		fmt.Fprintf(stderr, "chihuy %s: %s\n", cmd, msgCheckFailed)
		return exitError
	case errors.As(err, &ue):
		fmt.Fprintf(stderr, "chihuy %s: %s\n%s\n", cmd, ue.msg, msgSeeHelp(cmd))
		return exitUsage
	}
	fmt.Fprintf(stderr, "chihuy %s: %s\n", cmd, describe(err))
	return exitError
}

// describe says what went wrong in Vietnamese: the user message of an
// application error, the reason a file could not be read, or the error.
func describe(err error) string {
	var ce *config.Error
	var pe *fs.PathError
	switch {
	case errors.As(err, &ce):
		return ce.Error()
	case chihuy.ErrorCode(err) != chihuy.EINTERNAL:
		return chihuy.ErrorMessage(err)
	case errors.As(err, &pe):
		return msgFile(pe.Path, config.FileReason(pe))
	}
	return err.Error()
}

// flags returns the option set of a subcommand; its --help prints the
// subcommand's help to stdout.
func flags(name string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	return fs
}

// parseFlags parses a subcommand's options. --help prints its help and
// returns flag.ErrHelp; a wrong option is a usageError in Vietnamese.
func parseFlags(fs *flag.FlagSet, args []string, stdout io.Writer) error {
	err := fs.Parse(args)
	switch {
	case errors.Is(err, flag.ErrHelp):
		printHelp(stdout, fs)
		return err
	case err != nil:
		return usageError{translateFlagError(err)}
	case fs.NArg() > 0:
		return usageError{msgExtraArgs(fs.Args())}
	}
	return nil
}

// printHelp prints a subcommand's help: how to call it, then its options.
func printHelp(w io.Writer, fs *flag.FlagSet) {
	fmt.Fprintln(w, commandHelp[fs.Name()])
	fmt.Fprintf(w, "\n%s\n", hdrOptions)
	fs.VisitAll(func(f *flag.Flag) {
		text := f.Usage
		head := "--" + f.Name
		name := flagValues[fs.Name()+"."+f.Name]
		if name == "" {
			name = flagValues[f.Name]
		}
		if name != "" && !isBool(f) {
			head += " " + name
		}
		if f.DefValue != "" && f.DefValue != "false" && !strings.Contains(text, txtDefault) {
			text += " (" + txtDefault + ": " + f.DefValue + ")"
		}
		fmt.Fprintf(w, "  %-22s %s\n", head, text)
	})
	fmt.Fprintf(w, "  %-22s %s\n", "-h, --help", txtHelpOpt)
}

func isBool(f *flag.Flag) bool {
	b, ok := f.Value.(interface{ IsBoolFlag() bool })
	return ok && b.IsBoolFlag()
}

// translateFlagError puts the flag package's messages in Vietnamese.
func translateFlagError(err error) string {
	msg := err.Error()
	if rest, ok := strings.CutPrefix(msg, "flag provided but not defined: "); ok {
		return fmt.Sprintf(msgFlagUndefined, rest)
	}
	if rest, ok := strings.CutPrefix(msg, "flag needs an argument: "); ok {
		return fmt.Sprintf(msgFlagNeedsValue, rest)
	}
	if rest, ok := strings.CutPrefix(msg, "bad flag syntax: "); ok {
		return fmt.Sprintf(msgFlagBadSyntax, rest)
	}
	if strings.HasPrefix(msg, "invalid ") {
		// invalid value "x" for flag -name: …; invalid boolean value "x" for -name: …
		if i := strings.Index(msg, " for "); i > 0 {
			value := msg[strings.Index(msg, "value ")+len("value ") : i]
			name, _, _ := strings.Cut(strings.TrimPrefix(msg[i+len(" for "):], "flag "), ":")
			return fmt.Sprintf(msgFlagBadValue, value, name)
		}
	}
	return msg
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
