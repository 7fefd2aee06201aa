package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"maps"
	"os"
	"slices"
	"strings"

	"golang.org/x/term"

	"github.com/signon-coalition/signon/internal/server"
	"github.com/signon-coalition/signon/internal/signon"
)

const adminHelp = "Usage: signon admin create --email EMAIL --name NAME [--role admin|coordinator]\n\n" +
	"Creates a coordinator account. The password is read from SIGNON_ADMIN_PASSWORD\n" +
	"when set, otherwise asked for on the terminal without echo; when standard input\n" +
	"is not a terminal, its first line is the password. It is never a flag, so it\n" +
	"stays out of shell history and process lists.\n\n" + adminFlagsHelp

func runAdmin(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return errors.New("admin: missing subcommand; run 'signon admin create --help'")
	}
	if isHelpFlag(args[0]) {
		fmt.Fprint(stdout, adminHelp)
		return nil
	}
	if args[0] != "create" {
		return fmt.Errorf("admin: unknown subcommand %q; the only one is 'create'", args[0])
	}
	flags := flag.NewFlagSet("admin create", flag.ContinueOnError)
	email := flags.String("email", "", "")
	name := flags.String("name", "", "")
	role := flags.String("role", string(signon.RoleAdmin), "")
	if done, err := parseFlags(flags, args[1:], adminHelp, stdout); done {
		return err
	}
	cfg, err := loadConfig(getenv)
	if err != nil {
		return err
	}

	password, fromEnv := getenv("SIGNON_ADMIN_PASSWORD"), true
	if password == "" {
		fromEnv = false
		if password, err = readPassword(stdin, stderr); err != nil {
			return err
		}
	}
	acct, err := signon.NewAccount(signon.AccountInput{Email: *email, Name: *name, Password: password, Role: signon.Role(*role)})
	if err != nil {
		return accountError(err, fromEnv)
	}

	db, err := openDatabase(ctx, cfg.DatabaseURL)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := db.CreateAccount(ctx, acct); err != nil {
		return accountError(err, fromEnv)
	}
	fmt.Fprintf(stdout, "Created %s account %d for %s <%s>.\n", acct.Role, acct.ID, acct.Name, acct.Email)
	login := cfg.BaseURL
	if login == "" {
		login = server.LocalURL(cfg.Addr)
	}
	fmt.Fprintf(stdout, "Log in at %s/login\n", login)
	return nil
}

// readPassword asks for the password twice on a terminal, without echo.
// Anything else on standard input (a pipe in a script or a test) gives
// the password as its first line.
func readPassword(stdin io.Reader, prompts io.Writer) (string, error) {
	if f, ok := stdin.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		fmt.Fprint(prompts, "Password for the new account: ")
		first, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(prompts)
		if err != nil {
			return "", fmt.Errorf("reading the password: %w", err)
		}
		fmt.Fprint(prompts, "Repeat the password: ")
		again, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(prompts)
		if err != nil {
			return "", fmt.Errorf("reading the password: %w", err)
		}
		if string(first) != string(again) {
			return "", errors.New("the two passwords do not match")
		}
		return string(first), nil
	}
	line, err := bufio.NewReader(stdin).ReadString('\n')
	if err != nil && !(errors.Is(err, io.EOF) && line != "") {
		if errors.Is(err, io.EOF) {
			return "", errors.New("no password given: set SIGNON_ADMIN_PASSWORD, type it at a terminal, or pipe it on standard input")
		}
		return "", fmt.Errorf("reading the password: %w", err)
	}
	return strings.TrimRight(line, "\r\n"), nil
}

// accountError spells out in plain English what is wrong with each field,
// naming the flag (or variable) to change.
func accountError(err error, passwordFromEnv bool) error {
	fields := signon.ErrorFields(err)
	if signon.ErrorCode(err) == signon.EINTERNAL {
		return err
	}
	var b strings.Builder
	b.WriteString("cannot create the account")
	if len(fields) == 0 {
		b.WriteString(": " + signon.ErrorMessage(err))
	} else if msg := signon.ErrorMessage(err); signon.ErrorCode(err) != signon.EINVALID {
		b.WriteString(": " + msg)
	}
	for _, field := range slices.Sorted(maps.Keys(fields)) {
		label := "--" + field
		if field == "password" {
			label = "password"
			if passwordFromEnv {
				label = "password (SIGNON_ADMIN_PASSWORD)"
			}
		}
		fmt.Fprintf(&b, "\n  %s: %s", label, fields[field].Message())
	}
	return errors.New(b.String())
}
