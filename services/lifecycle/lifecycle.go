// Package lifecycle provides what every portalhub process does the same way:
// a structured logger, a context cancelled on SIGINT/SIGTERM, the ops HTTP
// endpoints (/healthz, /readyz, /metrics) and the ready file through which a
// process started on port 0 reports the addresses it bound.
package lifecycle

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/rs/zerolog"
)

// Logger returns a JSON logger on stderr for a service; PORTALHUB_LOG=console
// makes it human-readable, PORTALHUB_LOG_LEVEL sets the level (default info).
func Logger(service string) zerolog.Logger {
	var w io.Writer = os.Stderr
	if os.Getenv("PORTALHUB_LOG") == "console" {
		w = zerolog.ConsoleWriter{Out: os.Stderr, TimeFormat: time.TimeOnly}
	}
	level := zerolog.InfoLevel
	if l, err := zerolog.ParseLevel(os.Getenv("PORTALHUB_LOG_LEVEL")); err == nil && l != zerolog.NoLevel {
		level = l
	}
	zerolog.TimeFieldFormat = time.RFC3339Nano
	return zerolog.New(w).Level(level).With().Timestamp().Str("service", service).Logger()
}

// SignalContext is cancelled on SIGINT or SIGTERM.
func SignalContext() (context.Context, context.CancelFunc) {
	return signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
}

// WriteReadyFile writes addrs (name -> host:port) as JSON to path,
// atomically, so a waiting parent never reads half a file. An empty path
// writes nothing.
func WriteReadyFile(path string, addrs map[string]string) error {
	if path == "" {
		return nil
	}
	b, err := json.Marshal(addrs)
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".ready-*")
	if err != nil {
		return fmt.Errorf("write ready file: %w", err)
	}
	if _, err := tmp.Write(b); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return fmt.Errorf("write ready file: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// ReadReadyFile reads a file written by WriteReadyFile.
func ReadReadyFile(path string) (map[string]string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var addrs map[string]string
	if err := json.Unmarshal(b, &addrs); err != nil {
		return nil, fmt.Errorf("ready file %s: %w", path, err)
	}
	return addrs, nil
}
