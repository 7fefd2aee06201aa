package main

import (
	"context"
	"database/sql"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/signon-coalition/signon/internal/testenv"
)

// pgCluster is a PostgreSQL server of the test's own, in a temporary
// folder on a free port, which the test may stop and restart without
// disturbing the server other packages' tests share.
type pgCluster struct {
	bin  string // the folder of initdb, pg_ctl, postgres
	dir  string
	data string
	port int
	// asPostgres runs the binaries as the postgres user, which PostgreSQL
	// requires when the test runs as root.
	asPostgres bool
}

// startPostgres initializes and starts a private cluster, stopped and
// removed at cleanup. Without Debian's PostgreSQL binaries
// (/usr/lib/postgresql/*/bin) the test is skipped, or fails under
// SIGNON_TEST_REQUIRE=postgres.
func startPostgres(t *testing.T) *pgCluster {
	t.Helper()
	bins, _ := filepath.Glob("/usr/lib/postgresql/*/bin/pg_ctl")
	if len(bins) == 0 {
		testenv.Unavailable(t, testenv.Postgres, "no PostgreSQL server binaries in /usr/lib/postgresql/*/bin (Debian's postgresql package)")
	}
	slices.SortFunc(bins, func(a, b string) int { return majorVersion(b) - majorVersion(a) }) // newest first
	c := &pgCluster{bin: filepath.Dir(bins[0]), asPostgres: os.Geteuid() == 0}

	// Not t.TempDir: its parents are private to root, and the server runs
	// as postgres.
	dir, err := os.MkdirTemp("", "signon-pg-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	c.dir, c.data = dir, filepath.Join(dir, "data")
	if c.asPostgres {
		u, err := user.Lookup("postgres")
		if err != nil {
			testenv.Unavailable(t, testenv.Postgres, "running as root and no postgres user to run the server as")
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		if err := os.Chown(dir, uid, gid); err != nil {
			t.Fatal(err)
		}
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	c.port = ln.Addr().(*net.TCPAddr).Port
	ln.Close()

	// Trust on a loopback port of a throwaway cluster; no sync to disk
	// at initdb, which only costs time: the test kills processes, not
	// the machine.
	c.run(t, "initdb", "-D", c.data, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-locale", "--no-sync")
	c.pgctl(t, "start")
	t.Cleanup(func() {
		// Immediate: the data is thrown away anyway.
		cmd := c.command("pg_ctl", "-D", c.data, "-m", "immediate", "-w", "stop")
		cmd.Run()
	})

	admin, err := sql.Open("pgx", c.url("postgres"))
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := admin.ExecContext(ctx, "CREATE DATABASE signon"); err != nil {
		t.Fatalf("create database: %v\n%s", err, c.log())
	}
	return c
}

func majorVersion(path string) int {
	// /usr/lib/postgresql/17/bin/pg_ctl
	v, _ := strconv.Atoi(filepath.Base(filepath.Dir(filepath.Dir(path))))
	return v
}

// URL is the address of the test's database.
func (c *pgCluster) URL() string { return c.url("signon") }

func (c *pgCluster) url(db string) string {
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/%s?sslmode=disable", c.port, db)
}

func (c *pgCluster) command(name string, args ...string) *exec.Cmd {
	path := filepath.Join(c.bin, name)
	if c.asPostgres {
		return exec.Command("runuser", append([]string{"-u", "postgres", "--", path}, args...)...)
	}
	return exec.Command(path, args...)
}

func (c *pgCluster) run(t *testing.T, name string, args ...string) {
	t.Helper()
	cmd := c.command(name, args...)
	cmd.Dir = c.dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%s %s: %v\n%s\n%s", name, strings.Join(args, " "), err, out, c.log())
	}
}

// pgctl runs "pg_ctl ACTION" on the cluster, waiting for it to finish:
// start, stop or restart, stopping in "fast" mode, as an operator or a
// package upgrade does, which ends every session with 57P01.
func (c *pgCluster) pgctl(t *testing.T, action string) {
	t.Helper()
	opts := fmt.Sprintf("-p %d -k %s -c listen_addresses=127.0.0.1 -c max_connections=100", c.port, c.dir)
	c.run(t, "pg_ctl", "-D", c.data, "-l", filepath.Join(c.dir, "server.log"), "-o", opts, "-m", "fast", "-w", "-t", "60", action)
}

// log is the server's log, for failure messages.
func (c *pgCluster) log() string {
	b, _ := os.ReadFile(filepath.Join(c.dir, "server.log"))
	return string(b)
}
