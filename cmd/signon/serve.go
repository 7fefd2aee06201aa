package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/signon-coalition/signon/internal/demo"
	"github.com/signon-coalition/signon/internal/jobs"
	"github.com/signon-coalition/signon/internal/mail"
	"github.com/signon-coalition/signon/internal/server"
	"github.com/signon-coalition/signon/internal/store"
	"github.com/signon-coalition/signon/migrations"
)

func runServe(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	flags := flag.NewFlagSet("serve", flag.ContinueOnError)
	addrFlag := flags.String("addr", "", "")
	seed := flags.Bool("demo", false, "")
	help := "Usage: signon serve [--addr ADDR] [--demo]\n\n" + serveFlagsHelp + "\n" + envHelp()
	if done, err := parseFlags(flags, args, help, stdout); done {
		return err
	}
	cfg, err := loadConfig(getenv)
	if err != nil {
		return err
	}
	addr := cfg.Addr
	if *addrFlag != "" {
		addr = *addrFlag
	}
	log := cfg.logger(stderr)

	db, err := openDatabase(ctx, cfg.DatabaseURL)
	if err != nil {
		return err
	}
	defer db.Close()
	log.Info("database ready", "dialect", db.Dialect())
	// Before seeding: the sample response is published, and its record
	// names the statement's public address.
	db.SetPublicURL(cfg.BaseURL)

	if *seed {
		if err := demo.Seed(ctx, db, time.Now()); err != nil {
			return fmt.Errorf("sample data: %w", err)
		}
		log.Info("sample data ready", "letter", demo.LetterSlug, "response", demo.ResponseSlug)
	}

	// The first admin is created through a link only the person who
	// started the server sees, so a fresh instance on the internet cannot
	// be claimed by whoever finds it first.
	accounts, err := db.CountAccounts(ctx)
	if err != nil {
		return err
	}
	setupToken := ""
	if accounts == 0 {
		setupToken = server.NewToken()
	}

	m, err := startMetrics(ctx, cfg, db, log, stdout) // metrics.go
	if err != nil {
		return err
	}
	srv, err := server.New(server.Config{
		BaseURL:        cfg.BaseURL,
		Coalition:      cfg.Coalition,
		Logo:           cfg.Logo,
		SignLimit:      cfg.SignLimit,
		TrustedProxies: cfg.TrustedProxies,
		SetupToken:     setupToken,
		Location:       cfg.Location,
		Logger:         log,
		Metrics:        m,
		MetricsToken:   cfg.MetricsToken,
		Webhooks:       cfg.Webhooks,
	}, db)
	if err != nil {
		return err
	}

	// The background jobs (email delivery, deadlines, clean-up) start with
	// the server and stop after it, letting deliveries in progress end.
	sender, err := mail.New(cfg.SMTPURL, cfg.MailFrom, log)
	if err != nil {
		return err
	}
	// Closed after the jobs have stopped (defers run last first).
	defer sender.Close()
	if cfg.Webhooks.AllowInternal {
		log.Warn("webhook endpoints may be on internal addresses (SIGNON_WEBHOOKS_ALLOW_PRIVATE=1): coordinators can make Signon post to this machine's network")
	}
	if cfg.SMTPURL == "" {
		log.Warn("no SMTP server configured (SIGNON_SMTP_URL): emails are kept on the outbox page, not sent; the log names each one")
	}
	runner, err := jobs.Start(context.WithoutCancel(ctx), db, jobs.Config{Sender: sender, Logger: log, Metrics: m, Webhooks: cfg.Webhooks})
	if err != nil {
		return err
	}
	defer func() {
		stopCtx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := runner.Stop(stopCtx); err != nil {
			log.Error("stopping jobs", "error", err)
		}
	}()

	// The public counts' deltas are folded about once a second (see
	// store.FoldSignatureCounts); every instance runs a folder, and on
	// PostgreSQL they take turns.
	foldCtx, stopFolding := context.WithCancel(context.WithoutCancel(ctx))
	folded := make(chan struct{})
	go func() {
		defer close(folded)
		db.FoldSignatureCountsEvery(foldCtx, time.Second, log)
	}()
	defer func() {
		stopFolding()
		<-folded
	}()

	err = srv.ListenAndServe(ctx, addr, func(a net.Addr) {
		local := server.LocalURL(a.String())
		public := cfg.BaseURL
		if public == "" {
			public = local
		}
		fmt.Fprintf(stdout, "Signon listening on %s\n", local)
		if *seed {
			fmt.Fprintf(stdout, "Sample letter:   %s/s/%s\n", public, demo.LetterSlug)
			fmt.Fprintf(stdout, "Sample response: %s/s/%s\n", public, demo.ResponseSlug)
		}
		if setupToken != "" {
			fmt.Fprintf(stdout, "\n"+
				"  No coordinator account yet. Create the first admin at:\n"+
				"  %s/setup/%s\n"+
				"  (The link is new at every start and stops working once an account exists.)\n\n",
				public, setupToken)
		}
		log.Info("listening", "addr", a.String(), "base_url", cfg.BaseURL, "timezone", cfg.Location.String())
	})
	if err != nil {
		return err
	}
	log.Info("shut down")
	return nil
}

// openDatabase opens the database at url and applies pending migrations.
// On PostgreSQL the migration holds a lock, so several instances may start
// at once.
func openDatabase(ctx context.Context, url string) (*store.DB, error) {
	db, err := store.Open(ctx, url)
	if err != nil {
		return nil, err
	}
	if err := db.Migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

func runMigrate(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	flags := flag.NewFlagSet("migrate", flag.ContinueOnError)
	help := "Usage: signon migrate\n\nApplies pending migrations to the database at SIGNON_DATABASE_URL\n" +
		"and prints the schema version. Safe to run again: nothing is applied twice.\n\n" + envHelp()
	if done, err := parseFlags(flags, args, help, stdout); done {
		return err
	}
	cfg, err := loadConfig(getenv)
	if err != nil {
		return err
	}
	db, err := openDatabase(ctx, cfg.DatabaseURL)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := db.SchemaCurrent(ctx); err != nil {
		return err
	}
	v, err := latestMigration(db.Dialect())
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "The %s database schema is at version %d, the latest.\n", db.Dialect(), v)
	return nil
}

// latestMigration is the highest version among the dialect's migration
// files, named like 00001_init.sql. Once SchemaCurrent holds, it is the
// database's version too.
func latestMigration(dialect string) (int64, error) {
	entries, err := fs.ReadDir(migrations.FS, dialect)
	if err != nil {
		return 0, fmt.Errorf("migrations: %w", err)
	}
	var latest int64
	for _, e := range entries {
		prefix, _, ok := strings.Cut(e.Name(), "_")
		if !ok || !strings.HasSuffix(e.Name(), ".sql") {
			continue
		}
		if v, err := strconv.ParseInt(prefix, 10, 64); err == nil && v > latest {
			latest = v
		}
	}
	return latest, nil
}
