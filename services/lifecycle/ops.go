package lifecycle

import (
	"context"
	"encoding/json"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/rs/zerolog"
)

// Check reports whether one dependency is usable; nil means ready.
type Check func(ctx context.Context) error

// Ops serves a process's operational endpoints: /healthz (the process is
// alive), /readyz (every registered check passes, with the states of
// AddState) and /metrics (Prometheus).
type Ops struct {
	Registry *prometheus.Registry
	// Profiling adds the pprof endpoints to Mux (PORTALHUB_PPROF).
	Profiling bool

	mu     sync.Mutex
	checks map[string]Check
	states map[string]func() string
}

// NewOps returns ops endpoints with a registry holding the Go and process
// collectors.
func NewOps() *Ops {
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return &Ops{Registry: reg, checks: map[string]Check{}, states: map[string]func() string{}}
}

// AddState shows what state returns under name in every /readyz answer,
// ready or not: a dependency whose trouble does not make the process
// unready but that an operator should see (a sub-portal's link to the hub).
func (o *Ops) AddState(name string, state func() string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.states[name] = state
}

// stateNow returns the states of AddState by name.
func (o *Ops) stateNow() map[string]string {
	o.mu.Lock()
	defer o.mu.Unlock()
	out := make(map[string]string, len(o.states))
	for name, f := range o.states {
		out[name] = f()
	}
	return out
}

// AddCheck registers a readiness check under a name.
func (o *Ops) AddCheck(name string, c Check) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.checks[name] = c
}

// Ready runs every check and returns the failures by name.
func (o *Ops) Ready(ctx context.Context) map[string]string {
	o.mu.Lock()
	checks := make(map[string]Check, len(o.checks))
	for k, v := range o.checks {
		checks[k] = v
	}
	o.mu.Unlock()
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	failed := map[string]string{}
	for name, c := range checks {
		if err := c(ctx); err != nil {
			failed[name] = err.Error()
		}
	}
	return failed
}

// HealthzHandler answers 200 while the process runs.
func (o *Ops) HealthzHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"status":"ok"}` + "\n"))
	})
}

// ReadyzHandler answers 200 when every check passes, else 503 with the
// failing checks; either way with the states of AddState, if any.
func (o *Ops) ReadyzHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		failed := o.Ready(r.Context())
		body := map[string]any{"status": "ready"}
		if states := o.stateNow(); len(states) > 0 {
			body["states"] = states
		}
		w.Header().Set("Content-Type", "application/json")
		if len(failed) > 0 {
			w.WriteHeader(http.StatusServiceUnavailable)
			body["status"], body["failed"] = "unavailable", failed
		}
		json.NewEncoder(w).Encode(body)
	})
}

// MetricsHandler serves the registry in the Prometheus text format.
func (o *Ops) MetricsHandler() http.Handler {
	return promhttp.HandlerFor(o.Registry, promhttp.HandlerOpts{Registry: o.Registry})
}

// Mux returns a mux with the three endpoints, and pprof's with Profiling.
func (o *Ops) Mux() *http.ServeMux {
	mux := http.NewServeMux()
	mux.Handle("/healthz", o.HealthzHandler())
	mux.Handle("/readyz", o.ReadyzHandler())
	mux.Handle("/metrics", o.MetricsHandler())
	if o.Profiling {
		AddProfiling(mux)
	}
	return mux
}

// Serve listens on addr (port 0 picks one) and serves h with timeouts t
// (NewHTTPServer) until ctx ends, then shuts down gracefully. It returns the
// bound address once listening; errors after that are logged.
func Serve(ctx context.Context, log zerolog.Logger, name, addr string, h http.Handler, t HTTPTimeouts) (string, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return "", err
	}
	srv := NewHTTPServer(h, t)
	go func() {
		if err := srv.Serve(ln); err != nil && err != http.ErrServerClosed {
			log.Error().Err(err).Str("server", name).Msg("http server stopped")
		}
	}()
	go func() {
		<-ctx.Done()
		sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		srv.Shutdown(sctx)
	}()
	bound := ln.Addr().String()
	log.Info().Str("server", name).Str("addr", bound).Msg("listening")
	return bound, nil
}
