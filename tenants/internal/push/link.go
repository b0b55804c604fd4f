package push

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/portalhub/portalhub/services/contentrules"
	"github.com/rs/zerolog"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// Link states: what the relay last learnt of its link to the hub.
const (
	LinkUnknown        = "unknown"         // no answer yet
	LinkOK             = "ok"              // the hub answered
	LinkUnavailable    = "unavailable"     // no answer for now; rows wait
	LinkTLS            = "tls"             // the TLS handshake fails: a configuration error
	LinkCredential     = "credential"      // the hub refuses the credential
	LinkTenantInactive = "tenant_inactive" // the hub suspended or retired the tenant
	LinkTenantMismatch = "tenant_mismatch" // the credential is another tenant's
)

var linkStates = []string{LinkUnknown, LinkOK, LinkUnavailable, LinkTLS, LinkCredential, LinkTenantInactive, LinkTenantMismatch}

// Link is the state of the relay's link to the hub, with what is wrong and
// what to do about it when it is not OK.
type Link struct {
	State        string
	Problem, Fix string
	Since        time.Time
}

// NeedsOperator reports whether the link fails for a reason that lasts
// until an operator fixes the configuration (credential, tenant, TLS).
func (l Link) NeedsOperator() bool {
	switch l.State {
	case LinkTLS, LinkCredential, LinkTenantInactive, LinkTenantMismatch:
		return true
	}
	return false
}

// String is the state with the problem and the fix, for readiness.
func (l Link) String() string {
	if l.Problem == "" {
		return l.State
	}
	return fmt.Sprintf("%s: %s; %s", l.State, l.Problem, l.Fix)
}

// Endpoint names the sub-portal and the hub in the link's messages.
type Endpoint struct {
	// Tenant is SUBPORTAL_TENANT, HubAddr SUBPORTAL_HUB_ADDR.
	Tenant, HubAddr string
}

// diagnose says what an error of a call to the hub means for the link.
func (e Endpoint) diagnose(err error) Link {
	if err == nil {
		return Link{State: LinkOK}
	}
	st, _ := status.FromError(err)
	reason := refusalOf(err).Reason
	switch {
	case st.Code() == codes.Unauthenticated:
		return Link{State: LinkCredential,
			Problem: "the hub refuses this sub-portal's credential (revoked, mistyped, or issued by another hub): " + st.Message(),
			Fix: fmt.Sprintf("issue a new one (hubctl credentials issue --tenant %s --out FILE) and put it in SUBPORTAL_HUB_TOKEN_FILE; "+
				"the sub-portal rereads the file when it changes or on SIGHUP", e.Tenant)}
	case st.Code() == codes.PermissionDenied && reason == contentrules.ReasonTenantInactive:
		return Link{State: LinkTenantInactive,
			Problem: fmt.Sprintf("the hub has suspended or retired tenant %q", e.Tenant),
			Fix:     fmt.Sprintf("a hub operator reactivates it (hubctl tenants resume --id %s); rows wait meanwhile", e.Tenant)}
	case st.Code() == codes.PermissionDenied && reason == contentrules.ReasonTenantMismatch:
		// The hub's message names the credential's tenant: after a rename
		// (the credential moves with the unit) that is the unit's new id.
		return Link{State: LinkTenantMismatch,
			Problem: fmt.Sprintf("the credential in SUBPORTAL_HUB_TOKEN_FILE is not tenant %q's (SUBPORTAL_TENANT); the hub says: %s", e.Tenant, st.Message()),
			Fix: fmt.Sprintf("if the hub renamed the unit, set SUBPORTAL_TENANT to the new id the hub names and give the sub-portal "+
				"that id's NATS user (hubctl credentials issue --tenant NEW_ID --nats-keys DIR; docs/OPERATIONS.md \"Renaming a unit\"), "+
				"then restart it; otherwise put tenant %s's credential in SUBPORTAL_HUB_TOKEN_FILE (hubctl credentials issue --tenant %s)", e.Tenant, e.Tenant)}
	case isTLSFailure(err):
		return Link{State: LinkTLS,
			Problem: fmt.Sprintf("TLS with the hub at %s fails: %s", e.HubAddr, st.Message()),
			Fix: "SUBPORTAL_HUB_CA must be the CA that signed the aggregator's certificate, and that certificate must name the host of " +
				"SUBPORTAL_HUB_ADDR in its subject alternative names (docs/OPERATIONS.md, the aggregator's certificate)"}
	}
	return Link{State: LinkUnavailable,
		Problem: fmt.Sprintf("the hub at %s does not answer (%s)", e.HubAddr, st.Message()),
		Fix:     "rows stay pending and go when it answers; if it lasts, check that the aggregator runs and SUBPORTAL_HUB_ADDR"}
}

// isTLSFailure reports whether err is a failed TLS handshake (an unknown
// authority, a name the certificate lacks, an expired certificate): gRPC
// reports these as UNAVAILABLE, like a hub that is down.
func isTLSFailure(err error) bool {
	msg := status.Convert(err).Message()
	if errors.Is(err, errOwnDatabase) {
		return false
	}
	for _, s := range []string{"authentication handshake failed", "x509:", "tls:"} {
		if strings.Contains(msg, s) {
			return true
		}
	}
	return false
}

// linkTracker keeps the link's state for readiness and the metrics.
type linkTracker struct {
	mu   sync.Mutex
	link Link
}

// set records l and reports whether the state changed.
func (t *linkTracker) set(l Link) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.link.State == l.State {
		t.link.Problem, t.link.Fix = l.Problem, l.Fix
		return false
	}
	l.Since = time.Now()
	t.link = l
	return true
}

func (t *linkTracker) get() Link {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.link.State == "" {
		return Link{State: LinkUnknown}
	}
	return t.link
}

// Link returns what the relay last learnt of its link to the hub.
func (r *Relay) Link() Link { return r.link.get() }

// CheckLink is a readiness check: it fails while the link to the hub fails
// for a reason an operator must fix (credential, tenant, TLS), saying what
// and how. A hub that is merely unavailable does not fail it: the
// sub-portal keeps taking content, and the rows wait
// (subportal_outbox_oldest_pending_age_seconds says for how long).
func (r *Relay) CheckLink(context.Context) error {
	if l := r.Link(); l.NeedsOperator() {
		return errors.New(l.String())
	}
	return nil
}

// setLink records l and sets the link metric.
func (r *Relay) setLink(l Link) {
	if r.link.set(l) {
		for _, s := range linkStates {
			v := 0.0
			if s == l.State {
				v = 1
			}
			r.m.link.WithLabelValues(s).Set(v)
		}
	}
}

// noteLink records what err of a call to the hub means for the link.
func (r *Relay) noteLink(err error) Link {
	l := r.cfg.Endpoint.diagnose(err)
	r.setLink(l)
	return l
}

// logLink says what is wrong with the link and what to do: an error when
// an operator must act, a warning while the hub is unavailable.
func (r *Relay) logLink(log zerolog.Logger, l Link, delay time.Duration, attempts int) {
	ev := log.Warn()
	if l.NeedsOperator() {
		ev = log.Error()
	}
	ev.Str("link", l.State).Str("fix", l.Fix).Dur("retry_in", delay).Int("attempts", attempts).
		Msg(l.Problem + "; rows stay pending")
}
