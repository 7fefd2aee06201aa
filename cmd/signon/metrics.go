package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/signon-coalition/signon/internal/metrics"
	"github.com/signon-coalition/signon/internal/server"
	"github.com/signon-coalition/signon/internal/store"
)

// startMetrics makes the process's metrics when they are to be served:
// on a listener of their own at SIGNON_METRICS_ADDR, on the main address
// behind SIGNON_METRICS_TOKEN, or both. With neither it returns nil and
// nothing is counted. The listener serves until ctx ends.
func startMetrics(ctx context.Context, cfg config, db *store.DB, log *slog.Logger, stdout io.Writer) (*metrics.Metrics, error) {
	if cfg.MetricsAddr == "" && cfg.MetricsToken == "" {
		return nil, nil
	}
	m := metrics.New()
	for name, pool := range db.Pools() {
		if err := m.ObservePool(name, pool); err != nil {
			return nil, fmt.Errorf("metrics: %w", err)
		}
	}
	if cfg.MetricsAddr == "" {
		return m, nil
	}
	ln, err := net.Listen("tcp", cfg.MetricsAddr)
	if err != nil {
		return nil, fmt.Errorf("metrics: %w", err)
	}
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", m.Handler(cfg.MetricsToken))
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second, WriteTimeout: 30 * time.Second}
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Error("metrics listener", slog.Any("error", err))
		}
	}()
	go func() {
		<-ctx.Done()
		srv.Close() // a scrape in progress loses nothing worth waiting for
	}()
	fmt.Fprintf(stdout, "Metrics on %s/metrics\n", server.LocalURL(ln.Addr().String()))
	log.Info("metrics listening", "addr", ln.Addr().String())
	return m, nil
}
