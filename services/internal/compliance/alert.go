package compliance

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/rs/zerolog"
)

// Alert is the payload (JSON) of the event on hub.compliance.<tenant> that
// says a tenant fell behind (Article 11.3): the provincial portal on a
// working day that ended without its update (Period is that day,
// yyyy-mm-dd), a sub-portal in an ISO week that ended short of its updates
// (Period is the week, yyyy-Www).
type Alert struct {
	Tenant     string     `json:"tenant"`
	Period     string     `json:"period"`
	Decree     string     `json:"decree"`
	Assessment Assessment `json:"assessment"`
}

// Watch raises an alert, once, for each tenant and period it finds behind.
// The aggregator runs it on a timer (HUB_COMPLIANCE_EVERY): lateness is a
// matter of the clock (a day or a week ends), not of a push, so no push's
// transaction could raise it.
type Watch struct {
	Rules   *Rules
	Tenants func(ctx context.Context) ([]Tenant, error)
	// Updates returns the counted update times per tenant in [from, to).
	Updates func(ctx context.Context, from, to time.Time, bulkImportDays int) (map[string][]time.Time, error)
	// Raise records the alert and writes its event, unless raised before
	// (hubstore.Store.RaiseComplianceAlert).
	Raise func(ctx context.Context, tenant, period string, payload []byte) (bool, error)
	Log   zerolog.Logger
}

// Check assesses every tenant in the week holding now and the week before
// (whose end a stopped aggregator may have missed) and raises the alerts
// due; it returns how many it raised.
func (w *Watch) Check(ctx context.Context, now time.Time) (int, error) {
	this := WeekOf(now)
	last := WeekOf(this.Start().Add(-time.Hour))
	tenants, err := w.Tenants(ctx)
	if err != nil {
		return 0, err
	}
	updates, err := w.Updates(ctx, last.Start(), this.End(), w.Rules.Counting.BulkImportAgeDays)
	if err != nil {
		return 0, err
	}
	report, err := w.Rules.Report(tenants, []Week{last, this}, updates, now)
	if err != nil {
		return 0, err
	}
	raised := 0
	for _, a := range report {
		if a.Status != StatusBehind {
			continue
		}
		periods := a.Missed
		if len(periods) == 0 {
			periods = []string{a.Week}
		}
		for _, p := range periods {
			payload, err := json.Marshal(Alert{Tenant: a.Tenant, Period: p, Decree: w.Rules.Decree, Assessment: a})
			if err != nil {
				return raised, err
			}
			ok, err := w.Raise(ctx, a.Tenant, p, payload)
			if err != nil {
				return raised, fmt.Errorf("alert %s %s: %w", a.Tenant, p, err)
			}
			if ok {
				raised++
				w.Log.Warn().Str("tenant", a.Tenant).Str("period", p).Int("required", a.Required).
					Int("counted", a.Counted).Msg("compliance: tenant behind its Article 11 updates")
			}
		}
	}
	return raised, nil
}

// DefaultEvery is the aggregator's default interval between checks.
const DefaultEvery = 10 * time.Minute

// Run checks at once and then every interval (DefaultEvery if not
// positive) until ctx ends, logging failures (the next tick tries again).
func (w *Watch) Run(ctx context.Context, every time.Duration) {
	if every <= 0 {
		every = DefaultEvery
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		if _, err := w.Check(ctx, time.Now()); err != nil && ctx.Err() == nil {
			w.Log.Error().Err(err).Msg("compliance check failed")
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
