// Command signon runs Signon, the platform on which a coalition circulates
// public letters and statements for its member organizations to sign.
//
// With no subcommand it serves the web interface; "signon help" lists the
// subcommands, their flags and the environment variables it reads.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"strings"
	"syscall"

	// Coordinators' times zone must load in a container with no
	// /usr/share/zoneinfo, such as the distroless image.
	_ "time/tzdata"
)

func main() {
	if err := run(context.Background(), os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintf(os.Stderr, "signon: %v\n", err)
		os.Exit(1)
	}
}

// run is the whole program, with its surroundings passed in so tests can
// drive it: it returns when the command is done or ctx ends.
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()

	cmd, rest := "serve", args
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		cmd, rest = args[0], args[1:]
	}
	if len(args) > 0 && isHelpFlag(args[0]) {
		cmd = "help"
	}
	switch cmd {
	case "serve":
		return runServe(ctx, rest, getenv, stdout, stderr)
	case "admin":
		return runAdmin(ctx, rest, getenv, stdin, stdout, stderr)
	case "migrate":
		return runMigrate(ctx, rest, getenv, stdout, stderr)
	case "version":
		fmt.Fprintln(stdout, "signon", version())
		return nil
	case "help":
		fmt.Fprint(stdout, usage())
		return nil
	}
	return fmt.Errorf("unknown command %q; run 'signon help' for the list", cmd)
}

func isHelpFlag(arg string) bool {
	switch arg {
	case "-h", "-help", "--help":
		return true
	}
	return false
}

// parseFlags parses a subcommand's flags. Help goes to stdout and is not
// an error; a mistake comes back as one error that says where to look.
func parseFlags(fs *flag.FlagSet, args []string, help string, stdout io.Writer) (done bool, err error) {
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	err = fs.Parse(args)
	switch {
	case errors.Is(err, flag.ErrHelp):
		fmt.Fprint(stdout, help)
		return true, nil
	case err != nil:
		return true, fmt.Errorf("%s: %w (run 'signon %s --help' for usage)", fs.Name(), err, fs.Name())
	case fs.NArg() > 0:
		return true, fmt.Errorf("%s: unexpected argument %q (run 'signon %s --help' for usage)", fs.Name(), fs.Arg(0), fs.Name())
	}
	return false, nil
}

func usage() string {
	return `Signon: a coalition's member organizations sign public letters and statements.

Usage:
  signon [serve] [--addr ADDR] [--demo]
        Run the web server (the default command). Applies pending database
        migrations first.
  signon admin create --email EMAIL --name NAME [--role admin|coordinator]
        Create a coordinator account. The password comes from
        SIGNON_ADMIN_PASSWORD or is asked for on the terminal (or read as
        one line from standard input when that is not a terminal).
  signon migrate
        Apply pending database migrations and print the schema version.
  signon version
        Print the version.
  signon help
        Print this help. Every command also takes --help.

` + serveFlagsHelp + `
` + adminFlagsHelp + `
` + envHelp()
}

const serveFlagsHelp = `Flags of serve:
  --addr ADDR   Address to listen on, such as :8080 or 127.0.0.1:8080
                (default: SIGNON_ADDR, or :8080).
  --demo        Add sample statements and signatures (marked as sample
                data) if they are not there yet.
`

const adminFlagsHelp = `Flags of admin create:
  --email EMAIL   The login email (required).
  --name NAME     The person's name (required).
  --role ROLE     admin (also manages accounts) or coordinator
                  (default: admin).
`

// envHelp lists every environment variable with its default.
func envHelp() string {
	var b strings.Builder
	b.WriteString("Environment variables:\n")
	for _, v := range envVars {
		def := v.Default
		if def == "" {
			def = "none"
		}
		fmt.Fprintf(&b, "  %s (default: %s)\n", v.Name, def)
		line := "       "
		for _, word := range strings.Fields(v.Meaning) {
			if len(line)+1+len(word) > 78 {
				b.WriteString(line + "\n")
				line = "       "
			}
			line += " " + word
		}
		b.WriteString(line + "\n")
	}
	return b.String()
}

// version is the module version and VCS revision the binary was built
// from, as far as the build recorded them.
func version() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "(unknown)"
	}
	v := info.Main.Version
	if v == "" {
		v = "(devel)"
	}
	for _, s := range info.Settings {
		if s.Key == "vcs.revision" {
			v += " " + s.Value
		}
		if s.Key == "vcs.modified" && s.Value == "true" {
			v += " (modified)"
		}
	}
	return v + " " + info.GoVersion
}
